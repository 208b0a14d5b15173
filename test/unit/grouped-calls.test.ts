import { describe, expect, it } from "vitest";
import { GroupedCalls } from "../../durable-objects/grouped-calls";

const fulfilled = (value: unknown) => ({ status: "fulfilled", value });
/** Each call's outcome, as the reservation shard reads them (Promise.allSettled). */
const settled = <T>(call: Promise<T>): Promise<PromiseSettledResult<T>> =>
  call.then(
    (value) => ({ status: "fulfilled", value }),
    (reason: unknown) => ({ status: "rejected", reason }),
  );

describe("GroupedCalls (one call per object per turn)", () => {
  it("sends the calls of one turn to one object together, in order, and answers each its own reply", async () => {
    const sends: Array<[string, number[]]> = [];
    const calls = new GroupedCalls<string, number, string>(
      (key) => key,
      async (key, requests) => {
        sends.push([key, requests]);
        return requests.map((request) => `${key}:${request}`);
      },
    );
    const together = await Promise.allSettled([calls.call("a", 1), calls.call("b", 2), calls.call("a", 3)]);
    expect(together).toEqual([fulfilled("a:1"), fulfilled("b:2"), fulfilled("a:3")]);
    expect(await settled(calls.call("a", 4))).toEqual(fulfilled("a:4"));
    expect(sends).toEqual([["a", [1, 3]], ["b", [2]], ["a", [4]]]);
  });

  it("groups by the key's name, so equal keys made apart share a send", async () => {
    const sends: number[][] = [];
    const calls = new GroupedCalls<{ storeId: string; sku: string }, number, number>(
      (key) => `${key.storeId}/${key.sku}`,
      async (_key, requests) => {
        sends.push(requests);
        return requests;
      },
    );
    await Promise.allSettled([calls.call({ storeId: "s", sku: "x" }, 1), calls.call({ storeId: "s", sku: "x" }, 2)]);
    expect(sends).toEqual([[1, 2]]);
  });

  it("fails only the calls a failed send carried, thrown or rejected", async () => {
    const calls = new GroupedCalls<string, number, number>(
      (key) => key,
      (key, requests) => {
        if (key === "thrown") throw new Error("stub threw");
        return key === "rejected" ? Promise.reject(new Error("object broke")) : Promise.resolve(requests);
      },
    );
    const outcomes = await Promise.allSettled([calls.call("thrown", 1), calls.call("rejected", 2), calls.call("rejected", 3), calls.call("fine", 4)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected", "fulfilled"]);
    expect(outcomes[3]).toEqual(fulfilled(4));
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain("object broke");
  });

  it("fails the calls of a send whose replies do not match its requests one for one", async () => {
    const calls = new GroupedCalls<string, number, number>(
      (key) => key,
      async () => [1],
    );
    const outcomes = await Promise.allSettled([calls.call("a", 1), calls.call("a", 2)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
  });

  it("answers each object's calls when its own send settles, not when the slowest does", async () => {
    let releaseSlow: () => void = () => undefined;
    const calls = new GroupedCalls<string, number, number>(
      (key) => key,
      (key, requests) => (key === "slow" ? new Promise((resolve) => (releaseSlow = () => resolve(requests))) : Promise.resolve(requests)),
    );
    const slow = settled(calls.call("slow", 1));
    const fast = await settled(calls.call("fast", 2));
    expect(fast).toEqual(fulfilled(2));
    releaseSlow();
    expect(await slow).toEqual(fulfilled(1));
  });
});
