// ajv options shared by the build-time validator compile and the tests that compile the
// printed schema: allErrors so that every problem is reported at once; verbose so that
// errors carry the schema (for `x-expected` messages) and the data.
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true } as const;
