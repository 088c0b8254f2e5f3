// The compact schema check (dist/config/schema-check.js) decides whether the full
// validator (dist/config/schema-validator.cjs) runs at all, so the two must agree on what
// is valid: on every fixture and example, and on mutations of each (an unknown key in
// every mapping, every leaf replaced by values of other types).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { Validate } from "../../src/config/schema-check.js";
import { ROOT } from "../helpers/cli.js";

async function load(file: string): Promise<Validate> {
  return ((await import(pathToFileURL(path.join(ROOT, "dist", "config", file)).href)) as { default: Validate }).default;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return name.endsWith(".yaml") || name.endsWith(".yml") ? [file] : [];
  });
}

function configs(): { name: string; data: unknown }[] {
  const files = [...yamlFiles(path.join(ROOT, "fixtures")), ...yamlFiles(path.join(ROOT, "examples")), path.join(ROOT, "startup.example.yaml")];
  return files.flatMap((file) => {
    try {
      return [{ name: path.relative(ROOT, file), data: parse(readFileSync(file, "utf8"), { maxAliasCount: 100, uniqueKeys: false }) as unknown }];
    } catch {
      return []; // not YAML the config stage would get past either
    }
  });
}

// Copies of `data`, each with one change.
function* mutations(data: unknown): Generator<unknown> {
  const replacements: unknown[] = [{}, [], -1, 1.5, "x", true, null];
  function* at(value: unknown, rebuild: (v: unknown) => unknown): Generator<unknown> {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const object = value as Record<string, unknown>;
      yield rebuild({ ...object, zz_unknown: 1 });
      for (const key of Object.keys(object)) yield* at(object[key], (v) => rebuild({ ...object, [key]: v }));
    } else if (Array.isArray(value)) {
      yield rebuild([...value, {}]);
      for (let i = 0; i < value.length; i++) yield* at(value[i], (v) => rebuild(value.map((x, j) => (j === i ? v : x))));
    }
    for (const r of replacements) yield rebuild(r);
  }
  yield* at(data, (v) => v);
}

describe("schema-check agrees with the full validator", async () => {
  const check = await load("schema-check.js");
  const full = await load("schema-validator.cjs");
  for (const { name, data } of configs()) {
    it(name, () => {
      expect(check(data)).toBe(full(data));
      let compared = 0;
      for (const variant of mutations(data)) {
        const expected = full(variant);
        if (check(variant) !== expected) expect({ variant, check: !expected }).toEqual({ variant, check: expected });
        compared++;
      }
      expect(compared).toBeGreaterThan(5);
    });
  }
});
