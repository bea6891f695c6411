// Whatever people paste or upload: the seed article whole, a real terminal
// session against the same commands' outputs as files, folders, --format,
// client messages, sysctl settings and redacted values.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { analyzeFiles, runPipeline } from "../src/index.js";
import type { PipelineResult } from "../src/pipeline.js";
import { sysctlLineParser } from "../src/settings/grammar.js";
import { transcriptLineParser } from "../src/transcript/grammar.js";
import { FIXTURES, SHARED } from "./helpers/paths.js";
import { runCli } from "./helpers/cli.js";

const SEED = join(SHARED, "seed", "000_883c01d3c7a55c22.txt");
const SESSION = join(FIXTURES, "session-drop-r2");
const text = (name: string, body: string) => ({ name, open: async () => Readable.from([Buffer.from(body)]) });

const cli = (args: string[], stdin?: string) => runCli(args, stdin, 200);

/** What an attempt says, without input names (they differ between a session and files). */
function answers(r: PipelineResult) {
  return r.attempts.map((a) => ({
    client: a.client,
    server: a.server,
    outcome: a.outcome,
    errno: a.errno,
    syns: a.syn.sent,
    tcpSynRetries: a.inferred.tcpSynRetries,
    firewall: a.firewall && { chain: a.firewall.chain, rule: a.firewall.rule, target: a.firewall.target },
    process: a.process,
  }));
}

describe("the seed article as one file", async () => {
  const r = await analyzeFiles([SEED]);

  it("finds the attempt with its SYNs, settings, rule and process, and the strace run beside it", () => {
    expect(r.attempts).toHaveLength(2);
    const [captured, traced] = r.attempts;
    expect(captured).toMatchObject({
      client: { ip: "127.0.0.1", port: 60632 },
      server: { ip: "127.0.0.1", port: 12345 },
      outcome: "timeout",
      errno: "ETIMEDOUT",
      syn: { sent: 6, retransmits: 5 },
      process: { command: "telnet" }, // the netstat row
      firewall: { table: "filter", chain: "INPUT", rule: 1, target: "DROP" },
      inferred: { tcpSynRetries: 5, linearTimeouts: 0, timeoutSeconds: 63 },
    });
    // strace's telnet ran at 03:45, the capture at 17:37: another run, not merged (issue 3), same rule
    expect(traced).toMatchObject({
      server: { ip: "127.0.0.1", port: 12345 },
      outcome: "timeout",
      errno: "ETIMEDOUT",
      errnoSource: "strace",
      durationSeconds: 63.023684,
      process: { command: "telnet" },
      firewall: { chain: "INPUT", rule: 1, target: "DROP" },
      inferred: { tcpSynRetries: 5 },
    });
    // the DROP rule is the one under "存在することを確認します" (line 82), the sysctl value line 132
    expect(r.diagnoses.find((d) => d.code === "FIREWALL_RULE")!.evidence).toEqual([{ input: `${SEED}#2`, line: 82 }]);
    const sysctl = r.diagnoses.find((d) => d.code === "SYSCTL_CONSISTENT")!;
    expect(sysctl.message).toContain("tcp_syn_retries is 5 here");
    expect(sysctl.message).toContain("6 SYNs at 0, 1, 3, 7, 15, 31 s: consistent");
    expect(sysctl.evidence).toEqual([{ input: `${SEED}#5`, line: 132 }]);
    // `time telnet`'s own words: ETIMEDOUT after about 63 s (real 1m3.xxxs), true of both attempts
    const client = r.diagnoses.find((d) => d.code === "CLIENT_REPORTS")!;
    expect(client.message).toContain("telnet failed with ETIMEDOUT after about 63 s (time: real)");
    expect(client.attempts).toEqual([1, 2]);
  });

  it("splits it into sections by command and content, with no unparsed line", () => {
    expect(r.inputs[0]).toMatchObject({ name: SEED, format: "transcript", lines: 179, unparsed: 0 });
    expect(r.inputs[0]!.text).toBeGreaterThan(70);
    expect(r.inputs.slice(1).map((i) => [i.name.slice(SEED.length), i.format, i.section!.line, i.lines, i.unparsed])).toEqual([
      ["#1", "iptables", 70, 2, 0], // the ACCEPT and REJECT rules quoted after prose (the command printed nothing)
      ["#2", "iptables", 82, 1, 0], // the DROP rule, also quoted after prose
      ["#3", "tcpdump", 96, 2, 0], // tcpdump's banner
      ["#4", "tcpdump", 112, 6, 0], // the six SYNs, pasted without their command
      ["#5", "sysctl", 131, 1, 0],
      ["#6", "netstat", 141, 1, 0],
      ["#7", "strace", 149, 6, 0],
    ]);
    expect(r.inputs[4]!.formatReason).toBe("its lines are tcpdump output (no command before them)");
    expect(r.unparsed).toEqual([]);
  });

  it("says the strace run is another run, not merged", () => {
    const d = r.diagnoses.find((x) => x.code === "INPUTS_FROM_DIFFERENT_RUNS")!;
    expect(d.message).toContain("(17:37:32-17:37:32)");
    expect(d.message).toContain("(03:45:49-03:45:49)");
    expect(d.message).toContain("their evidence is not merged");
  });
});

