// Real firewall listings and socket tables of the fixtures: the same run of
// scripts/capture/capture-tcpdump.sh that made tcpdump-nn.txt printed them in
// the scenario's own namespaces (listings after the client ran: every
// iptables -L variant, -S, iptables-save -c, nft list ruleset; socket tables
// while the client's connect was pending, or right before the client started).
// With tcpdump-nn.txt, each listing must give the rule the capture script set
// up (expected.json: attempts[].firewall) and each socket table the client
// process it shows (scenario.json: snapshots.rows, read from the table and
// checked against /proc by make_json.py).
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptReport } from "../src/index.js";
import { analyzeFiles } from "../src/index.js";
import { FIXTURES, scenarios } from "./helpers/paths.js";

type Rule = { chain: string; rule: number | null; target: string } | null;

interface ExpectedAttempt {
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  outcome: string;
  firewall?: Rule;
}

interface SnapshotRow {
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  state: string | null;
  pid: number | null;
  program: string | null;
  files: Record<string, { state: string; pid: number | null; program: string | null } | null>;
}

interface Snapshots {
  taken: "while-pending" | "before-client";
  takenAfterSeconds: number;
  clientPid: number | null;
  clientProgram: string | null;
  rows: SnapshotRow[];
}

const LISTING = /^(?:ip6?tables-(?:L|nL|nvL-num|nvxL|S|save-c)|nft-ruleset)\.txt$/;
const SNAPSHOT = /^(?:ss-tanp(?:oi)?|netstat-tanpo?)\.txt$/;

const dir = (s: string) => join(FIXTURES, s);
const expectedAttempts = (s: string) =>
  (JSON.parse(readFileSync(join(dir(s), "expected.json"), "utf8")) as { attempts: ExpectedAttempt[] }).attempts;
const snapshotsOf = (s: string) =>
  (JSON.parse(readFileSync(join(dir(s), "scenario.json"), "utf8")) as { snapshots?: Snapshots }).snapshots;
const filesOf = (s: string, re: RegExp) => readdirSync(dir(s)).filter((f) => re.test(f)).sort();
const isEmpty = (s: string, f: string) => statSync(join(dir(s), f)).size === 0;

function formatOf(file: string): string {
  if (file === "nft-ruleset.txt") return "nft";
  if (/-(?:S|save-c)\.txt$/.test(file)) return "iptables-save";
  if (file.startsWith("ss-")) return "ss";
  if (file.startsWith("netstat-")) return "netstat";
  return "iptables";
}

function attemptFor(attempts: AttemptReport[], e: ExpectedAttempt): AttemptReport {
  const a = attempts.find((x) => x.server.port === e.server.port && x.client?.port === e.client.port);
  expect(a, `attempt ${e.client.port} -> ${e.server.port}`).toBeDefined();
  return a!;
}

const pick = (f: AttemptReport["firewall"]): Rule => (f === null ? null : { chain: f.chain, rule: f.rule, target: f.target });

// the tcpdump scenarios whose run wrote listings / socket tables
const withListings = scenarios("tcpdump").filter((s) => filesOf(s, LISTING).length > 0);
const withSnapshots = scenarios("tcpdump").filter((s) => filesOf(s, SNAPSHOT).length > 0);

