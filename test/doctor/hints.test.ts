import { describe, expect, it } from "vitest";
import { hintFor } from "../../src/doctor/hints.js";
import { programOf } from "../../src/doctor/check-preflight.js";

describe("hints from errors and output", () => {
  it.each([
    ["exit code 1", ["Error: connect ECONNREFUSED 127.0.0.1:5432"], /^nothing was listening on 127\.0\.0\.1:5432/],
    ["exit code 1", ["Error: listen EADDRINUSE: address already in use :::8080"], /^port 8080 is taken by pid 42 \(node x\)/],
    ["exit code 127 (command not found)", ["sh: 1: pg_isready: not found"], /is not installed or not on PATH/],
    ["command not found: redis-server", [], /^"redis-server" is not installed or not on PATH/],
    ["exit code 126 (command not executable (permission denied?))", [], /^permission denied: make the script executable/],
    ["timed out after 5s", [], /^it did not finish within 5s: raise `timeout`/],
    ["health check never passed after 11 checks: HTTP 503", [], /last probe: HTTP 503/],
    ["exit code 1", ["write /data/x: no space left on device"], /^the disk is full/],
    ["exit code 2", ['psql: FATAL:  password authentication failed for user "app"'], /^the credentials were refused/],
    ["exit code 1", ["getaddrinfo ENOTFOUND db.internal"], /^a host name could not be resolved/],
    ["exit code 3", ["something else"], /^it exited with an error/],
  ])("%s / %j", (error, tail, expected) => {
    expect(hintFor({ error, tail, portOwner: (port) => (port === 8080 ? "pid 42 (node x)" : undefined) })).toMatch(expected);
  });

  it("finds the program a command starts", () => {
    expect(programOf({ shell: "PGHOST=x psql -c 'select 1'" })).toBe("psql");
    expect(programOf({ argv: ["./bin/run", "--x"] })).toBe("./bin/run");
    expect(programOf({ shell: "echo hi && exit 1" })).toBeUndefined();
    expect(programOf({ shell: "$TOOL --x" })).toBeUndefined();
  });
});
