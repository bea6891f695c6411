// The command line: outputs, the JSON contract, exit codes, bad input.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { EXIT } from "../src/cli.js";
import { FIXTURES, ROOT, SHARED } from "./helpers/paths.js";
import { runCli } from "./helpers/cli.js";

const run = (args: string[], stdin?: string) => runCli(args, stdin, 120);

const tmp = mkdtempSync(join(tmpdir(), "tcpdiag-cli-"));
const file = (name: string, content: string | Buffer) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};
const dropR5 = join(FIXTURES, "drop-exp-r5", "tcpdump-nn.txt");
const dropR5Text = readFileSync(dropR5, "utf8");

describe("tcpdiag analyze", () => {
  it("prints the attempt and the diagnosis in plain words", async () => {
    const r = await run(["analyze", dropR5]);
    expect(r.code).toBe(EXIT.OK);
    const clientPort = JSON.parse(readFileSync(join(FIXTURES, "drop-exp-r5", "expected.json"), "utf8")).attempts[0].client.port;
    expect(r.stdout).toContain(`127.0.0.1:${clientPort} -> 127.0.0.1:12345`);
    expect(r.stdout).toContain("timeout");
    const words = r.stdout.replace(/[│\s]+/g, " ");
    expect(words).toContain("backoff 1,2,4,8,16 s fits tcp_syn_retries=5 with exponential backoff");
    expect(r.stdout).toContain("SYN_TIMEOUT");
    expect(r.stderr).toBe("");
  });

  it("--json conforms to ../shared/spec/report.schema.json", async () => {
    const schema = JSON.parse(readFileSync(join(SHARED, "spec", "report.schema.json"), "utf8"));
    const validate = new Ajv2020({ strict: false }).compile(schema);
    for (const scenario of ["drop-exp-r5", "concurrent-mixed", "reject-icmp-port", "synack-retransmit", "ipv6-drop-r3"]) {
      const r = await run(["analyze", "--json", join(FIXTURES, scenario, "tcpdump-v.txt")]);
      expect(r.code).toBe(EXIT.OK);
      const report = JSON.parse(r.stdout);
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
      expect(report.tool).toBe("tcpdiag");
      expect(report.attempts.length).toBeGreaterThan(0);
    }
    // sessions (sections, client messages, settings) and listings with a table
    const sessions = [
      [join(SHARED, "seed", "000_883c01d3c7a55c22.txt")],
      [join(FIXTURES, "session-reject-sudo", "session.txt")],
      [join(FIXTURES, "tables-raw-mangle-nat", "tcpdump-nn.txt"), join(FIXTURES, "tables-raw-mangle-nat", "iptables-save-c.txt")],
    ];
    for (const files of sessions) {
      const r = await run(["analyze", "--json", ...files]);
      expect(r.code).toBe(EXIT.OK);
      const report = JSON.parse(r.stdout);
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
      expect(report.attempts.length).toBeGreaterThan(0);
    }
  });

  it("reads standard input when given - or no file", async () => {
    for (const args of [["analyze", "--json"], ["analyze", "--json", "-"]]) {
      const r = await run(args, dropR5Text);
      const report = JSON.parse(r.stdout);
      expect(report.inputs[0].name).toBe("<stdin>");
      expect(report.attempts[0].inferred.tcpSynRetries).toBe(5);
    }
  });

  it("one report over several inputs", async () => {
    const r = await run(["analyze", "--json", dropR5, join(FIXTURES, "no-listener", "tcpdump-nn.txt")]);
    const report = JSON.parse(r.stdout);
    expect(report.inputs).toHaveLength(2);
    expect(report.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(["timeout", "refused"]);
  });

  it("exit 3 and one line for a missing file", async () => {
    const r = await run(["analyze", join(tmp, "nope.txt")]);
    expect(r.code).toBe(EXIT.UNREADABLE);
    expect(r.stderr.trim().split("\n")).toEqual([`tcpdiag: ${join(tmp, "nope.txt")}: no such file`]);
  });

  it("exit 3 for a pcap file, naming what to do", async () => {
    const r = await run(["analyze", join(FIXTURES, "drop-exp-r5", "capture.pcap")]);
    expect(r.code).toBe(EXIT.UNREADABLE);
    expect(r.stderr).toContain("is a binary capture (pcap/pcapng), not text");
    expect(r.stderr).toContain("tcpdump -nn -r FILE");
  });

  it("exit 3 for binary data and for text that is not tcpdump output", async () => {
    const bin = await run(["analyze", file("bin.dat", Buffer.from([1, 2, 0, 3, 10, 0, 0]))]);
    expect(bin.code).toBe(EXIT.UNREADABLE);
    expect(bin.stderr).toContain("binary data");
    const garbage = await run(["analyze", "--json", file("garbage.txt", "hello world\nthis is not a capture\n")]);
    expect(garbage.code).toBe(EXIT.UNREADABLE);
    expect(garbage.stderr).toContain("no line is tcpdump, strace, netstat, ss, iptables, nft or sysctl output");
    const report = JSON.parse(garbage.stdout);
    expect(report.unparsed.map((u: { line: number }) => u.line)).toEqual([1, 2]);
    expect(report.unparsed[0].reason).toBe("no tool this reads prints such a line");
    expect(report.inputs[0]).toMatchObject({ format: "unknown", unparsed: 2, text: 0 });
  });

  it("an empty input is said, exit 3 (no readable input)", async () => {
    const r = await run(["analyze", file("empty.txt", "")]);
    expect(r.code).toBe(EXIT.UNREADABLE);
    expect(r.stderr).toContain("the input is empty");
    expect(r.stdout).toContain("No TCP connection attempt");
  });

  it("CRLF and invalid UTF-8 are read, and said", async () => {
    const crlf = await run(["analyze", "--json", file("crlf.txt", dropR5Text.replace(/\n/g, "\r\n"))]);
    expect(crlf.code).toBe(EXIT.OK);
    expect(crlf.stderr).toContain("6 lines end with CRLF");
    expect(JSON.parse(crlf.stdout).attempts[0].syn.sent).toBe(6);
    const bad = Buffer.concat([Buffer.from(dropR5Text), Buffer.from([0xff, 0xfe, 0x41, 10])]);
    const r = await run(["analyze", "--json", file("utf8.txt", bad)]);
    expect(r.stderr).toContain("1 lines are not valid UTF-8");
    expect(JSON.parse(r.stdout).inputs[0]).toMatchObject({ parsed: 6, unparsed: 1 });
  });

  it("a line over 4 MiB is reported, not parsed, and the rest still is", async () => {
    const huge = `${dropR5Text}${"x".repeat(5 * 1024 * 1024)}\n${dropR5Text}`;
    const r = await run(["analyze", "--json", file("huge.txt", huge)]);
    const report = JSON.parse(r.stdout);
    expect(report.unparsed).toEqual([
      expect.objectContaining({ line: 7, reason: "line longer than 4 MiB: not parsed" }),
    ]);
    expect(report.inputs[0].parsed).toBe(12);
  });

  it("usage errors exit 2", async () => {
    expect((await run(["analyse"])).code).toBe(EXIT.USAGE);
    expect((await run([])).code).toBe(EXIT.USAGE);
    expect((await run(["analyze", "--relative-times", "sideways", dropR5])).code).toBe(EXIT.USAGE);
  });

  it("--help exits 0 and names both commands", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toContain("analyze [files..]");
    expect(r.stdout).toContain("parse [files..]");
  });
});

