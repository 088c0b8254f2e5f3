// Small and read-only file systems for real, as root does it in CI (`.ci/run` runs as
// root on Debian): a tmpfs of a given size, or remounted read-only. Without root there is
// no honest way to fill a disk or make a folder read-only for root-like users, so the
// tests that need it are skipped — by name, in the test output, never silently passed.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";

export const canMount = process.getuid?.() === 0;
export const NEEDS_ROOT = "needs root to mount a tmpfs (CI runs as root)";

const mounted: string[] = [];

/** Mounts a tmpfs of `sizeKiB` at `dir` (created if missing); unmountAll() undoes it. As root, a failure here fails the test. */
export function mountTmpfs(dir: string, sizeKiB: number): void {
  mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKiB}k,mode=0755`, "tmpfs", dir], { stdio: "pipe" });
  mounted.push(dir);
}

export function remountReadOnly(dir: string): void {
  execFileSync("mount", ["-o", "remount,ro", dir], { stdio: "pipe" });
}

export function unmountAll(): void {
  for (const dir of mounted.splice(0).reverse()) execFileSync("umount", ["-l", dir], { stdio: "pipe" });
}
