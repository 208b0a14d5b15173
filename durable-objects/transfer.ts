import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";
import {
  decideTransferStep,
  receiptLines,
  sameTransfer,
  shortageOfRefusal,
  transferOpId,
  transferStatus,
  type CellCommand,
  type DomainError,
  type ReceiptItem,
  type ReceivedLine,
  type Shortage,
  type TransferRecord,
  type TransferRequest,
  type TransferStatus,
} from "./core";
import type { CellReply } from "./stock-cell";
import { cellStub } from "./stubs";
import { nowIso } from "./clock";
import { migrate } from "./storage/migrate";

const RECOVERY_DELAY_MS = 10_000;

export interface TransferView {
  transferId: string;
  status: TransferStatus;
  from: { storeId: string };
  to: { storeId: string };
  items: Array<{ sku: string; qty: number }>;
  receipt?: ReceivedLine[];
  createdAt: string;
  shippedAt?: string;
  receivedAt?: string;
  cancelledAt?: string;
}

export type TransferReply = { ok: true; created: boolean; transfer: TransferView } | { ok: false; error: DomainError };

function viewOf(record: TransferRecord): TransferView {
  return {
    transferId: record.transferId,
    status: transferStatus(record.phase)!,
    from: { storeId: record.fromStoreId },
    to: { storeId: record.toStoreId },
    items: record.items,
    ...(record.receipt ? { receipt: record.receipt } : {}),
    createdAt: record.createdAt,
    ...(record.shippedAt ? { shippedAt: record.shippedAt } : {}),
    ...(record.receivedAt ? { receivedAt: record.receivedAt } : {}),
    ...(record.cancelledAt ? { cancelledAt: record.cancelledAt } : {}),
  };
}

const notFound = (transferId: string): TransferReply => ({ ok: false, error: { code: "not_found", message: `no transfer ${transferId}` } });
/** The 404 for SKUs a store has not allocated, the same at either end of a transfer. */
const notAllocated = (storeId: string, skus: string[]): TransferReply => ({
  ok: false,
  error: { code: "not_found", message: `${skus.length} SKUs are not allocated at ${storeId}`, details: { storeId, skus: [...skus].sort() } },
});

/**
 * One transfer between two stores, all or nothing at each step over its cells, like a
 * Reservation: every step is written down (and made durable) before a cell is called,
 * cells dedupe by the transfer's operation id, and the alarm finishes a step a restart cut off.
 */
