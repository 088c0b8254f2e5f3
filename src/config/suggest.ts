import { createRequire } from "node:module";
import type * as Levenshtein from "fastest-levenshtein";

// Loaded on first use: only a config with a mistake (or an unknown stage name) needs it,
// and importing it cost 2–3 ms of every command that loads a config.
let levenshtein: typeof Levenshtein | undefined;
const lib = () => (levenshtein ??= createRequire(import.meta.url)("fastest-levenshtein") as typeof Levenshtein);

// "did you mean" for a misspelt key, enum value or stage name. Only suggests when the
// candidate is close enough that the suggestion is likely right: a wild guess is worse
// than none.
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = input.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase) return exactCase;
  const best = lib().closest(lower, [...candidates]);
  const limit = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  return lib().distance(lower, best.toLowerCase()) <= limit ? best : undefined;
}

export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const match = suggest(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
