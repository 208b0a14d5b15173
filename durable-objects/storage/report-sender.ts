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

/** Events packed into one queue message (well under the 128 KB message limit). */
const EVENTS_PER_MESSAGE = 100;
/** Messages per `sendBatch` (under its 100-message and 256 KB limits at about 0.5 KB an event). */
const MESSAGES_PER_SEND = 5;

/**
 * Sends events (each one's JSON text, as the cell's outbox stores it) to the reporting
 * queue, packed many to a message; rejects if any send failed (the caller sends them all
 * again: the consumer ignores repeats).
 *
 * The changes stay text from the cell's outbox to the consumer, which parses each message
 * once; as objects they were parsed in the cell, copied to the hub and encoded again for
 * the queue. `v8` (structured clone, the Queues default) rather than `json`: the local
 * queue broker parses and re-encodes a JSON body per message; one string is cheap to clone.
 */
export async function sendReports(queue: Queue<CellEventsMessage>, events: readonly string[]): Promise<void> {
  const messages: MessageSendRequest<CellEventsMessage>[] = [];
  for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE) {
    messages.push({ body: { kind: "cell-events", eventsJson: `[${events.slice(i, i + EVENTS_PER_MESSAGE).join(",")}]` }, contentType: "v8" });
  }
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < messages.length; i += MESSAGES_PER_SEND) sends.push(queue.sendBatch(messages.slice(i, i + MESSAGES_PER_SEND)));
  await Promise.all(sends);
}