describe("a real terminal session and the same commands' outputs as files (session-drop-r2)", async () => {
  const session = await analyzeFiles([join(SESSION, "session.txt")]);
  // sysctl -n prints a bare value: alone in a file it has no key, so it is left out
  const files = readdirSync(join(SESSION, "files"))
    .filter((f) => f !== "sysctl.txt")
    .sort()
    .map((f) => join(SESSION, "files", f));
  const separate = await analyzeFiles(files);

  it("reads every section of the session with no unparsed line", () => {
    expect(session.inputs.map((i) => i.format)).toEqual(["transcript", "sysctl", "sysctl", "iptables", "ss", "netstat", "tcpdump", "strace"]);
    expect(session.inputs.every((i) => i.unparsed === 0)).toBe(true);
  });

  it("gives the same rule, process, settings and outcome as the files", () => {
    const [captured, traced] = answers(session);
    expect(captured).toMatchObject({
      server: { ip: "127.0.0.1", port: 12345 },
      outcome: "timeout",
      errno: "ETIMEDOUT",
      syns: 3,
      tcpSynRetries: 2,
      firewall: { chain: "INPUT", rule: 1, target: "DROP" },
      process: { command: "telnet" },
    });
    expect(captured!.process!.pid).toBeGreaterThan(0); // from ss/netstat
    expect(traced).toMatchObject({ outcome: "timeout", errno: "ETIMEDOUT", syns: 0, tcpSynRetries: 2, process: { command: "telnet" } });
    expect(answers(separate)).toEqual(answers(session));
    const codes = session.diagnoses.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(["SYN_TIMEOUT", "FIREWALL_RULE", "CLIENT_REPORTS", "SYSCTL_CONSISTENT", "INPUTS_FROM_DIFFERENT_RUNS"]));
    expect(codes).not.toContain("SYN_SENT_SNAPSHOT"); // ss and netstat show the captured socket, not another attempt
  });

  it("a folder of the files gives the same report as naming them one by one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tcpdiag-folder-"));
    mkdirSync(join(dir, "more"));
    files.forEach((f, i) => copyFileSync(f, join(dir, i % 2 ? "more" : "", `log${i}.txt`)));
    copyFileSync(join(FIXTURES, "drop-exp-r5", "capture.pcap"), join(dir, "more", "capture.bin"));
    const folder = await cli(["analyze", "--json", dir]);
    expect(folder.code).toBe(0);
    expect(folder.stderr).toContain("skipped: is a binary capture (pcap/pcapng)");
    const named = readdirSync(dir, { recursive: true })
      .map(String)
      .map((f) => join(dir, f))
      .filter((f) => f.endsWith(".txt"))
      .sort();
    const one = await cli(["analyze", "--json", ...named]);
    const a = JSON.parse(folder.stdout);
    const b = JSON.parse(one.stdout);
    expect(a.attempts).toEqual(b.attempts);
    expect(a.diagnoses).toEqual(b.diagnoses);
    const fromFolder = a.inputs.filter((i: { name: string }) => i.name.endsWith(".txt"));
    expect(fromFolder.every((i: { folder?: string }) => i.folder === dir)).toBe(true);
    expect(fromFolder.map(({ folder: _, ...rest }: { folder?: string }) => rest)).toEqual(b.inputs);
    expect(answers({ ...a } as PipelineResult)).toEqual(answers(separate));
  });
});

