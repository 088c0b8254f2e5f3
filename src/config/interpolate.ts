// `${VAR}`, `${VAR:-default}`, `${VAR:?message}` and `$$` in config strings, from the
// supervisor's environment — the docker compose rules users already know. A bare `$VAR`
// is left alone so that shell commands keep their own variables.
export type InterpolationProblem =
  | { kind: "required"; name: string; message: string }
  | { kind: "unset"; name: string }
  | { kind: "syntax"; text: string };

export interface Interpolated {
  value: string;
  problems: InterpolationProblem[];
}

const TOKEN = /\$\$|\$\{([^}]*)\}|\$\{/g;
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?$/s;

export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): Interpolated {
  const problems: InterpolationProblem[] = [];
  const value = text.replace(TOKEN, (token, body: string | undefined) => {
    if (token === "$$") return "$";
    if (body === undefined) {
      problems.push({ kind: "syntax", text: text.slice(text.indexOf(token)) });
      return token;
    }
    const match = EXPRESSION.exec(body);
    if (!match) {
      problems.push({ kind: "syntax", text: token });
      return token;
    }
    const [, name = "", operator, argument = ""] = match;
    const current = env[name];
    // With a colon, an empty value counts as unset (as in sh and compose).
    const isSet = operator?.startsWith(":") ? current !== undefined && current !== "" : current !== undefined;
    if (operator?.endsWith("-")) return isSet ? (current as string) : argument;
    if (operator?.endsWith("?")) {
      if (!isSet) problems.push({ kind: "required", name, message: argument || `${name} must be set` });
      return current ?? "";
    }
    if (current === undefined) problems.push({ kind: "unset", name });
    return current ?? "";
  });
  return { value, problems };
}
