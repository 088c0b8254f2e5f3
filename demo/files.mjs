// File chores for the demo graph, so the YAML stays readable:
//   node demo/files.mjs mkdir DIR | rm PATH | touch FILE | exists FILE
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";

const [action, target] = process.argv.slice(2);
if (!target) throw new Error("usage: files.mjs mkdir|rm|touch|exists PATH");
switch (action) {
  case "mkdir":
    mkdirSync(target, { recursive: true });
    break;
  case "rm":
    rmSync(target, { recursive: true, force: true });
    console.log(`removed ${target}`);
    break;
  case "touch":
    writeFileSync(target, "ok\n");
    break;
  case "exists":
    process.exit(existsSync(target) ? 0 : 1);
    break;
  default:
    throw new Error(`unknown action ${action}`);
}
