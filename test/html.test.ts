// The HTML report of the seed article's outputs, opened in headless
// Chromium (Debian's, driven by playwright-core): the page's ladder shows
// what the article's setup made happen (a DROP rule on port 12345,
// tcp_syn_retries=5: six SYNs 1, 2, 4, 8 and 16 s apart, ETIMEDOUT at 63 s),
// it renders, and it fetches nothing.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { SHARED } from "./helpers/paths.js";

const CHROMIUM = "/usr/bin/chromium";
const article = readFileSync(join(SHARED, "seed", "000_883c01d3c7a55c22.txt"), "utf8").split("\n");

/** The article's blocks of tool output, each as the file a reader would save it to. */
function seedFiles(): string[] {
  const dir = mkdtempSync(join(tmpdir(), "tcpdiag-seed-"));
  const after = (prompt: string) => article[article.findIndex((l) => l.startsWith(prompt)) + 1]!;
  const blocks: Record<string, string[]> = {
    "tcpdump.txt": article.filter((l) => /^17:3[78]:\d\d\.\d+ IP /.test(l)),
    "strace.txt": article.filter((l) => /^03:4[56]:\d\d\.\d+ /.test(l)),
    "netstat.txt": [after("$ sudo netstat -anp")],
    "iptables.txt": article.filter((l) => /^DROP\s+tcp/.test(l)),
  };
  expect(blocks["tcpdump.txt"]).toHaveLength(6);
  expect(blocks["strace.txt"]!.length).toBeGreaterThanOrEqual(3);
  return Object.entries(blocks).map(([name, lines]) => {
    writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
    return join(dir, name);
  });
}

describe("the HTML report in Chromium", () => {
  let browser: Browser;
  let page: string;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM}: install Debian's chromium (apt-get install chromium)`).toBe(true);
    const files = seedFiles();
    page = join(mkdtempSync(join(tmpdir(), "tcpdiag-html-")), "report.html");
    const r = await runCli(["analyze", "--html", page, ...files]);
    expect(r.code).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 60_000,
      // no sandbox as root; nothing of Chromium's own reaches for the network
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("draws the article's attempt: six SYNs 1, 2, 4, 8 and 16 s apart, the DROP rule, ETIMEDOUT at about 63 s", async () => {
    const tab = await browser.newPage();
    const requests: string[] = [];
    tab.on("request", (req) => requests.push(req.url()));
    await tab.goto(pathToFileURL(page).href);
    const ladder = tab.locator("figure.attempt-ladder svg");
    expect(await ladder.count()).toBe(1);
    const times = (await ladder.locator(".syn").evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-t")))));
    expect(times).toHaveLength(6);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    gaps.forEach((g, i) => expect(g).toBeCloseTo([1, 2, 4, 8, 16][i]!, 1));
    // each gap is written beside its SYNs
    expect(await ladder.locator(".gap").count()).toBe(5);
    const rule = ladder.locator(".rule");
    expect(await rule.getAttribute("data-target")).toBe("DROP");
    expect(await rule.textContent()).toContain("DROP (filter INPUT rule 1)");
    const end = ladder.locator(".give-up");
    expect(Number(await end.getAttribute("data-t"))).toBeCloseTo(63, 0);
    expect(await end.getAttribute("data-errno")).toBe("ETIMEDOUT");
    expect(await end.textContent()).toContain("ETIMEDOUT");
    // the page lists the attempt and the diagnoses, with the lines they rest on
    expect(await tab.locator("table.attempts tbody tr").count()).toBeGreaterThanOrEqual(1);
    expect(await tab.locator('article.diagnosis[data-code="SYN_TIMEOUT"]').count()).toBe(1);
    expect(await tab.locator('article.diagnosis[data-code="SYN_TIMEOUT"] .evidence pre').first().textContent()).toContain("17:37:32.908573 IP 127.0.0.1.60632 > 127.0.0.1.12345: Flags [S]");
    expect(requests).toEqual([pathToFileURL(page).href]);
    await tab.close();
  });

  it("renders: a screenshot of the ladder is as large as the figure and not blank", async () => {
    const tab = await browser.newPage();
    await tab.goto(pathToFileURL(page).href);
    const svg = tab.locator("figure.attempt-ladder svg");
    const box = (await svg.boundingBox())!;
    expect(box.width).toBeGreaterThan(500);
    expect(box.height).toBeGreaterThan(400);
    const png = await svg.screenshot();
    // PNG: the signature, then IHDR's width and height
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(Math.abs(png.readUInt32BE(16) - box.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(png.readUInt32BE(20) - box.height)).toBeLessThanOrEqual(1);
    // a blank image of that size compresses to a few hundred bytes; lines and text do not
    expect(png.length).toBeGreaterThan(8000);
    await tab.close();
  });
});
