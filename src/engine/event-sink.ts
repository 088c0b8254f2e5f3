// Where every event of a run goes: through the one redaction boundary, then to each
// consumer (the recorder, a renderer, the GitHub step summary) in turn. A consumer that
// throws must never take the run down: it is reported once and replaced by its fallback
// (the live view falls back to plain lines) or switched off, and the run goes on.
import type { Redactor } from "../redact/redactor.js";
import type { EngineEvent } from "./events.js";
import { redactEvent } from "./redact-event.js";

export interface Consumer {
  /** Said in the one warning if it fails: "the live view", "the report database". */
  readonly name: string;
  onEvent(event: EngineEvent): void;
  /** What takes over when this one fails; it receives the event that failed too. */
  fallback?: () => Consumer;
}

/** An error a consumer threw on its own (a renderer's timer), tagged with its name for failAsync. */
export class ConsumerError extends Error {
  constructor(
    readonly consumer: string,
    cause: unknown,
  ) {
    super(`${consumer}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "ConsumerError";
  }
}

export interface EventSink {
  (event: EngineEvent): void;
  /** An error thrown later, outside onEvent (a renderer's timer): fail that consumer. */
  failAsync(error: unknown): boolean;
}

export interface SinkOptions {
  redactor: Redactor;
  consumers: Consumer[];
  /** Told once per failed consumer; `replacement` names what took over, if anything. */
  onFailure: (consumer: string, error: unknown, replacement: string | undefined) => void;
  /** Which consumer an asynchronous error came from, if any of them. */
  ownerOf?: (error: unknown) => string | undefined;
}

export function createEventSink(options: SinkOptions): EventSink {
  const consumers: (Consumer | undefined)[] = [...options.consumers];
  let last: EngineEvent | undefined;

  const fail = (i: number, error: unknown, event: EngineEvent | undefined) => {
    const failed = consumers[i];
    if (!failed) return;
    let replacement: Consumer | undefined;
    try {
      replacement = failed.fallback?.();
      if (replacement && event) replacement.onEvent(event);
    } catch {
      replacement = undefined;
    }
    consumers[i] = replacement;
    options.onFailure(failed.name, error, replacement?.name);
  };

  const sink = ((event: EngineEvent) => {
    const safe = redactEvent(event, options.redactor);
    last = safe;
    for (let i = 0; i < consumers.length; i++) {
      try {
        consumers[i]?.onEvent(safe);
      } catch (error) {
        fail(i, error, safe);
      }
    }
  }) as EventSink;

  sink.failAsync = (error) => {
    const owner = options.ownerOf?.(error);
    const i = consumers.findIndex((c) => c !== undefined && c.name === owner);
    if (i < 0) return false;
    // The event that failed is unknown; the replacement picks up from the last one only
    // when that one is a run's end (so the summary is still printed).
    fail(i, error, last?.type === "run-finished" ? last : undefined);
    return true;
  };
  return sink;
}
