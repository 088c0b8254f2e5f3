// `netra-start import` through the built CLI: realistic files in fixtures/import are
// imported, then pass `validate`; unmappable fields are commented and warned about at
// their file:line:col; an existing output is kept without --force.
import { copyFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-import-");
});
afterEach(() => project.cleanup());

const fixture = (name: string) => {
  copyFileSync(path.join(ROOT, "fixtures", "import", name), path.join(project.dir, name));
  return name;
};
const importFile = (args: string[]) => runCli(["import", ...args], { cwd: project.dir });
const written = () => readFileSync(path.join(project.dir, "startup.yaml"), "utf8");

describe("netra-start import", () => {
  for (const [file, kind, stages] of [
    ["Procfile", "procfile", 4],
    ["process-compose.yaml", "process-compose", 4],
    ["compose.yaml", "compose", 5],
  ] as const) {
    it(`${file}: writes a startup.yaml that validate accepts`, async () => {
      // The project the compose file comes from has the .env its api reads (env_file: .env).
      project.write(".env", "SECRET_KEY=dev\n");
      const result = await importFile([fixture(file)]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`wrote startup.yaml: ${stages} stages from ${file} (${kind})`);
      expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
      const check = await runCli(["validate"], { cwd: project.dir });
      expect(check.stdout).toBe(`startup.yaml is valid: ${stages} stages\n`);
      expect(check.code).toBe(0);
    });
  }

  it("compose: an unmappable field is a comment in the file and a located warning on stderr", async () => {
    project.write(".env", "SECRET_KEY=dev\n");
    const result = await importFile([fixture("compose.yaml")]);
    expect(result.code).toBe(0);
    const text = written();
    expect(text).toContain("  db:\n    # not imported: image: postgres:16 (netra-start runs commands on this machine, not containers)\n");
    expect(text).toContain('    # not imported: ports: ["5432:5432"] (netra-start runs commands on this machine, not containers)\n');
    expect(text).toContain("    depends_on:\n      - {stage: migrate, condition: completed}\n      - {stage: redis, condition: started}\n");
    expect(text).toContain("    env_file: .env\n");
    expect(text).toContain("    env_file:\n      - {path: ./worker.env, required: false}\n");
    expect(result.stderr).toContain('compose.yaml:6:5 warning: services.db.image: "image" not imported: netra-start runs commands on this machine, not containers\n');
    expect(result.stderr).not.toContain("env_file");
    // The migration others wait for with service_completed_successfully runs to completion.
    const plan = await runCli(["plan", "--format", "json"], { cwd: project.dir });
    const stages = (JSON.parse(plan.stdout) as { stages: { name: string; kind: string; dependencies: unknown[] }[] }).stages;
    expect(plan.code).toBe(0);
    expect(stages.find((s) => s.name === "migrate")?.kind).toBe("task");
    // compose's conditions carried over: what netra-start will wait for.
    expect(stages.find((s) => s.name === "api")?.dependencies).toEqual([
      { stage: "migrate", condition: "completed", required: true, restart: false },
      { stage: "redis", condition: "started", required: true, restart: false },
    ]);
    expect(stages.find((s) => s.name === "worker")?.dependencies).toContainEqual({ stage: "api", condition: "ready", required: false, restart: false });
  });

  it("compose env_file: read from startup.yaml's folder when the compose file is elsewhere; a missing one is exit 2 at its line", async () => {
    project.write("app/compose.yaml", "services:\n  api:\n    command: printenv GREETING\n    env_file: [.env, { path: local.env, required: false }]\n");
    project.write("app/.env", "GREETING=hello from app/.env\n");
    const result = await importFile(["app/compose.yaml"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(written()).toContain("    env_file:\n      - app/.env\n      - {path: app/local.env, required: false}\n");
    const up = await runCli(["up", "--output", "plain"], { cwd: project.dir });
    expect(up.stdout).toContain("api │ hello from app/.env");

    project.write("compose.yaml", "services:\n  api:\n    command: printenv GREETING\n    env_file: .env\n");
    const missing = await importFile(["compose.yaml", "--force"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("startup.yaml:10:15 stages.api.env_file: env file .env not found (create it");
  });

  it("Procfile: the imported graph runs — release first, then the processes", async () => {
    project.write("Procfile", "release: echo migrated\nweb: echo listening on $PORT; exec sleep 30\nworker: exec sleep 30\n");
    expect((await importFile(["Procfile"])).code).toBe(0);
    const up = await runCli(["up", "--check", "--output", "plain"], { cwd: project.dir });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("web │ listening on 5000");
  });

  it("refuses to overwrite an existing output without --force", async () => {
    project.write("startup.yaml", "# mine\n");
    const refused = await importFile([fixture("Procfile")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("error: startup.yaml already exists; not overwriting it\nhint: pass --force to replace it, or -o to write another file\n");
    expect(written()).toBe("# mine\n");
    expect((await importFile([fixture("Procfile"), "--force"])).code).toBe(0);
    expect(written()).toContain("kind: service");
    expect((await importFile([fixture("Procfile"), "-o", "other.yaml"])).code).toBe(0);
    expect(readFileSync(path.join(project.dir, "other.yaml"), "utf8")).toContain("release:");
  });

  it("bad input: a missing file, an unknown kind, broken YAML — exit 2 with where and how to fix", async () => {
    const missing = await importFile(["nope.yml"]);
    expect(missing).toMatchObject({ code: 2, stderr: "error: cannot read nope.yml: no such file\nhint: give the path of a Procfile, process-compose.yaml or compose.yaml\n" });
    project.write("notes.txt", "just some words\n");
    const unknown = await importFile(["notes.txt"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: cannot tell what kind of file notes.txt is\nhint: name it Procfile, process-compose.yaml or compose.yaml, or pass --from");
    project.write("compose.yaml", "services:\n  db:\n    image: [postgres\n");
    const broken = await importFile(["compose.yaml"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^compose\.yaml:\d+:\d+ .*\(close the \[ or \{ opened on an earlier line\)\n/);
    expect(broken.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });
});