describe("a real session with sudo, a user's prompt, REJECT and DROP (session-reject-sudo)", async () => {
  const dir = join(FIXTURES, "session-reject-sudo");
  const session = await analyzeFiles([join(dir, "session.txt")]);
  const separate = await analyzeFiles([join(dir, "files")]);
  const captured = (r: PipelineResult) => answers(r).filter((a) => a.syns > 0);

  it("reads every section with no unparsed line", () => {
    expect(session.inputs.map((i) => i.format)).toEqual(["transcript", "iptables", "sysctl", "ss", "netstat", "tcpdump", "strace"]);
    expect(session.inputs.every((i) => i.unparsed === 0)).toBe(true);
    expect(separate.inputs.every((i) => i.unparsed === 0)).toBe(true);
  });

  it("names the rule and the process of each attempt, as the files do", () => {
    const [curl, nc] = captured(session);
    expect(curl).toMatchObject({ server: { port: 12348 }, outcome: "unreachable", errno: "EHOSTUNREACH", firewall: { chain: "INPUT", rule: 1, target: "REJECT" }, process: { command: "curl" } });
    // nc -w 3 stops at 3 s: its own words say so, and the sysctl (6, linear 4) says the kernel would go on
    expect(nc).toMatchObject({ server: { port: 12345 }, outcome: "app-timeout", errno: null, syns: 3, firewall: { chain: "INPUT", rule: 2, target: "DROP" }, process: { command: "nc" } });
    expect(nc!.process!.pid).toBeGreaterThan(0);
    expect(answers(separate)).toEqual(answers(session));
    const differs = session.diagnoses.find((d) => d.code === "SYSCTL_DIFFERS")!;
    expect(differs.message).toContain("tcp_syn_retries is 6 and tcp_syn_linear_timeouts 4 here, so the kernel would send 11 SYNs over 131 s");
    expect(session.diagnoses.find((d) => d.code === "FIREWALL_RULE" && d.message.includes("12348"))!.message).toContain("rejected (icmp-host-prohibited) by INPUT rule 1");
  });
});