describe("tcpdiag parse", () => {
  it("prints one JSON object per record with input, line, format, type and fields", async () => {
    const file = join(FIXTURES, "drop-exp-r5", "tcpdump-live-any.txt");
    const r = await run(["parse", file]);
    expect(r.code).toBe(EXIT.OK);
    // the values of the first SYN line, read here with a regular expression
    const first = readFileSync(file, "utf8").split("\n")[3]!;
    const m = /^(\d\d):(\d\d):(\d\d\.\d+) lo +In +IP 127\.0\.0\.1\.(\d+) > .* seq (\d+), win (\d+), options \[mss 65495,sackOK,TS val (\d+) ecr 0,nop,wscale (\d+)\]/.exec(first)!;
    const records = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const tcp = records.filter((x) => x.type === "tcp");
    expect(tcp).toHaveLength(6);
    expect(tcp[0]).toMatchObject({
      format: "tcpdump",
      line: 4,
      src: { ip: "127.0.0.1", port: Number(m[4]) },
      dst: { ip: "127.0.0.1", port: 12345 },
      flags: "S",
      seq: Number(m[5]),
      win: Number(m[6]),
      length: 0,
      options: ["mss 65495", "sackOK", `TS val ${m[7]} ecr 0`, "nop", `wscale ${m[8]}`],
      timestamp: `${m[1]}:${m[2]}:${m[3]}`,
    });
    expect(tcp[0].seconds).toBeCloseTo(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]), 6);
    expect(records.filter((x) => x.type === "banner").map((x) => x.line)).toEqual([1, 2, 3]);
  });

  it("maps service names to port numbers and keeps host names as printed", async () => {
    const r = await run(["parse", join(FIXTURES, "established-http", "tcpdump-default.txt")]);
    const first = JSON.parse(r.stdout.split("\n")[0]!);
    expect(first.dst).toEqual({ ip: "localhost", port: 8080 });
  });
});

