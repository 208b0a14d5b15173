/**
 * Calls made in the same turn to the same object travel as one call carrying all of them:
 * `send(key, requests)` answers one reply per request, in order. A hot cell then gets one
 * message per turn from each reservation shard instead of one per reservation (an
 * object-to-object call costs workerd more than a trivial Worker's whole request: README,
 * Performance, step 52). Each caller gets its own outcome; a send that fails fails only the
 * calls it carried, and each group is answered as soon as its own send settles.
 */
export class GroupedCalls<Key, Request, Reply> {
  private waiting = new Map<string, { key: Key; calls: Call<Request, Reply>[] }>();

  constructor(
    private readonly nameOf: (key: Key) => string,
    private readonly send: (key: Key, requests: Request[]) => Promise<Reply[]>,
  ) {}

  call(key: Key, request: Request): Promise<PromiseSettledResult<Reply>> {
    return new Promise((settle) => {
      // setTimeout(0), as TurnBatch: every call already waiting to run joins this turn's sends.
      if (this.waiting.size === 0) setTimeout(() => this.sendWaiting(), 0);
      const name = this.nameOf(key);
      let group = this.waiting.get(name);
      if (!group) this.waiting.set(name, (group = { key, calls: [] }));
      group.calls.push({ request, settle });
    });
  }

  private sendWaiting(): void {
    const groups = this.waiting;
    this.waiting = new Map();
    for (const { key, calls } of groups.values()) {
      const rejectAll = (reason: unknown) => calls.forEach((call) => call.settle({ status: "rejected", reason }));
      (async () => this.send(key, calls.map((call) => call.request)))().then((replies) => {
        if (replies.length !== calls.length) return rejectAll(new Error(`${replies.length} replies to ${calls.length} requests`));
        calls.forEach((call, index) => call.settle({ status: "fulfilled", value: replies[index]! }));
      }, rejectAll);
    }
  }
}

interface Call<Request, Reply> {
  request: Request;
  settle: (outcome: PromiseSettledResult<Reply>) => void;
}
