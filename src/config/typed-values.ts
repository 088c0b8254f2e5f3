// What a ${VAR} reference may fill in a field that is not free text (`enabled`, a port,
// host:port, a URL). The schema lets a reference through there (REFERENCE_PATTERN); the
// interpolated text is held here to the rule the schema applies to a literal value.
import { HOST_PORT_PATTERN, HTTP_URL_PATTERN, SCOPE_PATTERN } from "./schema.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

const HOST_PORT = new RegExp(HOST_PORT_PATTERN, "u");
const HTTP_URL = new RegExp(HTTP_URL_PATTERN, "u");

// compose's toBoolean, without the YAML 1.1 words (yes, on…) that it accepts with a warning.
export function parseBoolean(text: string): Parsed<boolean> {
  const word = text.toLowerCase();
  if (word === "true" || word === "false") return { ok: true, value: word === "true" };
  return { ok: false, expected: "true or false" };
}

export function parsePort(text: string): Parsed<number> {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 1 && port <= 65535 ? { ok: true, value: port } : { ok: false, expected: "a port number (1-65535)" };
}

export function checkHostPort(text: string): Parsed<string> {
  return HOST_PORT.test(text) ? { ok: true, value: text } : { ok: false, expected: "host:port, e.g. 127.0.0.1:5432" };
}

export function checkHttpUrl(text: string): Parsed<string> {
  return HTTP_URL.test(text) ? { ok: true, value: text } : { ok: false, expected: "an http:// or https:// URL" };
}

export function checkScope(text: string): Parsed<string> {
  return new RegExp(SCOPE_PATTERN, "u").test(text) ? { ok: true, value: text } : { ok: false, expected: "a scope name: letters, digits, . _ - (e.g. shop-prod)" };
}
