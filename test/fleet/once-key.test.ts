// The pure parts of `once: fleet`: what makes two hosts' stages the same, and a URL as it
// may be shown.
import { describe, expect, it } from "vitest";
import { advisoryLockId, onceKey } from "../../src/fleet/once-key.js";
import { shownUrl } from "../../src/fleet/database-url.js";

const stage = { name: "migrate", runner: { type: "command" as const, command: { shell: "./migrate up" } }, env: { DB_PASSWORD: "hunter2-secret", REGION: "eu" } };

describe("onceKey", () => {
  it("is the same for the same stage, whatever the order of its env", () => {
    const reordered = { ...stage, env: { REGION: "eu", DB_PASSWORD: "hunter2-secret" } };
    expect(onceKey("shop", reordered)).toEqual(onceKey("shop", stage));
    expect(advisoryLockId(onceKey("shop", reordered))).toBe(advisoryLockId(onceKey("shop", stage)));
  });

  it("tells apart stages that differ only in a secret value, without holding the secret", () => {
    const other = onceKey("shop", { ...stage, env: { ...stage.env, DB_PASSWORD: "another-secret" } });
    expect(other.fingerprint).not.toBe(onceKey("shop", stage).fingerprint);
    expect(JSON.stringify(onceKey("shop", stage))).not.toContain("hunter2");
  });

  it("changes with the scope, the command and an inputs fingerprint", () => {
    const base = onceKey("shop", stage);
    expect(advisoryLockId(onceKey("shop-2", stage))).not.toBe(advisoryLockId(base));
    expect(onceKey("shop", { ...stage, runner: { type: "command", command: { shell: "./migrate up --all" } } }).fingerprint).not.toBe(base.fingerprint);
    expect(onceKey("shop", stage, "inputs-sha").fingerprint).not.toBe(base.fingerprint);
  });

  it("gives a signed 64-bit lock id, as pg_advisory_lock(bigint) takes", () => {
    const id = advisoryLockId(onceKey("shop", stage));
    expect(id).toBe(BigInt.asIntN(64, id));
  });
});

describe("shownUrl", () => {
  it("masks the password and keeps what says where", () => {
    expect(shownUrl("postgres://app:s3cret@db.internal:5432/shop?sslmode=require")).toBe("postgres://app:***@db.internal:5432/shop?sslmode=require");
    expect(shownUrl("postgres://app@db/shop")).toBe("postgres://app@db/shop");
    expect(shownUrl("postgres://app:s3cret@[bad")).toBe("(a connection URL that does not parse)");
  });
});
