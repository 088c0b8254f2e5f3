import { UsageError } from "../exit.js";

export async function run(): Promise<number> {
  throw new UsageError("`up` is not available in this build yet", "use `netra-start plan` to see what would run");
}
