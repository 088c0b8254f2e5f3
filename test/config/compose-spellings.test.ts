// The compose / process-compose spellings recognised in a netra-start config (pure).
import { describe, expect, it } from "vitest";
import { composeHealthTestHint, composeKeyHint, composeValueHint } from "../../src/config/compose-spellings.js";

describe("composeKeyHint", () => {
  it("names compose's key and netra-start's, only where compose puts it", () => {
    expect(composeKeyHint(["stages", "api", "healthcheck"])).toBe(`"healthcheck" is docker compose's name: netra-start calls it "health"`);
    expect(composeKeyHint(["stages", "api", "health", "test"])).toBe(`"test" is docker compose's name: netra-start calls it "command"`);
    expect(composeKeyHint(["services"])).toContain(`calls it "stages"`);
    expect(composeKeyHint(["stages", "api", "readiness_probe"])).toContain("process-compose's name");
    expect(composeKeyHint(["stages", "api", "ports"])).toContain("container setting");
    // The same word elsewhere is no compose spelling.
    expect(composeKeyHint(["settings", "healthcheck"])).toBeUndefined();
    expect(composeKeyHint(["stages", "api", "test"])).toBeUndefined();
    expect(composeKeyHint(["stages", "api", "dependson"])).toBeUndefined();
  });
});

describe("composeValueHint", () => {
  it("recognises compose's shapes and values", () => {
    expect(composeValueHint(["stages", "api", "env"], ["A=1"])).toContain(`"env" is a mapping`);
    expect(composeValueHint(["stages", "api", "depends_on"], { db: { condition: "service_healthy" } })).toContain("depends_on: [db]");
    expect(composeValueHint(["stages", "api", "restart"], "unless-stopped")).toContain(`"always"`);
    expect(composeValueHint(["stages", "api", "restart"], "on-failure:5")).toContain(`write "on-failure"`);
    expect(composeValueHint(["version"], "3.8")).toContain("docker compose file version");
    expect(composeValueHint(["version"], 2)).toBeUndefined();
    expect(composeValueHint(["stages", "api", "restart"], "sometimes")).toBeUndefined();
  });
});

describe("composeHealthTestHint", () => {
  it("turns compose's test list into netra-start's command", () => {
    expect(composeHealthTestHint(["CMD-SHELL", "pg_isready -U postgres"])).toBe(`write the shell command as a string: command: "pg_isready -U postgres"`);
    expect(composeHealthTestHint(["CMD", "redis-cli", "ping"])).toBe(`drop "CMD": command: [redis-cli, ping]`);
    expect(composeHealthTestHint(["curl", "-f", "http://x"])).toBeUndefined();
    expect(composeHealthTestHint("CMD-SHELL true")).toBeUndefined();
  });
});
