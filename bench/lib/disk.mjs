// How long a durable write takes on the disk under the bench's storage right now: every
// Durable Object commit waits for one, so on a shared machine this explains most of the run.
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { percentile } from "./api.mjs";

export function fsyncLatency(dir, samples = 200) {
  const file = join(dir, "fsync-probe");
  const fd = openSync(file, "w");
  const page = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      writeSync(fd, page, 0, page.length, (i % 16) * 4096);
      fdatasyncSync(fd);
      times.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return { samples, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) };
}
