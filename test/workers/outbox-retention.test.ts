import { describe, expect, it } from "vitest";
import { pruneOutbox } from "../../durable-objects/storage/cell-tables";
import { damage, freshCell, onCell } from "./helpers";

const DAY_AGO = new Date(Date.now() - 24 * 3_600_000).toISOString();
const TWO_DAYS_AGO = new Date(Date.now() - 48 * 3_600_000).toISOString();

const outboxSeqs = (sql: SqlStorage) => sql.exec<{ seq: number }>("SELECT seq FROM outbox ORDER BY seq").toArray().map((row) => row.seq);

describe("the outbox's retention (pruneOutbox)", () => {
  it("deletes only delivered rows older than the cut-off, and keeps the ledger", async () => {
    const { storeId, sku } = await freshCell();
    for (let i = 0; i < 4; i++) {
      await damage(storeId, sku);
    }
    const { before, after, ledger } = await onCell(storeId, sku, (sql) => {
      // Versions 1–3 become two days old; 4 and 5 stay young.
      sql.exec("UPDATE ledger SET at = ? WHERE seq <= 3", TWO_DAYS_AGO);
      const before = outboxSeqs(sql);
      // Delivered everywhere up to version 2 only: version 3 is old but not yet delivered.
      pruneOutbox(sql, 2, DAY_AGO);
      const after = outboxSeqs(sql);
      const ledger = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM ledger").one().n;
      return { before, after, ledger };
    });
    expect(before).toEqual([1, 2, 3, 4, 5]);
    expect(after).toEqual([3, 4, 5]);
    expect(ledger).toBe(5);
  });

  it("keeps everything while the oldest row is young, and an old row behind a young one waits for it", async () => {
    const { storeId, sku } = await freshCell();
    for (let i = 0; i < 2; i++) {
      await damage(storeId, sku);
    }
    const { young, behindYoung, once } = await onCell(storeId, sku, (sql) => {
      pruneOutbox(sql, 3, DAY_AGO);
      const young = outboxSeqs(sql);
      // Only version 2 is old: it stays while version 1 (younger, delivered first) is kept.
      sql.exec("UPDATE ledger SET at = ? WHERE seq = 2", TWO_DAYS_AGO);
      pruneOutbox(sql, 3, DAY_AGO);
      const behindYoung = outboxSeqs(sql);
      // Once version 1 is old too, both go.
      sql.exec("UPDATE ledger SET at = ? WHERE seq = 1", TWO_DAYS_AGO);
      pruneOutbox(sql, 3, DAY_AGO);
      return { young, behindYoung, once: outboxSeqs(sql) };
    });
    expect(young).toEqual([1, 2, 3]);
    expect(behindYoung).toEqual([1, 2, 3]);
    expect(once).toEqual([3]);
  });
});
