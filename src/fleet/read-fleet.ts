// What `history --fleet` and `report --fleet` share: a session on the coordination
// database with its schema checked (or migrated), closed whatever happens; a connection
// lost on the way is said the same way for both.
import type { Coordination } from "../config/types.js";
import { lostMessage } from "./coordination-error.js";
import { CoordinationSession } from "./coordination-session.js";
import { fleetHostName } from "./fleet-host.js";
import { migrateFleetSchema } from "./fleet-schema.js";

export type FleetRead<T> = ({ ok: true } & T) | { ok: false; message: string };

export async function readFleet<T>(coordination: Coordination, read: (session: CoordinationSession) => Promise<FleetRead<T>>): Promise<FleetRead<T>> {
  const opened = await CoordinationSession.open(coordination, fleetHostName(), new AbortController().signal);
  if (!opened.ok) return opened;
  const session = opened.session;
  try {
    const schema = await migrateFleetSchema(session);
    if (!schema.ok) return schema;
    return await read(session);
  } catch (error) {
    return { ok: false, message: lostMessage(coordination, "reading the fleet's runs", error) };
  } finally {
    await session.close();
  }
}
