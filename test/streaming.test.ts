// The streaming engine and the reports built on it: attempts are released as
// they are decided, the JSON is written piece by piece and is the same
// document as the library's, the table lists what needs attention and sums
// up the rest, parse prints every format's records, progress shows on a
// terminal only for long reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { AttemptReport } from "../src/index.js";
import { analyzeFiles, jsonReport, runPipeline } from "../src/index.js";
import { progressLine } from "../src/report/progress.js";
import { TableReport } from "../src/report/table.js";
import { FIXTURES } from "./helpers/paths.js";
import { runCli } from "./helpers/cli.js";

const cli = (args: string[], stdin?: string) => runCli(args, stdin);

const fixture = (...p: string[]) => join(FIXTURES, ...p);

describe("attempts are released as they are decided", () => {
  it("a refused attempt is released while its capture is still being read", async () => {
    // fixtures/concurrent-mixed: refusals come early, timeouts need the capture's clock to run on
    const file = fixture("concurrent-mixed", "tcpdump-nn.txt");
    const lines = readFileSync(file, "utf8").split("\n").length;
    const order: { id: number; outcome: string }[] = [];
    const result = await runPipeline([{ name: file, open: async () => Readable.from(readFileSync(file).toString().split(/(?<=\n)/).map((l) => Buffer.from(l))) }], {
      onAttempt: (a) => order.push({ id: a.id, outcome: a.outcome }),
    });
    expect(order.length).toBe(7);
    // the library's form keeps nothing when a callback takes the attempts
    expect(result.attempts).toEqual([]);
    // refusals are decided at their RST, before the timeouts that began earlier
    const firstTimeout = order.findIndex((o) => o.outcome === "timeout");
    expect(order.slice(0, firstTimeout).some((o) => o.outcome === "refused")).toBe(true);
    expect(lines).toBeGreaterThan(10);
  });

  it("held while a trace that may join them is still to come, and joined", async () => {
    const dir = fixture("strace-curl-refused");
    const r = await analyzeFiles([join(dir, "tcpdump-nn.f.txt"), join(dir, "strace-f.txt")]);
    const joined = r.attempts.filter((a) => a.errnoSource === "strace" && a.syn.sent > 0);
    expect(joined).toHaveLength(1);
    expect(joined[0]!.process?.command).toBe("curl");
  });
});

describe("--json written as it comes", () => {
  it("is the same document as the library's report, attempts in the order decided", async () => {
    const files = [fixture("concurrent-mixed", "tcpdump-nn.txt"), fixture("drop-exp-r5", "iptables-L.txt")];
    const streamed = JSON.parse((await cli(["analyze", "--json", ...files])).stdout);
    const whole = JSON.parse(JSON.stringify(jsonReport(await analyzeFiles(files))));
    const byId = (xs: AttemptReport[]) => [...xs].sort((a, b) => a.id - b.id);
    expect(byId(streamed.attempts)).toEqual(byId(whole.attempts));
    expect({ ...streamed, attempts: [] }).toEqual({ ...whole, attempts: [] });
  });
});

