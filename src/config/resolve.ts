// From a schema-valid document to the typed Config: apply the profile, the defaults,
// `enabled: false`, interpolation, then check what a schema cannot (references, cycles).
// Input here has passed the JSON Schema, so shapes are trusted; values are not.
import path from "node:path";
import { isMap, isScalar } from "./yaml.js";
import type { Diagnostic, PathSegment } from "./diagnostic.js";
import { parseDuration, parseSize } from "./duration.js";
import { interpolate, type InterpolateOptions } from "./interpolate.js";
import { UnsetVariables } from "./unset-variables.js";
import { checkHostPort, checkHttpUrl, checkScope, parseBoolean, parsePort, type Parsed } from "./typed-values.js";
import { POSTGRES_URL_PATTERN } from "./schema.js";
import { diagnosticAt, hasPath, locate as locateNode, type ConfigSource } from "./source.js";
import type { ReadSideFile } from "./load.js";
import { EnvFiles, envFileEntries } from "./resolve-env-files.js";
import { compileLogPattern } from "./log-pattern.js";
import { collidingStageNames, outputEnvName } from "./output-names.js";
import { didYouMean } from "./suggest.js";
import { composeHealthTestHint } from "./compose-spellings.js";
import { HTTP_TOKEN_HINT, isLoopbackHost } from "./http-address.js";
import type { Command, Config, Coordination, DependencyCondition, DependencyEdge, HealthCheck, HealthProbe, Requires, Settings, Stage } from "./types.js";
import { DEFAULT_SETTINGS, DEFAULT_STAGE, type Priority, type RestartPolicy, type StageKind } from "./types.js";
import { buildGraph } from "../graph/stage-graph.js";
import { findCycles } from "../graph/cycles.js";

type Raw = Record<string, unknown>;

/**
 * Where a value is written. Finding it walks the YAML document, so it is passed as a
 * thunk and only computed when something is reported: eager lookups made a 10 000-stage
 * file take seconds.
 */
type At = PathSegment[] | (() => PathSegment[]);

const SHELL: InterpolateOptions = { bare: false };

function locate(at: At): PathSegment[] {
  return typeof at === "function" ? at() : at;
}

export interface ResolveInput {
  source: ConfigSource;
  data: Raw;
  configPath: string;
  hash: string;
  profile: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Variables from .env (already under `env`), kept for the redactor. */
  dotenv?: Readonly<Record<string, string>>;
  readSideFile?: ReadSideFile;
  /** Filled with the text of each env file read, for code frames. */
  texts?: Map<string, string>;
  /** Folders of the files that define included stages: their relative paths resolve there. */
  stageDirs?: ReadonlyMap<string, string>;
}

