// The benchmark graph shared by makespan.mjs and startup-shutdown.mjs: a seeded random
// DAG of `n` stages sleeping 10–480 ms, each depending on up to 3 earlier ones, as a
// netra-start config and an equivalent Makefile, with its lower bound for `slots`.
export function randomDag({ n = 200, slots = 8, seed = 7 } = {}) {
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const stages = [];
  for (let i = 0; i < n; i++) {
    const deps = new Set();
    const count = i === 0 ? 0 : Math.floor(random() * 4);
    for (let k = 0; k < count; k++) deps.add(Math.floor(random() * i));
    stages.push({ ms: 10 + Math.floor(random() * 471), deps: [...deps] });
  }
  // Lower bound: no schedule beats the longest chain, nor the work spread over all slots.
  const finish = [];
  stages.forEach((s, i) => (finish[i] = s.ms + Math.max(0, ...s.deps.map((d) => finish[d]))));
  const criticalPath = Math.max(...finish);
  const work = stages.reduce((sum, s) => sum + s.ms, 0);
  const bound = Math.max(criticalPath, work / slots);

  let yaml = `version: 1\nsettings: { concurrency: ${slots} }\ndefaults: { retries: 0 }\nstages:\n`;
  let makefile = `all: ${stages.map((_, i) => `s${i}`).join(" ")}\n`;
  stages.forEach((s, i) => {
    const sleep = `sleep ${(s.ms / 1000).toFixed(3)}`;
    yaml += `  s${i}:\n    command: ${sleep}\n${s.deps.length ? `    depends_on: [${s.deps.map((d) => `s${d}`).join(", ")}]\n` : ""}`;
    makefile += `s${i}:${s.deps.map((d) => ` s${d}`).join("")}\n\t@${sleep}\n.PHONY: s${i}\n`;
  });
  return { stages, criticalPath, work, bound, yaml, makefile };
}
