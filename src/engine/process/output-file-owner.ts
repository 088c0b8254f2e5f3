// A stage run as another user must still write its outputs: its $NETRA_OUTPUT file is
// created for it (0600, owned by that user) and the run's folder and its private outputs
// folder are made passable (0711: enter, not list) — other stages' outputs stay 0600 and
// root's. The state dir above must be passable for that user too (docs/running.md).
import { chmodSync, chownSync, closeSync, openSync } from "node:fs";
import path from "node:path";
import type { UserIdentity } from "./user-identity.js";

export function handOutputFile(file: string, user: UserIdentity): void {
  chmodSync(path.dirname(path.dirname(file)), 0o711);
  chmodSync(path.dirname(file), 0o711);
  closeSync(openSync(file, "a", 0o600));
  chownSync(file, user.uid, user.gid);
}
