/** The supervisor could not be reached or did not answer: said in one line, exit 1 (main.ts). */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "ControlError";
  }
}
