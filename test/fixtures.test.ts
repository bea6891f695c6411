// Real captures (fixtures/, made by scripts/capture/capture-tcpdump.sh) give
// the analysis their expected.json states, under every tcpdump flag set.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptReport } from "../src/index.js";
import { intervalFits } from "../src/analyzer/kernel-model.js";
import { analyzeFiles } from "../src/index.js";
import { FIXTURES, scenarios, tcpdumpFiles } from "./helpers/paths.js";

interface ExpectedAttempt {
  client: { ip: string; port: number } | null;
  server: { ip: string; port: number };
  family: string;
  outcome: string;
  errno: string | null;
  synSent: number;
  synRetransmits: number;
  tcpSynRetries: number | null;
  linearTimeouts: number | null;
  timeoutSeconds: number | null;
  synAckSent?: number;
}

function expected(scenario: string): ExpectedAttempt[] {
  return (JSON.parse(readFileSync(join(FIXTURES, scenario, "expected.json"), "utf8")) as { attempts: ExpectedAttempt[] })
    .attempts;
}

function find(attempts: AttemptReport[], e: ExpectedAttempt): AttemptReport | undefined {
  return attempts.find((a) => a.server.port === e.server.port && (e.client === null || a.client?.port === e.client.port));
}

// -q hides the flags (no SYN can be told); -A prints payload text that is not tcpdump's own.
const FLAGLESS = new Set(["tcpdump-q.txt"]);

describe.each(scenarios())("fixture %s", (scenario) => {
  const want = expected(scenario);
  const files = tcpdumpFiles(scenario).filter((f) => !FLAGLESS.has(f));

  it.each(files)("%s gives the expected attempts", async (file) => {
    const result = await analyzeFiles([join(FIXTURES, scenario, file)]);
    if (file !== "tcpdump-A.txt") expect(result.inputs[0]!.unparsed).toBe(0);
    expect(result.attempts).toHaveLength(want.length);
    for (const e of want) {
      const a = find(result.attempts, e);
      expect(a, `attempt to ${e.server.port} from ${e.client?.port}`).toBeDefined();
      expect(a!.family).toBe(e.family);
      expect(a!.server.ip.replace(/^localhost$/, e.server.ip).replace(/^ip6-localhost$/, e.server.ip)).toBe(e.server.ip);
      expect(a!.outcome).toBe(e.outcome);
      expect(a!.errno).toBe(e.errno);
      expect(a!.syn.sent).toBe(e.synSent);
      expect(a!.syn.retransmits).toBe(e.synRetransmits);
      if (e.synAckSent !== undefined) expect(a!.synAck.sent).toBe(e.synAckSent);
      if (file === "tcpdump-t.txt") {
        // no timestamps: nothing can be read from the spacing
        expect(a!.inferred.tcpSynRetries).toBeNull();
        continue;
      }
      expect(a!.inferred.tcpSynRetries).toBe(e.tcpSynRetries);
      expect(a!.inferred.linearTimeouts).toBe(e.linearTimeouts);
      expect(a!.inferred.timeoutSeconds).toBe(e.timeoutSeconds);
    }
  });

  it("-q (no flags) finds no attempt and says why", async () => {
    const result = await analyzeFiles([join(FIXTURES, scenario, "tcpdump-q.txt")]);
    expect(result.inputs[0]!.unparsed).toBe(0);
    expect(result.attempts).toEqual([]);
    expect(result.diagnoses.map((d) => d.code)).toContain("NO_TCP_FLAGS");
  });
});

