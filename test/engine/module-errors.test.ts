// What the module host says about whatever a module threw: pure, no process involved.
import { describe, expect, it } from "vitest";
import { describeThrown, stackOf } from "../../src/engine/module/describe-thrown.js";
import { locationAtop, transformError } from "../../src/engine/module/load-failure.js";

describe("describeThrown", () => {
  it("gives an Error's message, first line only", () => {
    expect(describeThrown(new Error("refused\n  detail"), "init()")).toBe("refused");
    expect(describeThrown(new TypeError(""), "init()")).toBe("init() threw a TypeError with no message");
  });

  it("says what was thrown when it is not an Error", () => {
    expect(describeThrown(null, "init()")).toBe("init() threw null");
    expect(describeThrown(undefined, "it")).toBe("it threw undefined");
    expect(describeThrown(42, "init()")).toBe("init() threw 42");
    expect(describeThrown("boom\nmore", "init()")).toBe('init() threw "boom"');
    expect(describeThrown({ code: 7 }, "init()")).toBe('init() threw {"code":7}');
    expect(describeThrown({}, "init()")).toBe("init() threw an empty object");
    expect(describeThrown({ toString: () => "custom text" }, "init()")).toBe("init() threw custom text");
  });

  it("never throws itself, whatever the value does", () => {
    const unprintable = {
      toString() {
        throw new Error("no");
      },
    };
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          throw new Error("trap");
        },
        has() {
          throw new Error("trap");
        },
      },
    );
    expect(describeThrown(unprintable, "init()")).toBe("init() threw an object that cannot be printed");
    expect(describeThrown(circular, "init()")).toBe("init() threw an object that cannot be printed");
    expect(describeThrown(hostile, "init()")).toBe("init() threw an object that cannot be printed");
    expect(stackOf(hostile, "init()")).toBe("init() threw an object that cannot be printed");
  });
});

describe("syntax error locations", () => {
  it("reads tsx's esbuild failure, columns made 1-based", () => {
    const error = new Error('Transform failed with 2 errors:\n/app/stage.ts:2:20: ERROR: Unexpected ";"\n/app/stage.ts:5:0: ERROR: Unexpected "}"');
    expect(transformError(error)).toEqual({ at: { file: "/app/stage.ts", line: 2, column: 21 }, reason: 'Unexpected ";"', more: 1 });
    expect(transformError(new Error("something else"))).toBeUndefined();
  });

  it("reads Node's location header and caret", () => {
    expect(locationAtop("file:///app/stage.mjs:2\n  const x = ;\n            ^\n\nSyntaxError: Unexpected token ';'")).toEqual({ file: "/app/stage.mjs", line: 2, column: 13 });
    expect(locationAtop("SyntaxError: Unexpected token ';'\n    at wrapSafe")).toBeUndefined();
  });
});
