// A control reply that says the request was wrong (an unknown stage) is a usage error:
// printed with its hint, exit 2. Otherwise the reply of the kind asked for.
import type { ControlReply } from "../control/protocol.js";
import { UsageError } from "./exit.js";

export function replyOrExit<C extends Extract<ControlReply, { ok: true }>["command"]>(reply: ControlReply, command: C): Extract<ControlReply, { ok: true; command: C }> {
  if (!reply.ok) throw new UsageError(reply.error, reply.hint);
  if (reply.command !== command) throw new Error(`the supervisor answered ${reply.command} to ${command}`);
  return reply as Extract<ControlReply, { ok: true; command: C }>;
}
