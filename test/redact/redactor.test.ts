// The redaction boundary: whole texts and chunked streams. Each case here
// is one a sink-by-sink, line-by-line redactor gets wrong.
import { describe, expect, it } from "vitest";
import { isSecretName, MASK, MIN_SECRET_LENGTH, Redactor, secretsFromEnv, SECRET_NAME } from "../../src/redact/redactor.js";
import type { StreamRedactor } from "../../src/redact/redactor.js";

/** Writes the chunks, then ends: the whole emitted text. */
function streamAll(stream: StreamRedactor, chunks: readonly string[]): string {
  let out = "";
  for (const chunk of chunks) out += stream.write(chunk);
  return out + stream.end();
}

/** Splits text into pieces of `size` characters (the last one shorter). */
function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
  return chunks;
}

/** A seeded LCG (Numerical Recipes constants): reproducible cases without a dependency. */
function lcg(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * below);
  };
}

/** A fake PEM block: 64-character base64 lines, as in a real key, and a short last one. */
function fakePem(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const random = lcg(7);
  const body: string[] = [];
  for (let line = 0; line < 12; line++) body.push(Array.from({ length: line === 11 ? 24 : 64 }, () => alphabet[random(64)]).join(""));
  return ["-----BEGIN PRIVATE KEY-----", ...body, "-----END PRIVATE KEY-----", ""].join("\n");
}

describe("names and environments", () => {
  it("the name pattern is today's; declared names count too", () => {
    expect(SECRET_NAME.source).toBe("TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL");
    expect(isSecretName("GITHUB_TOKEN")).toBe(true);
    expect(isSecretName("db_password")).toBe(true);
    expect(isSecretName("API_KEY")).toBe(true);
    expect(isSecretName("DATABASE_URL")).toBe(false);
    expect(isSecretName("DATABASE_URL", ["DATABASE_URL"])).toBe(true);
  });

  it("secretsFromEnv takes values of secret-looking and declared names, once each, and skips short or empty ones", () => {
    const secrets = secretsFromEnv(
      [
        { GITHUB_TOKEN: "ghp_abcdef", HOME: "/home/me", DATABASE_URL: "postgres://u:pw@db/app", FEATURE_KEY: "on", EMPTY_SECRET: "", UNSET_PASSWORD: undefined },
        { OTHER_TOKEN: "ghp_abcdef", AWS_CREDENTIALS: "aws-creds-1" },
      ],
      ["DATABASE_URL"],
    );
    expect(secrets.sort()).toEqual(["aws-creds-1", "ghp_abcdef", "postgres://u:pw@db/app"]);
  });
});

