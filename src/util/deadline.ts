// A signal that aborts when `parent` does or when `ms` have passed, built from one
// AbortController and one plain timer that we own and clear. Not AbortSignal.any with
// AbortSignal.timeout: on Node 20 the timeout signal, referenced only weakly by the
// combined one, can be garbage-collected with its timer, and then never fires
// (nodejs/node#57736) — a probe against a server that never answers hung for ever.
export interface Deadline {
  readonly signal: AbortSignal;
  /** Did the time run out (as opposed to the parent aborting)? */
  expired(): boolean;
  /** Stop the timer and forget the parent; call it once the guarded work is over. */
  clear(): void;
}

export function deadline(parent: AbortSignal, ms: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no answer within ${ms}ms`, "TimeoutError"));
  }, ms);
  const onParentAbort = () => {
    clearTimeout(timer);
    controller.abort(parent.reason);
  };
  if (parent.aborted) onParentAbort();
  else parent.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    expired: () => expired,
    clear() {
      clearTimeout(timer);
      // The parent (the run's signal) outlives many probes: each must not leave a listener.
      parent.removeEventListener("abort", onParentAbort);
    },
  };
}
