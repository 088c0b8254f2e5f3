// The interpolation rules, held to docker compose's: most cases are ported from
// compose-spec/compose-go template/template_test.go (same environment, same expectations);
// the rest pin what the compose code does where its tests are silent (checked by running
// its `template` package) and what netra-start adds (bare $VAR left to the shell).
import { describe, expect, it } from "vitest";
import { interpolate, type InterpolationProblem } from "../../src/config/interpolate.js";

// compose's `defaults` mapping.
const env = { FOO: "first", BAR: "", JSON: '{"json":2}' };
const value = (template: string, vars: Record<string, string> = env) => interpolate(template, vars).value;
const problems = (template: string, vars: Record<string, string> = env) => interpolate(template, vars).problems;
const required = (name: string, message: string, state: "unset" | "empty" = "unset"): InterpolationProblem => ({ kind: "required", name, state, message });

describe("compose's template tests", () => {
  it("TestEscaped", () => expect(value("$${foo}")).toBe("${foo}"));
  it("TestSubstituteNoMatch", () => expect(value("foo")).toBe("foo"));

  it.each(["a $ string", "^REGEX$", "$}", "$"])("TestUnescaped: %j is kept as written", (template) => {
    expect(interpolate(template, env)).toEqual({ value: template, problems: [] });
  });

  it.each(["${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}"])("TestInvalid: %j", (template) => {
    expect(problems(template)).toEqual([expect.objectContaining({ kind: "syntax" })]);
  });

  it("TestNonBraced", () => expect(value("$FOO-bar")).toBe("first-bar"));

  it.each(["This ${missing} var", "This ${BAR} var"])("TestNoValueNoDefault: %j", (template) => {
    expect(value(template)).toBe("This  var");
  });

  it.each(["This $FOO var", "This ${FOO} var"])("TestValueNoDefault: %j", (template) => {
    expect(value(template)).toBe("This first var");
  });

  it.each(["ok ${missing:-def}", "ok ${missing-def}"])("TestNoValueWithDefault: %j", (template) => {
    expect(interpolate(template, env)).toEqual({ value: "ok def", problems: [] });
  });

  it("TestLazyDefaultDoesNotWarn", () => expect(interpolate("${A:+${A},}B", env)).toEqual({ value: "B", problems: [] }));
  it("TestLazyDefaultWarnsWhenUsed", () => expect(interpolate("${A:-${B}}", env)).toEqual({ value: "", problems: [{ kind: "unset", name: "B" }] }));
  it("TestLazyRequiredMessageDoesNotWarn", () => expect(interpolate("${A?${B}}", { A: "value" })).toEqual({ value: "value", problems: [] }));

  it.each([
    ["TestEmptyValueWithSoftDefault", "ok ${BAR:-def}", "ok def"],
    ["TestValueWithSoftDefault", "ok ${FOO:-def}", "ok first"],
    ["TestEmptyValueWithHardDefault", "ok ${BAR-def}", "ok "],
    ["TestPresentValueWithUnset", "ok ${UNSET_VAR:+presence_value}", "ok "],
    ["TestPresentValueWithUnset2", "ok ${UNSET_VAR+presence_value}", "ok "],
    ["TestPresentValueWithNonEmpty", "ok ${FOO:+presence_value}", "ok presence_value"],
    ["TestPresentValueAndNonEmptyWithNonEmpty", "ok ${FOO+presence_value}", "ok presence_value"],
    ["TestPresentValueWithSet", "ok ${BAR+presence_value}", "ok presence_value"],
    ["TestPresentValueAndNotEmptyWithSet", "ok ${BAR:+presence_value}", "ok "],
    ["TestNonAlphanumericDefault", "ok ${BAR:-/non:-alphanumeric}", "ok /non:-alphanumeric"],
  ])("%s: %j → %j", (_name, template, expected) => {
    expect(interpolate(template, env)).toEqual({ value: expected, problems: [] });
  });

  it.each([
    ["-ok ${BAR:-defaultValue}", "-ok defaultValue"],
    ["+ok ${UNSET:-${BAR-defaultValue}}", "+ok "],
    ["-ok ${FOO:-defaultValue}", "-ok first"],
    [":-ok ${UNSET-defaultValue}", ":-ok defaultValue"],
    [":-ok ${BAR-defaultValue}", ":-ok "],
    [":?ok ${BAR-defaultValue}", ":?ok "],
    [":?ok ${BAR:-defaultValue}", ":?ok defaultValue"],
    [":+ok ${BAR:-defaultValue}", ":+ok defaultValue"],
    ["+ok ${BAR-defaultValue}", "+ok "],
    ["?ok ${BAR:-defaultValue}", "?ok defaultValue"],
  ])("TestInterpolationExternalInterference: %j → %j", (template, expected) => {
    expect(interpolate(template, env)).toEqual({ value: expected, problems: [] });
  });

  it.each([
    ["ok ${UNSET_VAR-$FOO}", "ok first"],
    ["ok ${UNSET_VAR-${FOO}}", "ok first"],
    ["ok ${UNSET_VAR-${FOO} ${FOO}}", "ok first first"],
    ["ok ${BAR:-$FOO}", "ok first"],
    ["ok ${BAR:-${FOO}}", "ok first"],
    ["ok ${BAR:-${FOO} ${FOO}}", "ok first first"],
    ["ok ${BAR+$FOO}", "ok first"],
    ["ok ${BAR+$FOO ${FOO:+second}}", "ok first second"],
  ])("TestDefaultsWithNestedExpansion: %j → %j", (template, expected) => {
    expect(interpolate(template, env)).toEqual({ value: expected, problems: [] });
  });

  it.each([
    ["not ok ${UNSET_VAR:?Mandatory Variable Unset}", required("UNSET_VAR", "Mandatory Variable Unset")],
    ["not ok ${BAR:?Mandatory Variable Empty}", required("BAR", "Mandatory Variable Empty", "empty")],
    ["not ok ${UNSET_VAR:?}", required("UNSET_VAR", "")],
    ["not ok ${UNSET_VAR?Mandatory Variable Unset}", required("UNSET_VAR", "Mandatory Variable Unset")],
    ["not ok ${UNSET_VAR?}", required("UNSET_VAR", "")],
  ])("TestMandatoryVariableErrors: %j", (template, problem) => {
    expect(problems(template)).toEqual([problem]);
  });

  it.each(["not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}", "not ok ${UNSET_VAR?Mandatory Variable ${FOO}}"])(
    "TestMandatoryVariableErrorsWithNestedExpansion: %j",
    (template) => expect(problems(template)).toEqual([required("UNSET_VAR", "Mandatory Variable first")]),
  );

  it.each([
    ["ok ${FOO:?err}", "ok first"],
    ["ok ${FOO?err}", "ok first"],
    ["ok ${BAR?err}", "ok "],
  ])("TestDefaultsForMandatoryVariables: %j → %j", (template, expected) => {
    expect(interpolate(template, env)).toEqual({ value: expected, problems: [] });
  });

  it("TestSubstituteWithReplacementFunc (default replacement part)", () => {
    expect(interpolate("ok ${SUBDOMAIN:-redis}.${FOO:?}", env)).toEqual({ value: "ok redis.first", problems: [] });
  });

  it("TestPrecedence: the first operator after the name wins", () => {
    expect(interpolate("${UNSET_VAR?bar-baz}", env)).toEqual({ value: "", problems: [required("UNSET_VAR", "bar-baz")] });
    expect(value("${UNSET_VAR-myerror?msg}")).toBe("myerror?msg");
    expect(value("${FOO?bar-baz}")).toBe("first");
    expect(value("${BAR:-default_value_for_empty_var}")).toBe("default_value_for_empty_var");
    expect(value("${UNSET_VAR-default_value_for_unset_var}")).toBe("default_value_for_unset_var");
  });

  it.each([
    ["VARNAME:?val?ue", "val?ue", true],
    ["VARNAME?val:?ue", "val:?ue", false],
    ["VARNAME?va-lu+e:?e", "va-lu+e:?e", false],
    ["VARNAME?va+lu-e:?e", "va+lu-e:?e", false],
  ])("TestSubstitutionFunctionChoice (errors): ${%s} → message %j", (body, message, colon) => {
    expect(problems(`\${${body}}`, {})).toEqual([required("VARNAME", message)]);
    // `:?` also refuses an empty value, `?` does not: which operator was chosen shows here.
    expect(problems(`\${${body}}`, { VARNAME: "" })).toEqual(colon ? [required("VARNAME", message, "empty")] : []);
  });

  it.each([
    ["VARNAME:-value", "value"],
    ["VARNAME-va:-lu:?e", "va:-lu:?e"],
    ["VARNAME-va+lu?e", "va+lu?e"],
    ["VARNAME-va?lu+e", "va?lu+e"],
  ])("TestSubstitutionFunctionChoice (defaults): ${%s} → %j when unset", (body, expected) => {
    expect(value(`\${${body}}`, {})).toBe(expected);
  });

  it.each([
    ["VARNAME:+va:?lu:-e", "va:?lu:-e"],
    ["VARNAME+va:+lue", "va:+lue"],
    ["VARNAME+va?lu-e", "va?lu-e"],
    ["VARNAME+va-lu?e", "va-lu?e"],
  ])("TestSubstitutionFunctionChoice (alternatives): ${%s} → %j when set", (body, expected) => {
    expect(value(`\${${body}}`, { VARNAME: "x" })).toBe(expected);
  });

  it.each(['ok ${missing:-{"json":1}}', 'ok ${missing-{"json":1}}'])("TestNoValueWithCurlyBracesDefault: %j", (template) => {
    expect(value(template)).toBe('ok {"json":1}');
  });

  it.each(['ok ${JSON:-{"json":1}}', 'ok ${JSON-{"json":1}}'])("TestValueWithCurlyBracesDefault: %j", (template) => {
    expect(value(template)).toBe('ok {"json":2}');
  });
});

