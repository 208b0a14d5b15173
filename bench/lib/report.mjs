// The printed table and the targets of issue 6, as ratios within one run.
const fmt = (value, digits = 0) => (value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));

export function targetsOf({ hot, spread, ceiling, flush, endToEnd, pos }) {
  const targets = [];
  const add = (name, value, goal, met) => targets.push({ name, value, goal, met });
  add("hot SKU ≥ 1.0× Redis+Lua", hot.product.rps / hot.redis.rps, "≥ 1.0×", hot.product.rps >= hot.redis.rps);
  if (hot.postgres) add("hot SKU ≥ 5× PostgreSQL", hot.product.rps / hot.postgres.rps, "≥ 5×", hot.product.rps >= 5 * hot.postgres.rps);
  else add("hot SKU ≥ 5× PostgreSQL", null, "≥ 5× (baseline skipped)", null);
  add("hot SKU p99 ≤ 15 ms at 32 connections", hot.product.p99, "≤ 15 ms", hot.product.p99 <= 15);
  add("1,000 cells ≥ 0.5× trivial Worker", spread.rps / ceiling.rps, "≥ 0.5×", spread.rps >= 0.5 * ceiling.rps);
  add("reporting flush ≥ 20,000 events/s (outbox → Postgres rows)", flush.eventsPerSecond, "≥ 20,000/s", flush.complete && flush.eventsPerSecond >= 20_000);
  // Not the target's definition (it includes applying the POS batches), shown beside it.
  add("changes made → Postgres rows end to end, events/s (for reference)", endToEnd.eventsPerSecond, "–", null);
  add("1,000-event POS batch ≤ 200 ms (p50)", pos.p50, "≤ 200 ms", pos.p50 <= 200);
  return targets;
}

export function printTable(result) {
  const lines = [];
  const { machine } = result;
  /** "n × key" for each entry of a count map. */
  const counted = (counts = {}) => Object.entries(counts).map(([key, n]) => `${n} × ${key}`).join(", ");
  /** A row's load errors: how many, of which kind, and when in the run. */
  const loadErrors = (row) => {
    const when = row.errorSeconds ? ` at ${row.errorSeconds.map((at) => at.toFixed(1)).join("–")} s of the run` : "";
    return `${row.errors} errors (${counted(row.errorKinds) || "kind not reported"}${when})`;
  };
  lines.push(`\n${result.mode} run, ${result.loadGenerator.connections} connections, ${result.loadGenerator.durationSeconds} s per target, ${result.loadGenerator.timeoutSeconds ?? 10} s timeout (autocannon); node ${machine.node}, ${machine.cpus} cores`);
  lines.push(`load average ${machine.loadavgAtStart.map((n) => n.toFixed(1)).join(" ")} at start, ${machine.loadavgAtEnd.map((n) => n.toFixed(1)).join(" ")} at end; 4 KB write+fdatasync p50/p99 ${fmt(machine.fsyncMsAtStart.p50, 2)}/${fmt(machine.fsyncMsAtStart.p99, 2)} ms at start, ${fmt(machine.fsyncMsAtEnd.p50, 2)}/${fmt(machine.fsyncMsAtEnd.p99, 2)} ms at end`);
  lines.push("");
  lines.push("| scenario | target | rate | p50 ms | p99 ms | answers |");
  lines.push("| --- | --- | ---: | ---: | ---: | --- |");
  for (const row of result.rows) {
    if (row.skipped) {
      lines.push(`| ${row.scenario} | ${row.target} | ${row.skipped} | | | |`);
      continue;
    }
    const dropped = row.unanswered ? `, ${row.unanswered} sent and never answered (connections the server closed)` : "";
    const answers = row.ok ?? counted(row.statuses) + (row.errors ? `, ${loadErrors(row)}` : "") + dropped;
    // Counted until workerd is idle again: the outbox work each request left behind is included.
    const cpu = row.cpuMsPerRequest === undefined ? undefined : `workerd CPU ${fmt(row.cpuMsPerRequest, row.cpuMsPerRequest < 10 ? 2 : 0)} ms per ${row.unit === "batches/s" ? "batch" : "request"}`;
    const note = [row.note, cpu].filter(Boolean).join("; ");
    lines.push(`| ${row.scenario} | ${row.target} | ${fmt(row.rps)} ${row.unit ?? "req/s"} | ${fmt(row.p50, 1)} | ${fmt(row.p99, 1)} | ${answers}${note ? ` (${note})` : ""} |`);
  }
  lines.push("");
  lines.push("| target | measured | goal | met |");
  lines.push("| --- | ---: | --- | --- |");
  for (const target of result.targets) {
    const value = target.value === null ? "–" : target.name.includes("ms") ? `${fmt(target.value, 1)} ms` : target.name.includes("events/s") ? `${fmt(target.value)}/s` : `${fmt(target.value, 2)}×`;
    lines.push(`| ${target.name} | ${value} | ${target.goal} | ${target.met === null ? "n/a" : target.met ? "yes" : "**no**"} |`);
  }
  lines.push("");
  lines.push("checks of the bench's own results:");
  for (const check of result.checks) lines.push(`  ${check.passed ? "PASS" : "FAIL"}  ${check.name}: ${check.detail}`);
  for (const note of result.notes) lines.push(`  note: ${note}`);
  console.log(lines.join("\n"));
}
