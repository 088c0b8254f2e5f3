// Exit codes of the contract, and the one error type commands throw to choose one.
// Only src/cli/main.ts turns these into a process exit.
export { ExitCode } from "../exit-codes.js";

/** Thrown by a command that has already printed what the user needs to know. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = `exit ${exitCode}`,
  ) {
    super(message);
    this.name = "ExitError";
  }
}

/** A user mistake that has not been printed yet: main prints the message and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
