// An event as the text printers see it: every string in it (output lines, errors, tails,
// reasons, notes, names) made visible text. Walking the whole event, rather than naming
// its fields, keeps a field added later from reaching a printer raw.
import type { EngineEvent } from "../engine/events.js";
import { visibleText } from "../util/visible-text.js";

export function visibleEvent(event: EngineEvent): EngineEvent {
  return visibleDeep(event) as EngineEvent;
}

function visibleDeep(value: unknown): unknown {
  if (typeof value === "string") return visibleText(value);
  if (Array.isArray(value)) return value.map(visibleDeep);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visibleDeep(v)]));
  return value;
}
