// The environment variable a stage output becomes: NETRA_<STAGE>_<KEY>, upper-cased, any
// other character as `_`. Different names can meet in one variable (`a-b` and `a_b`;
// stage `a` with key `B_X` and stage `a-b` with key `X`): the config stage refuses stage
// names that share a prefix, and the engine refuses an output that lands on a variable
// another output already set (engine/outputs.ts).
export function outputEnvName(stage: string, key: string): string {
  return `NETRA_${stage}_${key}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/** Pairs of stage names (first written first) whose outputs would all share variables. */
export function collidingStageNames(names: readonly string[]): [string, string][] {
  const byPrefix = new Map<string, string>();
  const pairs: [string, string][] = [];
  for (const name of names) {
    const prefix = outputEnvName(name, "");
    const earlier = byPrefix.get(prefix);
    if (earlier === undefined) byPrefix.set(prefix, name);
    else pairs.push([earlier, name]);
  }
  return pairs;
}
