export function dotenvLine(key: string, value: string): string;
export function writeEnvFile(file: string, values: Record<string, string>): void;
