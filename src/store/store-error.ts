// A problem with the state dir or the report database that a person can fix: the
// message names the path, the hint says what to do, `cause` keeps what SQLite or the
// filesystem said (shown under DEBUG=netra-start). Its own small file so that the CLI's
// one catch can match it by class without loading SQLite.
export class StoreError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}
