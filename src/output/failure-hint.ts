// The hint `doctor` would give, shown right under a failed stage in `up`'s own output.
import { hintFor } from "../doctor/hints.js";
import { describePortOwner } from "../doctor/port-owner.js";
import type { EngineEvent } from "../engine/events.js";

export function failureHint(event: Extract<EngineEvent, { type: "stage-failed" }>): string | undefined {
  // A bare "exit code N" with nothing recognisable says nothing the tail does not.
  const hint = hintFor({ error: event.error, tail: event.tail, portOwner: describePortOwner });
  return hint?.startsWith("it exited with an error") ? undefined : hint;
}
