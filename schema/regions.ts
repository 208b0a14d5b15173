import { z } from "@hono/zod-openapi";

/**
 * The chain's regions, and where each one's Durable Objects should live (Cloudflare's
 * location hints). One table, used by validation, routing and the docs.
 */
export const REGIONS = {
  "eu-central": { hint: "weur", name: "Central Europe" },
  "eu-west": { hint: "weur", name: "Western Europe" },
  "eu-north": { hint: "eeur", name: "Northern and Eastern Europe" },
  "na-east": { hint: "enam", name: "Eastern North America" },
  "na-west": { hint: "wnam", name: "Western North America" },
  "sa-east": { hint: "sam", name: "South America" },
  "ap-northeast": { hint: "apac", name: "North-East Asia" },
  "ap-southeast": { hint: "apac", name: "South-East Asia" },
  "ap-south": { hint: "apac", name: "South Asia" },
  oceania: { hint: "oc", name: "Oceania" },
  africa: { hint: "afr", name: "Africa" },
  "middle-east": { hint: "me", name: "Middle East" },
} as const satisfies Record<string, { hint: DurableObjectLocationHint; name: string }>;

export type RegionName = keyof typeof REGIONS;
export const REGION_NAMES = Object.keys(REGIONS) as [RegionName, ...RegionName[]];

export const Region = z.enum(REGION_NAMES).openapi({ description: "One of the chain's regions", example: "eu-central" });
