// The full output of one stage in one run: <state-dir>/logs/<run-id>/<stage>.log, all
// attempts in one file with a marker line before each.
//
// Writes are synchronous on purpose. A stage's output arrives in chunks of at most
// 64 KiB, and a synchronous append to the page cache costs microseconds, while an async
// stream costs a thread-pool round trip per open/write/close, on the critical path of
// every stage (the 1000-stage chain benchmark measured it). Memory stays constant
// however much a stage prints: nothing is queued.
import { closeSync, openSync, writeSync } from "node:fs";
import type { Redactor } from "../../redact/redactor.js";

export class StageLog {
  private fd: number | undefined;
  private failed = false;

  constructor(
    readonly path: string,
    private readonly redactor: Redactor | undefined,
  ) {}

  /** A line of our own (attempt n, its error, cleanup): it may quote a secret, so it is redacted. */
  mark(text: string): void {
    const line = `--- ${new Date().toISOString()} ${text}\n`;
    this.append(this.redactor ? this.redactor.redact(line) : line);
  }

  /** The stage's output, already redacted by its process's redacting stream. */
  write(text: string): void {
    this.append(text);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
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
