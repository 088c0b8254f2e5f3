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
    const result = await importFile([fixture("compose.yaml")]);
    expect(result.code).toBe(0);
    const text = written();
    expect(text).toContain("  db:\n    # not imported: image: postgres:16 (netra-start runs commands on this machine, not containers)\n");
    expect(text).toContain('    # not imported: ports: ["5432:5432"] (netra-start runs commands on this machine, not containers)\n');
    expect(text).toContain("    depends_on: [migrate, redis] # redis: service_started — netra-start waits until it is ready\n");
    expect(result.stderr).toContain('compose.yaml:6:5 warning: services.db.image: "image" not imported: netra-start runs commands on this machine, not containers\n');
    expect(result.stderr).toContain('compose.yaml:46:5 warning: services.api.env_file: "env_file" not imported');
    // The migration others wait for with service_completed_successfully runs to completion.
    const plan = await runCli(["plan", "--format", "json"], { cwd: project.dir });
    const stages = (JSON.parse(plan.stdout) as { stages: { name: string; kind: string }[] }).stages;
    expect(stages.find((s) => s.name === "migrate")?.kind).toBe("task");
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
