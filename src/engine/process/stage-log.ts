// The full output of one stage in one run: <state-dir>/logs/<run-id>/<stage>.log, all
// attempts in one file with a marker line before each. Written as a stream with
// backpressure, so a stage printing gigabytes costs disk, not memory.
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";

/** Redaction is line by line, so a secret split across two chunks is still caught. */
const MAX_PENDING = 64 * 1024;

export class StageLog {
  private stream: WriteStream | undefined;
  private pending = "";

  constructor(
    readonly path: string,
    private readonly redact: ((text: string) => string) | undefined,
  ) {}

  private open(): WriteStream {
    if (!this.stream) {
      mkdirSync(path.dirname(this.path), { recursive: true });
      this.stream = createWriteStream(this.path, { flags: "a" });
      // A full disk must not crash the supervisor: the run goes on, the log is short.
      this.stream.on("error", () => undefined);
    }
    return this.stream;
  }

  mark(text: string): void {
    this.flushPending();
    this.open().write(`--- ${new Date().toISOString()} ${text}\n`);
  }

  /** false when the caller should wait for drain() before writing more. */
  write(text: string): boolean {
    if (!this.redact) return this.open().write(text);
    const buffered = this.pending + text;
    const end = buffered.lastIndexOf("\n") + 1;
    if (end === 0 && buffered.length < MAX_PENDING) {
      this.pending = buffered;
      return true;
    }
    const complete = end === 0 ? buffered : buffered.slice(0, end);
    this.pending = end === 0 ? "" : buffered.slice(end);
    return this.open().write(this.redact(complete));
  }

  private flushPending(): void {
    if (this.pending && this.redact) this.open().write(this.redact(this.pending));
    this.pending = "";
  }

  drain(): Promise<void> {
    const stream = this.stream;
    if (!stream || !stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => stream.once("drain", resolve));
  }

  close(): Promise<void> {
    this.flushPending();
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }
}
