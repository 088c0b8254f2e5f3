// The JSON Schema (draft 2020-12) of config version 1: the one source of truth for the
// config's shape. `netra-start schema` prints this object and the validator compiles
// this same object, so what editors complete and what `validate` accepts cannot drift.
//
// Semantics that a schema cannot express (unknown stage names in depends_on, cycles,
// `restart` on a task, interpolation) are checked after it, in resolve.ts.
//
// `x-expected` is an annotation read by the error translator: when a value matches no
// branch of an anyOf/oneOf, the diagnostic says "expected <x-expected>".
import { DURATION_PATTERN, MAX_DURATION_TEXT, SIZE_PATTERN } from "./duration.js";
import { MAX_CONCURRENCY } from "./types.js";

export const STAGE_NAME_PATTERN = "^[a-z0-9][a-z0-9_-]*$";
/**
 * Longest stage name: a DNS label's limit (RFC 1035), as compose and Kubernetes use for
 * service names. A stage's name becomes a file name (`logs/<run>/<stage>.log`, its
 * outputs file), a prefix of environment variables and a column in every report: 63
 * keeps all of them readable and far below the file system's 255-byte name limit.
 */
export const MAX_STAGE_NAME_LENGTH = 63;
export const PRIORITIES = ["critical", "high", "medium", "low"] as const;
export const KINDS = ["task", "service"] as const;
export const RESTART_POLICIES = ["no", "on-failure", "always"] as const;

// JSON Schema regexes have no case-insensitive flag: spell each letter both ways.
function anyCase(words: readonly string[]): string {
  const spelled = words.map((w) => [...w].map((c) => `[${c}${c.toUpperCase()}]`).join(""));
  return `^(${spelled.join("|")})$`;
}

// Every duration of the config is this one object: check-durations.ts finds them by
// identity to hold each to MAX_DURATION_MS (a regex cannot say "at most 24h" readably).
export const duration = {
  "x-expected": "a duration like 250ms, 5s, 2m, 1h or a number of seconds",
  description: `A duration: 250ms, 5s, 2m, 1h, or a bare number of seconds; at most ${MAX_DURATION_TEXT}.`,
  anyOf: [
    { type: "number", minimum: 0 },
    { type: "string", pattern: DURATION_PATTERN, "x-expected": "a duration like 250ms, 5s, 2m, 1h or a number of seconds" },
  ],
};

const stringList = { type: "array", items: { type: "string", minLength: 1 } };

// A process receives its arguments, environment and directory as C strings, which end at
// the first NUL byte: text given to one must not hold any (YAML can write one: "\0").
const NO_NUL = "^[^\\u0000]*$";
const NO_NUL_EXPECTED = "text without a NUL byte (\\0), which no process can receive";
const NO_NUL_HINT = "remove the \\0 escape, or the NUL byte, from this string";
const processText = (fields: Record<string, unknown> = {}) => ({ type: "string", ...fields, pattern: NO_NUL, "x-expected": NO_NUL_EXPECTED, "x-hint": NO_NUL_HINT });

const command = {
  "x-expected": "a command string (run by /bin/sh -c) or a list of arguments",
  description: "A string run by /bin/sh -c, or an argv list run without a shell.",
  anyOf: [processText({ minLength: 1 }), { type: "array", items: processText(), minItems: 1 }],
};

// Fields that may hold a ${VAR} reference (docs/config.md, "Interpolation"): the schema
// lets a string containing `$` through, and resolve.ts checks the interpolated value with
// the same rule, at the same spot.
export const REFERENCE_PATTERN = "\\$";
export const HOST_PORT_PATTERN = "^[^\\s:]+:[0-9]{1,5}$|^\\[[0-9a-fA-F:]+\\]:[0-9]{1,5}$";
export const HTTP_URL_PATTERN = "^https?://";
export const POSTGRES_URL_PATTERN = "^postgres(ql)?://";
export const SCOPE_PATTERN = "^[A-Za-z0-9._-]{1,200}$";
const orReference = (pattern: string) => `${pattern}|${REFERENCE_PATTERN}`;
const reference = (expected: string) => ({ type: "string", pattern: REFERENCE_PATTERN, "x-expected": `${expected}, or text with a \${VAR} reference` });

