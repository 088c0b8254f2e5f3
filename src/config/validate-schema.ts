// Structural validation: the JSON Schema, compiled by ajv, turned into located
// diagnostics a person can act on ("unknown key "dependson" (did you mean "depends_on"?)"
// rather than "must NOT have additional properties").
import { createRequire } from "node:module";
import type { ErrorObject } from "ajv";
import type { Diagnostic, PathSegment } from "./diagnostic.js";
import check, { type Validate } from "./schema-check.js";
import { EXTENSION_KEY_PATTERN, REFERENCE_PATTERN } from "./schema.js";
import { diagnosticAt, type ConfigSource } from "./source.js";
import { didYouMean } from "./suggest.js";
import { composeKeyHint, composeValueHint } from "./compose-spellings.js";

type SchemaNode = Record<string, unknown>;

let fullValidator: Validate | undefined;

// Both validators are compiled from schema.ts at build time (scripts/build-validator.mjs).
// The compact check answers valid or not; only a config that fails it loads the full
// validator (~450 KB of code, 30–45 ms to compile on first call) for every error.
/** Builds the diagnostic for a key path of the validated data. */
export type Diagnose = (path: PathSegment[], fields: Parameters<typeof diagnosticAt>[2]) => Diagnostic;

// `diagnose` places each problem in the file: by default at the same key path; a
// profile's merged config (check-profiles.ts) maps its paths back to where they are written.
export function validateAgainstSchema(source: ConfigSource, data: unknown, diagnose: Diagnose = (path, fields) => diagnosticAt(source, path, fields)): Diagnostic[] {
  if (check(data)) return [];
  fullValidator ??= createRequire(import.meta.url)("./schema-validator.cjs") as Validate;
  const validate = fullValidator;
  if (validate(data)) return [];
  const errors = resolveUnions(validate.errors ?? []);
  return dropMissingWhenMisspelt(errors.map((e) => translate(diagnose, data, e)));
}

// Of a failed anyOf/oneOf, keep the errors of the one branch whose type fits the value
// (the user clearly meant that form); otherwise replace them all by the union's error.
function resolveUnions(errors: ErrorObject[]): ErrorObject[] {
  // A bad property name yields both a `pattern` error inside propertyNames and the
  // propertyNames error itself: keep the latter, which names the key.
  const dropped = new Set<ErrorObject>(errors.filter((e) => e.keyword !== "propertyNames" && e.schemaPath.includes("/propertyNames/")));
  for (const union of errors) {
    if (union.keyword !== "anyOf" && union.keyword !== "oneOf") continue;
    const prefix = `${union.schemaPath}/`;
    // Same schema path is shared by every stage: match the instance too.
    const inside = errors.filter((e) => e.schemaPath.startsWith(prefix) && isWithin(e.instancePath, union.instancePath));
    const branches = union.schema as SchemaNode[];
    const fitting = branches.map((b, i) => (typeFits(b, union.data) ? i : -1)).filter((i) => i >= 0);
    const passing = (union.params as { passingSchemas?: number[] | null }).passingSchemas;
    if (!passing && fitting.length === 1) {
      const keep = `${prefix}${fitting[0]}/`;
      for (const e of inside) if (!e.schemaPath.startsWith(keep)) dropped.add(e);
      if (inside.some((e) => e.schemaPath.startsWith(keep))) dropped.add(union);
    } else {
      for (const e of inside) dropped.add(e);
    }
  }
  return errors.filter((e) => !dropped.has(e));
}

function isWithin(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}

function typeFits(schema: SchemaNode, data: unknown): boolean {
  const type = schema.type;
  if (type === undefined) return true;
  const types = Array.isArray(type) ? (type as string[]) : [type as string];
  const actual = jsonType(data);
  return types.includes(actual) || (actual === "integer" && types.includes("number"));
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  array: "a list",
  object: "a mapping",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  null: "nothing",
};