export function isPlainObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Mappings merge key by key; lists and scalars replace (as compose's override files).
export function deepMerge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  private readonly profilePrefix: PathSegment[];
  private readonly unset = new UnsetVariables<At>();
  private readonly reported = new Set<string>();

  constructor(private readonly input: ResolveInput) {
    this.profilePrefix = input.profile === undefined ? [] : ["profiles", input.profile];
  }

  // A value may come from the profile, the file, or `defaults`: point at where it is written.
  where(stagePath: PathSegment[], defaultsPath?: PathSegment[]): PathSegment[] {
    const candidates: PathSegment[][] = [];
    if (this.profilePrefix.length > 0) candidates.push([...this.profilePrefix, ...stagePath]);
    candidates.push(stagePath);
    if (defaultsPath) {
      if (this.profilePrefix.length > 0) candidates.push([...this.profilePrefix, ...defaultsPath]);
      candidates.push(defaultsPath);
    }
    return candidates.find((c) => hasPath(this.input.source, c)) ?? stagePath;
  }

  report(at: At, fields: { code: string; message: string; hint?: string; severity?: "error" | "warning"; key?: boolean }): void {
    this.diagnostics.push(diagnosticAt(this.input.source, typeof at === "function" ? at() : at, fields));
  }

  // Interpolates one config string; what is wrong in it is reported at `at`.
  text(value: string, at: At, options: InterpolateOptions = {}): string {
    return this.interpolateAt(value, at, options).value;
  }

  // A field of another type filled by ${…}: interpolated, then checked and converted by
  // `parse`. A value that does not fit is reported at the field, with what it became.
  typed<T>(raw: string, at: At, parse: (text: string) => Parsed<T>): T | undefined {
    const { value, failed } = this.interpolateAt(raw, at);
    const parsed = parse(value);
    if (parsed.ok) return parsed.value;
    // An unset required variable or a bad reference is already reported: say it once.
    if (!failed)
      this.reportOnce(at, {
        code: "invalid-value",
        message: `expected ${parsed.expected}, got ${JSON.stringify(value)} (from ${JSON.stringify(raw)})`,
        hint: "the value comes from the environment: check the variables it uses",
      });
    return undefined;
  }

  private interpolateAt(value: string, at: At, options: InterpolateOptions = {}): { value: string; failed: boolean } {
    const result = interpolate(value, this.input.env, options);
    for (const problem of result.problems) {
      switch (problem.kind) {
        case "required":
          this.reportOnce(at, {
            code: "env-required",
            message: `required variable ${problem.name} is ${problem.state === "unset" ? "not set" : "empty"}${problem.message ? `: ${problem.message}` : ""}`,
            hint: `set ${problem.name} in the environment`,
          });
          break;
        case "unset":
          this.unset.note(problem.name, at);
          break;
        case "syntax":
          this.reportOnce(at, {
            code: "env-syntax",
            message: `invalid variable reference ${JSON.stringify(problem.text)}`,
            hint: "write ${NAME}, ${NAME:-default}, ${NAME:?message} or ${NAME:+other}, with a closing }; use $$ for a literal $",
          });
          break;
      }
    }
    return { value: result.value, failed: result.problems.some((p) => p.kind !== "unset") };
  }

  /** `file:line:col` of a key path, for messages printed at run time. */
  position(path: PathSegment[]): string {
    const where = locateNode(this.input.source, path);
    return `${this.input.source.file}:${where.line}:${where.col}`;
  }

  // A value set in `defaults` is interpolated once per stage: say each problem once.
  private reportOnce(at: At, fields: { code: string; message: string; hint?: string }): void {
    const where = locate(at);
    const key = `${JSON.stringify(where)}\0${fields.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.report(where, fields);
  }

  // One warning per unset variable, at its first use, with how often it is used.
  reportUnsetVariables(): void {
    for (const [name, { at, uses }] of this.unset.variables) {
      this.report(at, {
        code: "env-unset",
        severity: "warning",
        message: `variable ${name} is not set; using an empty string${uses > 1 ? ` (${uses} uses; the first is shown)` : ""}`,
        hint: `set it, or give a default: \${${name}:-default}; $$ writes a literal $`,
      });
    }
  }

  // A bare $VAR in a command is left to the shell (or the program) at run time, when the
  // stage's env and the outputs of earlier stages are known; only ${…} is the config's.
  command(value: unknown, at: At): Command {
    if (typeof value === "string") return { shell: this.text(value, at, SHELL) };
    return { argv: (value as string[]).map((arg, i) => this.text(arg, () => [...locate(at), i], SHELL)) };
  }
}

function selectProfile(r: Resolver, input: ResolveInput): Raw | undefined {
  const profiles = isPlainObject(input.data.profiles) ? input.data.profiles : {};
  if (input.profile === undefined) return {};
  const chosen = profiles[input.profile];
  if (isPlainObject(chosen)) return chosen;
  const known = Object.keys(profiles);
  r.report(known.length > 0 ? ["profiles"] : [], {
    code: "unknown-profile",
    message: `unknown profile "${input.profile}"`,
    hint: known.length === 0 ? "this config defines no profiles" : (didYouMean(input.profile, known) ?? `known profiles: ${known.join(", ")}`),
    key: known.length > 0,
  });
  return undefined;
}

export function resolveConfig(input: ResolveInput): { config: Config | undefined; diagnostics: Diagnostic[] } {
  const r = new Resolver(input);
  const profile = selectProfile(r, input);
  if (profile === undefined) return { config: undefined, diagnostics: r.diagnostics };
  const { profiles: _profiles, ...base } = input.data;
  const merged = deepMerge(base, profile);
  const defaults = isPlainObject(merged.defaults) ? merged.defaults : {};
  const rawStages = resolveEnabled(r, isPlainObject(merged.stages) ? merged.stages : {});
  const dir = path.dirname(input.configPath);
  const envFiles = new EnvFiles({
    read: input.readSideFile ?? (() => ({ ok: false, missing: true, problem: "not read" })),
    configShown: input.source.file,
    configDir: dir,
    env: input.env,
    report: (at, fields) => r.report(at, fields),
    diagnostics: r.diagnostics,
    texts: input.texts ?? new Map(),
  });
  const sharedEnv = envFiles.valuesOf(envFileEntries(merged.env_file, ["env_file"]), dir);

  const dependencies = checkReferences(r, rawStages);
  const lines = stageLines(input.source);
  const stages: Stage[] = [];
  for (const [name, edges] of dependencies) {
    const own = rawStages[name] as Raw;
    const stageDir = input.stageDirs?.get(name) ?? dir;
    const stage = resolveStage(r, name, stages.length, deepMerge(defaults, own), own, stageDir, edges);
    // A stage's processes get: env files for every stage, under its own env files, under its env.
    const fromFiles = own.env_file === undefined ? {} : envFiles.valuesOf(envFileEntries(own.env_file, r.where(["stages", name, "env_file"])), stageDir);
    const where = lines.get(name);
    stages.push({ ...stage, env: { ...sharedEnv, ...fromFiles, ...stage.env }, line: where?.line ?? 0, file: where?.file ?? input.source.file });
  }

  checkConditions(r, stages, rawStages);
  const settings = resolveSettings(r, isPlainObject(merged.settings) ? merged.settings : {});
  checkOnceStages(r, stages, settings);
  r.reportUnsetVariables();
  checkOutputPrefixes(r, stages.map((s) => s.name));

  const config: Config = {
    path: input.configPath,
    dir,
    name: typeof merged.name === "string" ? merged.name : path.basename(dir),
    profile: input.profile,
    hash: input.hash,
    settings,
    dotenv: input.dotenv ?? {},
    stages,
  };
  return { config, diagnostics: r.diagnostics };
}

function resolveSettings(r: Resolver, raw: Raw): Settings {
  const retention = isPlainObject(raw.retention) ? raw.retention : {};
  return {
    ...resolveHttp(r, raw),
    concurrency: (raw.concurrency as number | undefined) ?? DEFAULT_SETTINGS.concurrency,
    degraded: (raw.degraded as Settings["degraded"] | undefined) ?? DEFAULT_SETTINGS.degraded,
    rollback: (raw.rollback as boolean | undefined) ?? DEFAULT_SETTINGS.rollback,
    retention: {
      runs: (retention.runs as number | undefined) ?? DEFAULT_SETTINGS.retention.runs,
      days: (retention.days as number | undefined) ?? DEFAULT_SETTINGS.retention.days,
    },
    secrets: (raw.secrets as string[] | undefined) ?? [],
    coordination: isPlainObject(raw.coordination) ? resolveCoordination(r, raw.coordination) : undefined,
    reportStore: (raw.report_store as Settings["reportStore"] | undefined) ?? DEFAULT_SETTINGS.reportStore,
  };
}

// settings.http and its token may come from the environment; an address others can
// reach without a token is refused (http-address.ts says why).
function resolveHttp(r: Resolver, raw: Raw): Pick<Settings, "http" | "httpToken"> {
  const at = (key: string) => () => r.where(["settings", key]);
  const address = typeof raw.http === "string" ? r.typed(raw.http, at("http"), checkHostPort) : undefined;
  const token = typeof raw.http_token === "string" ? r.text(raw.http_token, at("http_token")) || undefined : undefined;
  const http = address === undefined ? undefined : splitHostPort(address);
  if (http && !token && !isLoopbackHost(http.host))
    r.report(at("http"), { code: "http-without-token", message: `the health endpoint on ${address} is reachable from other machines, and no settings.http_token is set`, hint: HTTP_TOKEN_HINT });
  return { http, httpToken: token };
}

// The URL may come from ${DATABASE_URL} and hold a password: a wrong one is reported
// without its value.
function resolveCoordination(r: Resolver, raw: Raw): Coordination {
  const at = (field: string) => () => r.where(["settings", "coordination", field]);
  const postgres = r.text(raw.postgres as string, at("postgres"));
  if (!new RegExp(POSTGRES_URL_PATTERN, "u").test(postgres) && postgres !== "")
    r.report(at("postgres"), {
      code: "invalid-value",
      message: `expected a postgres:// or postgresql:// connection URL (from ${JSON.stringify(raw.postgres)}; the value is not shown, it may hold a password)`,
      hint: "set the variable to a URL like postgres://user:password@host:5432/db",
    });
  const scope = r.typed(raw.scope as string, at("scope"), checkScope) ?? "";
  return { postgres, scope, where: r.position(at("postgres")()) };
}

