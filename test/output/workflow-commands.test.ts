// Our text between ::stop-commands::<token> and ::<token>::, our commands outside (pure).
import { describe, expect, it } from "vitest";
import { textOutput } from "../../src/output/workflow-commands.js";

describe("textOutput", () => {
  it("under GitHub, stops commands before text, resumes them for a command of ours and at the end, with a new token each time", () => {
    const lines: string[] = [];
    let n = 0;
    const output = textOutput((line) => lines.push(line), true, () => `t${++n}`);
    output.line("one");
    output.line("two");
    output.command("::error::ours");
    output.command("::group::g");
    output.line("three");
    output.end();
    output.end();
    expect(lines).toEqual(["::stop-commands::t1", "one", "two", "::t1::", "::error::ours", "::group::g", "::stop-commands::t2", "three", "::t2::"]);
  });

  it("elsewhere, prints lines and commands as they are", () => {
    const lines: string[] = [];
    const output = textOutput((line) => lines.push(line), false);
    output.line("one");
    output.command("::error::x");
    output.end();
    expect(lines).toEqual(["one", "::error::x"]);
  });
});