describe("files and standard input together", () => {
  it("analyze FILE - reads both into one analysis", async () => {
    const listing = readFileSync(join(SESSION, "files", "iptables.txt"), "utf8");
    const r = await cli(["analyze", "--json", join(SESSION, "files", "tcpdump.txt"), "-"], listing);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.inputs.map((i: { name: string; format: string }) => [i.name.replace(/.*\//, ""), i.format])).toEqual([
      ["tcpdump.txt", "tcpdump"],
      ["<stdin>", "iptables"],
    ]);
    expect(report.attempts[0].firewall).toMatchObject({ chain: "INPUT", rule: 1, target: "DROP" });
    expect(report.diagnoses.find((d: { code: string }) => d.code === "FIREWALL_RULE").evidence).toEqual([{ input: "<stdin>", line: 3 }]);
  });
});

describe("--format and --explain", () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpdiag-format-"));

  it("overrides detection for every input or for one, and says why with --explain", async () => {
    const iptables = join(SESSION, "files", "iptables.txt");
    const r = await cli(["analyze", "--explain", "--format", `netstat:${iptables}`, iptables]);
    expect(r.stdout).toContain(`${iptables}: netstat, 3 lines, 0 parsed, 3 unparsed`);
    expect(r.stdout).toContain("why netstat: given with --format");
    expect(r.stderr).toContain("no line is netstat output");
    expect(r.code).toBe(3);
    const auto = await cli(["analyze", "--explain", iptables]);
    expect(auto.stdout).toContain("why iptables: of the first 3 lines, these prove a format: iptables 3");
  });

  it("refuses an unknown format name with exit 2", async () => {
    const r = await cli(["analyze", "--format", "pcap", join(dir, "x")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--format takes one of tcpdump, strace, netstat, ss, iptables, iptables-save, nft, sysctl, transcript");
  });

  it("reads a bare sysctl -n value with the key given by the command", async () => {
    const file = join(dir, "values.txt");
    writeFileSync(file, readFileSync(join(SESSION, "files", "sysctl.txt")));
    const alone = await analyzeFiles([file]);
    expect(alone.unparsed[0]!.reason).toBe("no tool this reads prints such a line");
    const forced = await runPipeline([text("v", "2\n")], { format: "sysctl" });
    expect(forced.unparsed[0]!.reason).toContain("a value without its key");
  });
});

describe("what clients and sysctl print", () => {
  it("reads every client message in the fixtures' real client output", () => {
    const lines = readdirSync(FIXTURES)
      .flatMap((d) => {
        try {
          return readFileSync(join(FIXTURES, d, "client.txt"), "utf8").split("\n");
        } catch {
          return [];
        }
      })
      .filter((l) => /^(?:curl|nc|telnet): /.test(l) && !/^nc: (?:nc: |: )/.test(l));
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) {
      const all = transcriptLineParser.parseAll(l);
      expect(all, l).toHaveLength(1);
      const rec = all[0]!;
      expect(rec.record, l).toBe("client");
      if (rec.record !== "client") continue;
      if (/Timeout was reached/.test(l)) expect(rec, l).toMatchObject({ event: "gave-up", errno: null });
      else if (/timed out/.test(l)) expect(rec, l).toMatchObject({ event: "failed", errno: "ETIMEDOUT" });
      else if (/refused/.test(l)) expect(rec, l).toMatchObject({ event: "failed", errno: "ECONNREFUSED" });
      else expect(rec, l).toMatchObject({ event: "failed" });
    }
    const curl = transcriptLineParser.parse("curl: (7) Failed to connect to 127.0.0.1 port 12350 after 0 ms: Couldn't connect to server");
    expect(curl.ok && curl.value).toMatchObject({ program: "curl", host: "127.0.0.1", port: 12350 });
  });

  it("tells prompts from comments and headers", () => {
    const prompt = (l: string) => transcriptLineParser.parse(l).ok;
    expect(prompt("[root@tcpdiag ~]# iptables -n -L INPUT --line-numbers")).toBe(true);
    expect(prompt("$ sudo tcpdump -i lo -nnn port 12345")).toBe(true);
    expect(prompt("user@box:~$ time telnet 127.0.0.1 12345")).toBe(true);
    expect(prompt("# Generated by iptables-save v1.8.9 (nf_tables) on Tue Nov 24 14:12:55 2026")).toBe(false);
    expect(prompt("% time     seconds  usecs/call     calls    errors syscall")).toBe(false);
    expect(prompt("\t% IANA WHOIS server")).toBe(false);
  });

  it("reads sysctl settings in their printed forms", () => {
    const setting = (l: string) => {
      const p = sysctlLineParser.parse(l);
      return p.ok ? p.value : null;
    };
    expect(setting(readFileSync(join(SESSION, "files", "sysctl-linear.txt"), "utf8").trim())).toEqual({ record: "setting", key: "net.ipv4.tcp_syn_linear_timeouts", value: "0" });
    expect(setting("/proc/sys/net/ipv4/tcp_syn_retries:6")).toEqual({ record: "setting", key: "net.ipv4.tcp_syn_retries", value: "6" });
  });

  it("says when the sysctl and the SYN schedule disagree", async () => {
    const capture = readFileSync(join(FIXTURES, "drop-exp-r2", "tcpdump-nn.txt"), "utf8");
    // HAND-WRITTEN: the form sysctl prints, with the kernel default of 6
    const r = await runPipeline([text("capture", capture), text("sysctl", "net.ipv4.tcp_syn_retries = 6\n")]);
    const d = r.diagnoses.find((x) => x.code === "SYSCTL_DIFFERS")!;
    expect(d.message).toContain("implies tcp_syn_retries=2, the sysctl says 6");
    expect(d.evidence).toEqual([{ input: "sysctl", line: 1 }]);
  });
});

describe("redacted values", () => {
  it("keeps an attempt whose addresses and numbers were replaced before pasting", async () => {
    // HAND-EDITED from fixtures/drop-exp-r3/tcpdump-nn.txt: addresses replaced as people do
    const real = readFileSync(join(FIXTURES, "drop-exp-r3", "tcpdump-nn.txt"), "utf8").trim().split("\n");
    const redacted = real.map((l) => l.replace(/127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.12345/, "x.x.x.x.$1 > 10.0.0.X.12345").replace(/seq \d+, .*/, "seq <seq num>, ..."));
    const r = await runPipeline([text("pasted", redacted.join("\n"))]);
    expect(r.unparsed).toEqual([]);
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ server: { ip: "10.0.0.X", port: 12345 }, client: { ip: "x.x.x.x" }, outcome: "timeout", syn: { sent: 4 }, inferred: { tcpSynRetries: 3 } });
  });
});

