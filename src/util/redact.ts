// Secrets never reach output, logs or the database: values of variables whose names
// look secret, and of `settings.secrets`, are replaced by ***.
export const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i;
/** Shorter values would redact ordinary words ("on", "1"): not worth the noise. */
const MIN_SECRET_LENGTH = 4;

export function secretValues(envs: ReadonlyArray<Readonly<Record<string, string | undefined>>>, extraNames: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const env of envs)
    for (const [name, value] of Object.entries(env)) {
      if (value && value.length >= MIN_SECRET_LENGTH && (SECRET_NAME.test(name) || extraNames.includes(name))) values.add(value);
    }
  return [...values];
}

export type Redactor = (text: string) => string;

export function makeRedactor(secrets: readonly string[]): Redactor | undefined {
  if (secrets.length === 0) return undefined;
  // Longest first, whatever the caller passed: a secret that contains a shorter one must
  // be replaced whole, or its remainder would show.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join("***");
    return out;
  };
}
