// The report's other forms: Markdown for a ticket, the HTML page on standard
// output or in a file, and --timeline's text ladders, on fixtures whose
// setup is known (drop-exp-r5: DROP rule 1 of INPUT, tcp_syn_retries=5;
// no-listener: a RST; reject-icmp-port: REJECT with an ICMP port
// unreachable on the client's own host).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { FIXTURES } from "./helpers/paths.js";

const run = (args: string[]) => runCli(args, undefined, 120);
const drop = [join(FIXTURES, "drop-exp-r5", "tcpdump-nn.txt"), join(FIXTURES, "drop-exp-r5", "iptables-L.txt")];
const refused = join(FIXTURES, "no-listener", "tcpdump-nn.txt");
const icmp = join(FIXTURES, "reject-icmp-port", "tcpdump-nn.txt");

describe("--format markdown", () => {
  it("gives the inputs, a table of the attempts and the diagnoses with the lines they rest on", async () => {
    const r = await run(["analyze", "--format", "markdown", ...drop]);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toMatch(/^# tcpdiag report\n/);
    expect(md).toContain(`- \`${drop[0]}\`: tcpdump, 6 lines, 6 parsed, 0 unparsed`);
    expect(md).toContain("| # | connection | outcome | errno | SYNs | rule | what happened |");
    expect(md).toMatch(/\n\| 1 \| 127\.0\.0\.1:60362 -> 127\.0\.0\.1:12345 \| timeout \| ETIMEDOUT \| 6 \| DROP INPUT #1 \| /);
    expect(md).toContain("### SYN_TIMEOUT (error)");
    // the cited capture line, with its text
    expect(md).toContain(`- \`${drop[0]}:1\`\n\n  \`\`\`\n  ${readFileSync(drop[0]!, "utf8").split("\n")[0]}\n  \`\`\``);
  });

  it("--markdown FILE writes the same beside the table", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tcpdiag-md-")), "report.md");
    const r = await run(["analyze", "--markdown", file, ...drop]);
    expect(r.stdout).toContain("SYN_TIMEOUT");
    expect(readFileSync(file, "utf8")).toBe((await run(["analyze", "--format", "markdown", ...drop])).stdout);
  });
});

describe("--format html", () => {
  it("writes the page --html writes, self-contained", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tcpdiag-html-")), "report.html");
    await run(["analyze", "--html", file, ...drop]);
    const r = await run(["analyze", "--format", "html", ...drop]);
    expect(r.stdout).toBe(readFileSync(file, "utf8"));
    expect(r.stdout).toMatch(/^<!doctype html>/);
    // nothing to fetch: no script, stylesheet, image or font from elsewhere
    expect(r.stdout).not.toMatch(/<script|<link|<img|@import|url\(http|src=/);
  });

  it("draws a RST and an ICMP error coming back, when connect() returned", async () => {
    const page = (await run(["analyze", "--format", "html", refused, icmp])).stdout;
    expect(page.match(/<g class="answer" data-kind="rst" data-t="([\d.]+)"/)?.[1]).toBeDefined();
    const icmpAt = Number(page.match(/<g class="answer" data-kind="icmp" data-t="([\d.]+)"/)?.[1]);
    // the local REJECT's first ICMP error is dropped by the socket; the second SYN, 1 s later, gets the one connect() takes
    expect(icmpAt).toBeCloseTo(1, 1);
    expect(page.match(/<g class="give-up"[^>]*data-errno="ECONNREFUSED"/g)).toHaveLength(2);
  });
});

describe("--timeline", () => {
  it("draws each failed attempt as text: its SYNs and their gaps, the rule, when connect() gave up", async () => {
    const r = await run(["analyze", "--timeline", ...drop]);
    expect(r.code).toBe(0);
    const ladder = r.stdout.slice(r.stdout.indexOf("attempt 1: timeout (ETIMEDOUT)"));
    const syns = ladder.split("\n").filter((l) => l.includes(" SYN "));
    expect(syns).toHaveLength(6);
    for (const l of syns) expect(l).toContain("x DROP (filter INPUT rule 1)");
    const gaps = ladder.match(/\+([\d.]+) s$/gm)!.map((g) => Number(g.slice(1, -2)));
    gaps.forEach((g, i) => expect(g).toBeCloseTo([1, 2, 4, 8, 16][i]!, 0));
    expect(ladder).toMatch(/\n +63 s {2}=== connect\(\) returns ETIMEDOUT at ~63 s\n/);
  });

  it("says so when nothing failed", async () => {
    const r = await run(["analyze", "--timeline", join(FIXTURES, "established-http", "tcpdump-nn.txt")]);
    expect(r.stdout).toContain("no ladder to draw");
  });
});

describe("the table's words", () => {
  it("says no problem was found when every attempt connected, and not otherwise", async () => {
    expect((await run(["analyze", join(FIXTURES, "established-http", "tcpdump-nn.txt")])).stdout).toContain("No problem found: the attempt connected without an error or a warning.");
    expect((await run(["analyze", ...drop])).stdout).not.toContain("No problem found");
  });

  it("names the process of an attempt only a trace shows, and does not count its SYNs as 0", async () => {
    const out = (await run(["analyze", join(FIXTURES, "strace-curl-refused", "strace-f.txt")])).stdout;
    const row = out.split("\n").find((l) => l.includes("127.0.0.1:12350"))!;
    expect(row).toMatch(/│ 1 +│ curl \(pid \d+\) -> 127\.0\.0\.1:12350 +│ refused +│ - +│/);
  });
});

describe("evidence", () => {
  it("lists each line once per diagnosis, in every fixture folder", async () => {
    const { analyzeFiles } = await import("../src/index.js");
    const { readdirSync, statSync } = await import("node:fs");
    let diagnoses = 0;
    for (const d of readdirSync(FIXTURES)) {
      const dir = join(FIXTURES, d);
      if (!statSync(dir).isDirectory()) continue;
      for (const diagnosis of (await analyzeFiles([dir])).diagnoses) {
        diagnoses++;
        const keys = diagnosis.evidence.map((e) => `${e.input}:${e.line}`);
        expect(new Set(keys).size, `${d} ${diagnosis.code}`).toBe(keys.length);
      }
    }
    expect(diagnoses).toBeGreaterThan(100);
  });
});

describe("a firewall rule in words", () => {
  it("is what the rule takes, not the listing's columns (counters, placeholders)", async () => {
    const { analyzeFiles } = await import("../src/index.js");
    const r = await analyzeFiles([drop[0]!, join(FIXTURES, "drop-exp-r5", "iptables-nvL-num.txt")]);
    const messages = r.diagnoses.filter((d) => d.code === "FIREWALL_RULE").map((d) => d.message);
    expect(messages).toHaveLength(1);
    // the listing's line: "1        6   360 DROP       6    --  *      *       0.0.0.0/0            127.0.0.1            tcp dpt:12345"
    expect(messages[0]).toContain("by INPUT rule 1 (DROP tcp to 127.0.0.1 tcp dpt:12345)");
    expect(messages[0]).toContain("its counter shows 6 packets");
    expect(messages[0]).not.toMatch(/360|--|\*/);
  });
});

describe("pages of a large capture", () => {
  it("list the attempts that need attention, up to 200, count the rest, and draw up to 50 ladders", async () => {
    const { PageAttempts, MAX_LISTED, MAX_LADDERS } = await import("../src/report/page-attempts.js");
    const { htmlReport } = await import("../src/report/html.js");
    const { markdownReport } = await import("../src/report/markdown.js");
    const { analyzeFiles } = await import("../src/index.js");
    // a real timeout, and a real clean connection, repeated as a large capture would hold them
    const [timeout] = (await analyzeFiles([drop[0]!])).attempts;
    const [clean] = (await analyzeFiles([join(FIXTURES, "established-http", "tcpdump-nn.txt")])).attempts;
    const pages = new PageAttempts();
    for (let i = 0; i < 1000; i++) pages.add({ ...(i % 4 === 0 ? timeout! : clean!), id: i + 1 });
    expect(pages.total).toBe(1000);
    expect(pages.troubled).toBe(250);
    expect(pages.listed).toHaveLength(MAX_LISTED);
    expect(pages.listed.every((a) => a.outcome === "timeout")).toBe(true);
    expect(pages.unlisted).toBe(50);
    const result = { inputs: [], unparsed: [], errors: [], attempts: [], diagnoses: [] };
    const html = htmlReport(result, pages, new Map());
    expect(html.match(/<figure class="attempt-ladder"/g)).toHaveLength(MAX_LADDERS);
    expect(html).toContain(`${MAX_LISTED - MAX_LADDERS} more listed attempts are not drawn.`);
    expect(html).toContain("50 more attempts like these are not listed");
    expect(html).toContain("1000 attempts: 250 timeout, 750 established");
    expect(markdownReport(result, pages, new Map())).toContain("(50 more attempts like these are not listed: --json lists every attempt)");
  });

  it("show 20 diagnoses of a code and count the others", async () => {
    const { PageAttempts } = await import("../src/report/page-attempts.js");
    const { htmlReport } = await import("../src/report/html.js");
    const { markdownReport } = await import("../src/report/markdown.js");
    const { analyzeFiles } = await import("../src/index.js");
    const real = (await analyzeFiles([refused])).diagnoses.find((d) => d.code === "CONNECTION_REFUSED")!;
    const diagnoses = Array.from({ length: 30 }, (_, i) => ({ ...real, attempts: [i + 1] }));
    const result = { inputs: [], unparsed: [], errors: [], attempts: [], diagnoses };
    const html = htmlReport(result, new PageAttempts(), new Map());
    expect(html.match(/<article class="diagnosis/g)).toHaveLength(20);
    expect(html).toContain("10 more CONNECTION_REFUSED diagnoses (--json lists them).");
    const md = markdownReport(result, new PageAttempts(), new Map());
    expect(md.match(/^### CONNECTION_REFUSED/gm)).toHaveLength(20);
    expect(md).toContain("10 more CONNECTION_REFUSED diagnoses (--json lists them).");
  });
});