const hostPort = { type: "string", pattern: orReference(HOST_PORT_PATTERN), "x-expected": "host:port, e.g. 127.0.0.1:5432" };
const httpUrl = { type: "string", pattern: orReference(HTTP_URL_PATTERN), "x-expected": "an http:// or https:// URL" };

// Health fields without the "exactly one probe" rule: `defaults` and profiles may set
// only `interval` or `retries`; the merged result is checked in resolve.ts.
const healthFields = {
  type: "object",
  description: "How to tell the stage is healthy: exactly one of command, http, tcp, log.",
  additionalProperties: false,
  properties: {
    command,
    http: {
      "x-expected": "a URL or {url, status, body_contains}",
      anyOf: [
        httpUrl,
        {
          type: "object",
          additionalProperties: false,
          required: ["url"],
          properties: {
            url: httpUrl,
            status: {
              "x-expected": "an HTTP status code or a list of them",
              anyOf: [
                { type: "integer", minimum: 100, maximum: 599 },
                { type: "array", items: { type: "integer", minimum: 100, maximum: 599 }, minItems: 1 },
              ],
            },
            body_contains: { type: "string" },
          },
        },
      ],
    },
    tcp: hostPort,
    log: { type: "string", minLength: 1, description: "A regular expression in RE2 syntax (no backreferences or lookaround), matched against each line of the stage's output." },
    interval: duration,
    timeout: duration,
    retries: { type: "integer", minimum: 0, maximum: 1000 },
    start_period: duration,
    success_threshold: { type: "integer", minimum: 1, maximum: 1000, description: "Passing probes in a row before the stage is ready (default 1)." },
    // How long to wait after the start before the first probe (default 0).
    initial_delay: duration,
  },
};

const health = {
  ...healthFields,
  "x-expected": "exactly one probe: command, http, tcp or log",
  oneOf: [{ required: ["command"] }, { required: ["http"] }, { required: ["tcp"] }, { required: ["log"] }],
};

// After ready a service keeps being probed: by `liveness` when given, else by `health`.
const livenessFields = { ...healthFields, description: "How to tell a ready service is still alive (probed every interval after ready; default: health)." };
const liveness = { ...health, description: livenessFields.description };

/** Signals a service may ask to be stopped with (compose's stop_signal). */
export const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGKILL"] as const;

const requires = {
  type: "object",
  description: "Preflight checks run before the first attempt.",
  additionalProperties: false,
  properties: {
    env: stringList,
    commands: stringList,
    files: stringList,
    ports: {
      type: "array",
      items: { "x-expected": "a port number (1-65535)", anyOf: [{ type: "integer", minimum: 1, maximum: 65535 }, reference("a port number (1-65535)")] },
    },
    tcp: { type: "array", items: hostPort },
    disk: {
      type: "object",
      additionalProperties: false,
      required: ["path", "min_free"],
      properties: {
        path: { type: "string", minLength: 1 },
        min_free: {
          "x-expected": "a size like 500MB, 2GiB or a number of bytes",
          anyOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: SIZE_PATTERN, "x-expected": "a size like 500MB, 2GiB or a number of bytes" }],
        },
      },
    },
  },
};

// `env_file:` as compose has it: a path or a list of paths and `{path, required}`
// (relative to the config file); `required: false` lets the file be missing.
const envFilePath = { type: "string", minLength: 1 };
const envFile = {
  "x-expected": "a path, or a list of paths and {path, required}",
  description: "Files of VAR=value lines (compose's .env syntax) whose variables the stage's processes get; relative to the config file.",
  anyOf: [
    envFilePath,
    {
      type: "array",
      items: {
        "x-expected": "a path or {path, required}",
        anyOf: [envFilePath, { type: "object", additionalProperties: false, required: ["path"], properties: { path: envFilePath, required: { type: "boolean" } } }],
      },
    },
  ],
};

