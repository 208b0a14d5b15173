// A WebSocket-to-TCP proxy for the Neon serverless driver, so a Worker (in workerd) can
// reach a plain Postgres (PGlite's socket server, or any server) the way it reaches Neon.
// It also takes faults over HTTP, for tests and demos of the database being down or slow:
//   POST /__faults {"down": true} | {"delayMs": 200} | {"failEvery": 10} | {} (healthy)
import { createServer } from "node:http";
import { connect } from "node:net";
import { WebSocketServer } from "ws";

const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

export async function startWsProxy({ host = "127.0.0.1", port = 0, target } = {}) {
  let faults = {};
  let connections = 0;
  const sockets = new Set();

  const http = createServer((request, response) => {
    if (request.method === "POST" && request.url === "/__faults") {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        try {
          faults = body ? JSON.parse(body) : {};
        } catch {
          response.writeHead(400).end("bad json");
          return;
        }
        if (faults.down) for (const socket of sockets) socket.destroy();
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(faults));
      });
      return;
    }
    response.writeHead(404).end();
  });

  const wss = new WebSocketServer({ server: http });
  wss.on("connection", (ws, request) => {
    connections += 1;
    if (faults.down || (faults.failEvery && connections % faults.failEvery === 0)) {
      ws.close(1011, "database unavailable (injected fault)");
      return;
    }
    // The driver asks for ?address=host:port; a fixed target wins (PGlite's socket server).
    const address = new URL(request.url, "http://proxy").searchParams.get("address") ?? "";
    const [addrHost, addrPort] = target ? [target.host, target.port] : [address.split(":")[0], Number(address.split(":")[1])];
    const tcp = connect(addrPort, addrHost);
    sockets.add(tcp);
    const pending = [];
    let open = false;
    tcp.on("connect", () => {
      open = true;
      for (const chunk of pending.splice(0)) tcp.write(chunk);
    });
    const forward = (data) => {
      const delay = faults.delayMs ?? 0;
      const send = () => (ws.readyState === ws.OPEN ? ws.send(data) : undefined);
      if (delay > 0) setTimeout(send, delay);
      else send();
    };
    tcp.on("data", forward);
    tcp.on("close", () => {
      sockets.delete(tcp);
      ws.close();
    });
    tcp.on("error", () => ws.close(1011, "database connection failed"));
    ws.on("message", (data) => {
      if (open) tcp.write(data);
      else pending.push(data);
      // The driver sends Terminate ('X', length 4) but may leave the socket open; a server
      // that keeps a slot per connection (PGlite's) needs the TCP side closed.
      const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (bytes.length >= 5 && bytes.subarray(bytes.length - 5).equals(TERMINATE)) {
        if (open) tcp.end();
        else tcp.once("connect", () => tcp.end());
      }
    });
    ws.on("close", () => tcp.destroy());
    ws.on("error", () => tcp.destroy());
  });

  await new Promise((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, resolve);
  });
  const address = http.address();
  return {
    url: `${host}:${address.port}`,
    port: address.port,
    async stop() {
      for (const socket of sockets) socket.destroy();
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(() => http.close(() => resolve())));
    },
  };
}
