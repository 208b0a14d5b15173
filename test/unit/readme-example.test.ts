import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// test/e2e/readme-example.test.ts runs the README's kit example; this keeps the two the same.
describe("the README's test kit example", () => {
  it("is the file the e2e tests run, but for its first comment and the import path", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const example = /```ts\n(import \{ afterAll, beforeAll[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const file = readFileSync(new URL("../e2e/readme-example.test.ts", import.meta.url), "utf8");
    const run = file.replace(/^\/\/[^\n]*\n/, "").replace('from "../kit"', 'from "edge-inventory/testing"');
    expect(run).toBe(example);
  });
});
