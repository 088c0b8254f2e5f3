import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, parseSize } from "../../src/config/duration.js";
import { didYouMean, suggest } from "../../src/config/suggest.js";
import { formatPath } from "../../src/config/diagnostic.js";

describe("durations", () => {
  it.each([
    ["250ms", 250],
    ["5s", 5000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1.5s", 1500],
    ["10", 10_000],
    [3, 3000],
    [0.5, 500],
  ])("%s → %d ms", (input, ms) => expect(parseDuration(input)).toBe(ms));
  it.each(["5 minutes", "1x", "-1s", "", "s", "1d"])("rejects %j", (input) => expect(parseDuration(input)).toBeUndefined());
  it("formats compactly", () => {
    expect([850, 1234, 12_345, 125_000, 3_720_000].map(formatDuration)).toEqual(["850ms", "1.23s", "12.3s", "2m05s", "1h02m"]);
  });
  it("parses sizes", () => {
    expect(parseSize("500MB")).toBe(500e6);
    expect(parseSize("2GiB")).toBe(2 * 1024 ** 3);
    expect(parseSize(1024)).toBe(1024);
    expect(parseSize("lots")).toBeUndefined();
  });
});

describe("suggestions", () => {
  it("suggests close names only", () => {
    expect(didYouMean("databse", ["config", "database", "api"])).toBe('did you mean "database"?');
    expect(suggest("dependson", ["depends_on", "description"])).toBe("depends_on");
    expect(suggest("xyz", ["database", "config"])).toBeUndefined();
    expect(suggest("API", ["api"])).toBe("api");
  });
  it("formats key paths", () => {
    expect(formatPath(["stages", "api", "depends_on", 1])).toBe("stages.api.depends_on[1]");
    expect(formatPath(["stages", "My API"])).toBe('stages["My API"]');
  });
});

describe("document limits", () => {
  // dist/config/yaml.js is the bundled yaml package that src imports as ./yaml.js.
  const load = async () => ({ walk: await import("../../dist/config/document-walk.js"), yaml: await import("yaml") });

  it("finds the first node nested deeper than the limit, without recursing", async () => {
    const { walk, yaml } = await load();
    const doc = yaml.parseDocument(`a: ${"[".repeat(70)}${"]".repeat(70)}\nb: { c: 1, c: 2 }\n`, { uniqueKeys: false });
    const shape = walk.inspectDocument(doc.contents);
    expect(shape.tooDeep?.range?.[0]).toBe(3 + walk.MAX_NESTING_DEPTH - 1);
    expect(shape.duplicateKeys.map((k) => k.range?.[0])).toEqual([155]);
  });

  it("counts alias expansions in file order, nested ones each time, and names the alias that crosses the limit", async () => {
    const { walk, yaml } = await load();
    const doc = yaml.parseDocument("a: &a [x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n") as never;
    expect(walk.findAliasBomb(doc, 100)).toBeUndefined();
    const bomb = walk.findAliasBomb(doc, 8);
    expect(bomb).toMatchObject({ expansions: 11 }); // 3 in b, 4 per *b (itself and the three in b)
    expect((bomb?.alias as { range?: number[] }).range?.[0]).toBe(40); // the second *b
  });
});
