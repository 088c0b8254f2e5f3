// One thing `doctor` found: a status, one line saying what, and the next step to take.
export type FindingStatus = "ok" | "warn" | "fail";

export type Section = "config" | "preflight" | "environment" | "state" | "circuits" | "last run" | "history";

export interface Finding {
  section: Section;
  status: FindingStatus;
  /** Which stage it is about, if any. */
  stage?: string;
  message: string;
  /** The concrete next step (absent when there is nothing to do). */
  next?: string;
  /** Supporting lines: an output tail, config diagnostics. */
  details?: string[];
}

export const ok = (section: Section, message: string, extra: Partial<Finding> = {}): Finding => ({ section, status: "ok", message, ...extra });
export const warn = (section: Section, message: string, next: string, extra: Partial<Finding> = {}): Finding => ({ section, status: "warn", message, next, ...extra });
export const fail = (section: Section, message: string, next: string, extra: Partial<Finding> = {}): Finding => ({ section, status: "fail", message, next, ...extra });
