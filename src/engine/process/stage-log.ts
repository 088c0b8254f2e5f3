// The full output of one stage in one run: <state-dir>/logs/<run-id>/<stage>.log, all
// attempts in one file with a marker line before each.
//
// Writes are synchronous on purpose. A stage's output arrives in chunks of at most
// 64 KiB, and a synchronous append to the page cache costs microseconds, while an async
// stream costs a thread-pool round trip per open/write/close, on the critical path of
// every stage (the 1000-stage chain benchmark measured it). Memory stays constant
// however much a stage prints: nothing is queued.
//
// The folder may vanish under a running log (a stage that cleans `.netra/logs`): the
// log is then written back under its path when it closes, and a log not yet opened
// recreates its folder. A full disk is not swallowed: it is handed to `onDiskFull`,
// which stops the run (exit 70) — a run that cannot keep its logs must say so.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import type { Redactor } from "../../redact/redactor.js";
import { diskFullError, isDiskFull, type DiskFullError } from "../../util/disk-full.js";

/** How large a log may be to be masked again when a secret is learned late. */
const REWRITE_LIMIT = 16 * 1024 * 1024;

export class StageLog {
  private fd: number | undefined;
  private failed = false;
  /** Whether the file ends with a newline (or is empty); unknown until the log is opened. */
  private atLineStart: boolean | undefined;
  /** An attempt's opening marker, written only once the attempt has something to say. */
  private pending: string | undefined;

  constructor(
    readonly path: string,
    private readonly redactor: Redactor | undefined,
    private readonly onDiskFull?: (error: DiskFullError) => void,
  ) {}

  /** A line of our own (attempt n, its error, cleanup): it may quote a secret, so it is redacted. */
  // A marker always starts a line of its own: after output that did not end with a newline
  // (a progress bar, `printf` without \n), it would otherwise be glued to that output.
  mark(text: string): void {
    this.flushPending();
    this.append(this.markerLine(text), true);
  }

  /**
   * The marker that opens an attempt: held back until the stage prints something or the
   * attempt fails, so that a stage that succeeds in silence costs no file at all (a 4 KiB
   * block per stage per run otherwise: gigabytes for a large graph kept 200 runs).
   */
  begin(text: string): void {
    this.pending = this.markerLine(text);
  }

  /** Whether anything was written: a silent stage has no log file. */
  get written(): boolean {
    return this.fd !== undefined;
  }

  private markerLine(text: string): string {
    const line = `--- ${new Date().toISOString()} ${text}\n`;
    return this.redactor ? this.redactor.redact(line) : line;
  }

  private flushPending(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) this.append(pending, true);
  }

  /** The stage's output, already redacted by its process's redacting stream. */
  write(text: string): void {
    if (text.length === 0) return;
    this.flushPending();
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

  // A held-back marker survives close: a service silent until ready may print later, and its
  // log then starts with the attempt's marker as any other.
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      if (fstatSync(fd).nlink === 0) this.restoreFrom(fd);
    } catch (error) {
      this.fail(error);
    } finally {
      closeSync(fd);
    }
  }

  // The file was deleted while open: what the stage printed lives on only through our
  // descriptor. Copy it back under its path.
  private restoreFrom(fd: number): void {
    mkdirSync(path.dirname(this.path), { recursive: true });
    const copy = openSync(this.path, "a");
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (let position = 0, n = 0; (n = readSync(fd, buffer, 0, buffer.length, position)) > 0; position += n) writeSync(copy, buffer, 0, n);
    } finally {
      closeSync(copy);
    }
  }

  // The run created the log folder: no mkdir per stage, unless it has gone since. Other
  // errors (a log path taken by a folder…) leave the log short; the run goes on (the
  // failure tail is still kept in memory).
  private append(text: string, ownLine = false): void {
    if (this.failed || text.length === 0) return;
    try {
      this.fd ??= this.open();
      this.atLineStart ??= endsWithNewline(this.fd);
      writeSync(this.fd, ownLine && !this.atLineStart ? `\n${text}` : text);
      this.atLineStart = text.endsWith("\n");
    } catch (error) {
      this.fail(error);
    }
  }

  private open(): number {
    try {
      return openSync(this.path, "a+");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      mkdirSync(path.dirname(this.path), { recursive: true });
      return openSync(this.path, "a+");
    }
  }

  private fail(error: unknown): void {
    this.failed = true;
    if (isDiskFull(error)) this.onDiskFull?.(diskFullError(this.path, error));
  }
}

// Another writer (an earlier attempt's log, a cleanup's) may have left the file mid-line.
function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
