// Looks for `needle` in the start of an HTTP body without holding more than `limitBytes`
// of it: a health endpoint that streams for ever (or answers 6 GB) must cost a probe a
// bounded amount of memory, not all of it. The rest of the body is cancelled unread.
export type BodySearch = "found" | "absent" | "limit-reached";

/** How much of a body `body_contains` reads before it gives up. */
export const BODY_SEARCH_LIMIT = 1024 * 1024;

export async function searchBody(body: ReadableStream<Uint8Array>, needle: string, limitBytes = BODY_SEARCH_LIMIT): Promise<BodySearch> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return (text + decoder.decode()).includes(needle) ? "found" : "absent";
      const take = value.subarray(0, limitBytes - bytes);
      bytes += take.length;
      const searchedUpTo = text.length;
      text += decoder.decode(take, { stream: true });
      // Only the new text, plus enough before it for a match that straddles two reads.
      if (text.includes(needle, Math.max(0, searchedUpTo - needle.length + 1))) return "found";
      if (bytes >= limitBytes) return (text + decoder.decode()).includes(needle) ? "found" : "limit-reached";
    }
  } finally {
    // Hang up on whatever is left; a failure to do so changes nothing about the answer.
    reader.cancel().catch(() => undefined);
  }
}
