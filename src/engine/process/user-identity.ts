// `user:` — a stage run as another user, as compose's `user:` and systemd's User= do.
// Looked up once when `up` starts (before the lock and before any stage): only root may
// switch users, and a name must exist in /etc/passwd; either problem is a usage error
// (exit 2) naming the stage and its line, never an attempt that fails later.
import { readFileSync } from "node:fs";

export interface UserIdentity {
  uid: number;
  gid: number;
  /** From /etc/passwd when the user has an entry: the stage gets HOME, USER and LOGNAME. */
  name: string | undefined;
  home: string | undefined;
}

export type UserLookup = { ok: true; identity: UserIdentity } | { ok: false; problem: string; hint: string };

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 7 && /^\d+$/.test(f[2] ?? "") && /^\d+$/.test(f[3] ?? ""))
    .map((f) => ({ name: f[0] as string, uid: Number(f[2]), gid: Number(f[3]), home: f[5] as string }));
}

/** `user` as written; `euid` of the supervisor; the passwd entries. Pure. */
export function lookUpUser(user: string, euid: number | undefined, passwd: readonly PasswdEntry[]): UserLookup {
  if (euid !== 0)
    return { ok: false, problem: `running a stage as user ${user} needs netra-start to run as root (it runs as uid ${euid ?? "unknown"})`, hint: "run netra-start as root (e.g. in its container), or remove user: from the stage" };
  const numeric = /^\d+$/.test(user);
  const entry = passwd.find((e) => (numeric ? e.uid === Number(user) : e.name === user));
  // A bare uid without an entry is allowed (containers run arbitrary uids): its group is its uid.
  if (numeric) return { ok: true, identity: { uid: Number(user), gid: entry?.gid ?? Number(user), name: entry?.name, home: entry?.home } };
  if (!entry) return { ok: false, problem: `no user named ${user} in /etc/passwd`, hint: "create the user, or give a numeric uid" };
  return { ok: true, identity: { uid: entry.uid, gid: entry.gid, name: entry.name, home: entry.home } };
}

export function readPasswd(): PasswdEntry[] {
  try {
    return parsePasswd(readFileSync("/etc/passwd", "utf8"));
  } catch {
    return [];
  }
}

/** What `su` would set: the user's HOME, USER and LOGNAME, over the supervisor's. */
export function withUserEnv(env: NodeJS.ProcessEnv, user: UserIdentity): NodeJS.ProcessEnv {
  if (!user.name) return env;
  return { ...env, HOME: user.home ?? env.HOME, USER: user.name, LOGNAME: user.name };
}

const resolved = new Map<string, UserIdentity | undefined>();

/** The identity a stage runs as: `up` checked it before the run, so here it resolves. */
export function stageUser(user: string | undefined): UserIdentity | undefined {
  if (user === undefined) return undefined;
  if (!resolved.has(user)) {
    const found = lookUpUser(user, process.geteuid?.(), readPasswd());
    resolved.set(user, found.ok ? found.identity : undefined);
  }
  return resolved.get(user);
}
