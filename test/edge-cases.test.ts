// Edge cases found in review. Inputs are real fixture lines transformed the
// way people's logs are (indented, pasted twice, duplicated by -i any), or,
// where marked, lines written here for cases no capture in fixtures/ shows.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeText } from "../src/index.js";
import { tcpdumpGrammar, tcpdumpLineParser } from "../src/tcpdump/grammar.js";
import { FIXTURES } from "./helpers/paths.js";

const real = (scenario: string, file = "tcpdump-nn.txt") =>
  readFileSync(join(FIXTURES, scenario, file), "utf8").trimEnd();

describe("logs as people paste them", () => {
  it("indented by four spaces or a tab (markdown, mail) still gives the attempt", async () => {
    for (const indent of ["    ", "\t"]) {
      const text = real("drop-exp-r2").split("\n").map((l) => indent + l).join("\n");
      const r = await analyzeText(text, "indented");
      expect(r.attempts).toHaveLength(1);
      expect(r.attempts[0]).toMatchObject({ outcome: "timeout", syn: { sent: 3 }, inferred: { tcpSynRetries: 2 } });
    }
  });

  it("a line pasted twice is one SYN, not two", async () => {
    const lines = real("drop-exp-r2").split("\n");
    const r = await analyzeText([lines[0], lines[0], ...lines.slice(1)].join("\n"), "twice");
    expect(r.attempts[0]!.syn.sent).toBe(3);
    expect(r.attempts[0]!.inferred.tcpSynRetries).toBe(2);
  });

  it("two captures of the same connection one after the other are two attempts", async () => {
    const once = real("drop-exp-r2");
    const r = await analyzeText(`${once}\n${once}`, "concatenated");
    expect(r.attempts.map((a) => [a.outcome, a.syn.sent])).toEqual([
      ["timeout", 3],
      ["timeout", 3],
    ]);
  });

  it("-# with -ttt keeps the relative times", async () => {
    const text = real("drop-exp-r5", "tcpdump-ttt.txt")
      .split("\n")
      .map((l, i) => `${String(i + 1).padStart(5)}  ${l}`)
      .join("\n");
    const r = await analyzeText(text, "num-ttt");
    expect(r.attempts[0]!.inferred.tcpSynRetries).toBe(5);
  });
});

describe("the grammar", () => {
  it("-e without -n: MAC addresses followed by their vendor (oui ...)", () => {
    // printed by tcpdump 4.99.3 -e -r fixtures/no-listener/capture.pcap
    const line =
      "12:21:57.640042 00:00:00:00:00:00 (oui Ethernet) > 00:00:00:00:00:00 (oui Ethernet), ethertype IPv4 (0x0800), length 74: localhost.60412 > localhost.12350: Flags [S], seq 4177061993, win 65495, options [mss 65495,sackOK,TS val 3727789095 ecr 0,nop,wscale 10], length 0";
    const all = tcpdumpGrammar.parseAll(line);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ record: "packet", flow: { dst: { ip: "localhost", port: 12350 } } });
  });

  it("-i any -e: interface, direction, ifindex and MAC before the IP packet, one parse", () => {
    // printed by tcpdump 4.99.3 -nn -e -r of a -i any (LINUX_SLL2) capture
    const line =
      "12:53:28.476124 lo    In  ifindex 1 00:00:00:00:00:00 ethertype IPv4 (0x0800), length 80: 127.0.0.1.33574 > 127.0.0.1.12399: Flags [S], seq 3985613295, win 65495, options [mss 65495,sackOK,TS val 3461610348 ecr 0,nop,wscale 10], length 0";
    const all = tcpdumpGrammar.parseAll(line);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ link: { iface: "lo", direction: "In" }, flow: { payload: { kind: "tcp", flags: "S" } } });
  });

  it("refuses brackets nested deeper than any tool prints, quickly", () => {
    const r = tcpdumpGrammar.parse(`12:00:00.000000 IP 1.2.3.4.5 > 5.6.7.8.9: Flags [S], options [${"(".repeat(10_000)}], length 0`);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining("nested") });
    // longer still, the line is not read at all
    const longer = tcpdumpGrammar.parse(`12:00:00.000000 IP 1.2.3.4.5 > 5.6.7.8.9: Flags [S], options [${"(".repeat(50_000)}], length 0`);
    expect(longer).toEqual({ ok: false, reason: expect.stringMatching(/^\d+ characters, more than the 16384 a grammar reads/) });
  });
});

