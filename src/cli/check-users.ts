// `user:` is checked when `up` starts, before the lock and before any stage: a stage that
// cannot run as its user is a usage error (exit 2) naming it and its line, all at once.
import type { Config } from "../config/types.js";
import { lookUpUser, readPasswd } from "../engine/process/user-identity.js";
import { UsageError } from "./exit.js";

export function checkStageUsers(config: Config, file: string): void {
  const stages = config.stages.filter((s) => s.user !== undefined);
  if (stages.length === 0) return;
  const passwd = readPasswd();
  const problems = stages.flatMap((s) => {
    const found = lookUpUser(s.user as string, process.geteuid?.(), passwd);
    return found.ok ? [] : [{ text: `${file}:${s.line} stages.${s.name}.user: ${found.problem}`, hint: found.hint }];
  });
  if (problems.length === 0) return;
  throw new UsageError(problems.map((p) => p.text).join("\n"), problems[0]?.hint);
}