// `once: fleet` needs a database to coordinate through, and a task that ends: a service
// has no result for the other hosts to take.
function checkOnceStages(r: Resolver, stages: readonly Stage[], settings: Settings): void {
  if (settings.reportStore === "postgres" && settings.coordination === undefined)
    r.report(() => r.where(["settings", "report_store"]), { code: "report-store-without-coordination", message: "report_store: postgres needs settings.coordination (its database)", hint: 'add settings.coordination: { postgres: "${DATABASE_URL}", scope: my-app }; see docs/fleet.md' });
  for (const stage of stages) {
    if (stage.once === undefined) continue;
    const at = () => r.where(["stages", stage.name, "once"]);
    if (settings.coordination === undefined)
      r.report(at, { code: "once-without-coordination", message: "once: fleet needs settings.coordination", hint: 'add settings.coordination: { postgres: "${DATABASE_URL}", scope: my-app }; see docs/fleet.md' });
    if (stage.kind === "service") r.report(at, { code: "once-on-service", message: "once: fleet applies only to tasks", hint: "remove once, or make the stage a task" });
  }
}

// `enabled: ${FLAG}` decides which stages exist, so it is interpolated before anything
// else; a value that is not true or false is reported and the stage kept.
function resolveEnabled(r: Resolver, rawStages: Raw): Raw {
  const out: Raw = {};
  for (const [name, stage] of Object.entries(rawStages)) {
    const enabled = isPlainObject(stage) ? stage.enabled : undefined;
    out[name] = typeof enabled === "string" ? { ...(stage as Raw), enabled: r.typed(enabled, () => r.where(["stages", name, "enabled"]), parseBoolean) ?? true } : stage;
  }
  return out;
}

