// Who listens on a TCP port: /proc/net/tcp{,6} gives the listening socket's inode, and
// the process holding that inode among its file descriptors is the owner. Linux only;
// elsewhere (or without permission) the answer is "unknown".
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const LISTEN = "0A";

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[1]?.endsWith(`:${hexPort}`) && cols[3] === LISTEN) inodes.add(cols[9] as string);
    }
  }
  return inodes;
}

export function portOwner(port: number): { pid: number; command: string } | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let command = "?";
        try {
          command = readFileSync(`/proc/${entry}/cmdline`, "latin1").replace(/\0/g, " ").trim().slice(0, 120);
        } catch {
          // gone meanwhile
        }
        return { pid: Number(entry), command };
      }
    }
  }
  return undefined;
}

export function describePortOwner(port: number): string | undefined {
  const owner = portOwner(port);
  return owner ? `pid ${owner.pid} (${owner.command})` : undefined;
}
