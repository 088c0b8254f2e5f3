// The HTML timeline as a person sees it: rendered in headless Chromium (Debian's
// package, installed by `npm run test:setup`), driven by playwright-core.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";

let browser: Browser;
let project: TempProject;

function chromiumPath(): string {
  const found = spawnSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error("Chromium is not installed: apt-get install chromium (`npm run test:setup` does this)");
  return found;
}

beforeAll(async () => {
  project = tempProject("netra-html-");
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  project?.cleanup();
});

async function render(config: string): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
  const file = project.write("startup.yaml", config);
  const state = path.join(project.dir, `state-${Math.random().toString(16).slice(2)}`);
  await runCli(["up", "-c", file, "--state-dir", state], { cwd: project.dir });
  const html = await runCli(["report", "--state-dir", state, "--format", "html"], { cwd: project.dir });
  expect(html.code).toBe(0);
  expect(html.stdout).not.toMatch(/<script|<link|https?:\/\/(?!127\.0\.0\.1)/); // self-contained
  const out = path.join(project.dir, `${path.basename(state)}.html`);
  writeFileSync(out, html.stdout);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("dialog", async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  await page.goto(`file://${out}`);
  return { page, errors, dialogs };
}

describe("plan --format mermaid", () => {
  it("renders with mermaid itself (the library GitHub uses), critical path and priorities included", async () => {
    const plan = await runCli(["plan", "-c", path.join(ROOT, "fixtures/valid/contract-example.yaml"), "--format", "mermaid"]);
    expect(plan.code).toBe(0);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setContent("<!doctype html><html><body></body></html>");
    await page.addScriptTag({ path: path.join(ROOT, "node_modules/mermaid/dist/mermaid.min.js") });
    const svg = await page.evaluate(async (text) => {
      const mermaid = (globalThis as unknown as { mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      mermaid.initialize({ startOnLoad: false });
      return (await mermaid.render("plan", text)).svg;
    }, plan.stdout);
    expect(errors).toEqual([]);
    expect(svg).toContain("<svg");
    for (const stage of ["config", "database", "cache", "api", "metrics", "seed-data"]) expect(svg).toContain(stage);
    expect(svg.match(/class="[^"]*critpath[^"]*"/g)?.length).toBe(4); // config → database → api → metrics
    await page.close();
  });
});

describe("report --format html", () => {
  it("draws one bar row per stage, marks the failure and the critical path, escapes hostile output", async () => {
    const { page, errors, dialogs } = await render(
      `version: 1\nstages:\n  config: { command: "sleep 0.1", cleanup: "true" }\n  flaky: { command: "test $NETRA_ATTEMPT = 2", depends_on: [config], backoff: { initial: 50ms } }\n  api:\n    depends_on: [flaky]\n    command: echo '<img src=x onerror=alert(1)><script>alert(2)</script>'; exit 1\n    retries: 0\n  after: { command: "true", depends_on: [api] }\n`,
    );
    expect(await page.locator("svg.timeline g.row").count()).toBe(4);
    expect(await page.locator('g.row[data-stage="api"]').getAttribute("class")).toContain("failed");
    expect(await page.locator('g.row[data-stage="after"]').getAttribute("data-status")).toBe("skipped");
    expect(await page.locator("g.row.failed rect.bar.attempt.failed").count()).toBe(1);
    expect(await page.locator('g.row[data-stage="flaky"] rect.bar.attempt').count()).toBe(2);
    expect(await page.locator('g.row[data-stage="config"] rect.bar.rollback').count()).toBe(1);
    // Bars have real size on screen.
    const box = await page.locator('g.row[data-stage="config"] rect.bar.attempt').boundingBox();
    expect(box?.width).toBeGreaterThan(5);
    expect(await page.locator("p", { hasText: "Critical path:" }).textContent()).toBe("Critical path: config → flaky → api");
    // The hostile output is shown as text, never run as markup.
    expect(await page.locator("section.failure pre").textContent()).toBe("<img src=x onerror=alert(1)><script>alert(2)</script>");
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("stays readable with a hundred stages", async () => {
    let config = "version: 1\nsettings: { concurrency: 16 }\nstages:\n";
    for (let i = 0; i < 100; i++) config += `  s${i}: { command: "sleep 0.0${i % 9}"${i >= 10 ? `, depends_on: [s${i % 10}]` : ""} }\n`;
    const { page, errors } = await render(config);
    const rows = page.locator("svg.timeline g.row");
    expect(await rows.count()).toBe(100);
    const first = await rows.nth(0).boundingBox();
    const second = await rows.nth(1).boundingBox();
    expect((second?.y ?? 0) - (first?.y ?? 0)).toBeGreaterThanOrEqual(18); // rows do not overlap
    const labels = await page.locator("svg.timeline text.label").allTextContents();
    expect(new Set(labels).size).toBe(100);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(project.dir, "hundred.png") });
    await page.close();
  });
});