// Only the dependency references, for a document that failed the schema: the user still
// learns of a misspelt or cyclic depends_on in the same run as the other mistakes.
export function checkReferencesOnly(source: ConfigSource, data: Raw): Diagnostic[] {
  const r = new Resolver({ source, data, configPath: "", hash: "", profile: undefined, env: {} });
  if (isPlainObject(data.stages)) checkReferences(r, data.stages);
  return r.diagnostics;
}

// Checks every enabled stage's depends_on (unknown, self, disabled) and the cycles among
// what is left; returns the valid dependencies of each enabled stage, in file order.
function checkReferences(r: Resolver, rawStages: Raw): Map<string, DependencyEdge[]> {
  const allNames = new Set(Object.keys(rawStages));
  const isEnabled = (name: string) => !(isPlainObject(rawStages[name]) && rawStages[name].enabled === false);
  const dependencies = new Map<string, DependencyEdge[]>();
  for (const name of [...allNames].filter(isEnabled)) {
    const stage = rawStages[name];
    const declared = isPlainObject(stage) && Array.isArray(stage.depends_on) ? stage.depends_on : [];
    const edges = new Map<string, DependencyEdge>();
    declared.forEach((entry, i) => {
      const edge = toEdge(entry);
      // A long-form entry is reported at its `stage:`.
      const at = () => r.where(["stages", name, "depends_on", i, ...(typeof entry === "string" ? [] : ["stage"])]);
      if (!edge || !checkDependency(r, name, edge.stage, at, allNames, isEnabled)) return;
      // The schema catches `[db, db]`; a name written in both forms is caught here.
      if (edges.has(edge.stage) && typeof entry !== "string")
        r.report(() => r.where(["stages", name, "depends_on", i, "stage"]), { code: "duplicate-dependency", message: `"${edge.stage}" is listed twice`, hint: "remove the repeated entry" });
      if (!edges.has(edge.stage)) edges.set(edge.stage, edge);
    });
    dependencies.set(name, [...edges.values()]);
  }
  checkCycles(r, new Map([...dependencies].map(([name, edges]) => [name, edges.map((e) => e.stage)])), rawStages);
  return dependencies;
}