// Where compose's tests are silent: what its code does (run on the same inputs).
describe("compose's behaviour beyond its tests", () => {
  it.each([
    ["${X:-{}}tail", "{}tail"],
    ["${X:-{{a}}}", "{{a}}"],
    ["${A:-$${B}}", "${B}"],
    ["${FOO:+a}b}", "ab}"],
    ["${FOO}}", "first}"],
    ["$FOO$BAR$", "first$"],
    ["a${X:-${Y:-${FOO}}}b", "afirstb"],
    ["x $1 y", "x $1 y"],
    ["${X:-$}", "$"],
    ["é$FOOé", "éfirsté"],
  ])("%j → %j", (template, expected) => expect(interpolate(template, env)).toEqual({ value: expected, problems: [] }));

  it("takes lower-case names", () => {
    expect(interpolate("${x}$foo", env).problems).toEqual([
      { kind: "unset", name: "x" },
      { kind: "unset", name: "foo" },
    ]);
  });

  it("a brace pair inside a message belongs to the message", () => {
    expect(problems("${X:?need {a} value}")).toEqual([required("X", "need {a} value")]);
  });

  it("an unpaired } ends the expression, as in compose and sh", () => {
    expect(problems("${X:?message with } inside?}")).toEqual([required("X", "message with ")]);
    expect(value("${FOO:?message with } inside?}")).toBe("first inside?}");
  });

  it("reports an error inside a used message or default", () => {
    expect(problems("${X:-${Y:?inner}}")).toEqual([required("Y", "inner")]);
    expect(problems("${FOO:-${Y:?inner}}")).toEqual([]);
    expect(problems("${X:-${}}")).toEqual([{ kind: "syntax", text: "${}" }]);
  });

  it("reports every problem of a string, not just the first", () => {
    expect(problems("${A:?a} ${B} ${1C}")).toEqual([required("A", "a"), { kind: "unset", name: "B" }, { kind: "syntax", text: "${1C}" }]);
  });

  it("reports an unclosed reference with the rest of the text", () => {
    expect(interpolate("pre ${FOO", env)).toEqual({ value: "pre ${FOO", problems: [{ kind: "syntax", text: "${FOO" }] });
    expect(problems("${FOO:-a${}")).toEqual([{ kind: "syntax", text: "${FOO:-a${}" }]);
  });
});

describe("bare $VAR in shell commands", () => {
  const shell = { bare: false };
  it("leaves a bare $VAR to the shell", () => {
    expect(interpolate('pg_isready -d "$DATABASE_URL" && echo $FOO', env, shell)).toEqual({ value: 'pg_isready -d "$DATABASE_URL" && echo $FOO', problems: [] });
  });
  it("still substitutes ${VAR}, and inside it compose's rules hold in full", () => {
    expect(interpolate("echo ${FOO} ${X:-$FOO} $$FOO", env, shell)).toEqual({ value: "echo first first $FOO", problems: [] });
  });
});