describe("the fixtures carry listings, socket tables and what they must show", () => {
  it("every tcpdump scenario has all 7 listings and all 4 socket tables", () => {
    expect(withListings.length).toBeGreaterThanOrEqual(24);
    for (const s of scenarios("tcpdump")) {
      const v6 = existsSync(join(dir(s), "ip6tables-nL.txt"));
      const tool = v6 ? "ip6tables" : "iptables";
      const want = ["L", "nL", "nvL-num", "nvxL", "S", "save-c"].map((x) => `${tool}-${x}.txt`).concat("nft-ruleset.txt");
      expect(filesOf(s, LISTING), s).toEqual(want.sort());
      expect(filesOf(s, SNAPSHOT), s).toEqual(["netstat-tanp.txt", "netstat-tanpo.txt", "ss-tanp.txt", "ss-tanpoi.txt"]);
    }
  });

  it("every attempt of those scenarios states the rule that decides its SYN (null: none)", () => {
    for (const s of withListings) {
      for (const e of expectedAttempts(s)) expect(e.firewall, `${s} ${e.server.port}`).not.toBeUndefined();
    }
  });

  it("the rules the capture script set up: DROP, REJECT variants, nth, a policy, a user chain, no rule", () => {
    const rule = (s: string, port: number) => expectedAttempts(s).find((e) => e.server.port === port)!.firewall;
    expect(rule("drop-exp-r2", 12345)).toEqual({ chain: "INPUT", rule: 1, target: "DROP" });
    expect(rule("reject-tcp-reset", 12346)).toEqual({ chain: "INPUT", rule: 1, target: "REJECT" });
    expect(rule("reject-icmp-port", 12347)).toEqual({ chain: "INPUT", rule: 1, target: "REJECT" });
    expect(rule("reject-icmp-host-prohibited", 12348)).toEqual({ chain: "INPUT", rule: 1, target: "REJECT" });
    expect(rule("reject-icmp-net-unreachable", 12349)).toEqual({ chain: "INPUT", rule: 1, target: "REJECT" });
    expect(rule("ipv6-admin-prohibited", 12348)).toEqual({ chain: "INPUT", rule: 1, target: "REJECT" });
    expect(rule("drop-nth", 12351)).toEqual({ chain: "INPUT", rule: 1, target: "DROP" });
    expect(rule("drop-policy", 12352)).toEqual({ chain: "INPUT", rule: null, target: "DROP" });
    expect(rule("reject-user-chain", 12353)).toEqual({ chain: "TCPDIAG_CHECK", rule: 1, target: "REJECT" });
    expect(rule("veth-host-unreachable-and-drop", 81)).toEqual({ chain: "INPUT", rule: 2, target: "DROP" });
    expect(rule("no-listener", 12350)).toBeNull();
    expect(rule("synack-retransmit", 8082)).toBeNull();
  });

  it("snapshots taken while a connect was pending show its process, and the tables say so", () => {
    const pending = withSnapshots.filter((s) => snapshotsOf(s)?.taken === "while-pending");
    expect(pending.length).toBeGreaterThanOrEqual(15);
    for (const s of pending) {
      const snap = snapshotsOf(s)!;
      const rows = snap.rows.filter((r) => r.pid !== null);
      expect(rows.length, s).toBeGreaterThan(0);
      for (const r of rows) {
        const ss = readFileSync(join(dir(s), "ss-tanp.txt"), "utf8");
        const netstat = readFileSync(join(dir(s), "netstat-tanp.txt"), "utf8");
        expect(ss, s).toContain(`users:(("${r.program}",pid=${r.pid},`);
        expect(netstat, s).toContain(`${r.pid}/${r.program}`);
      }
    }
    expect(snapshotsOf("drop-exp-r5")).toMatchObject({ taken: "while-pending", clientProgram: "telnet" });
    expect(snapshotsOf("drop-policy")).toMatchObject({ taken: "while-pending", clientProgram: "python3" });
    expect(snapshotsOf("concurrent-mixed")!.rows.filter((r) => r.pid !== null)).toHaveLength(3);
  });
});

// tcpdiag misreadings these captures show, one entry per case (scenario/file
// and which check): these cases are marked it.fails until the analyzer is
// fixed; vitest then reports them, and the entry goes.

