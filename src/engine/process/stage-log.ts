// The full output of one stage in one run: <state-dir>/logs/<run-id>/<stage>.log, all
// attempts in one file with a marker line before each.
//
// Writes are synchronous on purpose. A stage's output arrives in chunks of at most
// 64 KiB, and a synchronous append to the page cache costs microseconds, while an async
// stream costs a thread-pool round trip per open/write/close, on the critical path of
// every stage (the 1000-stage chain benchmark measured it). Memory stays constant
// however much a stage prints: nothing is queued.
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import type { Redactor } from "../../redact/redactor.js";

/** How large a log may be to be masked again when a secret is learned late. */
const REWRITE_LIMIT = 16 * 1024 * 1024;

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

  /**
   * A secret was learned after the stage printed it (it wrote an output, then we read it):
   * mask the log so far. Bounded: a log past REWRITE_LIMIT is left as it is, with a note.
   */
  redactAgain(): void {
    if (!this.redactor || this.failed) return;
    try {
      if (statSync(this.path).size > REWRITE_LIMIT) return this.mark("note: a secret output was learned after this log grew too large to mask again");
      writeFileSync(this.path, this.redactor.redact(readFileSync(this.path, "utf8")));
    } catch {
      // No log yet, or the disk is gone: nothing more to mask here.
    }
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