// A name, or the long form {stage, condition, required, restart}; other shapes are the schema's to report.
function toEdge(entry: unknown): DependencyEdge | undefined {
  if (typeof entry === "string") return { stage: entry, condition: "ready", required: true, restart: false };
  if (!isPlainObject(entry) || typeof entry.stage !== "string") return undefined;
  return {
    stage: entry.stage,
    condition: (entry.condition as DependencyCondition | undefined) ?? "ready",
    required: entry.required !== false,
    restart: entry.restart === true,
  };
}

// `completed` waits for a task to finish; a service never does, so that edge would never open.
function checkConditions(r: Resolver, stages: readonly Stage[], rawStages: Raw): void {
  const kinds = new Map(stages.map((s) => [s.name, s.kind]));
  for (const stage of stages)
    for (const edge of stage.dependencies) {
      if (edge.condition !== "completed" || kinds.get(edge.stage) !== "service") continue;
      const declared = (rawStages[stage.name] as Raw).depends_on as unknown[];
      const i = declared.findIndex((d) => isPlainObject(d) && d.stage === edge.stage);
      r.report(() => r.where(["stages", stage.name, "depends_on", i, "condition"]), {
        code: "completed-service",
        message: `condition "completed" needs a task, but "${edge.stage}" is a service, which keeps running`,
        hint: `use condition: ready (its health check passed) or started (its process began), or make "${edge.stage}" a task (kind: task)`,
      });
    }
}

// Each stage key's file and line, in one pass over each file's `stages` mapping (the
// config first: a name it defines is its own, whatever an included file says).
function stageLines(root: ConfigSource): Map<string, { file: string; line: number }> {
  const lines = new Map<string, { file: string; line: number }>();
  for (const source of [root, ...(root.included ?? [])]) {
    const stages = source.doc.get("stages", true);
    if (isMap(stages))
      for (const pair of stages.items) {
        if (!isScalar(pair.key) || !pair.key.range || lines.has(String(pair.key.value))) continue;
        lines.set(String(pair.key.value), { file: source.file, line: source.lines.linePos(pair.key.range[0]).line });
      }
  }
  return lines;
}