describe.each(withListings)("%s: firewall listings", (scenario) => {
  const want = expectedAttempts(scenario);
  const analyze = (file: string) => analyzeFiles([join(dir(scenario), "tcpdump-nn.txt"), join(dir(scenario), file)]);

  for (const file of filesOf(scenario, LISTING)) {
    it(`${file} decides each attempt's SYN as the scenario set it up`, async () => {
      const r = await analyze(file);
      expect(r.inputs[0]!.format).toBe("tcpdump");
      // an empty listing (iptables-save, nft: no table was ever made) has no format
      if (!isEmpty(scenario, file)) expect(r.inputs[1]!.format).toBe(formatOf(file));
      expect(r.inputs[1]!.unparsed).toBe(0);
      expect(r.attempts).toHaveLength(want.length);
      for (const e of want) {
        const a = attemptFor(r.attempts, e);
        expect(pick(a.firewall), `${scenario} ${file} ${e.server.port}`).toEqual(e.firewall ?? null);
      }
    });

    it(`${file}: the namespace's own listing does not contradict the capture`, async () => {
      const r = await analyze(file);
      expect(r.diagnoses.filter((d) => d.code === "FIREWALL_CONTRADICTS").map((d) => d.message)).toEqual([]);
    });
  }
});

describe.each(withSnapshots)("%s: socket tables", (scenario) => {
  const want = expectedAttempts(scenario);
  const snap = snapshotsOf(scenario)!;

  it.each(filesOf(scenario, SNAPSHOT))("%s gives each attempt the process it shows", async (file) => {
    const r = await analyzeFiles([join(dir(scenario), "tcpdump-nn.txt"), join(dir(scenario), file)]);
    expect(r.inputs[1]!.format).toBe(formatOf(file));
    expect(r.inputs[1]!.unparsed).toBe(0);
    // every SYN_SENT row is an attempt of the capture: no attempt of its own
    expect(r.attempts).toHaveLength(want.length);
    for (const e of want) {
      const a = attemptFor(r.attempts, e);
      const row = snap.rows.find((x) => x.client.port === e.client.port && x.server.port === e.server.port);
      const seen = row?.files[file] ?? null;
      const process = seen?.program ? { pid: seen.pid, command: seen.program } : null;
      expect(a.process, `${scenario} ${file} ${e.client.port} -> ${e.server.port}`).toEqual(process);
    }
  });
});

describe.each(withListings.filter((s) => withSnapshots.includes(s)))("%s: all inputs together", (scenario) => {
  it("tcpdump -nn, iptables -n -v -L --line-numbers and ss -tanp: rule and process", async () => {
    const want = expectedAttempts(scenario);
    const snap = snapshotsOf(scenario)!;
    const listing = filesOf(scenario, /^ip6?tables-nvL-num\.txt$/)[0]!;
    const r = await analyzeFiles(["tcpdump-nn.txt", listing, "ss-tanp.txt"].map((f) => join(dir(scenario), f)));
    expect(r.inputs.map((i) => i.unparsed)).toEqual([0, 0, 0]);
    for (const e of want) {
      const a = attemptFor(r.attempts, e);
      expect(pick(a.firewall)).toEqual(e.firewall ?? null);
      const row = snap.rows.find((x) => x.client.port === e.client.port && x.server.port === e.server.port);
      expect(a.process).toEqual(row?.program ? { pid: row.pid, command: row.program } : null);
    }
  });
});

describe("what a REJECT rule sends, read from every listing form", () => {
  const cases: [string, string][] = [
    ["reject-tcp-reset", "rejected (tcp-reset)"],
    ["reject-icmp-host-prohibited", "rejected (icmp-host-prohibited)"],
    ["reject-icmp-net-unreachable", "rejected (icmp-net-unreachable)"],
    ["ipv6-admin-prohibited", "rejected (icmp6-adm-prohibited)"],
  ];
  it.each(cases)("%s: %s", async (scenario, words) => {
    for (const file of filesOf(scenario, LISTING)) {
      const r = await analyzeFiles([join(dir(scenario), "tcpdump-nn.txt"), join(dir(scenario), file)]);
      const message = r.diagnoses.find((d) => d.code === "FIREWALL_RULE")?.message ?? "";
      // nft spells the ICMPv6 code "admin-prohibited", ip6tables "adm-prohibited"
      const expected = file.startsWith("nft") ? words.replace("icmp6-adm-", "icmp6-admin-") : words;
      expect(message, `${scenario}/${file}`).toContain(expected);
    }
  });
});
