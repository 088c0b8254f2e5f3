import { closest, distance } from "fastest-levenshtein";

// "did you mean" for a misspelt key, enum value or stage name. Only suggests when the
// candidate is close enough that the suggestion is likely right: a wild guess is worse
// than none.
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = input.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase) return exactCase;
  const best = closest(lower, [...candidates]);
  const limit = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  return distance(lower, best.toLowerCase()) <= limit ? best : undefined;
}

export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const match = suggest(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