function resolveStage(r: Resolver, name: string, index: number, s: Raw, own: Raw, dir: string, dependencies: DependencyEdge[]): Omit<Stage, "line" | "file"> {
  const at = (...field: PathSegment[]) => () => r.where(["stages", name, ...field], ["defaults", ...field]);
  const kind = (s.kind as StageKind | undefined) ?? DEFAULT_STAGE.kind;

  if (s.command !== undefined && s.module !== undefined)
    r.report(at("module"), { code: "conflicting-keys", message: `"command" and "module" cannot be used together`, hint: "use exactly one of command or module", key: true });
  const runner: Stage["runner"] =
    s.module !== undefined
      ? { type: "module", module: path.resolve(dir, r.text(s.module as string, at("module"))) }
      : { type: "command", command: r.command(s.command ?? "", at("command")) };

  if (own.restart !== undefined && kind !== "service")
    r.report(at("restart"), { code: "restart-on-task", message: "restart applies only to services", hint: "remove restart, or set kind: service", key: true });
  for (const key of SERVICE_ONLY)
    if (own[key] !== undefined && kind !== "service")
      r.report(at(key), { code: "service-only", message: `${key} applies only to services`, hint: `remove ${key}, or set kind: service`, key: true });
  const killTimeoutMs = ms(s.kill_timeout, DEFAULT_STAGE.killTimeoutMs);

  for (const key of ["inputs", "creates"] as const)
    if (own[key] !== undefined && kind === "service")
      r.report(at(key), { code: "fingerprint-on-service", message: `${key} applies only to tasks: a service runs every time`, hint: `remove ${key}, or make the stage a task`, key: true });
  const cwd = s.cwd === undefined ? dir : path.resolve(dir, r.text(s.cwd as string, at("cwd")));

  const backoff = isPlainObject(s.backoff) ? s.backoff : {};
  const breaker = isPlainObject(s.circuit_breaker) ? s.circuit_breaker : {};
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(isPlainObject(s.env) ? s.env : {})) env[key] = r.text(String(value), at("env", key));

  return {
    name,
    index,
    description: s.description as string | undefined,
    kind,
    runner,
    dependsOn: dependencies.map((d) => d.stage),
    dependencies,
    priority: ((s.priority as string | undefined)?.toLowerCase() as Priority | undefined) ?? DEFAULT_STAGE.priority,
    timeoutMs: ms(s.timeout, DEFAULT_STAGE.timeoutMs),
    retries: (s.retries as number | undefined) ?? DEFAULT_STAGE.retries,
    backoff: {
      initialMs: ms(backoff.initial, DEFAULT_STAGE.backoff.initialMs),
      maxMs: ms(backoff.max, DEFAULT_STAGE.backoff.maxMs),
      factor: (backoff.factor as number | undefined) ?? DEFAULT_STAGE.backoff.factor,
      jitter: (backoff.jitter as boolean | undefined) ?? DEFAULT_STAGE.backoff.jitter,
    },
    circuitBreaker: {
      threshold: (breaker.threshold as number | undefined) ?? DEFAULT_STAGE.circuitBreaker.threshold,
      recoveryMs: ms(breaker.recovery, DEFAULT_STAGE.circuitBreaker.recoveryMs),
    },
    health: resolveHealth(r, s.health, at),
    cleanup: s.cleanup === undefined ? undefined : r.command(s.cleanup, at("cleanup")),
    env,
    cwd,
    requires: resolveRequires(r, isPlainObject(s.requires) ? s.requires : {}, dir, (...field) => at("requires", ...field)),
    restart: (s.restart as RestartPolicy | undefined) ?? DEFAULT_STAGE.restart,
    killTimeoutMs,
    inputs: ((s.inputs as string[] | undefined) ?? []).map((g, i) => r.text(g, at("inputs", i))),
    creates: ((s.creates as string[] | undefined) ?? []).map((f, i) => path.resolve(cwd, r.text(f, at("creates", i)))),
    watch: (s.watch as string[] | undefined) ?? [],
    liveness: kind === "service" ? resolveLiveness(r, s, at) : undefined,
    user: s.user === undefined ? undefined : String(s.user),
    stop: {
      signal: (s.stop_signal as NodeJS.Signals | undefined) ?? "SIGTERM",
      graceMs: ms(s.stop_grace, killTimeoutMs),
      command: s.stop_command === undefined ? undefined : r.command(s.stop_command, at("stop_command")),
    },
    once: s.once as "fleet" | undefined,
    onceTimeoutMs: ms(s.once_timeout, DEFAULT_STAGE.onceTimeoutMs),
  };
}

