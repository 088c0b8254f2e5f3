// An event as the text printers see it: every string in it (output lines, errors, tails,
// reasons, notes, names) made visible text. Walking the whole event, rather than naming
// its fields, keeps a field added later from reaching a printer raw.
import type { EngineEvent } from "../engine/events.js";
import { visibleText } from "../util/visible-text.js";

export function visibleEvent(event: EngineEvent): EngineEvent {
  // The hot path (a chatty service): only its line is text from outside.
  if (event.type === "service-output") {
    const line = visibleText(event.line);
    return line === event.line ? event : { ...event, line };
  }
  return visibleDeep(event) as EngineEvent;
}

// Copies only what changes: most events hold no control character and pass as they are.
function visibleDeep(value: unknown): unknown {
  if (typeof value === "string") return visibleText(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const shown = visibleDeep(item);
      if (shown !== item) (copy ??= [...value])[i] = shown;
    });
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    let copy: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const shown = visibleDeep(item);
      if (shown !== item) (copy ??= { ...value })[key] = shown;
    }
    return copy ?? value;
  }
  return value;
}
