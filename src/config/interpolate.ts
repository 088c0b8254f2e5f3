// Variables in config strings, from the supervisor's environment, by docker compose's
// rules (compose-spec/compose-go, package `template`; its tests are ported in
// test/config/interpolate.test.ts):
//
//   ${VAR}  $VAR                      the value; unset → "" and a warning
//   ${VAR:-default}  ${VAR-default}   default when VAR is unset or empty / only when unset
//   ${VAR:?message}  ${VAR?message}   error when VAR is unset or empty / only when unset
//   ${VAR:+other}    ${VAR+other}     other when VAR is set and not empty / when set
//   $$                                a literal $
//
// A default, alternative or message is itself interpolated, and only when it is used, so
// `${A:-${B}}` warns about B only when A is unset. Braces nest: an expression ends at the
// `}` that balances its `${` (`${X:-{"a":1}}` defaults to `{"a":1}`); an unpaired `}`
// ends it, as in compose and sh.
export type InterpolationProblem =
  | { kind: "required"; name: string; state: "unset" | "empty"; message: string }
  | { kind: "unset"; name: string }
  | { kind: "syntax"; text: string };

export interface Interpolated {
  value: string;
  problems: InterpolationProblem[];
}

export interface InterpolateOptions {
  /**
   * Whether a bare `$VAR` is substituted (compose: yes, the default). Shell commands turn
   * it off outside `${…}`: their shell expands `$VAR` at run time, when the stage's own
   * `env` and the outputs of earlier stages are known.
   */
  bare?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

interface Context {
  env: Env;
  problems: InterpolationProblem[];
  bare: boolean;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const OPERATOR = /^:?[-?+]/;

export function interpolate(text: string, env: Env, options: InterpolateOptions = {}): Interpolated {
  const problems: InterpolationProblem[] = [];
  const value = text.includes("$") ? expand(text, { env, problems, bare: options.bare ?? true }) : text;
  return { value, problems };
}

function expand(text: string, context: Context): string {
  let out = "";
  let i = 0;
  for (;;) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
    } else if (next === "{") {
      const close = closingBrace(text, dollar + 1);
      if (close < 0) {
        context.problems.push({ kind: "syntax", text: text.slice(dollar) });
        return out + text.slice(dollar);
      }
      out += substitute(text.slice(dollar + 2, close), text.slice(dollar, close + 1), context);
      i = close + 1;
    } else {
      const name = context.bare ? nameAt(text, dollar + 1) : undefined;
      if (name === undefined) {
        out += "$"; // `$5`, `^re$`, `a $ b`: not a reference, kept as written
        i = dollar + 1;
      } else {
        out += lookup(name, context);
        i = dollar + 1 + name.length;
      }
    }
  }
}

function nameAt(text: string, index: number): string | undefined {
  NAME.lastIndex = index;
  return NAME.exec(text)?.[0];
}

// The index of the `}` that balances the `{` at `open`, or -1.
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

// One `${…}`: `body` is what lies between the braces.
function substitute(body: string, token: string, context: Context): string {
  const name = nameAt(body, 0);
  const rest = name === undefined ? body : body.slice(name.length);
  const operator = OPERATOR.exec(rest)?.[0];
  if (name === undefined || (rest !== "" && operator === undefined)) {
    context.problems.push({ kind: "syntax", text: token });
    return token;
  }
  if (operator === undefined) return lookup(name, context);
  const value = context.env[name];
  // With a colon, an empty value counts as unset (as in sh and compose).
  const isSet = value !== undefined && (!operator.startsWith(":") || value !== "");
  // Inside braces compose's rules hold in full: a bare $VAR there is substituted too.
  const argument = () => expand(rest.slice(operator.length), { ...context, bare: true });
  switch (operator.at(-1)) {
    case "-":
      return isSet ? value : argument();
    case "+":
      return isSet ? argument() : (value ?? "");
    default:
      if (isSet) return value;
      context.problems.push({ kind: "required", name, state: value === undefined ? "unset" : "empty", message: argument() });
      return "";
  }
}

function lookup(name: string, context: Context): string {
  const value = context.env[name];
  if (value === undefined) context.problems.push({ kind: "unset", name });
  return value ?? "";
}
