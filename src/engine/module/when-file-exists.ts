// Waits for a file to appear: a module service's host writes its result file (by
// rename, so whole) when init() settles, and goes on running. inotify tells us at once;
// where a folder cannot be watched (the inotify table is full), a poll does.
import { existsSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";

const POLL_MS = 100;

/** Resolves when `file` exists or `signal` aborts, whichever comes first. */
export function whenFileExists(file: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    let poll: NodeJS.Timeout | undefined;
    const finish = () => {
      watcher?.close();
      clearInterval(poll);
      signal.removeEventListener("abort", finish);
      resolve();
    };
    const check = () => {
      if (existsSync(file)) finish();
    };
    const pollInstead = () => {
      watcher?.close();
      poll ??= setInterval(check, POLL_MS);
    };
    try {
      watcher = watch(path.dirname(file), (_event, name) => {
        if (name === path.basename(file)) check();
      });
      watcher.on("error", pollInstead);
    } catch {
      pollInstead();
    }
    signal.addEventListener("abort", finish, { once: true });
    if (signal.aborted) finish();
    else check(); // written before the watch began
  });
}
