// Text that came from a stage (its output, its error) or from the config (a name, a key)
// is printed for a person, never obeyed by whatever reads our output. A terminal obeys
// escape sequences and control characters; the GitHub Actions runner reads each line
// (split at \r, \n, \r\n) as a possible workflow command. So every printer of such text
// passes it through here: nothing is dropped silently except colours, and nothing can
// start a new line. Pure; the stage's own log file keeps its bytes as they were.
/* eslint-disable no-control-regex -- finding control characters is what this file is for */

// Colours and bold (Select Graphic Rendition) say nothing: dropped rather than shown.
const SGR = /\u001b\[[0-9;:]*m/g;
// C0 controls but tab, and DEL: shown as their Unicode control picture (ESC as ␛, CR as ␍).
const C0_AND_DEL = /[\u0000-\u0008\u000a-\u001f\u007f]/g;
// C1 controls (NEL, CSI…) and the Unicode line and paragraph separators: no picture exists.
const C1_AND_SEPARATORS = /[\u0080-\u009f\u2028\u2029]/g;
// Everything that some reader of our output takes as the end of a line.
const LINE_BREAKS = /[\n\v\f\r\u0085\u2028\u2029]/g;

// Any of the above: most text has none, and is returned as it is.
const ANY = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

/** Stage or config text made safe to print: no escape sequence, no control character, no line break. */
export function visibleText(text: string): string {
  if (!ANY.test(text)) return text;
  return text.replace(SGR, "").replace(C0_AND_DEL, controlPicture).replace(C1_AND_SEPARATORS, codePointName);
}

/**
 * A one-line field (an error, a health detail): its line breaks shown as pictures
 * (`a\r::b` → `a␍::b`), the rest left to the printer. What events, the database and
 * JSON carry as "one line" is one line for every reader.
 */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, (ch) => (ch < "\u0080" ? controlPicture(ch) : codePointName(ch)));
}

// U+2400 + code for C0 (␀ ␈ ␍ ␛), U+2421 (␡) for DEL.
function controlPicture(ch: string): string {
  const code = ch.charCodeAt(0);
  return String.fromCharCode(code === 0x7f ? 0x2421 : 0x2400 + code);
}

function codePointName(ch: string): string {
  return `<U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}>`;
}
