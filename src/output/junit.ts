// JUnit XML for CI systems (the surefire/Jenkins schema that GitHub, GitLab and
// Jenkins read): one <testsuite> per run, one <testcase> per stage; a failed stage
// carries <failure message> with its output tail, a skipped or cancelled one <skipped>.
import type { RunDetails } from "../store/queries.js";
import { logTail } from "./log-tail.js";

export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids are dropped; the five special ones escaped.
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}


const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);

export function renderJunit(details: RunDetails): string {
  const { run, stages } = details;
  const failures = stages.filter((s) => s.status === "failed").length;
  const skipped = stages.filter((s) => s.status === "skipped" || s.status === "cancelled").length;
  const suite = escapeXml(run.name);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netra-start" tests="${stages.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(run.duration_ms)}">`,
    // id/package and the (empty) system-out/err are required by the Ant schema CI readers use.
    `  <testsuite name="${suite}" id="0" package="netra-start" tests="${stages.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(run.duration_ms)}" timestamp="${run.started_at.slice(0, 19)}" hostname="${escapeXml(run.host) || "localhost"}">`,
    "    <properties>",
    `      <property name="run_id" value="${escapeXml(run.id)}"/>`,
    `      <property name="status" value="${escapeXml(run.status)}"/>`,
    `      <property name="profile" value="${escapeXml(run.profile ?? "")}"/>`,
    "    </properties>",
  ];
  for (const stage of stages) {
    const open = `    <testcase classname="${suite}" name="${escapeXml(stage.stage)}" time="${seconds(stage.duration_ms)}"`;
    if (stage.status === "ready") {
      lines.push(`${open}/>`);
    } else if (stage.status === "failed") {
      const tail = logTail(stage.log_path).join("\n");
      lines.push(`${open}>`, `      <failure message="${escapeXml(stage.error ?? "failed")}" type="${escapeXml(stage.priority)}">${escapeXml(tail)}</failure>`, "    </testcase>");
    } else {
      lines.push(`${open}>`, `      <skipped message="${escapeXml(`${stage.status}: ${stage.error ?? ""}`)}"/>`, "    </testcase>");
    }
  }
  lines.push("    <system-out/>", "    <system-err/>", "  </testsuite>", "</testsuites>", "");
  return lines.join("\n");
}
