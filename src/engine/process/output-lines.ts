// Splits a stage's output into lines for the failure tail and line watchers (log
// health probes, the live view) without ever holding the whole output: a partial line
// is capped, and only the last `tailSize` lines are kept.
const MAX_LINE = 4096;

export class OutputLines {
  private partial = "";
  private readonly tail: string[] = [];

  constructor(
    private readonly tailSize: number,
    private readonly onLine: ((line: string) => void) | undefined,
  ) {}

  push(chunk: string): void {
    let text = this.partial + chunk;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      this.emit(text.slice(0, newline));
      text = text.slice(newline + 1);
      newline = text.indexOf("\n");
    }
    this.partial = text.length > MAX_LINE ? text.slice(0, MAX_LINE) : text;
  }

  flush(): void {
    if (this.partial) this.emit(this.partial);
    this.partial = "";
  }

  lastLines(): string[] {
    return [...this.tail];
  }

  private emit(raw: string): void {
    const line = (raw.endsWith("\r") ? raw.slice(0, -1) : raw).slice(0, MAX_LINE);
    this.tail.push(line);
    if (this.tail.length > this.tailSize) this.tail.shift();
    this.onLine?.(line);
  }
}
