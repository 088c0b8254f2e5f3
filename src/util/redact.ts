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
  // Longest first, so a secret that contains another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export type Redactor = (text: string) => string;

export function makeRedactor(secrets: readonly string[]): Redactor | undefined {
  if (secrets.length === 0) return undefined;
  return (text) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join("***");
    return out;
  };
}