describe("redact", () => {
  it("is a no-op without secrets", () => {
    const redactor = new Redactor();
    expect(redactor.active).toBe(false);
    expect(redactor.redact("nothing to hide")).toBe("nothing to hide");
    expect(redactor.stream().write("a chunk")).toBe("a chunk");
  });

  it("ignores values shorter than MIN_SECRET_LENGTH: they would mask ordinary words", () => {
    const redactor = new Redactor(["on", "abc"]);
    expect(MIN_SECRET_LENGTH).toBe(4);
    expect(redactor.active).toBe(false);
    expect(redactor.add("123")).toBe(false);
    expect(redactor.redact("turn it on: abc 123")).toBe("turn it on: abc 123");
    expect(redactor.add("1234")).toBe(true);
    expect(redactor.add("1234")).toBe(false);
    expect(redactor.redact("abc 1234")).toBe(`abc ${MASK}`);
  });

  it("masks the longest secret first, so one containing a shorter one does not leave its rest", () => {
    // "1234" ends the longer secret, "abcd" begins it: neither may leave the other half showing.
    for (const order of [["1234", "abcd", "abcd1234"], ["abcd1234", "abcd", "1234"]]) {
      const redactor = new Redactor(order);
      expect(redactor.redact("key=abcd1234 pin=1234 id=abcd")).toBe(`key=${MASK} pin=${MASK} id=${MASK}`);
      expect(streamAll(redactor.stream(), ["key=abcd", "1234."])).toBe(`key=${MASK}.`);
    }
  });

  it("treats regex special characters in secrets literally", () => {
    const redactor = new Redactor(["a.b*c(d)", "$1$2", "x|y\\z"]);
    expect(redactor.redact("a.b*c(d) aXbbbc(d) abc d")).toBe(`${MASK} aXbbbc(d) abc d`);
    expect(redactor.redact("cost $1$2 and $1")).toBe(`cost ${MASK} and $1`);
    expect(redactor.redact("x|y\\z x y z")).toBe(`${MASK} x y z`);
  });

  it("a multi-line secret (a PEM key in an env var) is masked whole, and each of its lines on its own", () => {
    const pem = fakePem();
    const redactor = new Redactor(secretsFromEnv([{ TLS_PRIVATE_KEY: pem }]));
    expect(redactor.redact(`key:\n${pem}done`)).toBe(`key:\n${MASK}done`);
    // A line splitter feeds one line at a time: every line of the block is a secret itself.
    const lines = pem.split("\n").filter((line) => line !== "");
    for (const line of lines) expect(redactor.redact(line)).toBe(MASK);
    expect(redactor.redact(`  > ${lines[3]!}`)).toBe(`  > ${MASK}`);
  });

  it("does not learn blank or indentation-only lines of a multi-line value", () => {
    const redactor = new Redactor(["first-line\n    \n\r\nsecond-line\n"]);
    expect(redactor.redact("    indented\n\r\nok")).toBe("    indented\n\r\nok");
    expect(redactor.redact("first-line second-line")).toBe(`${MASK} ${MASK}`);
  });
});