describe("the table", () => {
  const attempt = (id: number, outcome: AttemptReport["outcome"], port: number, retransmits = 0): AttemptReport =>
    ({
      id,
      outcome,
      family: "ipv4",
      client: { ip: "10.0.0.1", port: 40000 + id },
      server: { ip: "10.0.0.2", port },
      errno: null,
      errnoSource: null,
      syn: { sent: retransmits + 1, retransmits, intervals: [] },
      synAck: { sent: 1, retransmits: 0 },
      start: { input: "cap.txt", line: id, timestamp: null },
      summary: `attempt ${id}`,
      sources: [],
    }) as unknown as AttemptReport;
  const result = { inputs: [], unparsed: [], errors: [], attempts: [], diagnoses: [] };

  it("lists what failed or needs attention, and sums up the rest per outcome and server", () => {
    const t = new TableReport({ width: 80 });
    for (let id = 1; id <= 50; id++) t.attempt(attempt(id, "established", 80));
    t.attempt(attempt(51, "timeout", 443));
    t.attempt(attempt(52, "established", 80, 2));
    const out = t.render(result);
    expect(out).toContain("attempt 51");
    expect(out).toContain("attempt 52");
    expect(out).not.toContain("attempt 7\n");
    expect(out).toMatch(/50 attempts not listed above/);
    expect(out).toMatch(/ 50 +established, no retransmission +10\.0\.0\.2:80/);
    // every line fits 80 columns
    for (const line of out.split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it("--all lists every attempt", () => {
    const t = new TableReport({ width: 100, all: true });
    for (let id = 1; id <= 3; id++) t.attempt(attempt(id, "established", 80));
    const out = t.render(result);
    expect(out).toContain("attempt 1");
    expect(out).not.toContain("not listed");
  });

  it("keeps the end of a long path and its line number", async () => {
    const { location } = await import("../src/report/table.js");
    expect(location("/a/very/long/path/to/some/uploads/folder/capture-2026-11-29.txt", 123456, 30)).toBe("…folder/capture-2026-11-29.txt:123456".slice(-30).replace(/^./, "…"));
  });
});

describe("tcpdiag parse", () => {
  it("prints the records of every format", async () => {
    const files: [string, string][] = [
      ["tcpdump", fixture("drop-exp-r5", "tcpdump-nn.txt")],
      ["strace", fixture("strace-curl-refused", "strace-f.txt")],
      ["netstat", fixture("drop-exp-r5", "netstat-tanp.txt")],
      ["ss", fixture("drop-exp-r5", "ss-tanp.txt")],
      ["iptables", fixture("drop-exp-r5", "iptables-L.txt")],
      ["iptables-save", fixture("drop-exp-r5", "iptables-save-c.txt")],
      ["nft", fixture("drop-exp-r5", "nft-ruleset.txt")],
      ["sysctl", fixture("session-drop-r2", "files", "sysctl-linear.txt")],
    ];
    for (const [format, file] of files) {
      const r = await cli(["parse", file]);
      const records = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
      const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").length;
      expect(records.filter((x) => x.format === format).length, format).toBeGreaterThan(0);
      expect(records.filter((x) => x.type === "unparsed"), format).toEqual([]);
      // every non-blank line is printed (tcpdump: a packet per line here)
      expect(new Set(records.map((x) => x.line)).size, format).toBe(lines);
    }
  });

  it("a line with two parses is reported as unparsed, not read as either", async () => {
    // the strace grammar reads "f(a strace: x) = 0" both as a call and as a call cut by strace's message
    const r = await cli(["parse", "--format", "strace", "-"], "f(a strace: x) = 0\n");
    const [rec] = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rec).toMatchObject({ type: "unparsed", reason: expect.stringContaining("ambiguous") });
  });
});

describe("progress", () => {
  it("says nothing for a read shorter than a second, then bytes, rate and time left, and clears itself", () => {
    let t = 100;
    let out = "";
    const p = progressLine((s) => (out += s), () => t);
    p.update({ input: "big.txt", bytes: 1 << 20, size: 4 << 20, lines: 10_000 });
    expect(out).toBe("");
    t = 102;
    p.update({ input: "big.txt", bytes: 2 << 20, size: 4 << 20, lines: 20_000 });
    expect(out).toContain("big.txt: 2.0 MiB of 4.0 MiB (50 %), 10,000 lines/s, about 2 s left");
    p.done();
    expect(out.endsWith("\r\x1b[K")).toBe(true);
  });

  it("is not shown when stderr is not a terminal", async () => {
    const r = await cli(["analyze", fixture("drop-exp-r5", "tcpdump-nn.txt")]);
    expect(r.stderr).toBe("");
  });
});
