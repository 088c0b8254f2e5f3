// `user:` — a stage run as another user: seen by the stage itself (id -u, HOME), its
// outputs still reach dependents; a user that cannot be used is exit 2 before anything runs.
import { chmodSync, existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lookUpUser, parsePasswd } from "../../src/engine/process/user-identity.js";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { eventsOf, parseEvents } from "../helpers/events.js";

const isRoot = process.getuid?.() === 0;
let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-user-");
  // The stage's user must be able to pass through the state dir to write its outputs.
  chmodSync(project.dir, 0o711);
});
afterEach(() => project.cleanup());

describe("user:", () => {
  it.skipIf(!isRoot)("runs the stage and its health command as that user (both spawn paths); dependents get its outputs", async () => {
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  who:\n    command: echo "ID=$(id -u):$(id -g) HOME=$HOME" >> $NETRA_OUTPUT\n    cwd: /\n    user: nobody\n    health: { command: test "$(id -u)" = 65534, interval: 20ms, retries: 3 }\n  next:\n    depends_on: [who]\n    command: test "$NETRA_WHO_ID" = "65534:65534 HOME=/nonexistent" && test "$(id -u)" = 0\n`,
    );
    const result = await runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "stage-ready", "who")[0]?.outputs).toEqual({ ID: "65534:65534 HOME=/nonexistent" });
    expect(eventsOf(events, "stage-ready", "next")).toHaveLength(1);
  });

  it("an unknown user is refused before anything runs, every such stage named with its line, exit 2", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  a:\n    command: touch ran\n    user: no-such-user-x\n  b:\n    command: touch ran\n    user: also-missing\n`);
    const result = await runCli(["up", "-c", file], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`startup.yaml:3 stages.a.user: ${isRoot ? "no user named no-such-user-x in /etc/passwd" : "running a stage as user no-such-user-x needs netra-start to run as root"}`);
    expect(result.stderr).toContain("startup.yaml:6 stages.b.user:");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(project.dir, "ran"))).toBe(false);
  });

  it("only root may switch users; a bare uid needs no passwd entry", () => {
    const passwd = parsePasswd("root:x:0:0:root:/root:/bin/sh\nweb:x:1001:1002::/srv/web:/bin/sh\n");
    expect(lookUpUser("web", 1000, passwd)).toMatchObject({ ok: false, problem: "running a stage as user web needs netra-start to run as root (it runs as uid 1000)" });
    expect(lookUpUser("web", 0, passwd)).toEqual({ ok: true, identity: { uid: 1001, gid: 1002, name: "web", home: "/srv/web" } });
    expect(lookUpUser("4242", 0, passwd)).toEqual({ ok: true, identity: { uid: 4242, gid: 4242, name: undefined, home: undefined } });
    expect(lookUpUser("nope", 0, passwd)).toMatchObject({ ok: false, problem: "no user named nope in /etc/passwd" });
  });
});
