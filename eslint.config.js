// Lint = `tsc --noEmit` (types) + this file (habits types cannot catch).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "fixtures/**/*.js", "fixtures/**/*.mjs", "fixtures/**/*.cjs", "fixtures/modules/syntax-error.ts" /* does not compile, on purpose */] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly", URL: "readonly", Buffer: "readonly", setInterval: "readonly", clearInterval: "readonly", performance: "readonly", fetch: "readonly", AbortController: "readonly", AbortSignal: "readonly", SharedArrayBuffer: "readonly", Atomics: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  {
    // A switch over a union handles every member (or says what the rest do, in a default).
    files: ["src/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
    },
  },
  {
    // Every consumer of the event stream names every event, with no default to hide in:
    // a new event type is a lint error until each consumer decides what it means.
    files: ["src/output/*-renderer.ts", "src/output/github.ts", "src/store/recorder.ts", "src/engine/redact-event.ts"],
    rules: {
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
    },
  },
  {
    files: ["test/**", "bench/**", "bin/**", "demo/**", "fixtures/**", "examples/**", "scripts/**"],
    rules: { "no-console": "off" },
  },
);
