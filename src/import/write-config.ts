// The imported stages as startup.yaml text, with a comment on everything that was not
// carried over: the `yaml` Document API writes comments beside the values they explain.
import { Document, isMap, isPair, isScalar, isSeq, visit, type Pair, type YAMLMap } from "../config/yaml.js";
import type { Imported } from "./imported.js";

export function writeConfig(imported: Imported, sourceName: string): string {
  const doc = new Document({ version: 1 });
  doc.commentBefore = [
    ` Imported from ${sourceName} by \`netra-start import\`.`,
    ` Review the comments: "not imported" marks what netra-start does not carry over.`,
    ` Reference: docs/config.md; \`netra-start validate\`, then \`netra-start plan\`.`,
  ].join("\n");
  if (imported.name) doc.set("name", imported.name);
  const stages = doc.createNode({}) as YAMLMap;
  imported.stages.forEach((stage, index) => {
    const node = doc.createNode(stage.fields) as YAMLMap;
    // Lists of words (depends_on, an argv) read best on one line, as people write them.
    // A list holding mappings (depends_on's long form, env_file's { path, required })
    // stays a block list, each mapping on its line in braces, as docs/config.md writes them.
    visit(node, {
      Seq: (_, seq) => {
        if (seq.items.every(isScalar)) seq.flow = true;
        else for (const item of seq.items) if (isMap(item) && item.items.every((pair) => isScalar(pair.value))) item.flow = true;
      },
    });
    for (const item of node.items as Pair[]) {
      const key = isScalar(item.key) ? String(item.key.value) : "";
      const note = stage.fieldNotes[key];
      // After a scalar or a one-line list, on its line; above a block mapping or list.
      if (note && (isScalar(item.value) || (isSeq(item.value) && item.value.flow === true))) item.value.comment = ` ${note}`;
      else if (note && isScalar(item.key)) item.key.commentBefore = ` ${note}`;
    }
    if (stage.notes.length > 0) node.commentBefore = stage.notes.map((n) => ` ${n}`).join("\n");
    const pair = doc.createPair(stage.name, node);
    if (index > 0 && isPair(pair) && isScalar(pair.key)) pair.key.spaceBefore = true;
    stages.items.push(pair);
  });
  doc.set("stages", stages);
  if (!isMap(doc.contents)) throw new Error("the document is not a mapping");
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
