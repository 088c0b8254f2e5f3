import { runDoctor } from "../../doctor/run-doctor.js";
import { doctorText } from "../../output/doctor-text.js";
import { makeStyle } from "../../output/style.js";
import { resolveStateDir, type CommonOptions } from "../options.js";
import { ExitCode } from "../exit.js";
import { outLines } from "../io.js";
import { dataFormat, printJson } from "../data-format.js";

// `doctor`: why does it not start, and what to do. Exit 1 when something fails.
export async function run(_args: string[], options: CommonOptions & { format?: string; full?: boolean }): Promise<number> {
  const report = await runDoctor({ config: options.config, profile: options.profile, stateDirFor: (configPath) => resolveStateDir(options, configPath), fullCheck: options.full === true });
  if (dataFormat(options) === "json") printJson({ ok: !report.findings.some((f) => f.status === "fail"), ...report });
  else outLines(doctorText(report, makeStyle(process.stdout)));
  return report.findings.some((f) => f.status === "fail") ? ExitCode.failed : ExitCode.ready;
}