describe("tcpdiag parse of firewall listings", () => {
  it("prints rules with their chain, fields and decoded match, and chains", async () => {
    const r = await run(["parse", join(SHARED, "corpus", "local", "iptables", "iptables-L-n-v--line-numbers.txt")]);
    const records = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ format: "iptables", type: "chain", chain: "INPUT", policy: "ACCEPT", packets: 0 });
    expect(records.find((x) => x.type === "rule" && x.num === 2)).toMatchObject({
      chain: "INPUT",
      target: "REJECT",
      prot: "6",
      opt: "--",
      in: "*",
      options: "tcp dpt:12346 reject-with tcp-reset",
      match: { protocol: "tcp", dports: ["12346"], reject: "tcp-reset" },
    });
  });
});

describe("the installed command", () => {
  it("runs from bin/ on a fixture", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "tcpdiag.js"), "analyze", "--json", dropR5], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).attempts[0].outcome).toBe("timeout");
  });

  it("exits 2 on a usage error", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "tcpdiag.js"), "bogus"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown argument");
  });
});

describe("help and version", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

  it("-V and --version print the package's version", async () => {
    for (const flag of ["-V", "--version"]) {
      const r = await run([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it("-h, --help and `help` print the usage; `help analyze` and `analyze --help` the command's", async () => {
    for (const args of [["-h"], ["--help"], ["help"]]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toContain("tcpdiag analyze [files..]");
      expect(r.stdout).toContain("tcpdiag parse [files..]");
    }
    for (const args of [["help", "analyze"], ["analyze", "--help"], ["analyze", "-h"]]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toContain("--relative-times");
      expect(r.stdout).not.toContain("tcpdiag parse [files..]");
    }
  });

  it("wraps help text between words at any width", async () => {
    // every word of the help texts, as written in the source
    const source = ["cli.ts", "exit-code.ts"].map((f) => readFileSync(join(ROOT, "src", f), "utf8")).join("\n");
    const words = new Set(source.match(/[a-z]{4,}/g));
    for (const columns of [40, 60, 80, 100]) {
      const r = await runCli(["analyze", "--help"], undefined, columns);
      const lines = r.stdout.split("\n");
      expect(Math.max(...lines.map((l) => l.trimEnd().length)), `${columns} columns`).toBeLessThanOrEqual(columns);
      // a word cut at the line's end leaves a fragment that is no word of the source
      for (const line of lines) {
        const last = /([a-z]+)$/.exec(line.trimEnd())?.[1];
        if (last && last.length >= 4) expect(words.has(last), `${columns} columns: ${JSON.stringify(line)}`).toBe(true);
      }
    }
  });
});

describe("standard input on a terminal", () => {
  it("gets a hint on stderr before tcpdiag waits for text there", async () => {
    const { main } = await import("../src/cli.js");
    let stderr = "";
    let stdout = "";
    const code = await main(["analyze", "--no-live", "--json"], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      stdin: Readable.from([Buffer.from(dropR5Text)]),
      stdinIsTerminal: true,
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^tcpdiag: reading standard input: paste tool output and end with Ctrl-D/);
    expect(JSON.parse(stdout).inputs[0].name).toBe("<stdin>");
  });

  it("gets no hint when it is a pipe or a file", async () => {
    const r = await run(["analyze", "--json"], dropR5Text);
    expect(r.stderr).toBe("");
  });
});
