// npm's `prepare` hook. It is here for one case: `npm install git+https://…/netra-start.git`
// (or git+file://), where npm clones the repository, installs its devDependencies, runs
// `prepare`, then packs the `files` of package.json — dist/ must exist by then, and a
// fresh clone has none. npm also runs `prepare` on every `npm install`/`npm ci` in a
// clone and on `npm pack` (after `prepack`, which always builds): there dist/ is either
// missing (build it) or about to be rebuilt by `npm test`, `npm start` or `prepack`, so a
// present dist/ is left alone rather than built twice.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
if (existsSync(built)) process.exit(0);
const npm = process.env.npm_execpath;
const [command, args] = npm ? [process.execPath, [npm]] : ["npm", []];
const result = spawnSync(command, [...args, "run", "build"], { stdio: "inherit" });
process.exit(result.status ?? 1);