describe("what the fixtures show in detail", () => {
  const analyze = (scenario: string, file = "tcpdump-nn.txt") => analyzeFiles([join(FIXTURES, scenario, file)]);

  it("drop-exp-r5: intervals 1,2,4,8,16 s, evidence on lines 1-6", async () => {
    const [a] = (await analyze("drop-exp-r5")).attempts;
    const rounded = a!.syn.intervals.map((x) => Math.round(x));
    expect(rounded).toEqual([1, 2, 4, 8, 16]);
    expect(a!.sources.map((s) => s.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a!.inferred.schedule).toBe("assumed-complete");
    expect(a!.summary).toContain("fits tcp_syn_retries=5 with exponential backoff");
  });

  it("drop-lin-default: 1 s linear intervals, then doubling, ETIMEDOUT at 131 s", async () => {
    const [a] = (await analyze("drop-lin-default")).attempts;
    const model = [1, 1, 1, 1, 1, 2, 4, 8, 16, 32];
    expect(a!.syn.intervals).toHaveLength(model.length);
    a!.syn.intervals.forEach((x, i) => expect(intervalFits(x, model[i]!), `interval ${i}: ${x}`).toBe(true));
    expect(a!.inferred.cap).toBe("count");
  });

  it("drop-lin-r2: the time cap ends the schedule before the count cap", async () => {
    const [a] = (await analyze("drop-lin-r2")).attempts;
    expect(a!.inferred.cap).toBe("time");
    expect(a!.inferred.timeoutSeconds).toBe(7);
  });

  it("-ttt is told from -ttttt by the SYN spacing, and the report says how it read them", async () => {
    for (const file of ["tcpdump-ttt.txt", "tcpdump-ttttt.txt"]) {
      const r = await analyze("drop-exp-r5", file);
      expect(r.attempts[0]!.inferred.tcpSynRetries).toBe(5);
      const note = r.diagnoses.find((d) => d.code === "INPUT_NOTE");
      expect(note?.message).toContain(file === "tcpdump-ttt.txt" ? "-ttt (delta" : "-ttttt (since");
    }
  });

  it("slow-connect: established on the 4th SYN after ~3 s, SLOW_HANDSHAKE", async () => {
    const r = await analyze("slow-connect");
    const [a] = r.attempts;
    expect(a!.outcome).toBe("established");
    expect(a!.durationSeconds).toBeGreaterThan(3);
    expect(a!.durationSeconds).toBeLessThan(3.3);
    expect(r.diagnoses.map((d) => d.code)).toContain("SLOW_HANDSHAKE");
  });

  it("synack-retransmit: 4 SYN-ACKs, SYNACK_RETRANSMITS", async () => {
    const r = await analyze("synack-retransmit");
    expect(r.attempts[0]!.synAck).toEqual({ sent: 4, retransmits: 3 });
    expect(r.diagnoses.find((d) => d.code === "SYNACK_RETRANSMITS")?.severity).toBe("warning");
  });

  it.each([
    ["reject-tcp-reset", "CONNECTION_REFUSED"],
    ["no-listener", "CONNECTION_REFUSED"],
    ["reject-icmp-port", "PORT_UNREACHABLE"],
    ["reject-icmp-host-prohibited", "ADMIN_PROHIBITED"],
    ["ipv6-admin-prohibited", "ADMIN_PROHIBITED"],
    ["reject-icmp-net-unreachable", "NET_UNREACHABLE"],
    ["veth-host-unreachable-delayed", "HOST_UNREACHABLE"],
    ["drop-exp-r2", "SYN_TIMEOUT"],
  ])("%s is diagnosed %s", async (scenario, code) => {
    const r = await analyze(scenario);
    expect(r.diagnoses[0]!.code).toBe(code);
    expect(r.diagnoses[0]!.severity).toBe("error");
    expect(r.diagnoses[0]!.evidence.length).toBeGreaterThan(0);
  });

  it("-v ties an ICMP error to its attempt through the quoted packet", async () => {
    const r = await analyze("reject-icmp-host-prohibited", "tcpdump-v.txt");
    const [a] = r.attempts;
    expect(a!.outcome).toBe("unreachable");
    // 2 SYN packets (each 2 lines) and 2 ICMPs
    expect(a!.sources).toHaveLength(4);
  });

  it("concurrent-mixed: seven interleaved attempts keep their own outcomes", async () => {
    const r = await analyze("concurrent-mixed");
    const count = (o: string) => r.attempts.filter((a) => a.outcome === o).length;
    expect([count("timeout"), count("refused"), count("established")]).toEqual([3, 2, 2]);
    const timeouts = r.diagnoses.find((d) => d.code === "SYN_TIMEOUT")!;
    expect(timeouts.attempts).toHaveLength(3);
  });

  it("live -i any capture: banner and trailer are recognised, interface and direction parsed", async () => {
    const events: string[] = [];
    const r = await analyzeFiles([join(FIXTURES, "drop-exp-r5", "tcpdump-live-any.txt")], {
      onRecord: (_input, _format, _line, r) => events.push(r.type),
    });
    expect(r.inputs[0]!.unparsed).toBe(0);
    expect(events.filter((t) => t === "banner")).toHaveLength(3);
    expect(events.filter((t) => t === "capture-stats")).toHaveLength(3);
    expect(r.attempts[0]!.syn.sent).toBe(6);
  });
});
