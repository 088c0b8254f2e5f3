// How the supervisor starts a module stage: Node running the host with the module's
// path. TypeScript modules (.ts/.mts/.cts) get tsx's loader; plain JavaScript does not
// pay for it.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "../../config/types.js";

const HOST = fileURLToPath(new URL("./host.js", import.meta.url));
const TYPESCRIPT = /\.(ts|mts|cts)$/;

let tsxLoader: string | undefined;
function tsx(): string {
  // Resolved from netra-start's own dependencies, not the user's project.
  tsxLoader ??= pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return tsxLoader;
}

export function moduleCommand(action: "init" | "cleanup" | "health", modulePath: string): Command {
  const loader = TYPESCRIPT.test(path.extname(modulePath)) ? ["--import", tsx()] : [];
  return { argv: [process.execPath, ...loader, HOST, action, modulePath] };
}
