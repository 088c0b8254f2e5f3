// The unset variables a config uses, each with its first use and how many there are: a
// variable in `defaults.env` is used once per stage, and a warning per use buried real
// problems under hundreds of identical lines.
export class UnsetVariables<Where> {
  readonly variables = new Map<string, { at: Where; uses: number }>();

  note(name: string, at: Where): void {
    const seen = this.variables.get(name);
    if (seen) seen.uses++;
    else this.variables.set(name, { at, uses: 1 });
  }
}
