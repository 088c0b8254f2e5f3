// What makes two hosts' `once: fleet` stages "the same stage": the fleet's scope, the
// stage's name and a fingerprint of what it would run. Pure, so the key can be computed
// and tested without a database.
import { createHash } from "node:crypto";
import type { Stage } from "../config/types.js";

export interface OnceKey {
  scope: string;
  stage: string;
  /** sha256 (hex) of the stage's command and resolved env, plus `inputs` when given. */
  fingerprint: string;
}

// The env is hashed, never stored: a stage whose only difference is a secret value is
// still told apart, and nothing of the secret reaches PostgreSQL. `inputs` is where an
// inputs fingerprint (issue: up-to-date tasks) joins the key.
export function onceKey(scope: string, stage: Pick<Stage, "name" | "runner" | "env">, inputs?: string): OnceKey {
  const env = Object.entries(stage.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const what = JSON.stringify({ runner: stage.runner, env, inputs: inputs ?? null });
  return { scope, stage: stage.name, fingerprint: sha256(what) };
}

/** The 64-bit advisory lock id of a key (pg_advisory_lock takes a signed bigint). */
export function advisoryLockId(key: OnceKey): bigint {
  const digest = createHash("sha256").update(`${key.scope}\0${key.stage}\0${key.fingerprint}`).digest();
  return digest.readBigInt64BE(0);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