// A `depends_on` entry: a stage name, or the long form saying when the dependent may
// start (`condition`), whether a failed dependency stops it (`required`), and whether it
// is restarted when the dependency is (`restart`).
export const DEPENDENCY_CONDITIONS = ["started", "ready", "completed"] as const;
const dependency = {
  "x-expected": "a stage name or {stage, condition, required, restart}",
  anyOf: [
    { type: "string" },
    {
      type: "object",
      additionalProperties: false,
      required: ["stage"],
      properties: {
        stage: { type: "string" },
        condition: { enum: [...DEPENDENCY_CONDITIONS], description: "started: once its first attempt began; ready (default): once ready (healthy); completed: a task that finished successfully." },
        required: { type: "boolean", description: "false: a failed or skipped dependency does not skip this stage." },
        restart: { type: "boolean", description: "Restart this stage when the dependency is restarted." },
      },
    },
  ],
};

// Fields that `defaults` may set: every stage field but command, module and depends_on.
const defaultableProperties = {
  description: { type: "string" },
  kind: { enum: [...KINDS] },
  priority: { type: "string", pattern: anyCase(PRIORITIES), "x-expected": "critical, high, medium or low" },
  enabled: { "x-expected": "true or false", anyOf: [{ type: "boolean" }, reference("true or false")] },
  timeout: duration,
  retries: { type: "integer", minimum: 0, maximum: 1000 },
  backoff: {
    type: "object",
    additionalProperties: false,
    properties: {
      initial: duration,
      max: duration,
      factor: { type: "number", minimum: 1, maximum: 100 },
      jitter: { type: "boolean" },
    },
  },
  circuit_breaker: {
    type: "object",
    additionalProperties: false,
    properties: {
      threshold: { type: "integer", minimum: 1, maximum: 1000 },
      recovery: duration,
    },
  },
  health: healthFields,
  cleanup: command,
  env: {
    type: "object",
    propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$", "x-expected": "an environment variable name" },
    additionalProperties: { type: ["string", "number", "boolean"], pattern: NO_NUL, "x-expected": NO_NUL_EXPECTED, "x-hint": NO_NUL_HINT },
  },
  cwd: processText({ minLength: 1 }),
  requires,
  restart: { enum: [...RESTART_POLICIES] },
  kill_timeout: duration,
  liveness: livenessFields,
  stop_signal: { enum: [...STOP_SIGNALS], "x-expected": `one of ${STOP_SIGNALS.join(", ")}` },
  stop_grace: duration,
  stop_command: command,
  user: {
    "x-expected": "a user name or a numeric uid",
    description: "Run the stage (and its cleanup, stop command and health command) as this user; netra-start must run as root.",
    anyOf: [{ type: "integer", minimum: 0, maximum: 4_294_967_294 }, { type: "string", pattern: "^[a-z_][a-z0-9_.-]*\\$?$|^[0-9]+$", "x-expected": "a user name or a numeric uid" }],
  },
  once_timeout: duration,
};

// A profile's stage entry is an override: every field optional, merged over the file.
const stageOverrideProperties = {
  ...defaultableProperties,
  command,
  module: {
    type: "string",
    pattern: "\\.(js|mjs|cjs|ts|mts|cts)$",
    "x-expected": "a path to a .js, .mjs, .cjs or .ts module",
  },
  depends_on: { type: "array", items: dependency, uniqueItems: true },
  env_file: envFile,
  // Up-to-date tasks (docs/config.md, "Skipping what is up to date"): per stage, not in
  // `defaults`, since what a stage reads and makes is its own.
  inputs: { ...stringList, description: "Globs (relative to cwd) of the files the task reads: it is skipped while they, its command, env and upstream outputs are unchanged since its last successful run." },
  creates: { ...stringList, description: "Paths (relative to cwd) the task makes: it runs again whenever one is missing." },
  // `up --watch`: globs, relative to the stage's cwd, whose changes restart the stage.
  watch: { type: "array", items: { type: "string", minLength: 1, pattern: NO_NUL, "x-expected": NO_NUL_EXPECTED }, uniqueItems: true },
  once: { enum: ["fleet"], description: "fleet: one host of the fleet (settings.coordination) runs this task; the others wait and take its result." },
};

