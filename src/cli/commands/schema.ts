import { configSchema } from "../../config/schema.js";
import { out } from "../io.js";

export async function run(): Promise<number> {
  out(JSON.stringify(configSchema, null, 2));
  return 0;
}
