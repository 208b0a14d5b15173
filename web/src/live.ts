// A store's cells, kept current over its WebSocket feed (GET /v1/stores/{id}/live): the
// snapshot from /stock, then every change after its cursor. A change carries the SKU's
// version and on-hand/reserved/sold-out after it; the per-channel buckets are read from the
// cell right after. Reconnects resume from the last cursor, so nothing is missed; a socket
// that answers no ping in time counts as dropped (live-timings.ts).
import { useEffect, useRef, useState } from "preact/hooks";
import { LIVE_TOKEN_EXPIRED_CLOSE } from "../../schema/live";
import { ApiError, api, type Cell, type FeedChange } from "./api";
import { liveTimings } from "./live-timings";

export type LiveStatus = "connecting" | "live" | "reconnecting";

export interface LiveStock {
  status: "loading" | "ok" | "error";
  error?: unknown;
  cells: Map<string, Cell>;
  live: LiveStatus;
  /** SKUs changed over the feed in the last moments (the rows flash). */
  recent: Set<string>;
  lastChangeAt: string | null;
  /** Put a cell this page changed itself (the API's answer). */
  put: (cell: Cell) => void;
  reload: () => void;
}

/** The store hub answers this ping itself, without waking (durable-objects/store-hub.ts). */
const PING = '{"type":"ping"}';
const FLASH_MS = 2_000;

export function useLiveStock(storeId: string): LiveStock {
  const [cells, setCells] = useState<Map<string, Cell>>(new Map());
  const [status, setStatus] = useState<LiveStock["status"]>("loading");
  const [error, setError] = useState<unknown>(undefined);
  const [live, setLive] = useState<LiveStatus>("connecting");
  const [recent, setRecent] = useState<Set<string>>(new Set());
  const [lastChangeAt, setLastChangeAt] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const current = useRef(new Map<string, Cell>());

  const put = (cell: Cell) => {
    const held = current.current.get(cell.sku);
    if (held && held.version > cell.version) return;
    current.current = new Map(current.current).set(cell.sku, cell);
    setCells(current.current);
  };

  useEffect(() => {
    let closed = false;
    let socket: WebSocket | null = null;
    let cursor = 0;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    let pongTimer: ReturnType<typeof setTimeout> | undefined;
    const timings = liveTimings();
    const flashTimers = new Set<ReturnType<typeof setTimeout>>();

    const flash = (sku: string) => {
      setRecent((previous) => new Set(previous).add(sku));
      const timer = setTimeout(() => {
        flashTimers.delete(timer);
        setRecent((previous) => {
          const next = new Set(previous);
          next.delete(sku);
          return next;
        });
      }, FLASH_MS);
      flashTimers.add(timer);
    };

    const refreshCell = (sku: string) => {
      api.getCell(storeId, sku).then(
        (cell) => !closed && put(cell),
        () => undefined, // the feed's numbers stay; the next change or reload brings the buckets
      );
    };

    const apply = (change: FeedChange) => {
      cursor = Math.max(cursor, change.cursor);
      const held = current.current.get(change.sku);
      if (held && change.version <= held.version) return;
      if (held) put({ ...held, onHand: change.onHand, reserved: change.reserved, soldOut: change.soldOut, version: change.version, updatedAt: change.at });
      setLastChangeAt(change.at);
      flash(change.sku);
      refreshCell(change.sku);
    };

    const loadSnapshot = async () => {
      const stock = await api.storeStock(storeId);
      cursor = stock.cursor;
      current.current = new Map(stock.items.map((cell) => [cell.sku, cell]));
      setCells(current.current);
    };

    const reconnect = () => {
      setLive("reconnecting");
      attempt++;
      retryTimer = setTimeout(connect, Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)));
    };

    // No answer to a ping (nor any change) in time: the connection is half-open. Drop it
    // without waiting for a close handshake that will never come, and connect again.
    const abandon = (dead: WebSocket) => {
      dead.onopen = dead.onmessage = dead.onclose = null;
      dead.close();
      if (socket === dead) socket = null;
      reconnect();
    };

    const ping = () => {
      const open = socket;
      if (open?.readyState !== WebSocket.OPEN) return;
      open.send(PING);
      if (pongTimer === undefined) pongTimer = setTimeout(() => ((pongTimer = undefined), abandon(open)), timings.pongTimeoutMs);
    };

    const connect = () => {
      if (closed) return;
      clearTimeout(pongTimer);
      pongTimer = undefined;
      setLive(attempt === 0 ? "connecting" : "reconnecting");
      socket = new WebSocket(api.liveUrl(storeId, cursor));
      socket.onopen = () => {
        attempt = 0;
        setLive("live");
      };
      socket.onmessage = (event) => {
        // Anything from the server (a pong or a change) shows the connection is alive.
        clearTimeout(pongTimer);
        pongTimer = undefined;
        if (typeof event.data !== "string" || event.data === "pong") return;
        let message: { type?: string; change?: FeedChange };
        try {
          message = JSON.parse(event.data) as typeof message;
        } catch {
          return;
        }
        if (message.type === "change" && message.change) apply(message.change);
        // The feed no longer holds our cursor: start again from a fresh snapshot.
        if (message.type === "reset") void loadSnapshot().then(() => socket?.close(), () => socket?.close());
      };
      socket.onclose = (event) => {
        clearTimeout(pongTimer);
        pongTimer = undefined;
        if (closed) return;
        // The token that opened it expired: a reconnect would be refused, so say so instead.
        if (event.code === LIVE_TOKEN_EXPIRED_CLOSE) {
          setError(new ApiError(401, "unauthorized", event.reason || "the token has expired", undefined, undefined, "GET", `/v1/stores/${storeId}/live`));
          setStatus("error");
          return;
        }
        reconnect();
      };
    };

    setStatus("loading");
    loadSnapshot().then(
      () => {
        if (closed) return;
        setStatus("ok");
        connect();
        pingTimer = setInterval(ping, timings.pingMs);
      },
      (failure: unknown) => {
        if (closed) return;
        setError(failure);
        setStatus("error");
      },
    );
    return () => {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      clearTimeout(pongTimer);
      for (const timer of flashTimers) clearTimeout(timer);
      socket?.close();
    };
  }, [storeId, generation]);

  return { status, error, cells, live, recent, lastChangeAt, put, reload: () => setGeneration((value) => value + 1) };
}