function describeValue(value: unknown): string {
  const type = jsonType(value);
  if (type === "boolean") return String(value);
  if (type === "object" || type === "array" || type === "null") return TYPE_WORDS[type] ?? type;
  const shown = JSON.stringify(value);
  return `${TYPE_WORDS[type] ?? type} ${shown && shown.length > 40 ? `${shown.slice(0, 37)}…` : shown}`;
}

// JSON pointer → key path, turning array indices into numbers.
function toPath(data: unknown, pointer: string): PathSegment[] {
  const path: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function requiredKeys(branches: SchemaNode[]): string[] {
  return branches.flatMap((b) => (Array.isArray(b.required) ? (b.required as string[]) : []));
}

function translate(diagnose: Diagnose, data: unknown, e: ErrorObject): Diagnostic {
  const path = toPath(data, e.instancePath);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const expected = typeof parent["x-expected"] === "string" ? (parent["x-expected"] as string) : undefined;
  const params = e.params as Record<string, unknown>;
  // A value written the compose way (`environment` as a list, `restart: unless-stopped`)
  // is told so, rather than only that its type is wrong.
  const composeHint = composeValueHint(path, e.data);
  const at = (fields: { code: string; message: string; hint?: string; key?: boolean }, where = path) =>
    diagnose(where, composeHint && where === path && !fields.key ? { ...fields, hint: composeHint } : fields);

  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties as SchemaNode | undefined) ?? {});
      const extensible = Object.keys((parent.patternProperties as SchemaNode | undefined) ?? {}).includes(EXTENSION_KEY_PATTERN);
      const allowed = `allowed keys: ${known.join(", ")}${extensible ? ", and x-* keys of your own" : ""}`;
      const hint = composeKeyHint([...path, key]) ?? didYouMean(key, known) ?? (known.length > 0 ? allowed : undefined);
      return at({ code: "unknown-key", message: `unknown key "${key}"`, hint, key: true }, [...path, key]);
    }
    case "required":
      return at({ code: "missing-key", message: `missing required key "${String(params.missingProperty)}"`, key: true });
    case "propertyNames": {
      const name = String(params.propertyName);
      const rule = (parent.propertyNames ?? {}) as SchemaNode;
      const maxLength = typeof rule.maxLength === "number" ? rule.maxLength : Infinity;
      if ([...name].length > maxLength)
        return at({ code: "name-too-long", message: `${path[path.length - 1] === "stages" ? "stage name" : "name"} "${shorten(name)}" is too long (${[...name].length} characters; at most ${maxLength})`, hint: `shorten it to ${maxLength} characters or fewer`, key: true }, [...path, name]);
      return at({ code: "invalid-name", message: `invalid name "${name}"`, hint: `use ${(rule["x-expected"] as string | undefined) ?? "a valid name"}`, key: true }, [...path, name]);
    }
    case "type":
      return at({ code: "wrong-type", message: `expected ${typeWords(params.type)}, got ${describeValue(e.data)}`, hint: quoteHint(params.type, e.data) });
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return at({
        code: "invalid-value",
        message: `expected one of ${allowed.join(", ")}, got ${describeValue(e.data)}`,
        hint: typeof e.data === "string" ? didYouMean(e.data, allowed) : undefined,
      });
    }
    case "const":
      return at({ code: "invalid-value", message: `expected ${expected ?? JSON.stringify(params.allowedValue)}, got ${describeValue(e.data)}` });
    case "pattern":
      return at({ code: "invalid-value", message: `expected ${expected ?? `text matching ${String(params.pattern)}`}, got ${describeValue(e.data)}`, hint: typeof parent["x-hint"] === "string" ? parent["x-hint"] : undefined });
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
      return at({ code: "out-of-range", message: `must be ${String(params.comparison)} ${String(params.limit)}, got ${describeValue(e.data)}`, hint: rangeHint(parent) });
    case "minItems":
    case "minLength":
    case "minProperties":
      return at({ code: "empty", message: path[0] === "stages" && path.length === 1 ? "no stages defined" : "must not be empty" });
    case "uniqueItems": {
      // At the repeat, the later of the two (ajv's order of i and j depends on the item types).
      const later = Math.max(Number(params.i), Number(params.j));
      return at({ code: "duplicate-item", message: `${describeValue((e.data as unknown[])[later])} is listed twice`, hint: "remove the repeated entry" }, [...path, later]);
    }
    case "anyOf":
    case "oneOf":
      return translateUnion(composeHint ? (where, fields) => diagnose(where, where === path ? { ...fields, hint: composeHint } : fields) : diagnose, path, e, expected);
    default:
      return at({ code: "invalid-value", message: e.message ?? "invalid value" });
  }
}

