// Adds a line to a .gitignore, creating the file if needed, once: running it again, or on
// a file that already ignores the entry (with or without a leading / or trailing /),
// changes nothing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export type IgnoreChange = "created" | "appended" | "present";

export function ensureIgnored(file: string, entry: string, comment: string): IgnoreChange {
  const block = `# ${comment}\n${entry}\n`;
  if (!existsSync(file)) {
    writeFileSync(file, block);
    return "created";
  }
  const text = readFileSync(file, "utf8");
  if (ignores(text, entry)) return "present";
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  writeFileSync(file, `${text}${separator}${block}`);
  return "appended";
}

function ignores(text: string, entry: string): boolean {
  const bare = (line: string) => line.trim().replace(/^\//, "").replace(/\/$/, "");
  return text.split(/\r?\n/).some((line) => bare(line) === bare(entry));
}
