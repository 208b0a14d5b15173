export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Answer {
  status: number;
  body: any;
}

/**
 * The crash test's HTTP client. `once` gives up at the first lost connection (the caller
 * never learns the outcome); `definite` retries the same request until the service answers,
 * as a real checkout would (every API write is idempotent by its id).
 */
export class CrashClient {
  /** Any 5xx seen: the service must never answer one, crash or no crash. */
  readonly serverErrors: string[] = [];

  constructor(
    private readonly baseUrl: () => string,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${this.baseUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    // The one 5xx allowed: reconciliation while the reporting database is busy (503).
    if (response.status >= 500 && !(response.status === 503 && path === "/v1/admin/reconcile")) this.serverErrors.push(`${method} ${path} → ${response.status} ${text.slice(0, 200)}`);
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async once(method: string, path: string, body?: unknown): Promise<Answer | undefined> {
    return (await this.tryOnce(method, path, body)).answer;
  }

  /**
   * One try. `reached` is false when the connection was refused (the runtime was down): the
   * request certainly did nothing. Any other failure (a reset mid-request) leaves it unknown.
   */
  async tryOnce(method: string, path: string, body?: unknown): Promise<{ answer?: Answer; reached: boolean }> {
    try {
      return { answer: await this.call(method, path, body), reached: true };
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      return { reached: code !== "ECONNREFUSED" };
    }
  }

  async definite(method: string, path: string, body?: unknown): Promise<Answer | undefined> {
    return (await this.retried(method, path, body)).answer;
  }

  /** Like `definite`, and says whether an earlier try may have reached the service and lost its answer. */
  async retried(method: string, path: string, body?: unknown): Promise<{ answer: Answer; lostOnce: boolean }> {
    let lostOnce = false;
    for (let tries = 0; tries < 600; tries++) {
      const { answer, reached } = await this.tryOnce(method, path, body);
      if (answer) return { answer, lostOnce };
      lostOnce ||= reached;
      await sleep(100);
    }
    throw new Error(`${method} ${path}: no answer for a minute`);
  }

  /** Runs reconciliation until it is clean or the time is up; answers the last run. */
  async eventuallyClean(storeIds: string[], timeoutMs: number): Promise<{ clean: boolean; differences: unknown[] }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = (await this.definite("POST", "/v1/admin/reconcile", { storeIds }))!;
      if (run.status === 200 && (run.body.clean || Date.now() > deadline)) return run.body;
      if (Date.now() > deadline) return { clean: false, differences: [run.body] };
      await sleep(1_000);
    }
  }
}