// A ready service is probed by `liveness`, else by `health`. A log probe cannot say a
// service died (a line once printed stays printed), so it is not repeated after ready.
function resolveLiveness(r: Resolver, s: Raw, at: (...field: PathSegment[]) => At): HealthCheck | undefined {
  if (isPlainObject(s.liveness) && s.liveness.log !== undefined) {
    r.report(at("liveness", "log"), { code: "log-liveness", message: "a log probe cannot tell that a ready service died: a line once printed stays printed", hint: "use a command, http or tcp probe under liveness", key: true });
    return undefined;
  }
  const check = s.liveness === undefined ? resolveHealth(r, s.health, at) : resolveHealth(r, s.liveness, at, "liveness");
  return check?.probe.type === "log" ? undefined : check;
}

// `a-b` and `a_b` would hand dependents the same NETRA_A_B_* variables: one stage's
// outputs would silently replace the other's.
function checkOutputPrefixes(r: Resolver, names: readonly string[]): void {
  for (const [first, second] of collidingStageNames(names))
    r.report(() => r.where(["stages", second]), {
      code: "output-name-collision",
      message: `stage "${second}" and stage "${first}" both pass their outputs as ${outputEnvName(second, "")}*`,
      hint: `rename one of them; - and _ are the same in variable names`,
      key: true,
    });
}

function checkDependency(r: Resolver, name: string, dep: string, at: () => PathSegment[], allNames: ReadonlySet<string>, isEnabled: (name: string) => boolean): boolean {
  if (dep === name) {
    r.report(at, { code: "self-dependency", message: `stage "${name}" depends on itself`, hint: "remove it from its own depends_on" });
    return false;
  }
  if (allNames.has(dep) && !isEnabled(dep)) {
    r.report(at, {
      code: "disabled-dependency",
      message: `depends on "${dep}", which is disabled (enabled: false)`,
      hint: `disable "${name}" too, or remove "${dep}" from its depends_on`,
    });
    return false;
  }
  if (!allNames.has(dep)) {
    const names = [...allNames];
    r.report(at, { code: "unknown-stage", message: `unknown stage "${dep}"`, hint: didYouMean(dep, names) ?? `known stages: ${names.slice(0, 12).join(", ")}` });
    return false;
  }
  return true;
}

function checkCycles(r: Resolver, dependencies: Map<string, string[]>, rawStages: Raw): void {
  const graph = buildGraph([...dependencies].map(([name, dependsOn]) => ({ name, dependsOn })));
  for (const cycle of findCycles(graph)) {
    if (cycle.length === 1) continue; // self-dependency, reported with its own message
    const names = cycle.map((i) => graph.names[i] as string);
    const first = names[0] as string;
    const declared = (rawStages[first] as Raw).depends_on as unknown[];
    const i = declared.findIndex((d) => toEdge(d)?.stage === names[1]);
    r.report(() => r.where(["stages", first, "depends_on", i, ...(typeof declared[i] === "string" ? [] : ["stage"])]), {
      code: "dependency-cycle",
      message: `dependency cycle: ${[...names, names[0]].join(" -> ")}`,
      hint: "remove one of these dependencies",
    });
  }
}

function ms(value: unknown, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value as string | number) ?? fallback);
}

function splitHostPort(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(":");
  return { host: text.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(text.slice(colon + 1)) };
}

const PROBES = ["command", "http", "tcp", "log"] as const;
const SERVICE_ONLY = ["liveness", "stop_signal", "stop_grace", "stop_command"] as const;

