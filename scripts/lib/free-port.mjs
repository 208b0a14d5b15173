// A free loopback port for a server a harness is about to start. Ports are drawn from below
// the kernel's ephemeral range: a port the kernel handed out (listen on 0) or any port in
// that range can be taken by an outgoing connection between the check and the server's own
// bind, which is how the browser tests' stack once failed with "Address already in use".
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const LOWEST = 10_000;

/** The first port of the kernel's ephemeral range (Linux; 32768 where it cannot be read). */
function ephemeralStart() {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 2_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether a server could listen on `port` at `host` right now. */
export function portIsFree(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A free port on `host`; with `alsoFree` (offsets such as [1000]) the ports at those offsets
 * are free too (a server and its inspector). Random, so concurrent harnesses rarely collide.
 */
export async function freePort(host = "127.0.0.1", { alsoFree = [] } = {}) {
  const highest = ephemeralStart() - 1 - Math.max(0, ...alsoFree);
  for (let tries = 0; tries < 100; tries++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST));
    if (!(await portIsFree(port, host))) continue;
    let others = true;
    for (const offset of alsoFree) if (!(await portIsFree(port + offset, host))) others = false;
    if (others) return port;
  }
  throw new Error(`no free port on ${host} below ${highest}`);
}
