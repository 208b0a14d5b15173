// A webhook receiver on loopback for the Worker tests (started by vitest.workers.config.ts).
// POST /hooks/<name>      records the request (headers, body) and answers 200, or 500 while
//                         <name> still has planned failures
// POST /__plan/<name>     {"fail": n, "slow": m, "delayMs": ms}: the next n deliveries to <name>
//                         fail; the next m are answered only after ms (a slow or hung receiver)
// GET  /__log/<name>      every request <name> received, in order
import { createServer } from "node:http";

export async function startReceiver() {
  const logs = new Map();
  const failures = new Map();
  const slow = new Map();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const [, kind, name] = /^\/([^/]+)\/([^/?]+)/.exec(request.url ?? "") ?? [];
      if (kind === "__plan" && request.method === "POST") {
        const plan = JSON.parse(body);
        failures.set(name, plan.fail ?? 0);
        slow.set(name, { count: plan.slow ?? 0, delayMs: plan.delayMs ?? 0 });
        response.writeHead(200).end("{}");
      } else if (kind === "__log" && request.method === "GET") {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(logs.get(name) ?? []));
      } else if (kind === "hooks" && request.method === "POST") {
        const failing = (failures.get(name) ?? 0) > 0;
        if (failing) failures.set(name, failures.get(name) - 1);
        const entry = { headers: request.headers, body, answered: failing ? 500 : 200 };
        logs.set(name, [...(logs.get(name) ?? []), entry]);
        const delay = slow.get(name);
        const answer = () => response.writeHead(failing ? 500 : 200).end(failing ? "planned failure" : "ok");
        if (delay && delay.count > 0) {
          delay.count -= 1;
          setTimeout(answer, delay.delayMs).unref();
        } else answer();
      } else response.writeHead(404).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}