describe("stream", () => {
  it("masks a secret split across two chunks", () => {
    const stream = new Redactor(["hunter22"]).stream();
    expect(stream.write("password is hun")).toBe("password is ");
    expect(stream.write("ter22, ok\n")).toBe(`${MASK}, ok\n`);
    expect(stream.end()).toBe("");
  });

  it("holds back only a suffix that begins a secret, and nothing for ordinary output", () => {
    const stream = new Redactor(["hunter22"]).stream();
    expect(stream.write("no secret here\n")).toBe("no secret here\n");
    expect(stream.write("a hun")).toBe("a ");
    // Not the secret after all: released at once.
    expect(stream.write("dred")).toBe("hundred");
    expect(stream.write(" hunter2")).toBe(" ");
    expect(stream.end()).toBe("hunter2");
  });

  it("masks a secret at offset 4090-4100 of a 10,000-character line without a newline (no line cap)", () => {
    const secret = "s3cr3t-v4l";
    const line = "x".repeat(4090) + secret + "y".repeat(10_000 - 4100);
    const expected = "x".repeat(4090) + MASK + "y".repeat(10_000 - 4100);
    const redactor = new Redactor([secret]);
    // Pipe-sized reads split the secret at 4096.
    for (const size of [4096, 1000, 10_000, 7]) expect(streamAll(redactor.stream(), chunksOf(line, size))).toBe(expected);
    expect(redactor.redact(line)).toBe(expected);
  });

  it("masks a PEM key carried with \\n and with \\r\\n line endings, in any chunking", () => {
    const pem = fakePem();
    const redactor = new Redactor(secretsFromEnv([{ SSH_KEY: pem }]));
    const bodyLines = pem.split("\n").filter((line) => line !== "");
    for (const size of [1, 5, 64, 100, 4096]) {
      const lf = streamAll(redactor.stream(), chunksOf(`start\n${pem}end\n`, size));
      expect(lf).toBe(`start\n${MASK}end\n`);
      const crlf = streamAll(redactor.stream(), chunksOf(`start\r\n${pem.replaceAll("\n", "\r\n")}end\r\n`, size));
      expect(crlf).toBe(`start\r\n${bodyLines.map(() => `${MASK}\r\n`).join("")}end\r\n`);
      for (const line of bodyLines) expect(crlf).not.toContain(line.slice(0, 12));
    }
  });

  it("applies a secret learned with add() mid-stream to what is written after, and to what is held back", () => {
    const redactor = new Redactor(["hunter22"]);
    const stream = redactor.stream();
    expect(stream.write("token: ")).toBe("token: ");
    expect(redactor.add("tok-1234-fresh")).toBe(true);
    expect(stream.write("tok-1234-fresh\nagain tok-1234-")).toBe(`${MASK}\nagain `);
    expect(stream.write("fresh\n")).toBe(`${MASK}\n`);
    // Held back under the old secrets ("hun"), masked under the new one.
    expect(stream.write("hun")).toBe("");
    redactor.add("hun-output");
    expect(stream.write("-output!")).toBe(`${MASK}!`);
    expect(stream.end()).toBe("");
  });

  it("a stream opened before any secret is known starts masking once one is learned", () => {
    const redactor = new Redactor();
    const stream = redactor.stream();
    expect(stream.write("out: abcd")).toBe("out: abcd");
    redactor.add("abcdefgh");
    expect(stream.write(" abcd")).toBe(" ");
    expect(stream.write("efgh.")).toBe(`${MASK}.`);
    expect(stream.end()).toBe("");
  });

  it("for any chunking, the emitted text equals redact() of the whole input (seeded property test)", () => {
    const random = lcg(20240613);
    const alphabet = "abcd1\n";
    const fixed = ["abcd", "bcdabcd", "abcd1", "dddd", "1ab"];
    for (let run = 0; run < 400; run++) {
      // Overlapping fixed secrets plus a few random ones over the same small alphabet, so
      // secrets, near-misses and splits inside them are all frequent.
      const secrets = [...fixed];
      for (let extra = random(3); extra > 0; extra--)
        secrets.push(Array.from({ length: 4 + random(6) }, () => alphabet[random(5)]).join(""));
      const redactor = new Redactor(secrets);
      const input = Array.from({ length: random(200) }, () => alphabet[random(alphabet.length)]).join("");
      const chunks: string[] = [];
      for (let at = 0; at < input.length; ) {
        const size = random(12); // empty chunks too
        chunks.push(input.slice(at, at + size));
        at += size;
      }
      expect(streamAll(redactor.stream(), chunks), JSON.stringify({ run, secrets, chunks })).toBe(redactor.redact(input));
    }
  });

  it("streams ~20 MB in 64 KiB chunks without a newline, holding back less than the longest secret", () => {
    const secret = "sk-live-0123456789abcdefghij";
    const redactor = new Redactor([secret, "other-secret-value"]);
    const stream = redactor.stream();
    const filler = "lorem-ipsum-dolor-sit-amet ".repeat(2500).slice(0, 64 * 1024 - 200);
    let written = 0;
    let represented = 0; // input characters the emitted text stands for
    let masks = 0;
    let split = 0;
    let chunks = 0;
    while (written < 20 * 1024 * 1024) {
      // Each chunk completes the secret the previous one began, holds it once whole, and ends
      // in a prefix of it: the only thing the stream should hold back.
      const completion = secret.slice(split);
      split = 1 + (chunks % (secret.length - 1));
      const chunk = (chunks === 0 ? "" : completion) + filler + secret + filler.slice(0, 100) + secret.slice(0, split);
      const out = stream.write(chunk);
      written += chunk.length;
      chunks++;
      const found = out.split(MASK).length - 1;
      masks += found;
      represented += out.length - found * MASK.length + found * secret.length;
      // A rescan of everything unemitted would show up here as a growing hold-back.
      expect(written - represented).toBe(split);
      expect(written - represented).toBeLessThan(secret.length);
    }
    expect(masks).toBe(2 * chunks - 1);
    // Never completed: a mere prefix of a secret is released as is.
    expect(stream.end()).toBe(secret.slice(0, split));
  });
});
