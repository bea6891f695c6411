// Live mode on real captures fed through a pipe at their captured pace (the
// CI stand-in for a running tcpdump -l; test/live-netns.test.ts runs the real
// thing where namespaces are available). The times asserted are the issue's:
// a prediction within 1.5 s of the 3rd SYN, a verdict by silence within 1 s
// of the predicted give-up time, a verdict within 1 s of the answer.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useColor } from "../src/report/live.js";
import { events, paced } from "./helpers/paced.js";
import { FIXTURES, ROOT } from "./helpers/paths.js";

const BIN = join(ROOT, "bin", "tcpdiag.js");

const SYN = /Flags \[S\],/;
const ANSWER = /Flags \[R|Flags \[S\.\]|ICMP .* unreachable/;

describe("live: a capture piped in at its own pace", () => {
  // drop-exp-r2: iptables DROP, tcp_syn_retries=2, linear timeouts 0 (scenario.json): SYNs at 0, 1, 3 s, ETIMEDOUT at 7 s
  it("predicts after the 3rd SYN and decides the timeout by silence, while the pipe is open", async () => {
    const run = await paced(join(FIXTURES, "drop-exp-r2", "tcpdump-live-any.txt"), ["analyze", "--json"], 10_000, (out) =>
      out.some((o) => o.text.includes('"event":"verdict"')),
    );
    const syns = run.fed.filter((f) => SYN.test(f.text));
    expect(syns).toHaveLength(3);
    const got = events(run);
    const third = got.find((e) => e.event.event === "prediction" && e.event.syn.sent === 3)!;
    expect(third.event.inferred.tcpSynRetries).toBe(2);
    expect(third.event.prediction.timeoutSeconds).toBe(7);
    expect(third.at - syns[2]!.at).toBeLessThan(1500);
    const verdict = got.find((e) => e.event.event === "verdict")!;
    expect(verdict.event).toMatchObject({ outcome: "timeout", errno: "ETIMEDOUT", inferred: { tcpSynRetries: 2, linearTimeouts: 0, timeoutSeconds: 7 } });
    const predicted = syns[0]!.at + 7000;
    expect(verdict.at - predicted).toBeLessThan(1000);
    // decided before the capture's statistics (tcpdump's exit) went in
    const trailer = run.fed.find((f) => /packets captured/.test(f.text))!;
    expect(verdict.at).toBeLessThan(trailer.at);
    expect(run.exitCode).toBe(0);
    // tcpdump's stderr (2>&1): its banner lines parsed, its statistics reported
    const summary = got.find((e) => e.event.event === "summary")!.event;
    expect(summary.inputs[0]).toMatchObject({ unparsed: 0, capture: { captured: 3, receivedByFilter: 6, droppedByKernel: 0 } });
  }, 30_000);

  it.each([
    ["reject-tcp-reset", "refused", "ECONNREFUSED"],
    ["reject-icmp-port", "refused", "ECONNREFUSED"],
    ["established-http", "established", null],
  ])("%s: the verdict comes within 1 s of the answer", async (scenario, outcome, errno) => {
    const run = await paced(join(FIXTURES, scenario, "tcpdump-live-any.txt"), ["analyze", "--json"], 3_000, (out) =>
      out.some((o) => o.text.includes('"event":"verdict"')),
    );
    // the answer connect() took: the last (a local REJECT's first ICMP error arrives while the socket is locked)
    const answer = run.fed.filter((f) => ANSWER.test(f.text)).at(-1)!;
    const verdict = events(run).find((e) => e.event.event === "verdict")!;
    expect(verdict.event.outcome).toBe(outcome);
    expect(verdict.event.errno).toBe(errno);
    // as many SYNs as the capture shows for it
    expect(verdict.event.syn.sent).toBe(run.fed.filter((f) => SYN.test(f.text)).length);
    expect(verdict.at - answer.at).toBeLessThan(1000);
    const summary = events(run).find((e) => e.event.event === "summary")!;
    expect(summary.event.interrupted).toBe(false);
  }, 20_000);

  // the trial, captured by scripts/capture/capture-live.sh: REJECT icmp-port-unreachable, filter `tcp port 12345`, telnet said "Connection refused"
  it("a port filter that hides the ICMP errors: the verdict says so and claims no retry setting", async () => {
    const run = await paced(join(FIXTURES, "live-filtered-icmp", "tcpdump-port-filter.txt"), ["analyze"], 6_000, (out) =>
      out.some((o) => o.text.startsWith("unknown")),
    );
    // an event's wrapped lines joined again
    const text = run.out.map((o) => o.text).join("\n").replace(/\n {12}/g, " ");
    expect(text).toMatch(/^unknown +127\.0\.0\.1:36496 -> 127\.0\.0\.1:12345/m);
    expect(text).toContain("'port 12345 or icmp'");
    expect(text).not.toMatch(/^timeout/m);
    // one line per event, fitted to 80 columns (no COLUMNS, no terminal)
    for (const o of run.out) expect(o.text.length).toBeLessThanOrEqual(80);
    expect(text).toMatch(/^summary +input ended: 1 attempt \(1 unknown\)$/m);
  }, 20_000);
});

describe("live: what a person watching sees", () => {
  it("parse prints each record as its line comes, not after 50 lines", async () => {
    const run = await paced(join(FIXTURES, "drop-exp-r2", "tcpdump-live-any.txt"), ["parse"], 500);
    const firstSyn = run.fed.find((f) => /Flags \[S\],/.test(f.text))!;
    const record = run.out.find((o) => o.text.includes('"type":"tcp"'))!;
    expect(JSON.parse(record.text)).toMatchObject({ line: 4, seq: 543464733 });
    expect(record.at - firstSyn.at).toBeLessThan(1000);
  }, 20_000);

  // concurrent-mixed: tcpdump said "4 packets dropped by kernel"
  it("tcpdump's dropped packets are a finding of their own, and the statistics are said", () => {
    const r = spawnSync(process.execPath, [BIN, "analyze", "--live", join(FIXTURES, "concurrent-mixed", "tcpdump-live-any.txt")], { encoding: "utf8", env: { ...process.env, COLUMNS: "200" } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^warning +CAPTURE_DROPPED_PACKETS: .*4 packets dropped by the kernel/m);
    expect(r.stdout).toMatch(/^capture +tcpdump: 35 packets captured, 74 received by filter, 4 dropped by kernel/m);
    expect(r.stdout).toMatch(/^summary +input ended: 7 attempts \(2 established, 2 refused, 3 timeout\)$/m);
  });

  it("honours COLUMNS and FORCE_COLOR", () => {
    const file = join(FIXTURES, "drop-exp-r2", "tcpdump-live-any.txt");
    const r = spawnSync(process.execPath, [BIN, "analyze", "--live", file], { encoding: "utf8", env: { ...process.env, COLUMNS: "60", FORCE_COLOR: "1" } });
    expect(r.stdout).toContain("\x1b[31mtimeout");
    const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    for (const line of plain.split("\n")) expect(line.length).toBeLessThanOrEqual(60);
  });

  it("colour: NO_COLOR turns it off, FORCE_COLOR on, otherwise a terminal decides", () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
    expect(useColor({ NO_COLOR: "1" }, true)).toBe(false);
    expect(useColor({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(useColor({ FORCE_COLOR: "0" }, true)).toBe(true);
    expect(useColor({ FORCE_COLOR: "0", NO_COLOR: "1" }, true)).toBe(false);
  });

  it("a file poured into a pipe (cat log |) ends at once: the full report, not live lines", () => {
    const text = readFileSync(join(FIXTURES, "drop-exp-r2", "tcpdump-live-any.txt"), "utf8");
    const r = spawnSync(process.execPath, [BIN, "analyze", "--json"], { input: text, encoding: "utf8" });
    const report = JSON.parse(r.stdout);
    expect(report.tool).toBe("tcpdiag");
    expect(report.attempts[0]).toMatchObject({ outcome: "timeout", syn: { sent: 3 } });
  });

  it("Ctrl-C: the summary says the input was interrupted, and the exit code is 130", async () => {
    const child = spawn(process.execPath, [BIN, "analyze"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const lines = readFileSync(join(FIXTURES, "reject-tcp-reset", "tcpdump-live-any.txt"), "utf8").split("\n").filter((l) => /^\d/.test(l));
    child.stdin.write(`${lines.join("\n")}\n`);
    const end = Date.now() + 10_000;
    while (!out.includes("refused") && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGINT");
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(130);
    expect(out).toMatch(/^summary +interrupted \(Ctrl-C or SIGTERM\): 1 attempt \(1 refused\)$/m);
  }, 20_000);

  it("--follow reads a growing file as it grows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tcpdiag-follow-"));
    const file = join(dir, "capture.txt");
    writeFileSync(file, "");
    const child = spawn(process.execPath, [BIN, "analyze", "--follow", file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 500));
    const lines = readFileSync(join(FIXTURES, "established-http", "tcpdump-live-any.txt"), "utf8").split("\n").filter((l) => /^\d/.test(l));
    const written = Date.now();
    appendFileSync(file, `${lines.join("\n")}\n`);
    const end = Date.now() + 10_000;
    while (!out.includes("established") && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - written).toBeLessThan(1000);
    child.kill("SIGINT");
    expect(await new Promise((r) => child.on("exit", r))).toBe(130);
    expect(out).toMatch(/^established +127\.0\.0\.1:60796 -> 127\.0\.0\.1:8080/m);
  }, 20_000);
});
