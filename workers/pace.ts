/**
 * At most `perSecond` starts a second, across everything that shares one pace: each `take`
 * waits for its own slot, one after another. The cron's cell calls share one per isolate
 * (workers/maintenance.ts), and so do the store hubs' creations of staged cells
 * (durable-objects/store-hub.ts): locally every object runs in one workerd process, each
 * object opened stays open 10–20 s, and a few thousand open at once ran SQLite out of memory.
 */
export class Pace {
  private nextAt = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async take(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.perSecond;
    if (at > now) await this.sleep(at - now);
  }
}

const paces = new Map<string, Pace>();

/** The isolate's one pace of this name (made at the rate first asked for): every caller in the isolate shares it. */
export function isolatePace(name: string, perSecond: number): Pace {
  let pace = paces.get(name);
  if (!pace) paces.set(name, (pace = new Pace(perSecond)));
  return pace;
}
