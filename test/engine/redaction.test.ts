// One redaction boundary: a secret never reaches the terminal, a log, a file under the
// state dir or the database — however it arrives (split across writes, deep in a long
// line, spread over lines) and wherever it comes from (the environment, a stage's
// outputs, a cleanup, an error message). Checked by searching every byte the run wrote.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { stageLogOf } from "../helpers/db.js";
import { parseEvents } from "../helpers/events.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-redact-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

const up = (config: string, env: Record<string, string> = {}, output = "json") => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", output], { cwd: project.dir, env });
};

// Every file under the state dir (logs, outputs, the database and its WAL) that holds `needle`.
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (readFileSync(file).includes(Buffer.from(needle))) found.push(path.relative(dir, file));
    }
  };
  walk(dir);
  return found;
}

const readLog = (stage: string) => stageLogOf(state, stage);

const TOKEN = "tok-9f8e7d6c5b4a";

it("a secret split across two writes of a stage is masked in the log, the failure tail and the database", async () => {
  const result = await up(
    `version: 1\nstages:\n  leaky:\n    priority: low\n    retries: 0\n    command: "printf 'token ${TOKEN.slice(0, 7)}'; sleep 0.3; printf '${TOKEN.slice(7)} end\\\\n'; exit 1"\n`,
    { API_TOKEN: TOKEN },
  );
  expect(result.code).toBe(3);
  expect(result.stdout).toContain("token *** end");
  expect(readLog("leaky")).toContain("token *** end");
  for (const piece of [TOKEN, TOKEN.slice(0, 7) + TOKEN.slice(7, 9)]) expect(result.stdout + result.stderr).not.toContain(piece);
  expect(filesHolding(state, TOKEN)).toEqual([]);
});

it("a secret split across two chunks of a pipe (its 64 KiB read boundary, in a line with no newline yet) leaves no part of itself in the log", async () => {
  const result = await up(
    `version: 1
stages:
  bulk:
    command: [node, -e, "process.stdout.write('x'.repeat(65530) + process.env.API_TOKEN + '\\\\n')"]
`,
    { API_TOKEN: TOKEN },
  );
  expect(result.code, result.stdout.slice(-1500)).toBe(0);
  expect(readLog("bulk")).toContain(`${"x".repeat(100)}***\n`);
  expect(filesHolding(state, TOKEN.slice(0, 6))).toEqual([]);
});

it("a secret past the line cap (offset 4090 of a 10,000-character line) leaves no part of itself", async () => {
  const result = await up(
    `version: 1\nstages:\n  wide:\n    priority: low\n    retries: 0\n    command: [node, -e, "process.stdout.write('x'.repeat(4090) + process.env.API_TOKEN + 'y'.repeat(6000) + '\\\\n'); process.exit(1)"]\n`,
    { API_TOKEN: TOKEN },
  );
  expect(result.code).toBe(3);
  const tail = parseEvents(result.stdout).find((e) => e.type === "stage-failed");
  expect(tail && "tail" in tail ? tail.tail[0] : "").toMatch(/^x{4090}\*\*\*y+$/);
  expect(result.stdout).not.toContain(TOKEN.slice(0, 6));
  expect(readLog("wide")).not.toContain(TOKEN.slice(0, 6));
  expect(filesHolding(state, TOKEN.slice(0, 6))).toEqual([]);
});

it("a multi-line secret (a PEM key in the environment) is masked line by line", async () => {
  const body = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj", "MLAGkPQKZlsmtyPA6wGNrEmbT1Y2Hw4P"];
  const pem = ["-----BEGIN PRIVATE KEY-----", ...body, "-----END PRIVATE KEY-----"].join("\n");
  const result = await up(`version: 1\nstages:\n  tls:\n    priority: low\n    retries: 0\n    command: 'printf "%s\\n" "$TLS_PRIVATE_KEY"; exit 1'\n`, { TLS_PRIVATE_KEY: pem });
  expect(result.code).toBe(3);
  for (const line of body) {
    expect(result.stdout).not.toContain(line);
    expect(filesHolding(state, line)).toEqual([]);
  }
});

it("an output whose key looks secret is masked everywhere from the moment it is produced, stored masked (0600), and given raw to dependents", async () => {
  const produced = "pw-generated-7c1e2a";
  const result = await up(
    `version: 1\nstages:\n  gen: { command: "echo DB_PASSWORD=${produced} >> $NETRA_OUTPUT; echo HOST=db.local >> $NETRA_OUTPUT" }\n  use:\n    depends_on: [gen]\n    command: test "$NETRA_GEN_DB_PASSWORD" = ${produced} && echo "connecting with $NETRA_GEN_DB_PASSWORD to $NETRA_GEN_HOST"\n`,
  );
  expect(result.code, result.stdout).toBe(0);
  const ready = parseEvents(result.stdout).find((e) => e.type === "stage-ready" && e.stage === "gen");
  expect(ready).toMatchObject({ outputs: { DB_PASSWORD: "***", HOST: "db.local" } });
  expect(parseEvents(result.stdout).find((e) => e.type === "outputs-saved")).toMatchObject({ stage: "gen", keys: ["DB_PASSWORD", "HOST"], secretKeys: ["DB_PASSWORD"] });
  expect(readLog("use")).toContain("connecting with *** to db.local");
  expect(result.stdout).not.toContain(produced);
  expect(filesHolding(state, produced)).toEqual([]);
  const outputs = path.join(state, "logs", readdirSync(path.join(state, "logs"))[0] as string, "outputs");
  expect(readFileSync(path.join(outputs, "gen.env"), "utf8")).toBe("DB_PASSWORD=***\nHOST=db.local\n");
  expect(statSync(path.join(outputs, "gen.env")).mode & 0o777).toBe(0o600);
  expect(statSync(outputs).mode & 0o777).toBe(0o700);
});

it("a module's secret output, its error message in the attempt marker, and its result file leave nothing behind", async () => {
  const session = "sess-31f5e9b2d4";
  project.write("login.mjs", `export async function init() { return { SESSION_TOKEN: "${session}" }; }\n`);
  project.write("fails.mjs", `export async function init(ctx) { throw new Error("cannot connect with " + ctx.env.NETRA_LOGIN_SESSION_TOKEN); }\n`);
  const result = await up(`version: 1\nstages:\n  login: { module: ./login.mjs }\n  fails: { module: ./fails.mjs, depends_on: [login], retries: 0, priority: low }\n`);
  expect(result.code, result.stdout).toBe(3);
  expect(readLog("fails")).toMatch(/attempt 1\/1 failed: cannot connect with \*\*\*/);
  expect(result.stdout).toContain("cannot connect with ***");
  expect(result.stdout).not.toContain(session);
  expect(filesHolding(state, session)).toEqual([]);
});

it("down: what a cleanup prints is masked in its log and on the screen", async () => {
  const config = `version: 1\nstages:\n  a: { command: "true", cleanup: "echo undoing with $API_TOKEN" }\n`;
  expect((await up(config, { API_TOKEN: TOKEN })).code).toBe(0);
  const down = await runCli(["down", "--undo", "-c", path.join(project.dir, "startup.yaml")], { cwd: project.dir, env: { API_TOKEN: TOKEN } });
  expect(down.code, down.stderr).toBe(0);
  expect(readLog("a")).toContain("undoing with ***");
  expect(down.stdout + down.stderr).not.toContain(TOKEN);
  expect(filesHolding(state, TOKEN)).toEqual([]);
});
