// A profile is checked as what it produces: the file with the profile merged over it must
// pass the same schema as the file itself (a stage a profile adds needs its command or
// module like any other). A profile entry for a stage the file does not have, with no
// command or module to make it a new stage, is a misspelt name: "unknown stage".
import type { Diagnostic, PathSegment } from "./diagnostic.js";
import { deepMerge, isPlainObject } from "./resolve.js";
import { diagnosticAt, type ConfigSource } from "./source.js";
import { didYouMean } from "./suggest.js";
import { validateAgainstSchema } from "./validate-schema.js";

type Raw = Record<string, unknown>;

/** `profile "ci": …`: with several profiles checked, each problem says which one. */
export function inProfile(profile: string, diagnostic: Diagnostic): Diagnostic {
  return { ...diagnostic, message: `profile "${profile}": ${diagnostic.message}` };
}

/** The file without `profiles`, with one profile merged over it (compose's override rules). */
export function mergeProfile(data: Raw, profile: Raw): Raw {
  const { profiles: _profiles, ...base } = data;
  return deepMerge(base, profile);
}

export function checkProfile(source: ConfigSource, data: Raw, name: string): Diagnostic[] {
  const profiles = isPlainObject(data.profiles) ? data.profiles : {};
  const profile = profiles[name];
  if (!isPlainObject(profile)) return []; // an unknown profile is reported by resolve
  const baseStages = Object.keys(isPlainObject(data.stages) ? data.stages : {});
  const diagnostics: Diagnostic[] = [];
  const stages: Raw = {};
  for (const [stage, entry] of Object.entries(isPlainObject(profile.stages) ? profile.stages : {})) {
    const adds = isPlainObject(entry) && (entry.command !== undefined || entry.module !== undefined);
    if (baseStages.includes(stage) || adds) stages[stage] = entry;
    else
      diagnostics.push(
        diagnosticAt(source, ["profiles", name, "stages", stage], {
          code: "unknown-stage",
          message: `unknown stage "${stage}"`,
          hint: didYouMean(stage, baseStages) ?? "a profile changes stages of the file; to add a stage, give it a command or module",
          key: true,
        }),
      );
  }
  const merged = mergeProfile(data, { ...profile, stages });
  // A problem of the merged config is shown where it is written: in the profile when the
  // profile holds that key, else in the file.
  const where = (path: PathSegment[]): PathSegment[] => {
    for (let n = path.length; n > 0; n--) {
      const own = ["profiles", name, ...path.slice(0, n)];
      if (source.doc.hasIn(own)) return [...own, ...path.slice(n)];
      if (source.doc.hasIn(path.slice(0, n))) return path;
    }
    return path;
  };
  diagnostics.push(...validateAgainstSchema(source, merged, (path, fields) => diagnosticAt(source, where(path), fields)));
  return diagnostics.map((d) => inProfile(name, d));
}