describe("what a command line means", async () => {
  const { commandMeaning } = await import("../src/transcript/command.js");
  it.each([
    ["ssh -i key.pem -p 2222 admin@db1", { program: "ssh", server: { host: "db1", port: 2222 } }],
    ["curl -o out.html --connect-timeout 2 http://h:8080/x", { program: "curl", server: { host: "h", port: 8080 }, timeoutSeconds: 2 }],
    ["telnet backend http", { program: "telnet", server: { host: "backend", port: 80 } }],
    ["nc -zv 10.0.0.2 20-30", { program: "nc", server: { host: "10.0.0.2", port: null } }],
    ["nc -l 8080", { program: "nc", server: null }],
    ["time nc -w 3 10.0.0.2 12345", { program: "nc", server: { host: "10.0.0.2", port: 12345 }, timeoutSeconds: 3, timed: true }],
    ["sudo strace -fp 1234", { format: "strace", program: null }],
    ["strace -f -o /tmp/t curl http://127.0.0.1:1/", { format: null, program: "curl" }],
    ["sudo iptables -t raw -n -L", { format: "iptables", table: "raw" }],
    ["ss -tan state syn-sent", { format: "ss", state: "syn-sent" }],
    ["cat /proc/sys/net/ipv4/tcp_syn_retries", { format: "sysctl", keys: ["net.ipv4.tcp_syn_retries"] }],
    ["python3 -m http.server 8080", { program: "python3", server: null }],
  ])("%s", (command, meaning) => {
    expect(commandMeaning(command)).toMatchObject(meaning);
  });
});

