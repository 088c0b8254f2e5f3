// A parsed config file: the YAML document with node ranges, and the means to turn a key
// path into a line:col. Everything that reports a position goes through `locate`.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from "./yaml.js";
import { inspectDocument, MAX_NESTING_DEPTH } from "./document-walk.js";
import type { Diagnostic, PathSegment, Severity } from "./diagnostic.js";
import { formatPath } from "./diagnostic.js";

// With merge keys on, yaml reads a `<<` key as a scalar holding Symbol("<<").
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === "symbol" && key.value.description === "<<";
}

export interface ConfigSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Files brought in by `include:`, each holding its own stages and settings: a path into one of them is located there. */
  included?: ConfigSource[];
}

// The file a key path is written in: the config itself, or the included file that defines
// the stage (or the setting) the path goes into.
export function ownerOf(source: ConfigSource, path: readonly PathSegment[]): ConfigSource {
  if (!source.included || path.length < 2 || (path[0] !== "stages" && path[0] !== "settings")) return source;
  const top = path.slice(0, 2);
  if (walk(source, top).complete) return source;
  return source.included.find((s) => walk(s, top).complete) ?? source;
}

export interface Location {
  line: number;
  col: number;
  length: number;
}

// Friendlier words for the yaml parser's error codes, with the fix.
const YAML_ERRORS: Record<string, { message?: string; hint: string }> = {
  DUPLICATE_KEY: { message: "duplicate key", hint: "each key may appear once in a mapping; remove or rename one" },
  TAB_AS_INDENT: { message: "tab character used for indentation", hint: "indent YAML with spaces" },
  MISSING_CHAR: { hint: "close the quote or bracket that was opened" },
  UNCLOSED_QUOTE: { message: "unclosed quote: the string that opens here runs to the end of the file", hint: "close the quote on this line; inside a string, write \\\" or use the other kind of quote" },
  TOO_DEEP: { hint: "a config needs a few levels; check for a runaway [ or { or generated text" },
  RESOURCE_EXHAUSTION: { message: "the document is too complex to parse", hint: "check for runaway nesting or repetition" },
  BAD_INDENT: { hint: "align the key with its siblings, using spaces" },
  MULTIPLE_DOCS: { message: "the file holds more than one YAML document", hint: "remove the `---` separators: netra-start reads one document" },
  BLOCK_AS_IMPLICIT_KEY: { hint: "check the indentation and a missing `:` on the line above" },
  MULTILINE_IMPLICIT_KEY: { hint: "a key must fit on one line; check for a missing `:` or quote" },
  UNEXPECTED_TOKEN: { hint: "check the syntax near this position" },
  BAD_DQ_ESCAPE: { hint: "use a valid escape such as \\n or \\\\ in double quotes, or single quotes" },
};

export function parseSource(file: string, text: string): { source: ConfigSource; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  // uniqueKeys is off because yaml checks it by comparing every key with every earlier
  // one (quadratic: seconds on a 10 000-stage file); findDuplicateKeys does it in one pass.
  // merge: YAML's `<<: *anchor` merge keys, as compose files use them with `x-*` anchors.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, strict: true, keepSourceTokens: false, merge: true });
  const source: ConfigSource = { file, text, doc, lines };
  const diagnostics: Diagnostic[] = [];
  const report = (severity: Severity, err: { code: string; message: string; pos: [number, number] }) => {
    const known = YAML_ERRORS[err.code];
    const position = lines.linePos(err.pos[0]);
    diagnostics.push({
      severity,
      code: `yaml-${err.code.toLowerCase().replace(/_/g, "-")}`,
      file,
      line: position.line,
      col: position.col,
      path: "",
      message: err.code === "DUPLICATE_KEY" ? `duplicate key ${JSON.stringify(keyAt(text, err.pos[0]))}` : (known?.message ?? firstLine(err.message)),
      hint: hintFor(err.code, err.message) ?? known?.hint,
      length: Math.max(1, err.pos[1] - err.pos[0]),
    });
  };
  const shape = inspectDocument(doc.contents);
  for (const err of doc.errors) {
    // yaml's composer recursed until the stack ran out; the nesting is the honest cause.
    if (err.code === "RESOURCE_EXHAUSTION" && shape.tooDeep) continue;
    const quote = err.code === "MISSING_CHAR" ? unclosedQuoteStart(doc, err.pos[0]) : undefined;
    report("error", quote ? { code: "UNCLOSED_QUOTE", message: err.message, pos: quote } : err);
  }
  if (shape.tooDeep) {
    const range = shape.tooDeep.range as [number, number, number];
    report("error", { code: "TOO_DEEP", message: `nested more than ${MAX_NESTING_DEPTH} levels deep`, pos: [range[0], range[0] + 1] });
  }
  for (const key of shape.duplicateKeys) {
    const range = key.range as [number, number, number];
    report("error", { code: "DUPLICATE_KEY", message: "Map keys must be unique", pos: [range[0], range[1]] });
  }
  for (const warn of doc.warnings) report("warning", warn);
  return { source, diagnostics };
}

