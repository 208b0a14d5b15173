/** Limits of the v1 API, in one place: the validators, the docs and the README quote these. */
export const LIMITS = {
  /** Items in one reservation. */
  maxReservationItems: 100,
  /** SKUs in one availability read. */
  maxAvailabilitySkus: 100,
  /** Units in one reservation item. */
  maxItemQty: 100_000,
  /** Units on hand in one cell, and any quota. */
  maxOnHand: 100_000_000,
  maxWeight: 10_000,
  /** Reservation time to live, seconds. */
  minTtlSeconds: 1,
  maxTtlSeconds: 86_400,
  defaultTtlSeconds: 900,
  /** Minted token lifetime, seconds. */
  maxTokenTtlSeconds: 31_536_000,
  defaultTokenTtlSeconds: 7 * 86_400,
  /** Characters of a minted token's `name` (who holds it). */
  maxTokenName: 100,
  /** Events in one store sync batch. */
  maxStoreEvents: 1_000,
  /** Changes in one page of a store's feed. */
  maxChangesPage: 1_000,
  /** Request body size, bytes. */
  maxBodyBytes: 1_048_576,
  /** A bulk import's body (CSV or NDJSON), bytes, and its data lines. */
  maxImportBytes: 8_388_608,
  maxImportLines: 20_000,
  /**
   * SKUs in one page of a stock export or an admin reconciliation. Each is a call to its
   * cell: a page stays well under the platform's bound on one invocation's subrequests
   * (10,000 on Workers Paid).
   */
  maxCellPage: 5_000,
  /** A page's SKUs when a cursor comes without a limit. */
  defaultCellPage: 1_000,
} as const;
