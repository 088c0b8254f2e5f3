// Each task's last successful fingerprint (stage_fingerprints), loaded once per `up` or
// `plan`; new ones come back as fingerprint-saved events, which the recorder writes.
import type { Fingerprint } from "../engine/freshness/fingerprint.js";
import type { RecordedFingerprint } from "../engine/freshness/freshness.js";
import type { Db } from "./database.js";

interface Row {
  stage: string;
  command_hash: string;
  env_hash: string;
  upstream_hash: string;
  inputs: string;
  output_keys: string;
}

export function loadFingerprints(db: Db): Map<string, RecordedFingerprint> {
  const rows = db.prepare("SELECT stage, command_hash, env_hash, upstream_hash, inputs, output_keys FROM stage_fingerprints").all() as Row[];
  const recorded = new Map<string, RecordedFingerprint>();
  for (const row of rows) {
    try {
      const fingerprint: Fingerprint = { command: row.command_hash, env: row.env_hash, upstream: row.upstream_hash, inputs: JSON.parse(row.inputs) as Fingerprint["inputs"] };
      recorded.set(row.stage, { fingerprint, outputKeys: JSON.parse(row.output_keys) as string[] });
    } catch {
      // A damaged row: that task has no previous run and runs.
    }
  }
  return recorded;
}
