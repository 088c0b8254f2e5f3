// Every duration in the file — in stages, `defaults` and profiles alike — held to
// MAX_DURATION_MS. The JSON Schema checks a duration's form; how long it may be is
// checked here, because a regex cannot say "at most 24h" (and its error could not either).
// Runs beside the schema, so an over-long duration is reported with the other mistakes.
import type { Diagnostic, PathSegment } from "./diagnostic.js";
import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from "./duration.js";
import { duration, configSchema } from "./schema.js";
import { diagnosticAt, type ConfigSource } from "./source.js";

type SchemaNode = Readonly<Record<string, unknown>>;

export function checkDurations(source: ConfigSource, data: unknown): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Schema and data walked together; the config's nesting is shallow and bounded
  // (source.ts refuses deeper documents), so recursion is safe.
  const visit = (schema: SchemaNode, value: unknown, path: PathSegment[]): void => {
    if (schema === duration) {
      const ms = typeof value === "string" || typeof value === "number" ? parseDuration(value) : undefined;
      if (ms !== undefined && ms > MAX_DURATION_MS)
        diagnostics.push(
          diagnosticAt(source, path, {
            code: "duration-too-long",
            message: `duration ${JSON.stringify(value)} is too long`,
            hint: `the maximum is ${MAX_DURATION_TEXT}`,
          }),
        );
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
    const others = typeof schema.additionalProperties === "object" ? (schema.additionalProperties as SchemaNode) : undefined;
    for (const [key, child] of Object.entries(value)) {
      const childSchema = Object.hasOwn(properties, key) ? properties[key] : others;
      if (childSchema) visit(childSchema, child, [...path, key]);
    }
  };
  visit(configSchema, data, []);
  return diagnostics;
}
