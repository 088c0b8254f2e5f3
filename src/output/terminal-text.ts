// Text that is safe to draw on a terminal we redraw: stage names and output can hold
// escape sequences (colours, cursor moves, clear-screen, titles) and control characters,
// and a line wider than the terminal wraps — either breaks the live view's cursor-up
// accounting. Pure functions, no terminal needed.
/* eslint-disable no-control-regex -- finding control characters is what this file is for */

// ESC-introduced sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ST), DCS/SOS/PM/APC
// (ESC P/X/^/_ … ST), and two-character escapes (ESC 7, ESC c, ESC ( B…). C1 CSI (0x9b) too.
const ESCAPE = /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[ -/]*[0-~]?)|\u009b[0-?]*[ -/]*[@-~]?/g;
// C0 and C1 controls, DEL. Tabs become a space; everything else goes.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// Select Graphic Rendition (colours, bold): the only sequence kept in permanent lines.
const SGR = /^\u001b\[[0-9;:]*m/;

/** One line of plain text: no escapes, no controls; a carriage-return progress line shows what it ended as. */
export function plainText(text: string): string {
  return clean(lastSegment(text));
}

/** Like plainText, but colours survive (and are reset at the end): for lines printed once, never redrawn. */
export function keepColours(text: string): string {
  let out = "";
  let coloured = false;
  for (const piece of lastSegment(text).split(/(?=\u001b)/)) {
    const sgr = SGR.exec(piece);
    if (sgr) {
      coloured = true;
      out += sgr[0] + clean(piece.slice(sgr[0].length));
    } else out += clean(piece);
  }
  return coloured ? `${out}\u001b[0m` : out;
}

// "50%\r75%\r100%" is drawn as "100%" by a terminal: keep the last part with something to show.
function lastSegment(text: string): string {
  if (!text.includes("\r")) return text;
  const parts = text.split("\r").filter((p) => clean(p).trim() !== "");
  return parts[parts.length - 1] ?? "";
}

function clean(text: string): string {
  return text.replace(ESCAPE, "").replace(/\t/g, " ").replace(CONTROL, "");
}

/** Columns a code point takes: 0 for combining marks and joiners, 2 for wide (CJK, emoji), else 1. */
export function codePointWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe20 && cp <= 0xfe2f)) return 0;
  // A variation selector may turn the character before it into a wide emoji: count it, to err on the short side.
  if (cp >= 0xfe00 && cp <= 0xfe0f) return 1;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x231a && cp <= 0x231b) ||
    (cp >= 0x23e9 && cp <= 0x23ec) ||
    (cp >= 0x25fd && cp <= 0x25fe) ||
    (cp >= 0x2614 && cp <= 0x2615) ||
    (cp >= 0x2648 && cp <= 0x2653) ||
    (cp >= 0x26aa && cp <= 0x26ab) ||
    (cp >= 0x26bd && cp <= 0x26be) ||
    (cp >= 0x26c4 && cp <= 0x26c5) ||
    (cp >= 0x2705 && cp <= 0x2705) ||
    (cp >= 0x270a && cp <= 0x270b) ||
    (cp >= 0x274c && cp <= 0x274e) ||
    (cp >= 0x2753 && cp <= 0x2757) ||
    (cp >= 0x2795 && cp <= 0x2797) ||
    (cp >= 0x2b1b && cp <= 0x2b1c) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe10 && cp <= 0xfe19) ||
    (cp >= 0xfe30 && cp <= 0xfe6f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f000 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0) as number);
  return width;
}

/** A piece of a line: plain text, and how to colour it once it has been cut to fit. */
export type Part = readonly [text: string, colour?: (text: string) => string];

/**
 * Joins the parts into one line of at most `width` columns: each part's text is made
 * plain, the line is cut with "…" where it would overflow, and only then coloured.
 */
export function fitLine(parts: readonly Part[], width: number): string {
  const plain = parts.map(([text, colour]) => [plainText(text), colour] as const);
  const total = plain.reduce((sum, [text]) => sum + textWidth(text), 0);
  const paint = (text: string, colour: ((text: string) => string) | undefined) => (text && colour ? colour(text) : text);
  if (total <= width) return plain.map(([text, colour]) => paint(text, colour)).join("");
  // Too wide: keep width - 1 columns and end with an ellipsis.
  let room = Math.max(0, width - 1);
  let out = "";
  for (const [text, colour] of plain) {
    let kept = "";
    for (const ch of text) {
      const w = codePointWidth(ch.codePointAt(0) as number);
      if (w > room) return `${out}${paint(kept, colour)}…`;
      kept += ch;
      room -= w;
    }
    out += paint(kept, colour);
  }
  return `${out}…`;
}
