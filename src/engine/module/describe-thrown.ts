// What a module threw, said in one line for the stage's error. JavaScript can throw
// anything — null, a string, an object whose toString() throws, a Proxy that throws on
// every trap — and the host must still say something and never crash on it.
const MAX_LENGTH = 500;
const UNPRINTABLE = "an object that cannot be printed";

/** An Error's message (first line); for anything else "<who> threw <what it was>". */
export function describeThrown(value: unknown, who: string): string {
  try {
    const message = errorMessage(value);
    if (message !== undefined) return message ? clip(message) : `${who} threw ${nameOf(value)} with no message`;
    return `${who} threw ${clip(printable(value))}`;
  } catch {
    return `${who} threw ${UNPRINTABLE}`;
  }
}

/** The stack for the stage's log, or whatever can be printed of the value. */
export function stackOf(value: unknown, who: string): string {
  try {
    if (value instanceof Error && typeof value.stack === "string") return value.stack;
  } catch {
    // a getter that throws: fall through to the one-line description
  }
  return describeThrown(value, who);
}

// The message of an Error (of any realm: a Proxy or an object from a vm context counts
// if it has a string message and a stack), or undefined for anything else.
function errorMessage(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const looksLikeError = value instanceof Error || ("message" in value && "stack" in value);
  const message = looksLikeError ? (value as { message: unknown }).message : undefined;
  return typeof message === "string" ? firstLine(message) : undefined;
}

function printable(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value.trim() === "" ? "an empty string" : JSON.stringify(firstLine(value));
    case "undefined":
      return "undefined";
    case "function":
      return value.name ? `the function ${value.name}` : "a function";
    case "symbol":
      return value.toString();
    case "bigint":
      return `${value}n`;
    case "number":
    case "boolean":
      return String(value);
    case "object":
      return value === null ? "null" : printableObject(value);
  }
}

// An object's own toString() when it has a useful one, else its JSON; when both throw
// (or say nothing), say so rather than "[object Object]".
function printableObject(value: object): string {
  const text = tryOr(() => String(value));
  if (text && !text.startsWith("[object ")) return firstLine(text);
  const json = tryOr(() => JSON.stringify(value));
  if (json && json !== "{}") return firstLine(json);
  return text === "[object Object]" && json === "{}" ? "an empty object" : UNPRINTABLE;
}

function nameOf(value: unknown): string {
  const name = tryOr(() => (value as { name?: unknown }).name);
  if (typeof name !== "string" || !name) return "an error";
  return `${/^[aeiou]/i.test(name) ? "an" : "a"} ${name}`;
}

function tryOr(read: () => unknown): string | undefined {
  try {
    const result = read();
    return typeof result === "string" ? result : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}

function clip(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}
