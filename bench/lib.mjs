// Shared helpers for the benchmarks: timing, temp dirs, running the built CLI.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(ROOT, "bin", "netra-start.js");

export function tempDir(prefix) {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function write(dir, name, text) {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Wall time of a whole command, in ms.
export function timeCommand(command, args, options = {}) {
  const t0 = performance.now();
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
  const ms = performance.now() - t0;
  if (result.status !== 0 && !options.allowFailure) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

// Runs a command and samples its peak resident memory (VmHWM) from /proc until it exits.
export function peakRss(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "ignore"], ...options });
    let peakKb = 0;
    const sample = () => {
      try {
        const status = require_readFile(`/proc/${child.pid}/status`);
        const match = /VmHWM:\s+(\d+) kB/.exec(status);
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // gone
      }
    };
    const timer = setInterval(sample, 20);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      resolve({ peakMb: peakKb / 1024, code });
    });
  });
}

import { readFileSync as require_readFile } from "node:fs";

export function report(title, rows) {
  console.log(`\n## ${title}`);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const row of rows) console.log(row.map((cell, c) => String(cell).padEnd(widths[c])).join("  "));
}