describe("sessions as people paste them", () => {
  const real = readFileSync(join(SESSION, "session.txt"), "utf8");

  it("reads a Markdown-indented or quoted session like the plain one", async () => {
    const plain = answers(await runPipeline([text("s", real)]));
    for (const prefix of ["    ", "\t", "> "]) {
      const pasted = real.split("\n").map((l) => (l ? prefix + l : l)).join("\n");
      const r = await runPipeline([text("s", pasted)]);
      expect(answers(r), JSON.stringify(prefix)).toEqual(plain);
      expect(r.inputs.every((i) => i.unparsed === 0), JSON.stringify(prefix)).toBe(true);
    }
  });

  it("keeps the indentation of tool output that has its own (tcpdump -v, ss -i)", async () => {
    const v = readFileSync(join(FIXTURES, "concurrent-mixed", "tcpdump-v.txt"), "utf8");
    const ssi = readFileSync(join(SHARED, "corpus", "local", "ss", "ss-tanpi.txt"), "utf8");
    const pasted = `$ sudo tcpdump -v -nn -i lo port 12345\n${v}$ ss -tanpi\n${ssi}`;
    const r = await runPipeline([text("s", pasted)]);
    expect(r.inputs.map((i) => [i.format, i.unparsed])).toEqual([["transcript", 0], ["tcpdump", 0], ["ss", 0]]);
    const alone = await runPipeline([text("v", v)]);
    const captured = r.attempts.filter((a) => a.syn.sent > 0); // the ss listing adds its own SYN_SENT rows
    expect(captured.map((a) => [a.outcome, a.syn.sent])).toEqual(alone.attempts.map((a) => [a.outcome, a.syn.sent]));
  });

  it("recognises prompts of many shells", () => {
    for (const l of [
      "user@Mac ~ % nc -zv 127.0.0.1 12345",
      "(venv) user@h:~$ python3 client.py",
      "user@h:~/src (main)$ curl http://127.0.0.1:8080/",
      "bash-5.1$ ss -tanp",
      "Mac:~ user$ netstat -an",
      "root@srv:/# iptables -S",
    ]) {
      const p = transcriptLineParser.parse(l);
      expect(p.ok && p.value.record, l).toBe("prompt");
    }
  });

  it("takes prose for prose, not for tool output", async () => {
    const { formatOfLine } = await import("../src/formats/detect.js");
    for (const l of ["# Incident notes", "Chain of events:", "--- 10.0.0.1 ping statistics ---", "1 packets transmitted, 1 received, 0% packet loss, time 0ms", "Kernel panics are rare", "State of the art", "tcp connections time out after 2 minutes"]) {
      expect(formatOfLine(l), l).toBeNull();
    }
  });

  it("keeps sysctl -n values with their keys when a key is missing", async () => {
    // HAND-WRITTEN session shape; the messages are sysctl's and cat's own on a kernel without the key
    const r = await runPipeline([
      text(
        "s",
        [
          "$ sysctl -n net.ipv4.tcp_syn_linear_timeouts net.ipv4.tcp_syn_retries",
          "sysctl: cannot stat /proc/sys/net/ipv4/tcp_syn_linear_timeouts: No such file or directory",
          "6",
        ].join("\n"),
      ),
      text("capture", readFileSync(join(FIXTURES, "drop-exp-r2", "tcpdump-nn.txt"), "utf8")),
    ]);
    const d = r.diagnoses.find((x) => x.code === "SYSCTL_DIFFERS")!;
    expect(d.message).toContain("the sysctl says 6");
    expect(d.evidence).toEqual([{ input: "s#1", line: 3 }]);
  });

  it("ties a client's words to an attempt only when they name its server, and only claim what they say", async () => {
    const capture = readFileSync(join(FIXTURES, "drop-exp-r2", "tcpdump-nn.txt"), "utf8");
    // a server program stopped with ^C says nothing about the capture's attempt
    const server = await runPipeline([text("s", "$ python3 -m http.server 8080\nServing HTTP on 0.0.0.0 port 8080 (http://0.0.0.0:8080/) ...\n^C\n"), text("c", capture)]);
    expect(server.attempts.map((a) => a.outcome)).toEqual(["timeout"]);
    // curl's "Couldn't connect to server" (real, fixtures/strace-curl-refused/client.txt) names no errno: outcome unknown
    const curl = await runPipeline([text("s", "$ curl -sS http://127.0.0.1:12350/\ncurl: (7) Failed to connect to 127.0.0.1 port 12350 after 0 ms: Couldn't connect to server\n")]);
    expect(curl.attempts).toMatchObject([{ server: { ip: "127.0.0.1", port: 12350 }, outcome: "unknown", errno: null, process: { command: "curl" } }]);
    // curl's own timeout (28) is the application giving up, not the kernel's ETIMEDOUT
    const gaveUp = transcriptLineParser.parse("curl: (28) Failed to connect to 127.0.0.1 port 12345 after 2001 ms: Timeout was reached");
    expect(gaveUp.ok && gaveUp.value).toMatchObject({ event: "gave-up", errno: null });
  });

  it("turns into a session at the first prompt after a long capture pasted before it", async () => {
    const capture = readFileSync(join(FIXTURES, "concurrent-mixed", "tcpdump-v.txt"), "utf8").trimEnd();
    const lines = capture.split("\n").length;
    expect(lines).toBeGreaterThan(50); // past what detection looks at
    const r = await runPipeline([text("paste", `${capture}\n${real}`)]);
    expect(r.inputs[0]!.format).toBe("transcript");
    expect(r.inputs[0]!.formatReason).toContain(`from line ${lines + 1} on, a terminal session`);
    expect(r.inputs.slice(1).map((i) => i.format)).toEqual(["sysctl", "sysctl", "iptables", "ss", "netstat", "tcpdump", "strace"]);
    expect(r.inputs.every((i) => i.unparsed === 0)).toBe(true);
    const alone = await runPipeline([text("capture", capture)]);
    expect(r.attempts.length).toBe(alone.attempts.length + 2);
  });

  it("counts a session's own lines apart from its sections'", async () => {
    const r = await runPipeline([text("s", real)]);
    const [session, ...sections] = r.inputs;
    const sectionLines = sections.reduce((n, i) => n + i.lines, 0);
    expect(session!.parsed + session!.unparsed + session!.text + session!.blank + sectionLines).toBe(session!.lines);
    expect(session!.parsed).toBe(real.split("\n").filter((l) => /^\[root@tcpdiag ~\]# /.test(l)).length + 5); // prompts; telnet's two lines and time's three
  });

  it("a notes file in a folder of logs is said, not an error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tcpdiag-notes-"));
    copyFileSync(join(SESSION, "files", "tcpdump.txt"), join(dir, "capture.txt"));
    writeFileSync(join(dir, "notes.txt"), "the client hangs, then says it timed out\n");
    const r = await cli(["analyze", "--json", dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("notes.txt: no line is tcpdump");
  });
});