// yaml reports a missing closing quote at the end of the file, where the string it opened
// finally ran out; the user needs the line where the quote opens.
function unclosedQuoteStart(doc: Document.Parsed, end: number): [number, number] | undefined {
  let found: [number, number] | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
      if (quoted && node.range && node.range[1] === end) {
        found = [node.range[0], node.range[0] + 1];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function hintFor(_code: string, message: string): string | undefined {
  if (/must .*end with a [\]}]/.test(message)) return "close the [ or { opened on an earlier line";
  if (/Nested mappings are not allowed in compact mappings/.test(message)) return 'a plain value cannot contain ": " — put the whole value in quotes';
  return undefined;
}

// The key text starting at an offset (`api:` → "api"), for duplicate-key messages.
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  return (/^("[^"]*"|'[^']*'|[^:\n]*)/.exec(rest)?.[1] ?? rest).trim().replace(/^["']|["']$/g, "");
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  // yaml appends " at line X, column Y" which our own prefix already says.
  return line.replace(/ at line \d+, column \d+:?$/, "").replace(/\.$/, "");
}

// Finds the node at `path` (or its key, for "unknown key" style errors). When the path
// does not exist in the document (e.g. a value that came from `defaults`), returns the
// deepest node that does.
export function locate(source: ConfigSource, path: readonly PathSegment[], options: { key?: boolean } = {}): Location {
  const owner = ownerOf(source, path);
  return toLocation(owner, walk(owner, path, options).found);
}

/** Is `path` written in the file (or the included file it goes into), directly or through a `<<:` merge key? */
export function hasPath(source: ConfigSource, path: readonly PathSegment[]): boolean {
  return walk(ownerOf(source, path), path).complete;
}

function walk(source: ConfigSource, path: readonly PathSegment[], options: { key?: boolean } = {}): { found: Node | null; complete: boolean } {
  let node: unknown = source.doc.contents;
  let found: Node | null = (source.doc.contents as Node | null) ?? null;
  let complete = true;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isAlias(node)) node = node.resolve(source.doc);
    if (isMap(node)) {
      const pair = findPair(source, node, String(segment));
      if (!pair) {
        complete = false;
        break;
      }
      const last = i === path.length - 1;
      if (last && options.key && isScalar(pair.key)) {
        found = pair.key;
        break;
      }
      node = pair.value;
      found = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) {
        complete = false;
        break;
      }
      node = item;
      found = item as Node;
    } else {
      complete = false;
      break;
    }
  }
  return { found, complete };
}

// The pair for a key: written in the mapping itself, else brought in by a `<<:` merge key
// (the first source that has it wins, as YAML merges), found where the anchor writes it.
function findPair(source: ConfigSource, map: YAMLMap, key: string, depth = 0): Pair | undefined {
  const own = map.items.find((p) => isPair(p) && isScalar(p.key) && !isMergeKey(p.key) && String(p.key.value) === key);
  if (own || depth > MAX_NESTING_DEPTH) return own;
  for (const merge of map.items.filter((p) => isMergeKey(p.key))) {
    const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
    for (const item of sources) {
      const target = isAlias(item) ? item.resolve(source.doc) : item;
      const found = isMap(target) ? findPair(source, target, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

export function toLocation(source: ConfigSource, node: Node | null | undefined): Location {
  const range = node?.range;
  if (!range) return { line: 1, col: 1, length: 0 };
  const position = source.lines.linePos(range[0]);
  return { line: position.line, col: position.col, length: Math.max(1, range[1] - range[0]) };
}

// Builds a diagnostic at a key path.
export function diagnosticAt(
  source: ConfigSource,
  path: readonly PathSegment[],
  fields: { code: string; message: string; hint?: string; severity?: Severity; key?: boolean },
): Diagnostic {
  const where = locate(source, path, { key: fields.key });
  return {
    severity: fields.severity ?? "error",
    code: fields.code,
    file: ownerOf(source, path).file,
    line: where.line,
    col: where.col,
    path: formatPath(path),
    message: fields.message,
    hint: fields.hint,
    length: where.length,
  };
}
