export function freePort(host?: string, options?: { alsoFree?: number[] }): Promise<number>;
