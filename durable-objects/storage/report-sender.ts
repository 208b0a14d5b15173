import type { CellEvent } from "./cell-tables";

/**
 * What cells' changes travel as on the "inventory-events" queue (sent by their store's hub):
 * `eventsJson`, a JSON array of the changes as the cells' outboxes store them. Messages sent
 * before that (`events`, the changes as objects) may still be queued or retried, and are
 * read the same.
 */
export type CellEventsMessage = { kind: "cell-events"; eventsJson: string } | { kind: "cell-events"; events: CellEvent[] };

/** The changes a message carries, whichever of its two shapes it has. */
export function eventsOf(message: CellEventsMessage): CellEvent[] {
  return "eventsJson" in message ? (JSON.parse(message.eventsJson) as CellEvent[]) : message.events;
}

/**
 * Queue limits (Cloudflare Queues, enforced by the local broker too): a message at most
 * 128 KB, a `sendBatch` at most 100 messages and 256 KB. A change is ~0.5 KB with short ids
 * and ~1 KB with the longest ids the API takes, so messages and sends are packed by size,
 * with room left for each message's envelope.
 */
const MESSAGE_BYTES = 100_000;
const SEND_BYTES = 240_000;
/** Messages in one `sendBatch` at most (a queue limit; the cron's maintenance sends keep to it too). */
export const SEND_MESSAGES = 100;
/** Changes in one message at most, so that a full consumer batch (100 messages) stays at 10,000 rows. */
const EVENTS_PER_MESSAGE = 100;

/**
 * An upper bound of the bytes a string takes in a message: its length when it is ASCII
 * (the changes nearly always are: ids and names are ASCII by the API's rules), else three
 * bytes a character (UTF-8's most for one UTF-16 unit, and more than V8's two).
 */
export function byteBound(text: string): number {
  return /^[\x00-\x7f]*$/.test(text) ? text.length : text.length * 3;
}

/**
 * Splits items, in order, into groups of at most `maxCount` items and `maxBytes` (by
 * `bytes`); an item larger than `maxBytes` alone makes a group.
 */
export function packBySize<T>(items: readonly T[], bytes: (item: T) => number, maxBytes: number, maxCount: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let size = 0;
  for (const item of items) {
    const itemBytes = bytes(item);
    if (group.length > 0 && (group.length === maxCount || size + itemBytes > maxBytes)) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(item);
    size += itemBytes;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Sends events (each one's JSON text, as the cell's outbox stores it) to the reporting
 * queue, packed many to a message and many messages to a send, by size (see the limits
 * above); rejects if any send failed (the caller sends them all again: the consumer
 * ignores repeats).
 *
 * The changes stay text from the cell's outbox to the consumer, which parses each message
 * once; as objects they were parsed in the cell, copied to the hub and encoded again for
 * the queue. `v8` (structured clone, the Queues default) rather than `json`: the local
 * queue broker parses and re-encodes a JSON body per message; one string is cheap to clone.
 */
export async function sendReports(queue: Queue<CellEventsMessage>, events: readonly string[]): Promise<void> {
  // +1 a change for the comma (or bracket) that joins it to the next.
  const sized = events.map((line) => ({ line, bytes: byteBound(line) + 1 }));
  const messages = packBySize(sized, (event) => event.bytes, MESSAGE_BYTES, EVENTS_PER_MESSAGE).map((group) => ({
    eventsJson: `[${group.map((event) => event.line).join(",")}]`,
    bytes: group.reduce((sum, event) => sum + event.bytes, 1),
  }));
  const sends = packBySize(messages, (message) => message.bytes, SEND_BYTES, SEND_MESSAGES).map((group) =>
    queue.sendBatch(group.map(({ eventsJson }): MessageSendRequest<CellEventsMessage> => ({ body: { kind: "cell-events", eventsJson }, contentType: "v8" }))),
  );
  await Promise.all(sends);
}
