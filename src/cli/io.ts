// The only writers to stdout/stderr for command results. Commands print through these so
// that json output mode can guarantee nothing else reaches stdout.
export function out(text = ""): void {
  process.stdout.write(`${text}\n`);
}

export function err(text = ""): void {
  process.stderr.write(`${text}\n`);
}

export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.DEBUG ?? "").split(",").some((d) => d.trim() === "netra-start" || d.trim() === "netra-start:*" || d.trim() === "*");
}
