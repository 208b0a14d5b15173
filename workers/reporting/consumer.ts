import { nextAttemptAt, withRetries } from "../../durable-objects/core";
import type { StoreRecord } from "../../durable-objects/directory";
import type { CellEvent } from "../../durable-objects/storage/cell-tables";
import { eventsOf } from "../../durable-objects/storage/report-sender";
import { deadLetters } from "../../schema/db/tables";
import { storable } from "../../schema/text";
import type { Env } from "../env";
import { withReportingDb, type ReportingDb } from "./db";
import { DEAD_LETTER_QUEUE, type InventoryMessage } from "./messages";
import { writeBatch } from "./write-batch";

/** Backoff for a batch that failed: 2, 4, 8 … seconds, at most 5 minutes, by the project's one rule (with its jitter). */
export function retryDelaySeconds(attempts: number, random = Math.random()): number {
  return Math.round(nextAttemptAt(0, attempts, random, 2_000, 300_000) / 1000);
}

/**
 * The reporting side of the outbox: each batch is written with one statement per table,
 * idempotently, so redelivery changes nothing. A failure retries the whole batch with
 * backoff; after the queue's max_retries the messages go to the dead-letter queue,
 * whose consumer keeps them in `dead_letters` for the reports.
 */
export async function consumeBatch(batch: MessageBatch<InventoryMessage>, env: Env, _ctx?: ExecutionContext): Promise<void> {
  const attempts = Math.max(...batch.messages.map((message) => message.attempts));
  try {
    // A connection dropped on the way (a restarted proxy or pooler) is tried again at once on
    // a fresh one before the whole batch waits for the queue's backoff; the writes are idempotent.
    await withRetries(() => withReportingDb(env, (db) => writeMessages(db, batch.queue, batch.messages)), { attempts: 2, baseDelayMs: 100 });
    batch.ackAll();
  } catch (error) {
    warnFailed(batch.queue, batch.messages.length, attempts, error);
    if (batch.messages.length > 1 && refusedByData(error)) return oneByOne(batch, env);
    batch.retryAll({ delaySeconds: retryDelaySeconds(attempts) });
  }
}

/**
 * Whether the batch failed on what a message holds: Postgres answered and refused it (an
 * error with a SQLSTATE outside the connection and resource classes), or a message could not
 * be read. Then the other messages may well go in alone. A connection that failed or timed
 * out would fail each of them alike, so the batch waits for its retry whole.
 */
function refusedByData(error: unknown): boolean {
  if (error instanceof SyntaxError) return true;
  const cause = (error as { cause?: unknown })?.cause ?? error;
  if (typeof cause !== "object" || cause === null || !("severity" in cause)) return false;
  const code = (cause as { code?: unknown }).code;
  return typeof code === "string" && !/^(08|53|57|58)/.test(code);
}

function warnFailed(queue: string, messages: number, attempts: number, error: unknown): void {
  console.warn(JSON.stringify({ msg: "queue batch failed", queue, messages, attempts, error: String(error), cause: String((error as { cause?: unknown }).cause ?? "") }));
}

/**
 * After a batch failed on its data: each message alone, acked or retried by itself, so that
 * one message Postgres refuses does not take the others to the dead letters with it. The
 * writes are idempotent and never move a level back, so the order does not matter. If the
 * database goes away meanwhile, the messages not yet settled wait for the retry.
 */
async function oneByOne(batch: MessageBatch<InventoryMessage>, env: Env): Promise<void> {
  const settled = new Set<Message<InventoryMessage>>();
  try {
    await withReportingDb(env, async (db) => {
      for (const message of batch.messages) {
        try {
          await writeMessages(db, batch.queue, [message]);
          message.ack();
        } catch (error) {
          warnFailed(batch.queue, 1, message.attempts, error);
          message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        }
        settled.add(message);
      }
    });
  } catch {
    for (const message of batch.messages) if (!settled.has(message)) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

/** A dead letter as the reports show it: a cell-events message with its changes as objects, not JSON text (kept as it came if that text is broken). */
function readable(body: InventoryMessage): InventoryMessage {
  if (body.kind !== "cell-events") return body;
  try {
    return { kind: "cell-events", events: eventsOf(body) };
  } catch {
    return body;
  }
}

async function writeMessages(db: ReportingDb, queue: string, messages: readonly Message<InventoryMessage>[]): Promise<void> {
  if (queue === DEAD_LETTER_QUEUE) {
    await db
      .insert(deadLetters)
      // Whatever a dead letter holds, it is kept: text Postgres cannot store becomes U+FFFD.
      .values(messages.map((message) => ({ id: message.id, queue, body: storable(readable(message.body)), attempts: message.attempts })))
      .onConflictDoNothing();
    return;
  }
  const events: CellEvent[] = [];
  const stores: StoreRecord[] = [];
  for (const message of messages) {
    if (message.body.kind === "cell-events") events.push(...eventsOf(message.body));
    else if (message.body.kind === "stores") stores.push(...message.body.stores);
  }
  await writeBatch(db, events, stores);
}
