// A coordination URL as it may be shown: without its password (it often comes from
// ${DATABASE_URL}, which carries one).
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(a connection URL that does not parse)";
  }
}
