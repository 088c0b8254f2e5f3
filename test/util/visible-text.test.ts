// The one function every text printer passes stage and config text through.
import { describe, expect, it } from "vitest";
import { oneLine, visibleText } from "../../src/util/visible-text.js";

describe("visibleText", () => {
  it("shows each control character as its control picture, so a reader sees it was there", () => {
    expect(visibleText("a\rb\nc\u0000d\bе\u001b[2Jf\u007f")).toBe("a␍b␊c␀d␈е␛[2Jf␡");
  });

  it("drops colours, which say nothing, and keeps tabs and ordinary text", () => {
    expect(visibleText("\u001b[1;31mred\u001b[0m\tplain ✔ 日本")).toBe("red\tplain ✔ 日本");
  });

  it("names C1 controls and the Unicode line separators, which have no picture", () => {
    expect(visibleText("a\u0085b\u2028c\u2029d\u009b2J")).toBe("a<U+0085>b<U+2028>c<U+2029>d<U+009B>2J");
  });

  it("cannot build an escape sequence out of what it removes, and is idempotent", () => {
    const once = visibleText("\u001b\u001b[0m[2J");
    expect(once).toBe("␛[2J");
    expect(visibleText(once)).toBe(once);
  });
});

describe("oneLine", () => {
  it("shows every line break, and only those: the printer shows the rest", () => {
    expect(oneLine("a\r\nb\rc\nd\u000be\u000cf\u0085g\u2028h\u2029i\u001b")).toBe("a␍␊b␍c␊d␋e␌f<U+0085>g<U+2028>h<U+2029>i\u001b");
  });
});
