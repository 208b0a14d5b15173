import { fingerprintOf, operationReference } from "./operations";

/**
 * A transfer between two stores, as plain data: the Transfer Durable Object persists the
 * record and drives the cells; these rules decide what each call means.
 *
 * shipping → in_transit → receiving → received
 *                       ↘ cancelling → cancelled
 * shipping → failed (a source was short or a destination cell does not exist: nothing moved)
 */
export type TransferPhase = "shipping" | "in_transit" | "receiving" | "received" | "cancelling" | "cancelled" | "failed";
export type TransferStatus = "in_transit" | "received" | "cancelled";

export interface TransferItem {
  sku: string;
  qty: number;
}

export interface ReceiptItem {
  sku: string;
  qty: number;
  reason?: string;
}

export interface TransferRequest {
  transferId: string;
  fromStoreId: string;
  toStoreId: string;
  items: TransferItem[];
}

export interface ReceivedLine {
  sku: string;
  shipped: number;
  received: number;
  lost: number;
  reason?: string;
}

export interface TransferRecord extends TransferRequest {
  phase: TransferPhase;
  /** Each attempt touches the cells under its own operation id, so a retry after a failure meets no old state. */
  attempt: number;
  receipt?: ReceivedLine[];
  createdAt: string;
  updatedAt: string;
  shippedAt?: string;
  receivedAt?: string;
  cancelledAt?: string;
}

export const DEFAULT_LOSS_REASON = "not_received";

export function transferOpId(record: Pick<TransferRecord, "transferId" | "attempt">): string {
  return operationReference("transfer", record.transferId, record.attempt);
}

export function sameTransfer(record: TransferRequest, request: TransferRequest): boolean {
  const key = (r: TransferRequest) => fingerprintOf({ from: r.fromStoreId, to: r.toStoreId, items: [...r.items].sort((a, b) => (a.sku < b.sku ? -1 : 1)) });
  return key(record) === key(request);
}

export function transferStatus(phase: TransferPhase): TransferStatus | undefined {
  return phase === "in_transit" || phase === "received" || phase === "cancelled" ? phase : undefined;
}

/** A receipt line the transfer refuses, named as the API's validation issues are (`json.items.<n>.<field>`). */
export interface ReceiptIssue {
  path: string;
  message: string;
  code: "custom";
}

/**
 * What a receipt means line by line: every shipped SKU is received (what the receipt says,
 * 0 when it does not name it) and the rest is lost with the line's reason. A receipt may
 * not name a SKU that was not shipped, nor more than was shipped.
 */
export function receiptLines(record: TransferRecord, receipt: ReceiptItem[]): { ok: true; lines: ReceivedLine[] } | { ok: false; issues: ReceiptIssue[] } {
  const shipped = new Map(record.items.map((item) => [item.sku, item.qty]));
  const issues: ReceiptIssue[] = [];
  const issue = (index: number, field: "sku" | "qty", message: string) => issues.push({ path: `json.items.${index}.${field}`, message, code: "custom" });
  const bySku = new Map<string, ReceiptItem>();
  receipt.forEach((item, index) => {
    const qty = shipped.get(item.sku);
    if (qty === undefined) issue(index, "sku", `${item.sku} was not shipped in this transfer`);
    else if (item.qty > qty) issue(index, "qty", `${item.qty} received but only ${qty} shipped`);
    if (bySku.has(item.sku)) issue(index, "sku", `${item.sku} appears twice`);
    bySku.set(item.sku, item);
  });
  if (issues.length > 0) return { ok: false, issues };
  const lines = record.items.map((item) => {
    const line = bySku.get(item.sku);
    const received = line?.qty ?? 0;
    const lost = item.qty - received;
    return { sku: item.sku, shipped: item.qty, received, lost, ...(lost > 0 ? { reason: line?.reason ?? DEFAULT_LOSS_REASON } : {}) };
  });
  return { ok: true, lines };
}

export type TransferVerdict = { kind: "start" } | { kind: "done" } | { kind: "conflict"; status: TransferStatus } | { kind: "not_found" };

/** Compare-and-set: only an in-transit transfer moves; repeating what happened (the same receipt) is done. */
export function decideTransferStep(record: TransferRecord | undefined, wanted: "receive" | "cancel", lines?: ReceivedLine[]): TransferVerdict {
  if (!record || record.phase === "failed") return { kind: "not_found" };
  const status = transferStatus(record.phase);
  if (!status) throw new Error(`decideTransferStep on unsettled phase ${record.phase}`);
  if (status === "in_transit") return { kind: "start" };
  if (wanted === "cancel") return status === "cancelled" ? { kind: "done" } : { kind: "conflict", status };
  if (status === "received" && fingerprintOf(record.receipt) === fingerprintOf(lines)) return { kind: "done" };
  return { kind: "conflict", status };
}
