// Colour only for a person at a terminal: never when NO_COLOR is set or stdout is not a
// TTY (CI logs, pipes, files), whatever chalk would guess.
import { Chalk, type ChalkInstance } from "chalk";

export function makeStyle(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const enabled = Boolean(stream.isTTY) && !("NO_COLOR" in env) && env.TERM !== "dumb";
  return new Chalk({ level: enabled ? (env.FORCE_COLOR === "0" ? 0 : 1) : 0 });
}
