/**
 * Group commit: calls that arrive before the next turn are applied together, so they share
 * one storage transaction and one commit (`setTimeout(0)` lets every call already waiting
 * join). `apply` answers one result per item, in order; if it throws, every call rejects.
 */
export class TurnBatch<Item, Result> {
  private waiting: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];

  constructor(private readonly apply: (items: Item[]) => Result[]) {}

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length === 1) setTimeout(() => this.run(), 0);
    });
  }

  private run(): void {
    const batch = this.waiting;
    this.waiting = [];
    let results: Result[];
    try {
      results = this.apply(batch.map((entry) => entry.item));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, index) => entry.resolve(results[index]!));
  }
}
