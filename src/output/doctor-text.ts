// `doctor` as text: grouped by section, problems first in each, every problem with its
// next step. Passing preflight checks are counted, not listed, to keep it to one screen.
import type { ChalkInstance } from "chalk";
import type { DoctorReport } from "../doctor/run-doctor.js";
import type { Finding, Section } from "../doctor/finding.js";
import { visibleText } from "../util/visible-text.js";

const ORDER: Section[] = ["config", "preflight", "environment", "state", "circuits", "last run", "history"];
const RANK = { fail: 0, warn: 1, ok: 2 } as const;

export function doctorText(report: DoctorReport, style: ChalkInstance): string[] {
  const mark = { ok: style.green("✔"), warn: style.yellow("⚠"), fail: style.red("✖") };
  const lines = [style.bold(`netra-start doctor — ${visibleText(report.configFile)}`), style.dim(`state dir: ${visibleText(report.stateDir)}`)];
  for (const section of ORDER) {
    const findings = report.findings.filter((f) => f.section === section).sort((a, b) => RANK[a.status] - RANK[b.status]);
    if (findings.length === 0) continue;
    lines.push("", style.bold(section));
    const quietOk = section === "preflight" ? findings.filter((f) => f.status === "ok") : [];
    for (const f of findings) {
      if (quietOk.includes(f)) continue;
      lines.push(...describe(f, mark));
    }
    if (quietOk.length > 0) lines.push(`  ${mark.ok} ${quietOk.length} check${quietOk.length === 1 ? "" : "s"} passed (commands found, ports free, files present)`);
  }
  const fails = report.findings.filter((f) => f.status === "fail").length;
  const warns = report.findings.filter((f) => f.status === "warn").length;
  lines.push("");
  lines.push(
    fails + warns === 0
      ? style.green("nothing wrong found")
      : `${fails ? style.red(`${fails} problem${fails === 1 ? "" : "s"}`) : "no problems"}, ${warns} warning${warns === 1 ? "" : "s"}${fails ? " — fix the ✖ lines first" : ""}`,
  );
  return lines;
}

// A finding quotes errors, output tails and config text: each is made visible text.
function describe(f: Finding, mark: Record<Finding["status"], string>): string[] {
  const v = visibleText;
  const lines = [`  ${mark[f.status]} ${f.stage ? `[${v(f.stage)}] ` : ""}${v(f.message)}`];
  for (const detail of f.details ?? []) lines.push(`      │ ${v(detail)}`);
  if (f.next && f.status !== "ok") lines.push(`      → ${v(f.next)}`);
  return lines;
}