export class Transfer extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private record: TransferRecord | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql, ["CREATE TABLE IF NOT EXISTS transfer (id INTEGER PRIMARY KEY CHECK (id = 1), record TEXT NOT NULL)"]);
    const row = this.sql.exec<{ record: string }>("SELECT record FROM transfer WHERE id = 1").toArray()[0];
    this.record = row ? (JSON.parse(row.record) as TransferRecord) : undefined;
  }

  create(request: TransferRequest): Promise<TransferReply> {
    return this.serialized(async () => {
      const existing = this.record;
      if (existing && existing.phase !== "failed") {
        if (!sameTransfer(existing, request)) {
          return { ok: false, error: { code: "conflict", message: `transfer ${request.transferId} already exists with other content`, details: { status: transferStatus(existing.phase) ?? "in_transit" } } };
        }
        if (existing.phase === "shipping") return this.ship(existing, true);
        await this.settle(existing);
        return { ok: true, created: false, transfer: viewOf(this.record!) };
      }
      // Cells at both ends must exist (an allocation is a manager's decision, not a transfer's):
      // asked before anything is written, so a 404 leaves no trace in any cell.
      const [missingAtDestination, missingAtSource] = await Promise.all([this.unallocated(request.toStoreId, request), this.unallocated(request.fromStoreId, request)]);
      if (missingAtDestination.length > 0) return notAllocated(request.toStoreId, missingAtDestination);
      if (missingAtSource.length > 0) return notAllocated(request.fromStoreId, missingAtSource);
      const now = nowIso();
      const record: TransferRecord = { ...request, phase: "shipping", attempt: (existing?.attempt ?? 0) + 1, createdAt: now, updatedAt: now };
      await this.save(record, Date.now() + RECOVERY_DELAY_MS);
      return this.ship(record, true);
    });
  }

  get(transferId: string): Promise<TransferReply> {
    return this.serialized(async () => {
      if (this.record) await this.settle(this.record);
      if (!this.record || this.record.phase === "failed") return notFound(transferId);
      return { ok: true, created: false, transfer: viewOf(this.record) };
    });
  }

  receive(transferId: string, receipt: ReceiptItem[]): Promise<TransferReply> {
    return this.serialized(async () => {
      if (this.record) await this.settle(this.record);
      const record = this.record;
      if (!record || record.phase === "failed") return notFound(transferId);
      const lines = receiptLines(record, receipt);
      if (!lines.ok) {
        const [first] = lines.issues;
        return { ok: false, error: { code: "invalid_request", message: `${first!.path}: ${first!.message}`, details: { issues: lines.issues } } };
      }
      const verdict = decideTransferStep(record, "receive", lines.lines);
      if (verdict.kind === "conflict") return this.conflict(transferId, verdict.status, "received");
      if (verdict.kind === "start") await this.runStep({ ...record, phase: "receiving", receipt: lines.lines });
      return { ok: true, created: false, transfer: viewOf(this.record!) };
    });
  }

  cancel(transferId: string): Promise<TransferReply> {
    return this.serialized(async () => {
      if (this.record) await this.settle(this.record);
      const verdict = decideTransferStep(this.record, "cancel");
      if (verdict.kind === "not_found") return notFound(transferId);
      if (verdict.kind === "conflict") return this.conflict(transferId, verdict.status, "cancelled");
      if (verdict.kind === "start") await this.runStep({ ...this.record!, phase: "cancelling" });
      return { ok: true, created: false, transfer: viewOf(this.record!) };
    });
  }

  override async alarm(): Promise<void> {
    await this.serialized(async () => {
      if (this.record) await this.settle(this.record);
    });
  }

  private conflict(transferId: string, status: TransferStatus, wanted: string): TransferReply {
    return { ok: false, error: { code: "conflict", message: `transfer ${transferId} is ${status}; it cannot be ${wanted}`, details: { status } } };
  }

  /** An interrupted shipment is undone (its caller had no answer); an interrupted receipt or cancel is finished. */
  private async settle(record: TransferRecord): Promise<void> {
    if (record.phase === "shipping") {
      await this.undo(record);
      await this.save({ ...record, phase: "failed", updatedAt: nowIso() }, null);
    } else if (record.phase === "receiving" || record.phase === "cancelling") {
      await this.runStep(record);
    }
  }

  /** The request's SKUs that have no allocated cell at this store. */
  private async unallocated(storeId: string, request: TransferRequest): Promise<string[]> {
    const cells = await Promise.all(request.items.map((item) => cellStub(this.env, { storeId, sku: item.sku }).read({ storeId, sku: item.sku })));
    return request.items.filter((_, index) => !cells[index]).map((item) => item.sku);
  }

  /**
   * Takes every item out of the source, then (only when all of it left) announces it at the
   * destination, or undoes what moved and answers why: a ship the source refuses never shows
   * at the destination.
   */
  private async ship(record: TransferRecord, created: boolean): Promise<TransferReply> {
    const opId = transferOpId(record);
    const sources = await this.callCells(record.fromStoreId, record, (item) => ({ type: "transferShip", opId, qty: item.qty }));
    const shipped = sources.every((reply) => reply.status === "fulfilled" && reply.value.ok);
    const destinations = shipped ? await this.callCells(record.toStoreId, record, (item) => ({ type: "transferExpect", opId, qty: item.qty })) : [];
    const shortages: Shortage[] = [];
    const unallocated: string[] = [];
    let error: DomainError | undefined;
    let failure: unknown;
    sources.forEach((reply, index) => {
      const item = record.items[index]!;
      if (reply.status === "rejected") failure ??= reply.reason;
      else if (!reply.value.ok && reply.value.error.code === "not_found") unallocated.push(item.sku);
      else if (!reply.value.ok && reply.value.error.code === "insufficient_stock") {
        shortages.push(shortageOfRefusal({ storeId: record.fromStoreId, ...item }, reply.value.error.details));
      } else if (!reply.value.ok) error ??= reply.value.error;
    });
    destinations.forEach((reply) => {
      if (reply.status === "rejected") failure ??= reply.reason;
      else if (!reply.value.ok) error ??= reply.value.error;
    });
    if (shortages.length === 0 && unallocated.length === 0 && !error && failure === undefined) {
      const now = nowIso();
      const shipped: TransferRecord = { ...record, phase: "in_transit", shippedAt: now, updatedAt: now };
      await this.save(shipped, null);
      return { ok: true, created, transfer: viewOf(shipped) };
    }
    // The destination was told only when every source shipped: otherwise it has nothing to undo.
    await this.undo(record, shipped);
    await this.save({ ...record, phase: "failed", updatedAt: nowIso() }, null);
    if (failure !== undefined) throw failure;
    if (unallocated.length > 0) return notAllocated(record.fromStoreId, unallocated);
    if (shortages.length > 0) {
      return { ok: false, error: { code: "insufficient_stock", message: `not enough free stock for ${shortages.length} of ${record.items.length} items at ${record.fromStoreId}`, details: { shortages } } };
    }
    return { ok: false, error: error! };
  }

  /**
   * Gives back whatever this attempt moved, as `transfer_failed` (never mistaken for a
   * person's cancel); a cell it never reached has nothing to undo.
   */
  private async undo(record: TransferRecord, destinationTold = true): Promise<void> {
    const opId = transferOpId(record);
    const reason = "transfer_failed";
    const replies = (
      await Promise.all([
        this.callCells(record.fromStoreId, record, () => ({ type: "transferCancel", opId, reason })),
        destinationTold ? this.callCells(record.toStoreId, record, () => ({ type: "transferUnexpect", opId, reason })) : [],
      ])
    ).flat();
    for (const reply of replies) {
      if (reply.status === "rejected") throw reply.reason;
      if (!reply.value.ok && reply.value.error.code !== "not_found") throw new Error(`transfer undo failed: ${reply.value.error.code} ${reply.value.error.message}`);
    }
  }

  /** Runs receiving / cancelling on every cell of both stores, then settles the record. */
  private async runStep(record: TransferRecord): Promise<void> {
    if (this.record?.phase !== record.phase) await this.save(record, Date.now() + RECOVERY_DELAY_MS);
    const opId = transferOpId(record);
    const lineOf = (sku: string) => record.receipt!.find((line) => line.sku === sku)!;
    const [sources, destinations] =
      record.phase === "receiving"
        ? await Promise.all([
            this.callCells(record.fromStoreId, record, (item) => ({ type: "transferClose", opId, received: lineOf(item.sku).received, reason: lineOf(item.sku).reason ?? "transfer_received" })),
            this.callCells(record.toStoreId, record, (item) => ({ type: "transferReceive", opId, received: lineOf(item.sku).received, reason: lineOf(item.sku).reason ?? "transfer_received" })),
          ])
        : await Promise.all([
            this.callCells(record.fromStoreId, record, () => ({ type: "transferCancel", opId })),
            this.callCells(record.toStoreId, record, () => ({ type: "transferUnexpect", opId })),
          ]);
    for (const reply of [...sources, ...destinations]) {
      if (reply.status === "rejected") throw reply.reason;
      if (!reply.value.ok) throw new Error(`${record.phase} ${record.transferId}: ${reply.value.error.code} ${reply.value.error.message}`);
    }
    const now = nowIso();
    const settled: TransferRecord =
      record.phase === "receiving" ? { ...record, phase: "received", receivedAt: now, updatedAt: now } : { ...record, phase: "cancelled", cancelledAt: now, updatedAt: now };
    await this.save(settled, null);
  }

  private callCells(storeId: string, record: TransferRecord, commandFor: (item: { sku: string; qty: number }) => CellCommand): Promise<PromiseSettledResult<CellReply>[]> {
    return Promise.allSettled(record.items.map((item) => cellStub(this.env, { storeId, sku: item.sku }).execute({ storeId, sku: item.sku }, commandFor(item))));
  }

  private async save(record: TransferRecord, alarmAt: number | null): Promise<void> {
    this.sql.exec("INSERT INTO transfer (id, record) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record", JSON.stringify(record));
    this.record = record;
    if (alarmAt === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(alarmAt);
    await this.ctx.storage.sync();
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