describe("answers that are not what they seem", () => {
  // Written here: a client firewall dropping SYN-ACKs is not in fixtures/.
  const ignored = [
    "12:00:00.000000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, length 0",
    "12:00:00.000100 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 64240, length 0",
    "12:00:01.010000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, length 0",
    "12:00:01.010100 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 64240, length 0",
    "12:00:03.030000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, length 0",
  ].join("\n");

  it("SYN-ACKs the client never acknowledged while it kept sending SYNs: not established", async () => {
    const r = await analyzeText(ignored, "synack-ignored");
    expect(r.attempts[0]!.outcome).toBe("timeout");
    expect(r.diagnoses.map((d) => d.code)).toContain("SYNACK_IGNORED");
  });

  it("a RST that does not acknowledge the SYN does not refuse it", async () => {
    // Written here: Linux ignores such a RST in SYN_SENT.
    const lines = real("drop-exp-r2").split("\n");
    const [, time, client, seq] = /^(\S+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.12345: Flags \[S\], seq (\d+)/.exec(lines[0]!)!;
    // from the server to this very client port, acknowledging the wrong sequence number
    const stale = `${time} IP 127.0.0.1.12345 > 127.0.0.1.${client}: Flags [R.], seq 0, ack ${Number(seq) + 1000}, win 0, length 0`;
    const r = await analyzeText([lines[0], stale, ...lines.slice(1)].join("\n"), "stale-rst");
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ outcome: "timeout", syn: { sent: 3 } });
  });

  it("two attempts to one server answered by ICMP without -v: each gets its own", async () => {
    // Written here: two SYNs, then two ICMP port unreachables (what -nn prints without -v).
    const text = [
      "12:21:58.080153 IP 127.0.0.1.53106 > 127.0.0.1.12347: Flags [S], seq 2983149311, win 65495, length 0",
      "12:21:58.080160 IP 127.0.0.1.53108 > 127.0.0.1.12347: Flags [S], seq 1000, win 65495, length 0",
      "12:21:58.080241 IP 127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 tcp port 12347 unreachable, length 68",
      "12:21:58.080250 IP 127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 tcp port 12347 unreachable, length 68",
    ].join("\n");
    const r = await analyzeText(text, "icmp-concurrent");
    expect(r.attempts.map((a) => a.outcome)).toEqual(["refused", "refused"]);
  });
});

describe("strace details", () => {
  it("a pending connect() stays pending through dup2() and the close of the old fd", async () => {
    // Written here: no captured program in fixtures/ moves a connecting socket with dup2().
    const text = [
      "10:00:00.000000 socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK, IPPROTO_TCP) = 3",
      '10:00:00.000100 connect(3, {sa_family=AF_INET, sin_port=htons(12346), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)',
      "10:00:00.000200 dup2(3, 7) = 7",
      "10:00:00.000300 close(3) = 0",
      "10:00:00.500000 poll([{fd=7, events=POLLOUT}], 1, 3000) = 1 ([{fd=7, revents=POLLOUT|POLLERR|POLLHUP}])",
      "10:00:00.500100 getsockopt(7, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0",
    ].join("\n");
    const r = await analyzeText(text, "dup2");
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ outcome: "refused", errno: "ECONNREFUSED", durationSeconds: 0.5 });
  });

  it("-ff -o NAME: the program's name from NAME.PID, unless NAME is generic", async () => {
    const { commandFromFileName, pidFromFileName } = await import("../src/formats/strace.js");
    expect(commandFromFileName("/tmp/curl.1234")).toBe("curl");
    expect(commandFromFileName("fixtures/strace-ff-two-curls/strace-ff/trace.26131")).toBeNull();
    expect(pidFromFileName("trace.26131")).toBe(26131);
  });

  it("a local REJECT: the first ICMP is dropped while connect() holds the socket, the second fails it", async () => {
    const r = await analyzeText(real("reject-icmp-port"), "reject-icmp-port");
    expect(r.attempts[0]!.summary).toContain("the first ICMP error was not delivered to the socket");
  });
});
