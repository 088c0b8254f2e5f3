// A Procfile (Heroku, foreman, honcho, overmind): one `name: command` per line. Every
// process type becomes a service, except Heroku's `release`, which runs to completion
// before the others (a task they depend on). foreman gives each process type a PORT,
// 5000, 5100, 5200…: a command that uses $PORT gets that one in `env`.
import { newStage, stageName, type Imported, type ImportedStage, type Skipped } from "./imported.js";

const FOREMAN_BASE_PORT = 5000;
const FOREMAN_PORT_STEP = 100;

export function fromProcfile(text: string): Imported {
  const stages: ImportedStage[] = [];
  const skipped: Skipped[] = [];
  const taken = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = /^([A-Za-z0-9_.-]+):\s*(.*)$/.exec(line);
    if (!match || !match[2]) {
      skipped.push({ path: [], line: index + 1, message: `line not imported: expected "name: command", got ${JSON.stringify(line)}` });
      return;
    }
    const [, type = "", command = ""] = match;
    let name = stageName(type);
    for (let n = 2; taken.has(name); n++) name = `${stageName(type).slice(0, 60)}-${n}`;
    taken.add(name);
    const stage = newStage(name);
    if (stage.name !== type) stage.notes.push(`"${type}" in the Procfile`);
    const isRelease = stage.name === "release";
    stage.fields.kind = isRelease ? "task" : "service";
    stage.fields.command = command;
    if (/\$\{?PORT\b/.test(command)) {
      const port = FOREMAN_BASE_PORT + FOREMAN_PORT_STEP * stages.filter((s) => s.fields.kind === "service").length;
      stage.fields.env = { PORT: String(port) };
      stage.fieldNotes.env = "the port foreman would give this process type";
    }
    if (isRelease) stage.notes.push("Heroku's release phase: runs to completion before the other processes start");
    stages.push(stage);
  });
  const release = stages.find((s) => s.name === "release");
  if (release) for (const stage of stages) if (stage !== release) stage.fields.depends_on = [release.name];
  return { kind: "procfile", name: undefined, stages, skipped };
}
