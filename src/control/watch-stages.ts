// `up --watch`: stages with `watch:` globs are restarted (tasks run again) when a file
// they watch is added, changed or removed. chokidar watches only the folders the globs
// start from (inotify through fs.watch, never polling; node_modules, .git and the state
// dir are left out), picomatch decides which stage a path belongs to, and a burst of
// changes (an editor's save, a `git checkout`) makes one restart per stage after it has
// been quiet for DEBOUNCE_MS, naming the last file that changed.
import path from "node:path";
import { watch, type FSWatcher } from "chokidar";
import picomatch from "picomatch";
import type { Stage } from "../config/types.js";

/** Quiet time after the last change before a stage is restarted. */
export const DEBOUNCE_MS = 300;

export interface StageWatcher {
  close(): Promise<void>;
}

export interface WatchOptions {
  stages: readonly Stage[];
  /** Changes under these folders are no source changes (the state dir: logs, database). */
  ignoreDirs: readonly string[];
  /** `file` relative to the stage's cwd. */
  onChange: (stage: string, file: string) => void;
  onError: (message: string) => void;
  debounceMs?: number;
}

const SKIPPED = /(^|[/\\])(node_modules|\.git)([/\\]|$)/;

/** Resolves once the initial scan is done: a change from then on is seen. Undefined when no stage watches anything. */
export async function watchStages(options: WatchOptions): Promise<StageWatcher | undefined> {
  const watched = options.stages.flatMap((stage) =>
    (stage.watch ?? []).map((glob) => {
      const absolute = path.resolve(stage.cwd, glob);
      const { base } = picomatch.scan(absolute);
      return { stage, root: base || path.parse(absolute).root, matches: picomatch(absolute, { dot: true }) };
    }),
  );
  if (watched.length === 0) return undefined;
  const ignored = (file: string) => SKIPPED.test(file) || options.ignoreDirs.some((dir) => file === dir || file.startsWith(`${dir}${path.sep}`));
  const watcher: FSWatcher = watch([...new Set(watched.map((w) => w.root))], { ignoreInitial: true, ignored, persistent: true });
  const timers = new Map<string, NodeJS.Timeout>();
  const changed = (file: string) => {
    const absolute = path.resolve(file);
    for (const { stage, matches } of watched) {
      if (!matches(absolute)) continue;
      clearTimeout(timers.get(stage.name));
      timers.set(
        stage.name,
        setTimeout(() => {
          timers.delete(stage.name);
          options.onChange(stage.name, path.relative(stage.cwd, absolute));
        }, options.debounceMs ?? DEBOUNCE_MS),
      );
    }
  };
  watcher.on("add", changed).on("change", changed).on("unlink", changed);
  watcher.on("error", (error) => options.onError(error instanceof Error ? error.message : String(error)));
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return {
    async close() {
      for (const timer of timers.values()) clearTimeout(timer);
      await watcher.close();
    },
  };
}
