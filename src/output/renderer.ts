// Picks the renderer for an output mode. Every renderer is just a consumer of engine events.
import type { OutputMode } from "../cli/options.js";
import type { Consumer } from "../engine/event-sink.js";
import { createJsonRenderer } from "./json-renderer.js";
import type { AnnotationSource } from "./github.js";
import { createPlainRenderer } from "./plain-renderer.js";
import { makeStyle } from "./style.js";
import { textOutput } from "./workflow-commands.js";

export interface Renderer extends Consumer {
  /** Resolves once everything is drawn (the live view finishes asynchronously). */
  close(): Promise<void>;
}

const writeOut = (line: string) => void process.stdout.write(`${line}\n`);

export async function createRenderer(mode: OutputMode, env: NodeJS.ProcessEnv = process.env, source?: AnnotationSource): Promise<Renderer> {
  if (mode === "json") {
    const onEvent = createJsonRenderer(writeOut);
    return { name: "JSON output", onEvent, close: async () => undefined };
  }
  if (mode === "tty") {
    // The live view's modules are loaded only when it is used.
    const { createTtyRenderer } = await import("./tty-renderer.js");
    return createTtyRenderer(makeStyle(process.stdout, env));
  }
  const github = env.GITHUB_ACTIONS === "true";
  const output = textOutput(writeOut, github);
  const onEvent = createPlainRenderer({ write: writeOut, style: makeStyle(process.stdout, env), github, source, output });
  // Workflow commands, stopped around our text, are on again for the steps after ours.
  return { name: "plain output", onEvent, close: async () => output.end() };
}
