// Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own
// summary: CI and people grepping logs read the result from it.
import type { Reporter, TestCase } from "vitest/node";

export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestCaseResult(test: TestCase): void {
    const state = test.result().state;
    if (state === "passed") this.passed++;
    else if (state === "failed") this.failed++;
    else this.skipped++;
  }

  onTestRunEnd(_modules: unknown, errors: ReadonlyArray<unknown>): void {
    const failed = this.failed + errors.length;
    process.stdout.write(`\ntests: ${this.passed} passed, ${failed} failed, ${this.skipped} skipped\n`);
  }
}
