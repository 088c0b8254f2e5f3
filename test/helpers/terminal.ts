// What a person sees of a program's live view: runs it on a pseudo-terminal (util-linux
// `script`) and plays back what it wrote — cursor up, erase line, column 1, CR/LF, with
// colours dropped — keeping the screen as it stood before each redraw (the frames).
import { readFileSync } from "node:fs";
import { BIN, runCommand } from "./cli.js";

export interface TerminalRun {
  code: number | null;
  raw: string;
  /** The screen before each redraw, then the final screen. */
  frames: string[][];
  screen: string[];
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export interface TerminalOptions {
  cwd: string;
  columns: number;
  env?: Record<string, string>;
  /** Everything drawn so far, each time more arrives, and the pid of netra-start itself (to signal it). */
  onOutput?: (raw: string, pid: number | undefined) => void;
  timeoutMs?: number;
}

export async function runOnTerminal(args: string[], options: TerminalOptions): Promise<TerminalRun> {
  const command = `stty cols ${options.columns} rows 60; exec ${quote(process.execPath)} ${[BIN, ...args].map(quote).join(" ")}`;
  let scriptPid = 0;
  const result = await runCommand("script", ["-qfec", command, "/dev/null"], {
    cwd: options.cwd,
    env: { TERM: "xterm-256color", ...options.env },
    timeoutMs: options.timeoutMs,
    onSpawn: (pid) => (scriptPid = pid),
    onStdout: (raw) => options.onOutput?.(raw, childOf(scriptPid)),
  }).catch((error: Error) => {
    throw new Error(`cannot run util-linux \`script\` for a pseudo-terminal (apt-get install bsdutils; \`npm run test:setup\` does this): ${error.message}`);
  });
  return { code: result.code, raw: result.stdout, ...playBack(result.stdout) };
}

// `script` runs the command as its only child, in the pseudo-terminal's session.
function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ")[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

// ESC [ params command: the control sequences the live view and chalk write.
const CSI = new RegExp(String.raw`^\u001b\[([?\d;]*)([A-Za-z])`);

export function playBack(output: string): { frames: string[][]; screen: string[] } {
  const screen: string[] = [""];
  const frames: string[][] = [];
  let row = 0;
  let col = 0;
  let drawn = false;
  const put = (ch: string) => {
    const line = (screen[row] ?? "").padEnd(col, " ");
    screen[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
    drawn = true;
  };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i] as string;
    if (ch === "\x1b") {
      const match = CSI.exec(output.slice(i, i + 16));
      if (!match) continue;
      i += match[0].length - 1;
      const [, arg, command] = match;
      if (command === "K") {
        if (drawn) frames.push(screen.filter((l) => l.trim() !== ""));
        drawn = false;
        screen[row] = "";
      } else if (command === "A") row = Math.max(0, row - Number(arg || 1));
      else if (command === "G") col = Number(arg || 1) - 1;
      continue;
    }
    if (ch === "\r") col = 0;
    else if (ch === "\n") {
      row++;
      if (screen.length <= row) screen.push("");
    } else put(ch);
  }
  return { frames, screen: screen.filter((l) => l.trim() !== "") };
}
