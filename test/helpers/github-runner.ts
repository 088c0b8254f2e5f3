// What the GitHub Actions runner would obey in a step's output, read the way it reads it
// (actions/runner: ProcessInvoker reads lines with .NET StreamReader.ReadLine, which ends
// a line at \r, \n or \r\n; ActionCommandManager tries `::cmd props::data` on the line
// after TrimStart, then the older `##[cmd props]data` anywhere in it, and between
// `::stop-commands::TOKEN` and `::TOKEN::` obeys nothing but the token).
// To be strict, the test splits lines at every separator some reader honours, not only
// the runner's two: \v, \f, U+0085, U+2028 and U+2029 too.
export const LINE_SEPARATORS = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/;

const REGISTERED = new Set(["add-mask", "add-matcher", "add-path", "debug", "echo", "endgroup", "error", "group", "notice", "remove-matcher", "save-state", "set-env", "set-output", "warning"]);

export interface ObeyedCommand {
  name: string;
  line: string;
}

/** The workflow commands the runner would carry out, in order (stop and resume included). */
export function obeyedCommands(output: string): ObeyedCommand[] {
  const obeyed: ObeyedCommand[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(LINE_SEPARATORS)) {
    // The runner tries the new syntax, then the old, each only with a name it knows.
    const known = (name: string) => (stopToken === undefined ? REGISTERED.has(name) || name === "stop-commands" : name.toLowerCase() === stopToken.toLowerCase());
    const name = namesIn(line).find(known);
    if (name === undefined) continue;
    if (stopToken !== undefined) {
      stopToken = undefined;
      obeyed.push({ name: "resume-commands", line });
    } else if (name === "stop-commands") {
      stopToken = dataOf(line);
      obeyed.push({ name, line });
    } else obeyed.push({ name, line });
  }
  return obeyed;
}

/** The command names a line gives: `::name …::` at its start (after blanks), `##[name …]` anywhere. */
function namesIn(line: string): string[] {
  const names: string[] = [];
  const trimmed = line.trimStart();
  if (trimmed.startsWith("::")) {
    const end = trimmed.indexOf("::", 2);
    if (end >= 0) names.push(trimmed.slice(2, end).split(" ")[0] as string);
  }
  const legacy = line.indexOf("##[");
  if (legacy >= 0) {
    const end = line.indexOf("]", legacy);
    if (end >= 0) names.push(line.slice(legacy + 3, end).split(" ")[0] as string);
  }
  return names;
}

function dataOf(line: string): string {
  const trimmed = line.trimStart();
  return trimmed.slice(trimmed.indexOf("::", 2) + 2);
}

/** Lines that start with `::` once split at every separator: where a command could hide. */
export function linesStartingWithColons(output: string): string[] {
  return output.split(LINE_SEPARATORS).filter((line) => line.trimStart().startsWith("::"));
}
