// "What to do about it", from an error and the last lines a stage printed: the patterns
// that explain most failed starts. Pure, so it is tested on its own.
export interface HintContext {
  error: string;
  tail: string[];
  timeoutMs?: number;
  /** Who holds a port, when the caller can tell (pid and command). */
  portOwner?: (port: number) => string | undefined;
}

interface Pattern {
  test: RegExp;
  hint: (match: RegExpMatchArray, ctx: HintContext) => string;
}

const PATTERNS: Pattern[] = [
  {
    test: /ECONNREFUSED\s+([\w.:[\]-]+?):(\d+)|connect(?:ion)? refused.*?(?:\b([\w.-]+)[:\s]+(?:port\s+)?(\d{2,5}))?/i,
    hint: (m) => {
      const where = m[1] && m[2] ? `${m[1]}:${m[2]}` : m[3] && m[4] ? `${m[3]}:${m[4]}` : "the address it connects to";
      return `nothing was listening on ${where}: the service it needs is not up, or listens on another port — check that service's stage (and its health check), and the port in this stage's env`;
    },
  },
  {
    test: /EADDRINUSE.*?:(\d+)|address already in use(?:.*?(\d{2,5}))?|port (\d+) is already in use/i,
    hint: (m, ctx) => {
      const port = Number(m[1] ?? m[2] ?? m[3]);
      const owner = port ? ctx.portOwner?.(port) : undefined;
      return `port ${port || "it needs"} is taken${owner ? ` by ${owner}` : ""}: stop that process, or give this stage another port`;
    },
  },
  {
    test: /command not found(?::\s*(\S+))?|exit code 127|(\S+): not found|ENOENT.*spawn (\S+)/i,
    hint: (m) => {
      const name = m[1] ?? m[2] ?? m[3];
      return `${name ? `"${name}"` : "the command"} is not installed or not on PATH: install it (e.g. with apt-get or npm) or use its full path`;
    },
  },
  {
    test: /permission denied|EACCES|exit code 126/i,
    hint: () => "permission denied: make the script executable (chmod +x), check the owner of the files it touches, or run as the right user",
  },
  {
    test: /timed out after (\S+)/i,
    hint: (m) => `it did not finish within ${m[1]}: raise \`timeout\` if the work is just slow, or look at the log for where it hangs (a prompt waiting for input, a lock, an unreachable host)`,
  },
  {
    test: /health check never passed after \d+ checks?: (.*)/i,
    hint: (m) => `it started but never became healthy (last probe: ${m[1]}): check the probe's URL/port matches what the service listens on, or give it more time with health.start_period or health.retries`,
  },
  {
    test: /no space left on device|ENOSPC/i,
    hint: () => "the disk is full: free space (old logs: `netra-start prune`), or point the work at another volume",
  },
  {
    test: /requirements not met: (.*)/i,
    hint: (m) => `a precondition failed (${m[1]}): fix what it names, then run again`,
  },
  {
    test: /circuit open, next try after (\S+?)(?: \(to try now: (.+)\))?$/i,
    hint: (m) => `it failed in too many runs in a row, so it is not tried until ${m[1]}: fix the cause, then \`${m[2] ?? "netra-start circuits reset"}\``,
  },
  {
    test: /password authentication failed|authentication failed|access denied for user/i,
    hint: () => "the credentials were refused: check the user/password variables this stage gets (they are redacted in logs)",
  },
  {
    test: /could not resolve|getaddrinfo|ENOTFOUND|Name or service not known/i,
    hint: () => "a host name could not be resolved: check the host in its URL, DNS, or use an IP address",
  },
];

export function hintFor(ctx: HintContext): string | undefined {
  const tail = [...ctx.tail].reverse();
  for (const text of [ctx.error, ...tail]) {
    for (const pattern of PATTERNS) {
      const match = text.match(pattern.test);
      if (match) return pattern.hint(match, ctx);
    }
  }
  if (/exit code \d+/.test(ctx.error)) return "it exited with an error: the last lines of its output above usually say why; the full log is in the state dir";
  return undefined;
}
