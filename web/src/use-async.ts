// One loader per panel: loading, data or error, and a reload. A newer load wins over an older one.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export type AsyncState<T> = { status: "loading"; data?: T } | { status: "ok"; data: T } | { status: "error"; error: unknown; data?: T };

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void; set: (data: T) => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ status: "loading", ...(previous.data !== undefined ? { data: previous.data } : {}) }));
    // Through a promise, so a loader that throws before its first await is an error state too, never "loading" for good.
    Promise.resolve().then(load).then(
      (data) => mine === generation.current && setState({ status: "ok", data }),
      (error: unknown) => mine === generation.current && setState({ status: "error", error }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run, set: (data: T) => setState({ status: "ok", data }) };
}
