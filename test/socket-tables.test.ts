// netstat and ss: the grammars over every real output in ../shared/corpus,
// and the socket rows they read against jc's parse of the same outputs.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeText } from "../src/index.js";
import { netstatLineParser, ssLineParser } from "../src/sockets/grammar.js";
import { normaliseState } from "../src/sockets/netstat-build.js";
import type { Endpoint, SocketLine, SocketTableLine, TcpInfoLine, UnixSocketLine } from "../src/sockets/records.js";
import { SHARED } from "./helpers/paths.js";

const LOCAL = join(SHARED, "corpus", "local");
const JC = join(SHARED, "corpus", "jc");

const parserFor = (file: string) => (/(^|\/)ss[-.][^/]*$/.test(file) ? ssLineParser : netstatLineParser);

function lines(file: string): string[] {
  return readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "");
}

function parseFile(file: string): SocketTableLine[] {
  const p = parserFor(file);
  return lines(file).map((l) => {
    const all = p.parseAll(l);
    if (all.length !== 1) throw new Error(`${file}: ${all.length} parses of ${JSON.stringify(l)}`);
    return all[0]!;
  });
}

function tally(files: string[]) {
  const problems: string[] = [];
  const kinds = new Map<string, number>();
  for (const file of files) {
    const p = parserFor(file);
    lines(file).forEach((line, i) => {
      let all: SocketTableLine[] = [];
      try {
        all = p.parseAll(line);
      } catch {
        all = [];
      }
      if (all.length !== 1) problems.push(`${file}:${i + 1} (${all.length} parses): ${line.slice(0, 120)}`);
      else kinds.set(all[0]!.record, (kinds.get(all[0]!.record) ?? 0) + 1);
    });
  }
  return { problems, kinds };
}

const local = (tool: "netstat" | "ss") =>
  readdirSync(join(LOCAL, tool))
    .filter((f) => f.endsWith(".txt"))
    .map((f) => join(LOCAL, tool, f));

describe("netstat and ss grammars over real outputs", () => {
  it("parses every line of ../shared/corpus/local/netstat exactly once", () => {
    const { problems, kinds } = tally(local("netstat"));
    expect(problems).toEqual([]);
    expect(kinds.get("socket")).toBeGreaterThan(200);
    expect(kinds.get("unix-socket")).toBeGreaterThan(10);
    expect(kinds.get("statistics")).toBeGreaterThan(100);
    expect(kinds.get("header")).toBeGreaterThan(20);
    expect(kinds.get("interface")).toBe(1);
    expect(kinds.get("other") ?? 0).toBe(0);
  });

  it("parses every line of ../shared/corpus/local/ss exactly once", () => {
    const { problems, kinds } = tally(local("ss"));
    expect(problems).toEqual([]);
    expect(kinds.get("socket")).toBeGreaterThan(400);
    expect(kinds.get("tcp-info")).toBeGreaterThan(60);
    expect(kinds.get("unix-socket")).toBeGreaterThan(10);
    expect(kinds.get("statistics")).toBeGreaterThan(5);
    expect(kinds.get("message")).toBeGreaterThan(10);
    expect(kinds.get("other") ?? 0).toBe(0);
  });

  it("parses every line of jc's netstat and ss fixtures exactly once (all OSes but windows)", () => {
    const files = readdirSync(JC)
      .filter((os) => os !== "windows")
      .flatMap((os) =>
        readdirSync(join(JC, os))
          .filter((f) => /^(netstat|ss)\b.*\.out$/.test(f))
          .map((f) => join(JC, os, f)),
      );
    const { problems, kinds } = tally(files);
    expect(problems).toEqual([]);
    expect(kinds.get("socket")).toBeGreaterThan(500);
    // BSD UNIX sockets, macOS kernel control/event sockets, BSD routes and interfaces are all recognised
    expect(kinds.get("unix-socket")).toBeGreaterThan(800);
    expect(kinds.get("kernel-control")).toBe(2 * (17 + 27 + 97) + 17 + 27 + 98);
    expect(kinds.get("other") ?? 0).toBe(0);
  });
});

