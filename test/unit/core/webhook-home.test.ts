import { describe, expect, it } from "vitest";
import { isNewerPlacement, webhookHomeOf, webhookIdFor, webhooksObjectName } from "../../../durable-objects/core";
import { WebhookId } from "../../../schema/webhooks";

const HEX = "0123456789abcdef0123456789abcdef";

describe("where a webhook lives", () => {
  it("a region's id names the region, a store's id names the store (ids with '_', '.', '-' too)", () => {
    for (const home of [{ kind: "region", region: "eu-central" }, { kind: "store", storeId: "berlin_01.a-b" }, { kind: "store", storeId: "x" }] as const) {
      const id = webhookIdFor(home, HEX);
      expect(WebhookId.safeParse(id).success, id).toBe(true);
      expect(webhookHomeOf(id)).toEqual(home);
    }
    expect(webhooksObjectName({ kind: "region", region: "na-east" })).toBe("na-east");
    expect(webhooksObjectName({ kind: "store", storeId: "na-east" })).toBe("store:na-east");
    for (const bad of ["nope", `wh_${HEX}`, `whs_${HEX}_`, `whs_${HEX.slice(1)}_s`, `whs_${HEX}_-s`]) expect(WebhookId.safeParse(bad).success, bad).toBe(false);
  });

  it("a store's placement only moves to a later revision of the directory's", () => {
    expect(isNewerPlacement(null, { region: "eu-central", rev: 0 })).toBe(true);
    expect(isNewerPlacement({ region: "eu-central", rev: 0 }, { region: "na-east", rev: 1 })).toBe(true);
    expect(isNewerPlacement({ region: "na-east", rev: 1 }, { region: "na-east", rev: 1 })).toBe(false);
    expect(isNewerPlacement({ region: "na-east", rev: 2 }, { region: "eu-central", rev: 1 })).toBe(false);
  });
});
