import { describe, expect, it } from "vitest";
import { isoFromPostgres, isoTimes } from "../../workers/reporting/respond";

// Postgres prints a timestamptz in the session's time zone; the reports answer ISO 8601 UTC whatever it is.
describe("report times", () => {
  it("are ISO 8601 UTC whatever time zone the reporting database's session prints them in", () => {
    const instant = "2026-12-07T13:14:33.535Z";
    for (const printed of ["2026-12-07 13:14:33.535+00", "2026-12-07 05:14:33.535-08", "2026-12-07 18:44:33.535+05:30", "2026-12-07 14:14:33.535+01", "2026-12-07 13:20:22.535+00:05:49"]) {
      expect(isoFromPostgres(printed), printed).toBe(instant);
    }
    // Microseconds (now() in Postgres) are cut to the milliseconds the API gives.
    expect(isoFromPostgres("2026-12-07 05:14:33.638466-08")).toBe("2026-12-07T13:14:33.638Z");
    expect(isoFromPostgres("2026-12-07 05:14:33-08")).toBe("2026-12-07T13:14:33.000Z");
  });

  it("leave every other value as it is", () => {
    const row = { eventId: "2026-12-07 05:14:33-08x", note: "2026-12-07", at: "2026-12-07 05:14:33.5-08", qty: 3, channel: null };
    expect(isoTimes(row)).toEqual({ ...row, at: "2026-12-07T13:14:33.500Z" });
  });
});
