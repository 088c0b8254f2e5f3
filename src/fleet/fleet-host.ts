// Who this host is to the rest of the fleet: the name other replicas see in "waiting for
// host-b to finish migrate". A Kubernetes pod's hostname is its pod name, which is what
// an operator looks for; NETRA_START_HOST overrides it (several supervisors on one machine).
import { hostname } from "node:os";

export function fleetHostName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.NETRA_START_HOST?.trim() || hostname();
  return name.slice(0, 48);
}
