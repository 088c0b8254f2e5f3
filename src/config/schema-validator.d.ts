// Types of dist/config/schema-validator.js, generated at build time by
// scripts/build-validator.mjs from the JSON Schema in schema.ts.
import type { ErrorObject } from "ajv";

declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
export default validate;
