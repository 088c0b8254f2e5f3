// The full output of one stage in one run: <state-dir>/logs/<run-id>/<stage>.log, all
// attempts in one file with a marker line before each.
//
// Writes are synchronous on purpose. A stage's output arrives in chunks of at most
// 64 KiB, and a synchronous append to the page cache costs microseconds, while an async
// stream costs a thread-pool round trip per open/write/close, on the critical path of
// every stage (the 1000-stage chain benchmark measured it). Memory stays constant
// however much a stage prints: nothing is queued.
import { closeSync, openSync, writeSync } from "node:fs";

/** Redaction is line by line, so a secret split across two chunks is still caught. */
const MAX_PENDING = 64 * 1024;

export class StageLog {
  private fd: number | undefined;
  private failed = false;
  private pending = "";

  constructor(
    readonly path: string,
    private readonly redact: ((text: string) => string) | undefined,
  ) {}

  mark(text: string): void {
    this.flushPending();
    this.append(`--- ${new Date().toISOString()} ${text}\n`);
  }

  write(text: string): void {
    if (!this.redact) return this.append(text);
    const buffered = this.pending + text;
    const end = buffered.lastIndexOf("\n") + 1;
    if (end === 0 && buffered.length < MAX_PENDING) {
      this.pending = buffered;
      return;
    }
    this.pending = end === 0 ? "" : buffered.slice(end);
    this.append(this.redact(end === 0 ? buffered : buffered.slice(0, end)));
  }

  close(): void {
    this.flushPending();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private flushPending(): void {
    if (this.pending && this.redact) this.append(this.redact(this.pending));
    this.pending = "";
  }

  // A full disk or a removed state dir must not crash the supervisor: the run goes on
  // and the log is short (the failure tail is still kept in memory).
  private append(text: string): void {
    if (this.failed) return;
    try {
      // The run created the log folder; no mkdir per stage.
      this.fd ??= openSync(this.path, "a");
      writeSync(this.fd, text);
    } catch {
      this.failed = true;
    }
  }
}
