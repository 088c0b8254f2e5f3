// A stand-in for real startup work in the demo graph: sleeps, prints progress, can fail
// on its first attempt, can write outputs for dependents. Only needs Node.
//   node demo/work.mjs <label> <milliseconds> [--fail-first] [--output KEY=VALUE]...
import { appendFileSync } from "node:fs";

const [label = "work", msText = "300", ...flags] = process.argv.slice(2);
const total = Number(msText);
const attempt = Number(process.env.NETRA_ATTEMPT ?? "1");

if (flags.includes("--fail-first") && attempt === 1) {
  console.log(`${label}: connection refused (simulated), will succeed on retry`);
  process.exit(1);
}
const steps = 4;
for (let i = 1; i <= steps; i++) {
  await new Promise((resolve) => setTimeout(resolve, total / steps));
  console.log(`${label}: step ${i}/${steps}`);
}
for (let i = 0; i < flags.length; i++) {
  if (flags[i] === "--output" && process.env.NETRA_OUTPUT) appendFileSync(process.env.NETRA_OUTPUT, `${flags[i + 1]}\n`);
}
console.log(`${label}: done`);
