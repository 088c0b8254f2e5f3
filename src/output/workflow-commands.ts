// Under GitHub Actions the runner reads every line a step prints, on stdout and stderr,
// as a possible workflow command: a line that starts with `::` (after leading blanks),
// or `##[command]` anywhere in a line (the older syntax, still honoured). Stage output
// and errors can hold either (`##[add-mask]`, `::error::`), and visibleText() only keeps
// them from starting a line. So our text lines are printed between
// `::stop-commands::<token>` and `::<token>::`: the runner obeys nothing in between but
// the token, which is random and printed only when commands resume. Our own commands
// (annotations, groups) are printed with commands on.
import { randomBytes } from "node:crypto";

export interface TextOutput {
  /** A line of text, which may quote stage output: never obeyed as a command. */
  line(text: string): void;
  /** A workflow command of our own (`::error …`, `::group::…`). */
  command(text: string): void;
  /** Commands back on, for the steps after ours: at the end of the output. */
  end(): void;
}

export function textOutput(write: (line: string) => void, github: boolean, newToken: () => string = () => randomBytes(16).toString("hex")): TextOutput {
  if (!github) return { line: write, command: write, end: () => undefined };
  let stoppedBy: string | undefined;
  const resume = () => {
    if (stoppedBy === undefined) return;
    write(`::${stoppedBy}::`);
    stoppedBy = undefined;
  };
  return {
    line(text) {
      if (stoppedBy === undefined) {
        stoppedBy = newToken();
        write(`::stop-commands::${stoppedBy}`);
      }
      write(text);
    },
    command(text) {
      resume();
      write(text);
    },
    end: resume,
  };
}
