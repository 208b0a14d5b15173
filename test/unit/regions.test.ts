import { describe, expect, it } from "vitest";
import { REGIONS } from "../../schema/regions";
import { locationHintOf, regionFromGeo, resolveRegion } from "../../workers/regions/resolve";

describe("region of a request", () => {
  it("maps countries first, then continents, splitting North America at 100° W", () => {
    expect(regionFromGeo({ continent: "EU", country: "DE" })).toBe("eu-central");
    expect(regionFromGeo({ continent: "EU", country: "FR" })).toBe("eu-west");
    expect(regionFromGeo({ continent: "EU", country: "XX" })).toBe("eu-central");
    expect(regionFromGeo({ continent: "AS", country: "JP" })).toBe("ap-northeast");
    expect(regionFromGeo({ continent: "AS", country: "SG" })).toBe("ap-southeast");
    expect(regionFromGeo({ continent: "NA", country: "US", longitude: "-118.2" })).toBe("na-west");
    expect(regionFromGeo({ continent: "NA", country: "US", longitude: "-73.9" })).toBe("na-east");
    expect(regionFromGeo({ continent: "NA" })).toBe("na-east");
    expect(regionFromGeo({})).toBeUndefined();
    expect(regionFromGeo(undefined)).toBeUndefined();
  });

  it("honours an override only where it is allowed", () => {
    const geo = { continent: "EU", country: "SE" };
    expect(resolveRegion({ geo, override: "ap-south", overrideAllowed: true, fallback: "eu-central" })).toEqual({ ok: true, region: "ap-south", source: "override" });
    expect(resolveRegion({ geo, override: "ap-south", overrideAllowed: false, fallback: "eu-central" })).toEqual({ ok: true, region: "eu-north", source: "edge" });
    expect(resolveRegion({ geo, override: "mars", overrideAllowed: true, fallback: "eu-central" })).toEqual({ ok: false, given: "mars" });
    expect(resolveRegion({ override: "mars", overrideAllowed: false, fallback: "na-east" })).toEqual({ ok: true, region: "na-east", source: "default" });
  });

  it("gives every region a Durable Object location hint", () => {
    for (const region of Object.keys(REGIONS)) expect(locationHintOf(region)).toMatch(/^(wnam|enam|sam|weur|eeur|apac|oc|afr|me)$/);
    expect(locationHintOf("mars")).toBeUndefined();
  });
});
