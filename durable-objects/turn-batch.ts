/**
 * Group commit: calls that arrive before the next turn are applied together, so they share
 * one storage transaction and one commit (`setTimeout(0)` lets every call already waiting
 * join). `apply` answers one result per item, in order (or a promise of them, when the
 * batch has more to do after its commit); if it throws or rejects, every call rejects. An
 * item's result may itself be a promise: that call settles when it does (GroupedCalls).
 */
export class TurnBatch<Item, Result> {
  private waiting: Array<{ item: Item; resolve: (result: Result | PromiseLike<Result>) => void; reject: (error: unknown) => void }> = [];

  constructor(private readonly apply: (items: Item[]) => Array<Result | PromiseLike<Result>> | Promise<Result[]>) {}

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length === 1) setTimeout(() => this.run(), 0);
    });
  }

  private run(): void {
    const batch = this.waiting;
    this.waiting = [];
    const fail = (error: unknown) => {
      for (const entry of batch) entry.reject(error);
    };
    const answer = (results: Array<Result | PromiseLike<Result>>) => batch.forEach((entry, index) => entry.resolve(results[index]!));
    let results: Array<Result | PromiseLike<Result>> | Promise<Result[]>;
    try {
      results = this.apply(batch.map((entry) => entry.item));
    } catch (error) {
      fail(error);
      return;
    }
    if (results instanceof Promise) results.then(answer, fail);
    else answer(results);
  }
}
