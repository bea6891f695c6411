// tcpdiag check and --fail-on. The cases are the fixtures' own: each
// scenario's capture (tcpdump -nn), its listing and trace where it has them,
// and the expected.json its capture script wrote from the setup (sysctls,
// rules, what the client reported), unchanged.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { FIXTURES } from "./helpers/paths.js";

const run = (args: string[]) => runCli(args, undefined, 120);

/** A case folder made of a fixture scenario: its tcpdump -nn capture, listings and traces, and its expected.json. */
function caseOf(root: string, scenario: string): string {
  const from = join(FIXTURES, scenario);
  const dir = join(root, scenario);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(from)) {
    if (f === "tcpdump-nn.txt" || f === "iptables-L.txt" || f === "ip6tables-L.txt" || f === "expected.json" || /^strace-.*\.txt$/.test(f)) cpSync(join(from, f), join(dir, f));
  }
  return dir;
}

const scenarios = readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, "expected.json")) && existsSync(join(FIXTURES, d, "tcpdump-nn.txt")));

describe("tcpdiag check", () => {
  it("passes every fixture scenario against the expectations its capture wrote", async () => {
    const root = mkdtempSync(join(tmpdir(), "tcpdiag-check-"));
    for (const s of scenarios) caseOf(root, s);
    const r = await run(["check", root]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("pass  "))).toHaveLength(scenarios.length);
    expect(lines.at(-1)).toBe(`${scenarios.length} cases: ${scenarios.length} passed, 0 failed`);
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
  });

  it("fails a case whose facts differ, says which, and exits 1", async () => {
    const root = mkdtempSync(join(tmpdir(), "tcpdiag-check-"));
    const good = caseOf(root, "drop-exp-r5");
    const bad = caseOf(root, "no-listener");
    const expected = JSON.parse(readFileSync(join(bad, "expected.json"), "utf8"));
    expected.attempts[0].outcome = "timeout";
    expected.attempts[0].synSent = 6;
    writeFileSync(join(bad, "expected.json"), JSON.stringify(expected));
    const r = await run(["check", root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`pass  ${good} (1 attempt)`);
    expect(r.stdout).toContain(`FAIL  ${bad}\n  attempt 1 outcome: expected "timeout", found "refused"\n  attempt 1 synSent: expected 6, found 1\n`);
    expect(r.stdout).toContain("2 cases: 1 passed, 1 failed");
  });

  it("counts the attempts", async () => {
    const root = mkdtempSync(join(tmpdir(), "tcpdiag-check-"));
    const dir = caseOf(root, "drop-exp-r5");
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
    expected.attempts.push({ outcome: "refused" });
    writeFileSync(join(dir, "expected.json"), JSON.stringify(expected));
    const r = await run(["check", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("  attempts: expected 2, found 1");
  });

  it("--update writes the expectations, which then pass", async () => {
    const root = mkdtempSync(join(tmpdir(), "tcpdiag-check-"));
    const dir = join(root, "mine");
    mkdirSync(dir);
    cpSync(join(FIXTURES, "drop-exp-r5", "tcpdump-nn.txt"), join(dir, "capture.txt"));
    cpSync(join(FIXTURES, "drop-exp-r5", "iptables-L.txt"), join(dir, "rules.txt"));
    writeFileSync(join(dir, "expected.json"), JSON.stringify({ note: "kept", attempts: [] }));
    const u = await run(["check", "--update", root]);
    expect(u.code).toBe(0);
    expect(u.stdout).toContain(`wrote ${dir}/expected.json (1 attempt)`);
    const written = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
    expect(written.note).toBe("kept");
    // the capture's own setup: DROP rule 1 in INPUT, tcp_syn_retries=5, six SYNs, ETIMEDOUT at 63 s
    expect(written.attempts).toEqual([
      expect.objectContaining({ outcome: "timeout", errno: "ETIMEDOUT", synSent: 6, tcpSynRetries: 5, timeoutSeconds: 63, firewall: { chain: "INPUT", rule: 1, target: "DROP" } }),
    ]);
    const r = await run(["check", root]);
    expect(r.code).toBe(0);
  });

  it("exits 3 when no folder holds a case, and names a missing folder", async () => {
    const root = mkdtempSync(join(tmpdir(), "tcpdiag-check-"));
    const r = await run(["check", root, join(root, "nope")]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("no case: no folder named holds an expected.json\n");
    expect(r.stderr).toBe(`tcpdiag: ${join(root, "nope")}: no such folder\n`);
  });

  it("fails a case whose expected.json cannot be read", async () => {
    const root = mkdtempSync(join(tmpdir(), "tcpdiag-check-"));
    const dir = caseOf(root, "no-listener");
    writeFileSync(join(dir, "expected.json"), "{ not json");
    const r = await run(["check", root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAIL  ${dir}: expected\\.json: `));
  });
});

describe("analyze --fail-on", () => {
  const timeout = join(FIXTURES, "drop-exp-r5", "tcpdump-nn.txt");
  const refused = join(FIXTURES, "no-listener", "tcpdump-nn.txt");
  const established = join(FIXTURES, "established-http", "tcpdump-nn.txt");

  it("exits 1 after the report when a diagnosis of that severity or an attempt with that outcome is found", async () => {
    const cases: [string[], number][] = [
      [["--fail-on", "error", timeout], 1],
      [["--fail-on", "warning", timeout], 1],
      [["--fail-on", "timeout", timeout], 1],
      [["--fail-on", "refused,unreachable", timeout], 0],
      [["--fail-on", "refused,unreachable", refused], 1],
      [["--fail-on", "error", established], 0],
      [["--fail-on", "established", established], 1],
      [["--fail-on", "error,refused", refused], 1],
      [["--fail-on", "refused,error", established], 0],
      [[timeout], 0],
    ];
    for (const [args, code] of cases) {
      const r = await run(["analyze", "--json", ...args]);
      expect(r.code, args.join(" ")).toBe(code);
      // the report is written all the same
      expect(JSON.parse(r.stdout).attempts.length, args.join(" ")).toBeGreaterThan(0);
    }
  });

  it("is a usage error with any other value", async () => {
    const r = await run(["analyze", "--fail-on", "bad", timeout]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--fail-on takes error, warning or outcomes, separated by commas");
  });
});
