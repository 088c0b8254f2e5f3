// The one redaction boundary: every text that leaves the supervisor (output, logs, events,
// the database) passes through a Redactor, which knows every secret of the run, including
// the ones produced while it runs, and can mask a secret split across stream chunks.
export const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i;
/** Shorter values would redact ordinary words ("on", "1"): not worth the noise. */
export const MIN_SECRET_LENGTH = 4;
export const MASK = "***";

/** Does a variable/output with this name hold a secret? (name pattern, or listed in `declared`) */
export function isSecretName(name: string, declared: readonly string[] = []): boolean {
  return SECRET_NAME.test(name) || declared.includes(name);
}

/** Values of secret-looking names in these environments (same rule as today's secretValues). */
export function secretsFromEnv(envs: ReadonlyArray<Readonly<Record<string, string | undefined>>>, declared: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const env of envs)
    for (const [name, value] of Object.entries(env)) {
      if (value && value.length >= MIN_SECRET_LENGTH && isSecretName(name, declared)) values.add(value);
    }
  return [...values];
}

/** What redaction needs, derived from the secret set; rebuilt only after it changes. */
interface Compiled {
  /** Escaped secrets, longest first: at a given position the regex takes the first alternative that matches. */
  readonly pattern: RegExp;
  /** Per secret, its KMP failure table, to find the longest proper prefix ending a text in O(length). */
  readonly secrets: ReadonlyArray<{ readonly text: string; readonly failure: Int32Array }>;
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private compiled: Compiled | undefined;

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Learns a secret from now on (values produced during a run). Ignores values shorter than MIN_SECRET_LENGTH.
   *  A multi-line value is also learned line by line (each line ≥ MIN length, trimmed of \r), so that line-split streams mask it too. Returns true if something new was learned. */
  add(value: string): boolean {
    let learned = this.learn(value);
    if (value.includes("\n"))
      for (const raw of value.split("\n")) {
        const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        // A blank or indentation-only line is not secret, and as a "secret" it would mask
        // every indent of every output.
        if (line.trim().length >= MIN_SECRET_LENGTH) learned = this.learn(line) || learned;
      }
    return learned;
  }

  /** Any secret known? (callers skip work when not) */
  get active(): boolean {
    return this.secrets.size > 0;
  }

  /** Every known secret replaced by MASK; longest secrets first so a secret containing a shorter one is masked whole. */
  redact(text: string): string {
    const compiled = this.compile();
    return compiled ? text.replace(compiled.pattern, MASK) : text;
  }

  /** For a chunked byte stream (a process's output): see StreamRedactor. */
  stream(): StreamRedactor {
    // `held` always starts where a scan of the whole stream would be between matches, so
    // rescanning held + chunk from its start decides exactly as a scan of the whole would.
    let held = "";
    return {
      write: (chunk) => {
        const text = held + chunk;
        const compiled = this.compile();
        if (!compiled) {
          held = "";
          return text;
        }
        // Before `safe`, no suffix of the text is the beginning of a secret: whatever comes
        // next, a match starting there is already whole in `text`, and the same one.
        const safe = text.length - longestPartialSecret(compiled, text);
        const { pattern } = compiled;
        let out = "";
        let at = 0;
        while (at < safe) {
          pattern.lastIndex = at;
          const match = pattern.exec(text);
          if (!match || match.index >= safe) {
            out += text.slice(at, safe);
            at = safe;
            break;
          }
          out += text.slice(at, match.index) + MASK;
          // A match may end past `safe`: the scan resumes after it, so held text does too.
          at = match.index + match[0].length;
        }
        held = text.slice(at);
        return out;
      },
      end: () => {
        const rest = this.redact(held);
        held = "";
        return rest;
      },
    };
  }

  private learn(value: string): boolean {
    if (value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) return false;
    this.secrets.add(value);
    this.compiled = undefined;
    return true;
  }

  private compile(): Compiled | undefined {
    if (this.compiled || !this.active) return this.compiled;
    // Longest first: where two secrets match at the same place the longer one is masked whole.
    const ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    // No `u` flag: secrets and chunks are compared in UTF-16 code units, like the prefix search.
    const pattern = new RegExp(ordered.map(escapeRegExp).join("|"), "g");
    this.compiled = { pattern, secrets: ordered.map((text) => ({ text, failure: failureTable(text) })) };
    return this.compiled;
  }
}

export interface StreamRedactor {
  /** Returns the redacted text that is safe to emit now. */
  write(chunk: string): string;
  /** End of stream: returns the held-back rest, redacted. */
  end(): string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** failure[i]: length of the longest proper prefix of `text` that is also a suffix of text[0..i]. */
function failureTable(text: string): Int32Array {
  const failure = new Int32Array(text.length);
  for (let i = 1, k = 0; i < text.length; i++) {
    while (k > 0 && text.charCodeAt(i) !== text.charCodeAt(k)) k = failure[k - 1]!;
    if (text.charCodeAt(i) === text.charCodeAt(k)) k++;
    failure[i] = k;
  }
  return failure;
}

/**
 * Length of the longest suffix of `text` that is a proper prefix of some secret (0 if none).
 * Only the last (length - 1) characters can hold one, so a call costs O(total secret length),
 * whatever the size of `text`.
 */
function longestPartialSecret(compiled: Compiled, text: string): number {
  let longest = 0;
  for (const { text: secret, failure } of compiled.secrets) {
    // Fed at most length - 1 characters, k never reaches a whole secret: only proper prefixes count.
    let k = 0;
    for (let i = Math.max(0, text.length - secret.length + 1); i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (k > 0 && secret.charCodeAt(k) !== c) k = failure[k - 1]!;
      if (secret.charCodeAt(k) === c) k++;
    }
    if (k > longest) longest = k;
  }
  return longest;
}