// --- conformance with jc ----------------------------------------------------------------

const LINUX = ["centos-7.7", "fedora32", "ubuntu-18.04", "generic"];
const BSD = ["freebsd12", "osx-10.14.6"];

/**
 * Every Linux, FreeBSD and macOS jc fixture that lists sockets is compared
 * (windows/ has no netstat or ss listing). Within ss fixtures, nl and p_raw
 * rows are compared on netid, state and queues only: jc splits their
 * "address" into channel/pid or link_layer/interface.
 */

type Json = Record<string, unknown>;

const pick = <T extends object>(o: T, keys: (keyof T)[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
const stripBrackets = (s: unknown) => (typeof s === "string" ? s.replace(/^\[(.*)\]$/, "$1") : s);
const portText = (e: Endpoint) => (e.port !== null ? String(e.port) : (e.service ?? (e.text.endsWith("*") ? "*" : null)));

function netstatRow(r: SocketLine) {
  return {
    proto: r.proto,
    recvQ: r.recvQ,
    sendQ: r.sendQ,
    localAddress: r.local.ip,
    localPort: portText(r.local),
    foreignAddress: r.remote.ip,
    foreignPort: portText(r.remote),
    state: r.state,
    pid: r.pid,
    program: r.program,
  };
}

function jcNetstatRow(j: Json) {
  return {
    proto: j.proto,
    recvQ: j.recv_q ?? null,
    sendQ: j.send_q ?? null,
    localAddress: stripBrackets(j.local_address),
    localPort: j.local_port,
    foreignAddress: stripBrackets(j.foreign_address),
    foreignPort: j.foreign_port,
    state: normaliseState(j.state as string | null),
    pid: j.pid ?? null,
    program: j.program_name ?? null,
  };
}

const INET_NETIDS = new Set(["tcp", "udp", "raw", "icmp6", "icmp", "v_str", "v_dgr", "sctp", "mptcp", "dccp"]);

function ssRow(r: SocketLine | UnixSocketLine) {
  const base = { netid: r.proto, state: normaliseState(r.record === "socket" ? r.stateText : r.state), recvQ: r.recvQ, sendQ: r.sendQ };
  if (r.record === "unix-socket") return { ...base, path: r.path, inode: r.inode, peerInode: r.peerInode };
  if (!INET_NETIDS.has(r.proto ?? "")) return base;
  return {
    ...base,
    localAddress: r.local.ip,
    localPort: portText(r.local),
    peerAddress: r.remote.ip,
    peerPort: portText(r.remote),
    interface: r.local.scope,
    // every user's pid (jc keys them by pid: a JS object lists them in numeric order)
    pids: r.users.map((u) => u.pid).sort((a, b) => a! - b!),
  };
}

function jcSsRow(j: Json) {
  const base = { netid: j.netid, state: normaliseState(j.state as string), recvQ: j.recv_q, sendQ: j.send_q };
  const netid = j.netid as string;
  if (netid.startsWith("u_")) return { ...base, path: j.path === "*" ? null : (j.path ?? null), inode: j.local_port_num ?? null, peerInode: j.peer_port_num ?? null };
  if (!INET_NETIDS.has(netid)) return base;
  const opts = (j.opts ?? {}) as Json;
  const pids = Object.keys((opts.process_id ?? {}) as Json);
  return {
    ...base,
    localAddress: stripBrackets(j.local_address),
    localPort: j.local_port,
    peerAddress: stripBrackets(j.peer_address),
    peerPort: j.peer_port,
    interface: j.interface ?? null,
    pids: pids.map(Number).sort((a, b) => a - b),
  };
}

function jcFixtures(tool: "netstat" | "ss", oses = LINUX): string[] {
  return oses.flatMap((os) =>
    readdirSync(join(JC, os))
      .filter((f) => f.startsWith(tool) && f.endsWith(".out") && existsSync(join(JC, os, f.replace(/\.out$/, ".json"))))
      .map((f) => join(JC, os, f)),
  );
}

describe("socket rows agree with jc's parse of the same output", () => {
  it("netstat (Linux forms)", () => {
    let compared = 0;
    for (const file of jcFixtures("netstat")) {
      const name = file.slice(JC.length + 1);
      const jc = (JSON.parse(readFileSync(file.replace(/\.out$/, ".json"), "utf8")) as Json[]).filter((j) => j.kind === "network");
      if (jc.length === 0) continue; // route, interface listings: no socket rows
      const ours = parseFile(file).filter((r): r is SocketLine => r.record === "socket");
      expect(ours.map(netstatRow), name).toEqual(jc.map(jcNetstatRow));
      compared += ours.length;
    }
    expect(compared).toBeGreaterThan(80);
  });

  it("netstat (FreeBSD and macOS forms)", () => {
    let compared = 0;
    let jcLost = 0;
    for (const file of jcFixtures("netstat", BSD)) {
      const name = file.slice(JC.length + 1);
      const jc = (JSON.parse(readFileSync(file.replace(/\.out$/, ".json"), "utf8")) as Json[]).filter((j) => j.kind === "network");
      if (jc.length === 0) continue;
      const ours = parseFile(file).filter((r): r is SocketLine => r.record === "socket");
      const expected = jc.map(jcNetstatRow);
      // jc loses the addresses of FreeBSD -T UDP rows (no counters): compare what it kept
      const lost = expected.flatMap((row, i) => (row.localAddress === undefined ? [i] : []));
      for (const i of lost) Object.assign(expected[i]!, pick(netstatRow(ours[i]!), ["localAddress", "localPort", "foreignAddress", "foreignPort"]));
      jcLost += lost.length;
      expect(ours.map(netstatRow), name).toEqual(expected);
      compared += ours.length;
    }
    expect(compared).toBeGreaterThan(400);
    expect(jcLost).toBe(2); // the two UDP rows of freebsd12/netstat-AaT.out
  });

  it("ss (Linux forms)", () => {
    let compared = 0;
    for (const file of jcFixtures("ss")) {
      const name = file.slice(JC.length + 1);
      const jc = JSON.parse(readFileSync(file.replace(/\.out$/, ".json"), "utf8")) as Json[];
      const ours = parseFile(file).filter((r): r is SocketLine | UnixSocketLine => r.record === "socket" || r.record === "unix-socket");
      expect(ours.map(ssRow), name).toEqual(jc.map(jcSsRow));
      compared += ours.length;
    }
    expect(compared).toBeGreaterThan(500);
  });
});

// --- specific lines -------------------------------------------------------------------

const lineOf = (file: string, re: RegExp) => lines(file).find((l) => re.test(l))!;

describe("what a socket row says", () => {
  it("keeps the seed article's row with <port> and <PID> placeholders", () => {
    const r = netstatLineParser.parse("tcp        0      1 127.0.0.1:<port>        127.0.0.1:12345         SYN_SENT    <PID>/telnet");
    expect(r.ok && r.value).toMatchObject({
      record: "socket",
      proto: "tcp",
      recvQ: 0,
      sendQ: 1,
      local: { ip: "127.0.0.1", port: null, service: null },
      remote: { ip: "127.0.0.1", port: 12345 },
      state: "SYN_SENT",
      pid: null,
      program: "telnet",
    });
  });

  it("decodes a netstat -o timer on a SYN_SENT row (netstat-tanpo.txt)", () => {
    const line = lineOf(join(LOCAL, "netstat", "netstat-tanpo.txt"), /^tcp .*SYN_SENT/);
    expect(netstatLineParser.parseAll(line)).toMatchObject([
      {
        record: "socket",
        state: "SYN_SENT",
        local: { ip: "127.0.0.1", port: 52070 },
        remote: { ip: "127.0.0.1", port: 12345 },
        pid: 20760,
        program: "curl",
        timer: { name: "on", expires: 0, retransmits: 3, probes: 0 },
      },
    ]);
    const keepalive = netstatLineParser.parse("tcp        0      0 10.0.0.5:22   10.0.0.9:51234   ESTABLISHED 812/sshd: alice [p  keepalive (7194.54/0/0)");
    expect(keepalive.ok && keepalive.value).toMatchObject({ program: "sshd: alice [p", timer: { name: "keepalive", expires: 7194.54, retransmits: 0, probes: 0 } });
  });

  it("decodes ss -o timers (ss-tano.txt)", () => {
    const file = join(LOCAL, "ss", "ss-tano.txt");
    expect(ssLineParser.parseAll(lineOf(file, /^SYN-SENT .*127\.0\.0\.1/))).toMatchObject([
      { record: "socket", proto: null, state: "SYN_SENT", stateText: "SYN-SENT", sendQ: 1, remote: { port: 12345 }, timer: { name: "on", expires: 0.916, retransmits: 4, probes: null } },
    ]);
    expect(ssLineParser.parseAll(lineOf(file, /timewait,23sec/))).toMatchObject([{ state: "TIME_WAIT", timer: { name: "timewait", expires: 23, retransmits: 0 } }]);
    const r = ssLineParser.parse("ESTAB 0 0 10.0.0.5:22 10.0.0.9:51234 timer:(keepalive,119min,0)");
    expect(r.ok && r.value).toMatchObject({ timer: { name: "keepalive", expires: 7140, retransmits: 0 } });
  });

  it("reads ss -i tcp_info: rto, backoff, retrans (ss-tanpi.txt)", () => {
    const file = join(LOCAL, "ss", "ss-tanpi.txt");
    const all = lines(file).map((l) => ssLineParser.parseAll(l)[0]!);
    const i = all.findIndex((r) => r.record === "socket" && r.state === "SYN_SENT" && r.local.ip === "127.0.0.1");
    expect(all[i]).toMatchObject({ pid: 20760, program: "curl", users: [{ program: "curl", pid: 20760, fd: 5 }] });
    const info = all[i + 1] as TcpInfoLine;
    expect(info).toMatchObject({ record: "tcp-info", congestion: "bbr", rto: 1000, backoff: null, retrans: { current: 1, total: 4 } });
    expect(info.values).toMatchObject({ mss: 524, cwnd: 1, unacked: 1, lost: 1, app_limited: true });
    // a SYN that has backed off (not in the corpus: the shape ss prints)
    const backoff = ssLineParser.parse("\t cubic wscale:7,7 rto:4000 backoff:3 rtt:0.02/0.01 mss:524 cwnd:1 retrans:1/4 send 209600000bps");
    expect(backoff.ok && backoff.value).toMatchObject({ record: "tcp-info", congestion: "cubic", rto: 4000, backoff: 3, retrans: { current: 1, total: 4 }, values: { wscale: "7,7", rtt: "0.02/0.01", send: "209600000bps" } });
  });

  it("reads ss users, scope, ino/sk/cgroup and the first user's pid", () => {
    const r = ssLineParser.parse('tcp   LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*    users:(("telnet",pid=1234,fd=3),("x",pid=5,fd=4)) uid:101 ino:23 sk:1a cgroup:/system.slice/a.service <->');
    expect(r.ok && r.value).toMatchObject({
      proto: "tcp",
      state: "LISTEN",
      local: { ip: "127.0.0.53", scope: "lo", port: 53 },
      remote: { ip: "0.0.0.0", port: null },
      pid: 1234,
      program: "telnet",
      users: [{ program: "telnet", pid: 1234, fd: 3 }, { program: "x", pid: 5, fd: 4 }],
      user: "101",
      inode: 23,
      sk: "1a",
      cgroup: "/system.slice/a.service",
    });
    const v6 = ssLineParser.parse("UNCONN 0 0 [::1]:12345 *:*");
    expect(v6.ok && v6.value).toMatchObject({ state: null, stateText: "UNCONN", local: { ip: "::1", port: 12345 }, remote: { ip: "*", port: null } });
  });

  it("reads netstat IPv6, UDP without a state, -e user/inode and the BSD form", () => {
    const file = join(LOCAL, "netstat", "netstat-tanpe.txt");
    expect(netstatLineParser.parseAll(lineOf(file, /LISTEN .*48554/))).toMatchObject([{ user: "0", inode: 48554, pid: 20759, program: "python3" }]);
    const v6 = netstatLineParser.parse("tcp6       0      0 :::7001                 :::*                    LISTEN      20759/python3");
    expect(v6.ok && v6.value).toMatchObject({ local: { ip: "::", port: 7001 }, remote: { ip: "::", port: null } });
    const udp = netstatLineParser.parse("udp     1280      0 127.0.0.1:5300          0.0.0.0:*                           20759/python3");
    expect(udp.ok && udp.value).toMatchObject({ state: null, stateText: null, recvQ: 1280, pid: 20759 });
    const bsd = netstatLineParser.parse("tcp4       0      0  127.0.0.1.12345        *.*                    LISTEN");
    expect(bsd.ok && bsd.value).toMatchObject({ form: "bsd", proto: "tcp4", local: { ip: "127.0.0.1", port: 12345 }, remote: { ip: "*", port: null }, state: "LISTEN" });
    const freebsdT = netstatLineParser.parse("fffff80003df43d0 tcp4       3      0      0 192.168.71.1.ssh   192.168.71.1.64330 ");
    expect(freebsdT.ok && freebsdT.value).toMatchObject({ recvQ: null, sendQ: null, rexmit: { rexmit: 3, ooorcv: 0, zeroWin: 0 }, local: { ip: "192.168.71.1", port: null, service: "ssh" } });
    const mac = netstatLineParser.parse("7fb03cb934b5a20d   e03584 udp4       0      0  *.53910            *.*");
    expect(mac.ok && mac.value).toMatchObject({ form: "bsd", proto: "udp4", local: { ip: "*", port: 53910 } });
    const bsdUnix = netstatLineParser.parse("fffff80003ab6c00 dgram       0      0 fffff80003c59d20                0 fffff80003ac3e00                0 /var/run/logpriv");
    expect(bsdUnix.ok && bsdUnix.value).toMatchObject({ record: "unix-socket", type: "DGRAM", path: "/var/run/logpriv", kernel: { vnode: "fffff80003c59d20", conn: null } });
    const unix = netstatLineParser.parse("unix  2      [ ACC ]     STREAM     LISTENING     48563    20759/python3        @corpus-ux");
    expect(unix.ok && unix.value).toMatchObject({ record: "unix-socket", refCnt: 2, flags: ["ACC"], type: "STREAM", state: "LISTENING", inode: 48563, pid: 20759, path: "@corpus-ux" });
  });
});

describe("a socket listing as an analyze input", () => {
  it("reports a line that is no netstat line as unparsed, with its line number", async () => {
    const text = [
      "Active Internet connections (servers and established)",
      "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name",
      "tcp        0      1 127.0.0.1:60632         127.0.0.1:12345         SYN_SENT    4242/telnet",
      "this line was typed by a person",
    ].join("\n");
    const r = await analyzeText(text, "pasted");
    expect(r.inputs[0]).toMatchObject({ format: "netstat", unparsed: 1 });
    expect(r.unparsed).toEqual([{ input: "pasted", line: 4, text: "this line was typed by a person", reason: "not a netstat row, header, statistics, route or interface line" }]);
  });
});
