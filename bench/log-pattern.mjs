// What matching `health.log` patterns with RE2 (re2js) costs against V8's own RegExp, per
// output line, in the same process; and what RE2 takes where V8 backtracks for ever.
// A log probe matches lines only until the first match, so this is paid while a stage
// starts, not while it runs. Uses the built module (npm run build).
import { report, median } from "./lib.mjs";
import { compileLogPattern } from "../dist/config/log-pattern.js";

const LINES = 20_000;
const cases = [
  ["literal", "ready to accept connections", "2026-11-30 14:32:05.123 UTC [42] LOG:  checkpoint starting: time, some more text of a log line"],
  ["anchored, classes", "^.*listening on (?:port )?\\d+$", "worker 7 started in 12ms, waiting for jobs on queue default with concurrency 4 and more text"],
];

const rows = [["pattern", "V8 RegExp per line", "RE2 per line", "ratio"]];
for (const [name, source, line] of cases) {
  const native = new RegExp(source);
  const check = compileLogPattern(source);
  if (!check.ok) throw new Error(check.message);
  const time = (test) => {
    const runs = [];
    for (let round = 0; round < 5; round++) {
      const t0 = performance.now();
      for (let i = 0; i < LINES; i++) test(line);
      runs.push(((performance.now() - t0) * 1000) / LINES);
    }
    return median(runs);
  };
  const v8 = time((l) => native.test(l));
  const re2 = time((l) => check.pattern.test(l));
  rows.push([name, `${v8.toFixed(2)} µs`, `${re2.toFixed(2)} µs`, `${(re2 / v8).toFixed(2)}×`]);
}
report("health.log matching, per output line", rows);

const evil = compileLogPattern("^(a+)+$");
if (!evil.ok) throw new Error(evil.message);
const longest = `${"a".repeat(4095)}!`; // a line is matched as far as its first 4096 characters
const t0 = performance.now();
evil.pattern.test(longest);
console.log(`^(a+)+$ against 4095 a's and "!": RE2 ${(performance.now() - t0).toFixed(1)} ms (V8: 2^4095 steps, never ends)`);