const stageProperties = { ...stageOverrideProperties, health, liveness };

const settings = {
  type: "object",
  additionalProperties: false,
  properties: {
    concurrency: { type: "integer", minimum: 1, maximum: MAX_CONCURRENCY },
    degraded: { enum: ["allow", "fail"] },
    rollback: { type: "boolean" },
    retention: {
      type: "object",
      additionalProperties: false,
      properties: {
        runs: { type: "integer", minimum: 1, maximum: 1_000_000 },
        days: { type: "number", exclusiveMinimum: 0, maximum: 36_500 },
      },
    },
    secrets: { ...stringList, description: "Names of environment variables whose values are redacted everywhere." },
    http: { ...hostPort, description: "Serve /health/startup, /health/live, /health/ready and /metrics on this address while `up` runs." },
    http_token: { type: "string", minLength: 1, description: "Bearer token the HTTP endpoint requires; mandatory when http is not a loopback address." },
    report_store: { enum: ["sqlite", "postgres"], description: "postgres: also copy every run to settings.coordination's database, for `history --fleet` (docs/fleet.md)." },
    coordination: {
      type: "object",
      description: "The PostgreSQL database through which replicas run `once: fleet` stages once (docs/fleet.md).",
      additionalProperties: false,
      required: ["postgres", "scope"],
      properties: {
        postgres: { type: "string", pattern: orReference(POSTGRES_URL_PATTERN), "x-expected": "a postgres:// or postgresql:// connection URL" },
        scope: { type: "string", pattern: orReference(SCOPE_PATTERN), "x-expected": "a scope name: letters, digits, . _ - (e.g. shop-prod)" },
      },
    },
  },
};

// `x-*` keys are the user's own (compose's extension fields): accepted anywhere a stage or
// the top level may hold keys, and ignored; they are where YAML anchors for `<<:` live.
export const EXTENSION_KEY_PATTERN = "^x-";
const extensions = { patternProperties: { [EXTENSION_KEY_PATTERN]: {} } };

const stageNames = {
  pattern: STAGE_NAME_PATTERN,
  maxLength: MAX_STAGE_NAME_LENGTH,
  "x-expected": `a stage name: at most ${MAX_STAGE_NAME_LENGTH} lowercase letters, digits, - and _, starting with a letter or digit`,
};

export const configSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://netra-start.dev/schema/v1.json",
  title: "netra-start config, version 1",
  type: "object",
  additionalProperties: false,
  ...extensions,
  required: ["version", "stages"],
  properties: {
    version: { const: 1, "x-expected": "1 (the only config version)" },
    name: { type: "string", minLength: 1 },
    include: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Other config files (relative to this one) whose stages and settings are merged into this config.",
    },
    env_file: { ...envFile, description: "Env files every stage's processes get, under the stage's own env_file and env." },
    settings,
    defaults: { type: "object", additionalProperties: false, properties: defaultableProperties },
    profiles: {
      type: "object",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        properties: {
          settings,
          defaults: { type: "object", additionalProperties: false, properties: defaultableProperties },
          stages: {
            type: "object",
            propertyNames: stageNames,
            additionalProperties: { type: "object", additionalProperties: false, ...extensions, properties: stageOverrideProperties },
          },
        },
      },
    },
    stages: {
      type: "object",
      minProperties: 1,
      propertyNames: stageNames,
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        ...extensions,
        properties: stageProperties,
        "x-expected": "exactly one of command or module",
        oneOf: [{ required: ["command"] }, { required: ["module"] }],
      },
    },
  },
} as const;
