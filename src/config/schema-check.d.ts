// Types of dist/config/schema-check.js and dist/config/schema-validator.cjs, generated
// at build time by scripts/build-validator.mjs from the JSON Schema in schema.ts.
import type { ErrorObject } from "ajv";

export type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
declare const check: Validate;
export default check;
