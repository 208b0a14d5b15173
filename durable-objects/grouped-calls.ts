import { groupBy } from "../workers/group-by";
import { TurnBatch } from "./turn-batch";

/**
 * Calls made in the same turn to the same object travel as one call carrying all of them:
 * `send(key, requests)` answers one reply per request, in order. A hot cell then gets one
 * message per turn from each reservation shard instead of one per reservation (an
 * object-to-object call costs workerd more than a trivial Worker's whole request: README,
 * Performance, step 52). The turn is TurnBatch's; each call settles with its own reply as
 * soon as its send does, and a send that fails fails only the calls it carried.
 */
export class GroupedCalls<Key, Request, Reply> {
  private readonly turns: TurnBatch<{ key: Key; request: Request }, Reply>;

  constructor(nameOf: (key: Key) => string, send: (key: Key, requests: Request[]) => Promise<Reply[]>) {
    this.turns = new TurnBatch((calls) => {
      const groups = groupBy(calls.keys(), (index) => nameOf(calls[index]!.key));
      const replies = new Array<Promise<Reply>>(calls.length);
      for (const indexes of groups.values()) {
        const sent = (async () => send(calls[indexes[0]!]!.key, indexes.map((index) => calls[index]!.request)))().then((answers) => {
          if (answers.length !== indexes.length) throw new Error(`${answers.length} replies to ${indexes.length} requests`);
          return answers;
        });
        indexes.forEach((index, position) => (replies[index] = sent.then((answers) => answers[position]!)));
      }
      return replies;
    });
  }

  call(key: Key, request: Request): Promise<Reply> {
    return this.turns.add({ key, request });
  }
}
