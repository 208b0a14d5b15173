// Demo data for local runs: a few regions, stores and SKUs with channel quotas.
export const DEMO_STORES = [
  { storeId: "berlin-01", name: "Berlin Mitte", region: "eu-central", timezone: "Europe/Berlin", priority: 10 },
  { storeId: "munich-01", name: "München Hbf", region: "eu-central", timezone: "Europe/Berlin", priority: 20 },
  { storeId: "paris-01", name: "Paris Bastille", region: "eu-west", timezone: "Europe/Paris", priority: 10 },
  { storeId: "nyc-01", name: "New York SoHo", region: "na-east", timezone: "America/New_York", priority: 10 },
  { storeId: "sf-01", name: "San Francisco Mission", region: "na-west", timezone: "America/Los_Angeles", priority: 10 },
  { storeId: "tokyo-01", name: "Tokyo Shibuya", region: "ap-northeast", timezone: "Asia/Tokyo", priority: 10 },
];

export const DEMO_SKUS = [
  { sku: "milk-1l", onHand: 120, channels: { pos: { quota: 50, weight: 3 }, online: { quota: 30, weight: 2 }, marketplace: { quota: 10, weight: 1 } }, sharedPolicy: "weighted" },
  { sku: "bread-sourdough", onHand: 40, channels: { pos: { quota: 20, weight: 1 }, online: { quota: 10, weight: 1 } }, sharedPolicy: "first-come" },
  { sku: "coffee-beans-500g", onHand: 80, channels: { pos: { quota: 30, weight: 2 }, online: { quota: 30, weight: 2 }, app: { quota: 5, weight: 1 } }, sharedPolicy: "weighted" },
  { sku: "olive-oil-750ml", onHand: 25, channels: { pos: { quota: 10, weight: 1 }, online: { quota: 10, weight: 1 } }, sharedPolicy: "first-come" },
  { sku: "eggs-12", onHand: 60, channels: { pos: { quota: 30, weight: 1 }, kiosk: { quota: 10, weight: 1 }, online: { quota: 10, weight: 1 } }, sharedPolicy: "weighted" },
];

async function call(baseUrl, adminToken, method, path, body, { missingIsUndefined = false } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (missingIsUndefined && response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Seeds what the demo chain lacks: every demo store and SKU on the first run, and on a later
 * one whatever a first run stopped before seeding (a Ctrl-C during the first start). What is
 * there is never changed: stock levels are not reset by a restart.
 */
export async function seedDemoData(baseUrl, adminToken) {
  const existing = new Set((await call(baseUrl, adminToken, "GET", "/v1/stores")).items.map((store) => store.storeId));
  let added = 0;
  for (const { storeId, ...store } of DEMO_STORES) {
    const isNew = !existing.has(storeId);
    if (isNew) await call(baseUrl, adminToken, "PUT", `/v1/stores/${storeId}`, store);
    for (const { sku, ...allocation } of DEMO_SKUS) {
      if (!isNew && (await call(baseUrl, adminToken, "GET", `/v1/stores/${storeId}/skus/${sku}`, undefined, { missingIsUndefined: true }))) continue;
      await call(baseUrl, adminToken, "PUT", `/v1/stores/${storeId}/skus/${sku}`, allocation);
      added += 1;
    }
    if (isNew) existing.add(storeId);
  }
  return { seeded: added > 0, stores: existing.size };
}
