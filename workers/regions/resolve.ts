import { REGIONS, type RegionName } from "../../schema/regions";

/** What Cloudflare tells a Worker about where a request comes from (`request.cf`). */
export interface RequestGeo {
  continent?: string;
  country?: string;
  longitude?: string | number;
}

/** Countries whose region is not their continent's default. */
const COUNTRY_REGION: Record<string, RegionName> = {
  DE: "eu-central", AT: "eu-central", CH: "eu-central", PL: "eu-central", CZ: "eu-central", SK: "eu-central", HU: "eu-central", SI: "eu-central", IT: "eu-central",
  FR: "eu-west", ES: "eu-west", PT: "eu-west", GB: "eu-west", IE: "eu-west", BE: "eu-west", NL: "eu-west", LU: "eu-west",
  SE: "eu-north", NO: "eu-north", FI: "eu-north", DK: "eu-north", IS: "eu-north", EE: "eu-north", LV: "eu-north", LT: "eu-north",
  RO: "eu-north", BG: "eu-north", GR: "eu-north", UA: "eu-north",
  JP: "ap-northeast", KR: "ap-northeast", CN: "ap-northeast", TW: "ap-northeast", HK: "ap-northeast", MO: "ap-northeast", MN: "ap-northeast",
  IN: "ap-south", PK: "ap-south", BD: "ap-south", LK: "ap-south", NP: "ap-south",
  AE: "middle-east", SA: "middle-east", QA: "middle-east", IL: "middle-east", TR: "middle-east", KW: "middle-east", BH: "middle-east", OM: "middle-east", JO: "middle-east",
};

const CONTINENT_REGION: Record<string, RegionName> = {
  EU: "eu-central",
  NA: "na-east",
  SA: "sa-east",
  AS: "ap-southeast",
  OC: "oceania",
  AF: "africa",
};

/** North America splits east / west at 100° W. */
const NA_WEST_OF = -100;

export function isRegion(value: string): value is RegionName {
  return Object.hasOwn(REGIONS, value);
}

/** The region of a request's origin, by country, then continent (and longitude in North America). */
export function regionFromGeo(geo: RequestGeo | undefined): RegionName | undefined {
  if (!geo) return undefined;
  const country = geo.country?.toUpperCase();
  if (country && COUNTRY_REGION[country]) return COUNTRY_REGION[country];
  const continent = geo.continent?.toUpperCase();
  if (continent === "NA") {
    const longitude = Number(geo.longitude);
    return Number.isFinite(longitude) && longitude < NA_WEST_OF ? "na-west" : "na-east";
  }
  return continent ? CONTINENT_REGION[continent] : undefined;
}

export type RegionSource = "override" | "edge" | "default";

export type RegionResolution =
  | { ok: true; region: RegionName; source: RegionSource }
  | { ok: false; given: string };

/**
 * The region a request is served for: an explicit override where it is allowed (local
 * runs, admin tokens), else where the edge says the caller is, else the default.
 */
export function resolveRegion(input: {
  geo?: RequestGeo;
  override?: string | undefined;
  overrideAllowed: boolean;
  fallback: RegionName;
}): RegionResolution {
  if (input.override !== undefined && input.overrideAllowed) {
    return isRegion(input.override) ? { ok: true, region: input.override, source: "override" } : { ok: false, given: input.override };
  }
  const fromEdge = regionFromGeo(input.geo);
  return fromEdge ? { ok: true, region: fromEdge, source: "edge" } : { ok: true, region: input.fallback, source: "default" };
}

export function locationHintOf(region: string): DurableObjectLocationHint | undefined {
  return isRegion(region) ? REGIONS[region].hint : undefined;
}
