export function freePort(host?: string, options?: { alsoFree?: number[] }): Promise<number>;
export function portIsFree(port: number, host: string): Promise<boolean>;
