// A process receives its arguments and environment as C strings, which end at the first
// NUL byte: a NUL inside one would silently cut it short (the native spawner) or throw
// deep inside child_process. Both paths refuse it first, with the same message, naming
// what holds it (an environment variable's value is not quoted: it may be a secret).

/** Why this command cannot be given to a process, or undefined when it can. */
export function nulByteProblem(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const fix = "a process cannot receive one; remove it";
  if (file.includes("\0")) return `the command ${JSON.stringify(file)} contains a NUL byte (\\0): ${fix}`;
  const index = args.findIndex((arg) => arg.includes("\0"));
  if (index >= 0) return `argument ${index + 1} of the command, ${JSON.stringify(args[index])}, contains a NUL byte (\\0): ${fix}`;
  for (const key in env) {
    if (key.includes("\0")) return `the name of environment variable ${JSON.stringify(key)} contains a NUL byte (\\0): ${fix}`;
    if (env[key]?.includes("\0")) return `environment variable ${key} contains a NUL byte (\\0): ${fix}`;
  }
  if (cwd.includes("\0")) return `the working directory ${JSON.stringify(cwd)} contains a NUL byte (\\0): ${fix}`;
  return undefined;
}
