// What a parsed YAML document must not hold before anything turns it into data: keys
// repeated in one mapping, nesting deeper than any config needs, and aliases that
// expand into far more than the file says (an "alias bomb"). Each is found with the node
// to point at, so the diagnostic names the line where the problem is written.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from "./yaml.js";

/**
 * Deepest nesting accepted. The deepest a config uses is 8
 * (`profiles.ci.stages.api.health.http.status[0]`); yaml's composer, which recurses,
 * runs out of stack near 800, and toJS, the schema check and the merges recurse too.
 */
export const MAX_NESTING_DEPTH = 64;

/** Aliases resolved in turning the document into data, nested ones counted each time. */
export const MAX_ALIAS_EXPANSIONS = 100;

export interface DocumentShape {
  /** Every key that repeats an earlier key of the same mapping. */
  duplicateKeys: Node[];
  /** The first node (in file order) nested deeper than MAX_NESTING_DEPTH. */
  tooDeep: Node | undefined;
}

// One pass, with an explicit stack: it must survive the very nesting it looks for.
export function inspectDocument(root: unknown): DocumentShape {
  const shape: DocumentShape = { duplicateKeys: [], tooDeep: undefined };
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= MAX_NESTING_DEPTH) {
      if (!shape.tooDeep || start(node) < start(shape.tooDeep)) shape.tooDeep = node;
      continue;
    }
    const children: unknown[] = [];
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) shape.duplicateKeys.push(pair.key);
          seen.add(key);
        }
        children.push(pair.value);
      }
    } else children.push(...node.items);
    for (const child of children.reverse()) stack.push({ node: child, depth: depth + 1 });
  }
  return shape;
}

function start(node: Node): number {
  return node.range?.[0] ?? 0;
}

export interface AliasBomb {
  /** The alias whose expansion took the total past the limit. */
  alias: Node;
  expansions: number;
}

// Counts what turning the document into data resolves: each alias once, plus every alias
// inside what it points to, in file order (an anchor is always defined before its alias).
// Call only on a document within MAX_NESTING_DEPTH: this recurses.
export function findAliasBomb(doc: Document.Parsed, limit = MAX_ALIAS_EXPANSIONS): AliasBomb | undefined {
  const anchors = new Map<string, number>();
  let total = 0;
  let bomb: AliasBomb | undefined;
  const expansionsOf = (node: unknown): number => {
    if (bomb) return 0;
    let count = 0;
    if (isAlias(node)) {
      count = 1 + (anchors.get(node.source) ?? 0);
      total += count;
      if (total > limit) bomb = { alias: node, expansions: total };
    } else if (isMap(node)) {
      for (const pair of node.items) count += isPair(pair) ? expansionsOf(pair.key) + expansionsOf(pair.value) : 0;
    } else if (isSeq(node)) {
      for (const item of node.items) count += expansionsOf(item);
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, count);
    return count;
  };
  expansionsOf(doc.contents);
  return bomb;
}
