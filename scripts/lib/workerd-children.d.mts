export function childWorkerdPids(): number[];