// `defaults.health` may carry only timings: a stage whose merged health has no probe has
// no health check. A profile that adds a second probe is a conflict.
function resolveHealth(r: Resolver, raw: unknown, at: (...field: PathSegment[]) => At, key: "health" | "liveness" = "health"): HealthCheck | undefined {
  if (!isPlainObject(raw)) return undefined;
  const h = raw;
  const probes = PROBES.filter((p) => h[p] !== undefined);
  if (probes.length === 0) return undefined;
  if (probes.length > 1)
    r.report(at(key, probes[1] as string), { code: "conflicting-keys", message: `health probes ${probes.map((p) => `"${p}"`).join(" and ")} cannot be used together`, hint: "keep exactly one probe", key: true });
  let probe: HealthProbe;
  const composeTest = composeHealthTestHint(h.command);
  if (composeTest)
    r.report(at(key, "command", 0), { code: "compose-spelling", message: `${JSON.stringify((h.command as string[])[0])} is docker compose's healthcheck form: netra-start would run a program of that name`, hint: composeTest });
  if (h.command !== undefined) probe = { type: "command", command: r.command(h.command, at(key, "command")) };
  else if (h.http !== undefined) {
    const http = isPlainObject(h.http) ? h.http : { url: h.http };
    const status = http.status === undefined ? undefined : ([] as number[]).concat(http.status as number | number[]);
    const url = r.typed(http.url as string, at(key, "http", ...(isPlainObject(h.http) ? ["url"] : [])), checkHttpUrl) ?? "";
    probe = { type: "http", url, status, bodyContains: http.body_contains as string | undefined };
  } else if (h.tcp !== undefined) probe = { type: "tcp", ...splitHostPort(r.typed(h.tcp as string, at(key, "tcp"), checkHostPort) ?? ":0") };
  else {
    const pattern = h.log as string;
    const check = compileLogPattern(pattern);
    if (!check.ok) r.report(at(key, "log"), { code: "invalid-regex", message: check.message, hint: check.hint });
    probe = { type: "log", pattern };
  }
  return {
    probe,
    intervalMs: ms(h.interval, DEFAULT_STAGE.health.intervalMs),
    timeoutMs: ms(h.timeout, DEFAULT_STAGE.health.timeoutMs),
    retries: (h.retries as number | undefined) ?? DEFAULT_STAGE.health.retries,
    startPeriodMs: ms(h.start_period, DEFAULT_STAGE.health.startPeriodMs),
    successThreshold: (h.success_threshold as number | undefined) ?? DEFAULT_STAGE.health.successThreshold,
    initialDelayMs: ms(h.initial_delay, DEFAULT_STAGE.health.initialDelayMs),
  };
}

// Names (env, commands) are taken as written; paths, ports and addresses may use ${VAR}.
function resolveRequires(r: Resolver, q: Raw, dir: string, at: (...field: PathSegment[]) => At): Requires {
  const disk = isPlainObject(q.disk) ? q.disk : undefined;
  const ports = ((q.ports as (number | string)[] | undefined) ?? []).map((port, i) => (typeof port === "number" ? port : r.typed(port, at("ports", i), parsePort)));
  return {
    env: (q.env as string[] | undefined) ?? [],
    commands: (q.commands as string[] | undefined) ?? [],
    files: ((q.files as string[] | undefined) ?? []).map((f, i) => path.resolve(dir, r.text(f, at("files", i)))),
    ports: ports.filter((port): port is number => port !== undefined),
    tcp: ((q.tcp as string[] | undefined) ?? []).map((address, i) => splitHostPort(r.typed(address, at("tcp", i), checkHostPort) ?? ":0")),
    disk: disk ? { path: path.resolve(dir, r.text(disk.path as string, at("disk", "path"))), minFreeBytes: parseSize(disk.min_free as string | number) ?? 0 } : undefined,
  };
}
