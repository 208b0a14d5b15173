export const DEMO_STORES: Array<{ storeId: string; name: string; region: "eu-central" | "eu-west" | "na-east" | "na-west" | "ap-northeast"; timezone: string; priority: number }>;
export const DEMO_SKUS: Array<{ sku: string; onHand: number; channels: Record<string, { quota: number; weight: number }>; sharedPolicy: "weighted" | "first-come" }>;
export function seedDemoData(baseUrl: string, adminToken: string): Promise<{ seeded: boolean; stores: number }>;
