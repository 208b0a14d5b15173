export function startReceiver(): Promise<{ url: string; stop(): Promise<void> }>;
