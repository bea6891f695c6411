// Live mode end to end, for real: a tcpdump -l in a network namespace of
// this test's own, piped into tcpdiag, while real clients connect to a DROP
// rule (tcp_syn_retries=2, tcp_syn_linear_timeouts=0: SYNs at 0, 1 and 3 s,
// ETIMEDOUT at 7 s), a REJECT with tcp-reset, a REJECT with
// icmp-port-unreachable and a listening server. Needs root, ip netns,
// tcpdump, iptables and python3; skipped (and says why) without them. Touches
// nothing outside its namespace, which it deletes.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/paths.js";

const NS = `tcpdiag-live-${process.pid}`;
const TOOLS = ["ip", "tcpdump", "iptables", "python3"];
const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
const why =
  process.getuid?.() !== 0 ? "not root" : missing.length > 0 ? `missing ${missing.join(", ")}` : spawnSync("ip", ["netns", "add", NS]).status !== 0 ? "ip netns add failed" : null;
if (why) console.warn(`live-netns: skipped (${why})`);

const inNs = (...argv: string[]) => execFileSync("ip", ["netns", "exec", NS, ...argv], { timeout: 10_000 });
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  if (!why) spawnSync("ip", ["netns", "del", NS], { timeout: 10_000 });
});

interface Seen {
  text: string;
  at: number;
}

describe.skipIf(why !== null)("live: tcpdump -l in a namespace, piped into tcpdiag", () => {
  it("predicts, then decides timeout, refusals and a success while the pipe is open", async () => {
    inNs("ip", "link", "set", "lo", "up");
    inNs("sysctl", "-qw", "net.ipv4.tcp_syn_retries=2");
    spawnSync("ip", ["netns", "exec", NS, "sysctl", "-qw", "net.ipv4.tcp_syn_linear_timeouts=0"]);
    inNs("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "12345", "-j", "DROP");
    inNs("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "12346", "-j", "REJECT", "--reject-with", "tcp-reset");
    inNs("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "12347", "-j", "REJECT", "--reject-with", "icmp-port-unreachable");
    const server = spawn("ip", ["netns", "exec", NS, "timeout", "30", "python3", join(ROOT, "scripts/capture/server.py"), "--lifetime", "25", "127.0.0.1", "8080"], { stdio: "ignore" });
    children.push(server);

    const start = performance.now();
    const now = () => performance.now() - start;
    const packets: Seen[] = [];
    const out: Seen[] = [];
    const tcpdiag = spawn(process.execPath, [join(ROOT, "bin", "tcpdiag.js"), "analyze", "--json"], { stdio: ["pipe", "pipe", "pipe"] });
    const tcpdump = spawn("ip", ["netns", "exec", NS, "timeout", "-s", "INT", "40", "tcpdump", "-l", "-nn", "-i", "lo", "tcp or icmp"], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(tcpdiag, tcpdump);
    const lines = (stream: NodeJS.ReadableStream, each: (line: string) => void) => {
      let rest = "";
      stream.on("data", (d: Buffer) => {
        const parts = (rest + d.toString()).split("\n");
        rest = parts.pop()!;
        parts.forEach(each);
      });
    };
    // tcpdump ... 2>&1 | tcpdiag analyze: both of tcpdump's streams into the pipe
    lines(tcpdump.stdout!, (l) => {
      packets.push({ text: l, at: now() });
      tcpdiag.stdin.write(`${l}\n`);
    });
    lines(tcpdump.stderr!, (l) => tcpdiag.stdin.write(`${l}\n`));
    lines(tcpdiag.stdout, (l) => out.push({ text: l, at: now() }));
    const exited = new Promise((r) => tcpdiag.on("exit", r));
    const wait = async (until: () => boolean, ms: number) => {
      const end = now() + ms;
      while (!until() && now() < end) await new Promise((r) => setTimeout(r, 20));
    };
    await wait(() => false, 1500); // tcpdump is listening
    const client = (port: number) =>
      children.push(spawn("ip", ["netns", "exec", NS, "timeout", "20", "python3", join(ROOT, "scripts/capture/client.py"), "--no-data", "127.0.0.1", String(port)], { stdio: "ignore" }));
    [12345, 12346, 12347, 8080].forEach(client);
    const verdicts = () => out.filter((o) => o.text.includes('"event":"verdict"')).map((o) => ({ ...JSON.parse(o.text), at: o.at }));
    await wait(() => verdicts().length >= 4, 15_000);
    const open = now();
    tcpdump.kill("SIGINT");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);

    const to = (port: number) => (text: string) => text.includes(`.${port}: `) || text.includes(`.${port} > `) || text.includes(`tcp port ${port} unreachable`);
    const byPort = (port: number) => verdicts().find((v) => v.server.port === port);
    // DROP: the prediction within 1.5 s after the 3rd SYN, the verdict within 1 s after the predicted time
    const syns = packets.filter((p) => to(12345)(p.text) && /Flags \[S\],/.test(p.text));
    expect(syns).toHaveLength(3);
    const prediction = out.find((o) => o.text.includes('"event":"prediction"') && JSON.parse(o.text).syn.sent === 3)!;
    expect(JSON.parse(prediction.text).prediction.timeoutSeconds).toBe(7);
    expect(prediction.at - syns[2]!.at).toBeLessThan(1500);
    const drop = byPort(12345)!;
    expect(drop).toMatchObject({ outcome: "timeout", errno: "ETIMEDOUT", inferred: { tcpSynRetries: 2, linearTimeouts: 0 } });
    expect(drop.at - (syns[0]!.at + 7000)).toBeLessThan(1000);
    expect(drop.at).toBeLessThan(open);
    // the answers: a verdict within 1 s of each
    for (const [port, outcome, answer] of [
      [12346, "refused", /Flags \[R/],
      [12347, "refused", /ICMP .* unreachable/],
      [8080, "established", /Flags \[S\.\]/],
    ] as const) {
      // the answer connect() took: the last (a local REJECT's first ICMP error arrives while the socket is locked)
      const seen = packets.filter((p) => to(port)(p.text) && answer.test(p.text)).at(-1)!;
      const v = byPort(port)!;
      expect(v.outcome).toBe(outcome);
      expect(v.at - seen.at).toBeLessThan(1000);
      expect(v.at).toBeLessThan(open);
    }
  }, 60_000);
});
