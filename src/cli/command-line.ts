// A command a user can paste back into their shell, for hints that name one: words
// that need it are single-quoted.
export function commandLine(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** `netra-start circuits reset STAGE` aimed at the same config and state dir as this invocation. */
export function circuitResetCommand(stage: string, configShown: string, stateDir: string | undefined): string {
  return commandLine(["netra-start", "circuits", "reset", stage, "-c", configShown, ...(stateDir ? ["--state-dir", stateDir] : [])]);
}