// "exactly one of" unions made of `required` branches (command/module, health probes)
// read best as "missing X" or "X and Y cannot be used together".
function translateUnion(diagnose: Diagnose, path: PathSegment[], e: ErrorObject, expected: string | undefined): Diagnostic {
  const branches = e.schema as SchemaNode[];
  const keys = requiredKeys(branches);
  const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (keys.length === branches.length && keys.length > 0) {
    const present = keys.filter((k) => e.data && typeof e.data === "object" && k in (e.data as object));
    if (present.length > 1 || passing) {
      return diagnose([...path, present[1] ?? keys[1] ?? ""], {
        code: "conflicting-keys",
        message: `${present.map((k) => `"${k}"`).join(" and ")} cannot be used together`,
        hint: `use ${expected ?? `one of ${keys.join(", ")}`}`,
        key: true,
      });
    }
    return diagnose(path, {
      code: "missing-key",
      message: `missing ${orList(keys.map((k) => `"${k}"`))}`,
      hint: `add ${expected ?? `one of ${keys.join(", ")}`}`,
      key: true,
    });
  }
  // A string allowed only for a ${VAR} reference (`enabled`, `requires.ports`) is no
  // reason to suggest quoting a plain value.
  const stringBranch = branches.some((b) => b.type === "string" && b.pattern !== REFERENCE_PATTERN);
  return diagnose(path, {
    code: "wrong-type",
    message: `expected ${expected ?? "a different value"}, got ${describeValue(e.data)}`,
    hint: stringBranch ? quoteHint("string", e.data) : undefined,
  });
}

// YAML reads `true`, `yes`-less 1.2 booleans and numbers as non-strings: a classic trap
// for `command: true` or `version: "1"`-style values.
function quoteHint(expectedType: unknown, data: unknown): string | undefined {
  const wantsString = String(expectedType).split(",").includes("string");
  if (!wantsString || (typeof data !== "boolean" && typeof data !== "number")) return undefined;
  return `quote it to make it a string: "${String(data)}"`;
}

// "use a whole number from 1 to 1000": the whole allowed range, whichever end was crossed.
function rangeHint(schema: SchemaNode): string | undefined {
  const what = schema.type === "integer" ? "a whole number" : "a number";
  const num = (value: unknown) => (typeof value === "number" ? value : undefined);
  const [min, above, max] = [num(schema.minimum), num(schema.exclusiveMinimum), num(schema.maximum)];
  if (min !== undefined && max !== undefined) return `use ${what} from ${min} to ${max}`;
  if (above !== undefined && max !== undefined) return `use ${what} above ${above} and at most ${max}`;
  if (min !== undefined) return `use ${what} of at least ${min}`;
  if (above !== undefined) return `use ${what} above ${above}`;
  if (max !== undefined) return `use ${what} of at most ${max}`;
  return undefined;
}

// A 300-character name repeated in full would drown the message.
function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? (type as string[]) : String(type).split(",");
  return types.map((t) => TYPE_WORDS[t] ?? t).join(" or ");
}

// `htp:` in a health block yields "unknown key htp (did you mean http?)" and "missing
// http or …": the first says it all, so the second goes.
function dropMissingWhenMisspelt(diagnostics: Diagnostic[]): Diagnostic[] {
  const misspeltIn = new Set(
    diagnostics.filter((d) => d.code === "unknown-key" && d.hint?.startsWith("did you mean")).map((d) => d.path.replace(/(\.[^.[]+|\[[^\]]+\])$/, "")),
  );
  return diagnostics.filter((d) => !(d.code === "missing-key" && misspeltIn.has(d.path)));
}
