// Hostile and broken input: each bad input gets one clear line and its
// exit code, damaged text is read around the damage, and every line is
// accounted for. The seed article's six SYN lines (tcpdump's own output,
// 17:37:32 to 17:38:03) are the payload that must survive the damage.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { EXIT, exitCode } from "../src/exit-code.js";
import { analyzeFiles } from "../src/index.js";
import { nftLineParser } from "../src/firewall/nft-grammar.js";
import { iptablesSaveLineParser } from "../src/firewall/save-grammar.js";
import { straceGrammar } from "../src/strace/grammar.js";
import { tcpdumpGrammar } from "../src/tcpdump/grammar.js";
import { FIXTURES, ROOT, SHARED } from "./helpers/paths.js";

const BIN = join(ROOT, "bin", "tcpdiag.js");
const article = readFileSync(join(SHARED, "seed", "000_883c01d3c7a55c22.txt"), "utf8");
const six = `${article.split("\n").filter((l) => /Flags \[S\]/.test(l)).join("\n")}\n`;
const dir = mkdtempSync(join(tmpdir(), "tcpdiag-hostile-"));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const syns = (stdout: string) => JSON.parse(stdout).attempts.map((a: { syn: { sent: number } }) => a.syn.sent);

describe("damaged text is read around the damage: the seed's six SYNs survive", () => {
  it("has six lines to begin with", () => expect(six.split("\n").filter(Boolean)).toHaveLength(6));

  it.each([
    ["CRLF", six.replace(/\n/g, "\r\n"), "6 lines end with CRLF"],
    ["CR alone", six.replace(/\n/g, "\r"), "6 lines end with a CR alone"],
    ["NUL bytes before", `\0\0\0\0${six}`, "1 lines hold NUL bytes"],
    ["NUL bytes inside", six.replace("17:37:35", "17:37:35\0\0").replace(/\n/, "\n\0\0\0\n"), "lines hold NUL bytes"],
    ["NUL bytes after", `${six}\0\0\0\0`, "1 lines hold NUL bytes"],
    ["invalid UTF-8 beside", `${six}\xff\xfe text\n`, null],
    ["cut in the middle of a line", `${six}17:38:04.9 IP 127.0.0.1.6`, null],
  ])("%s", (_, content, warning) => {
    const path = file(`seed-${_.replace(/ /g, "-")}.txt`, Buffer.from(content, "latin1"));
    const r = run("analyze", "--no-live", "--json", path);
    expect(r.code).toBe(EXIT.OK);
    expect(syns(r.stdout)).toEqual([6]);
    if (warning) expect(r.stderr).toContain(warning);
  });

  it("a 20 MB line before them is reported, not parsed", () => {
    const path = file("seed-long.txt", `${"a".repeat(20 * 2 ** 20)}\n${six}`);
    const r = run("analyze", "--no-live", "--json", path);
    expect(r.code).toBe(EXIT.OK);
    const report = JSON.parse(r.stdout);
    expect(syns(r.stdout)).toEqual([6]);
    expect(report.unparsed[0]).toMatchObject({ line: 1, reason: "line longer than 4 MiB: not parsed" });
  });

  it("gzip-compressed, alone and in a folder", () => {
    const path = file("seed.txt.gz", gzipSync(six));
    expect(syns(run("analyze", "--no-live", "--json", path).stdout)).toEqual([6]);
    const folder = join(dir, "uploads");
    mkdirSync(folder);
    writeFileSync(join(folder, "capture.txt.gz"), gzipSync(six));
    expect(syns(run("analyze", "--no-live", "--json", folder).stdout)).toEqual([6]);
  });

  it("UTF-16 (as PowerShell's > writes it), with and without a byte-order mark", () => {
    const le = Buffer.from(six, "utf16le");
    expect(syns(run("analyze", "--no-live", "--json", file("seed-utf16-bom.txt", Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).stdout)).toEqual([6]);
    expect(syns(run("analyze", "--no-live", "--json", file("seed-utf16.txt", le)).stdout)).toEqual([6]);
  });

  it("a TCP line with one character wrong is unparsed, not other traffic: 5 SYNs and the line listed", () => {
    const lines = six.split("\n");
    lines[2] = lines[2]!.replace("127.0.0.1.12345", "127.0.0.1:12345");
    const r = run("analyze", "--no-live", "--json", file("seed-damaged.txt", lines.join("\n")));
    const report = JSON.parse(r.stdout);
    expect(syns(r.stdout)).toEqual([5]);
    expect(report.unparsed).toEqual([expect.objectContaining({ line: 3, text: lines[2] })]);
    expect(report.inputs[0]).toMatchObject({ lines: 6, parsed: 5, unparsed: 1 });
    expect(run("analyze", "--no-live", "--strict", join(dir, "seed-damaged.txt")).code).toBe(EXIT.STRICT);
  });

  // the seed's capture, then drop-exp-r5's real iptables -nvL --line-numbers and ss -tanp listings, with no prompt between them
  it("one file of several tools' output without prompts: each block read by its tool", () => {
    const listing = (name: string) => readFileSync(join(FIXTURES, "drop-exp-r5", name), "utf8");
    const r = run("analyze", "--no-live", "--json", file("seed-mixed.txt", six + listing("iptables-nvL-num.txt") + listing("ss-tanp.txt")));
    const report = JSON.parse(r.stdout);
    expect(report.inputs.map((i: { format: string }) => i.format)).toEqual(["transcript", "tcpdump", "iptables", "ss"]);
    expect(report.attempts[0].syn.sent).toBe(6);
    const rule = report.diagnoses.find((d: { code: string }) => d.code === "FIREWALL_RULE");
    expect(rule.attempts).toContain(report.attempts[0].id);
    for (const i of report.inputs) expect(i.unparsed).toBe(0);
  });

  it("parse prints records and unparsed lines in input order", () => {
    const lines = six.split("\n");
    lines.splice(3, 0, "this line is junk");
    const r = run("parse", file("seed-junk.txt", lines.join("\n")));
    expect(r.stdout.trim().split("\n").map((l) => JSON.parse(l).line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe("bad input: one clear line, a documented exit code", () => {
  const refused = (name: string, content: Buffer, words: string, code: number = EXIT.UNREADABLE) => {
    const r = run("analyze", "--no-live", file(name, content));
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(words);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  };
  // a deterministic "random" binary: a linear congruential generator's bytes
  const noise = (n: number, noNul: boolean) => {
    const b = Buffer.alloc(n);
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      b[i] = noNul ? (x >> 16) % 255 + 1 : (x >> 16) & 0xff;
    }
    return b;
  };

  it("random binary, with and without NUL bytes", () => {
    refused("noise.bin", noise(8192, false), "is binary data, not text");
    refused("noise-nonul.bin", noise(8192, true), "is binary data, not text");
  });

  it("a pcap, and a gzipped pcap", () => {
    const pcap = readFileSync(join(FIXTURES, "drop-exp-r2", "capture.pcap"));
    refused("capture.pcap", pcap, "is a binary capture (pcap/pcapng), not text: run `tcpdump -nn -r FILE | tcpdiag analyze`");
    refused("capture.pcap.gz", gzipSync(pcap), "is a binary capture (pcap/pcapng)");
  });

  it("bzip2 and xz are named, with the command that reads them", () => {
    refused("seed.txt.bz2", Buffer.concat([Buffer.from("BZh91AY&SY"), noise(200, false)]), "is bzip2-compressed: run `bzcat FILE | tcpdiag analyze`");
    refused("seed.txt.xz", Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), noise(200, false)]), "is xz-compressed: run `xzcat FILE | tcpdiag analyze`");
  });

  it("empty input, and blank lines only", () => {
    refused("empty.txt", Buffer.alloc(0), "the input is empty");
    refused("blank.txt", Buffer.from("\n\n\n   \n"), "the input holds only blank lines");
  });

  it("a missing file", () => {
    const r = run("analyze", "--no-live", join(dir, "no-such-file.txt"));
    expect(r.code).toBe(EXIT.UNREADABLE);
    expect(r.stderr.trim()).toBe(`tcpdiag: ${join(dir, "no-such-file.txt")}: no such file`);
  });

  it("a folder with no text log: only a binary, only notes", () => {
    for (const [name, content] of [["only-binary", noise(4096, false)], ["only-notes", Buffer.from("remember to check the firewall\n")]] as const) {
      const folder = join(dir, name);
      mkdirSync(folder);
      writeFileSync(join(folder, "x"), content);
      const r = run("analyze", "--no-live", folder);
      expect(r.code).toBe(EXIT.UNREADABLE);
      expect(r.stderr).toContain(`${folder}: no file in the folder holds tool output`);
    }
  });

  it("symbolic links to files inside a folder are read", () => {
    const folder = join(dir, "links");
    mkdirSync(folder);
    symlinkSync(file("seed-target.txt", six), join(folder, "capture.txt"));
    expect(syns(run("analyze", "--no-live", "--json", folder).stdout)).toEqual([6]);
  });

  it("an option without its value is a usage error", () => {
    const r = run("analyze", file("seed-ok.txt", six), "--format");
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain("Not enough arguments following: format");
    expect(r.stderr).not.toContain("internal error");
  });
});

const GRAMMARS = { strace: straceGrammar, "iptables-save": iptablesSaveLineParser, nft: nftLineParser, tcpdump: tcpdumpGrammar };

// tcpdump's own test outputs of traffic with no IP in it, printed with -# and -tttt (../shared/corpus/tcpdump/out)
describe("tcpdump lines that carry no TCP are tcpdump's, not 'no tool output'", () => {
  it.each(["evb.out", "isis_1-v.out", "arcnet-rfc1051-arp-icmp-http-e.out", "udld-v.out", "ptp_v2_1.out", "stp-v.out"])("%s", async (name) => {
    const path = join(SHARED, "corpus", "tcpdump", "out", name);
    const r = await analyzeFiles([path]);
    expect(r.inputs[0]).toMatchObject({ format: "tcpdump", unparsed: 0 });
    expect(r.inputs[0]!.noToolOutput).toBeUndefined();
    expect(exitCode(r, { interrupted: false, strict: false })).toBe(EXIT.OK);
  });
});

describe("no pathological line", () => {
  // sizes of the slow cases; each would take seconds to minutes in the grammar
  it.each([
    ["strace", `connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}, ${"a b ".repeat(2048)}16) = 0`],
    ["iptables-save", `-A INPUT -p tcp ${"--dport 1 ".repeat(3300)}-j DROP`],
    ["nft", `ip saddr 1.2.3.4 ${"counter ".repeat(4100)}drop`],
    ["tcpdump", `${"abcdefghij ".repeat(3800)}`],
  ])("%s: a grammar does not read a line that long; the command accounts for it at once", (format, line) => {
    const parser = GRAMMARS[format as keyof typeof GRAMMARS];
    expect(parser.parse(line)).toEqual({ ok: false, reason: expect.stringMatching(/^\d+ characters, more than the \d+ a grammar reads: not parsed$/) });
    // a fast path may still read it, in linear time; either way the line is counted once
    const r = run("analyze", "--no-live", "--json", "--format", format, file(`long-${format}.txt`, `${line}\n`));
    const input = JSON.parse(r.stdout).inputs[0];
    expect(input.lines).toBe(1);
    expect(input.parsed + input.unparsed).toBe(1);
  });

  // the slow inputs at their sizes: each finishes (the test's timeout bounds it) with every line counted
  it.each([
    ["140 KB of long TCP field lists", "tcpdump", Array.from({ length: 70 }, (_, i) => `12:00:${String(i % 60).padStart(2, "0")}.000000 IP 1.2.3.4.5 > 6.7.8.9.10: Flags [S], ${"seq 1, ".repeat(280)}length 0`).join("\n")],
    ["an 8 KB strace line, many tokens in one argument", "strace", `connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}, ${"a b ".repeat(2000)}16) = 0`],
    ["a 41 KB line of words before a capture", null, `${"abcdefghijklmnop ".repeat(2400)}\n${six}`],
  ])("%s", (name, format, text) => {
    const r = run("analyze", "--no-live", "--json", ...(format ? ["--format", format] : []), file(`slow-${name.replace(/\W+/g, "-")}.txt`, `${text}\n`));
    expect(r.code).toBe(EXIT.OK);
    for (const i of JSON.parse(r.stdout).inputs) expect(i.parsed + i.recognised + i.unparsed + (i.sectionLines ?? 0)).toBe(i.lines);
  }, 30_000);

  // the fast paths read lines of their shapes at any length: 1 MB lines, options and arguments without end
  it.each([
    ["tcpdump", `12:00:00.000000 IP 1.2.3.4.5 > 6.7.8.9.10: Flags [S], seq 1, win 2, options [${"nop,".repeat(250_000)}nop], length 0`],
    ["strace", `connect(3, ${"{sa_family=AF_INET}, ".repeat(50_000)}16) = 0`],
    ["tcpdump", `12:00:00.000000 IP 1.2.3.4.5 > 6.7.8.9.10: Flags [S], seq 1, length 0 ${"x".repeat(1_000_000)}`],
  ])("%s: a 1 MB line is read or reported in linear time", (format, line) => {
    const r = run("analyze", "--no-live", "--json", "--format", format, file(`huge-${format}-${line.length}.txt`, `${line}\n`));
    expect(r.code).toBe(EXIT.OK);
    const input = JSON.parse(r.stdout).inputs[0];
    expect(input.parsed + input.unparsed).toBe(1);
  }, 30_000);

  it("endless blank lines are counted, not held", () => {
    const r = run("analyze", "--no-live", file("blank-many.txt", `${"\n".repeat(2_000_000)}${six}`));
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/2000006 lines, 6 parsed/);
  });
});

describe("the exit code is a pure function of the analysis and the run", () => {
  const input = (over: object = {}) => ({ name: "x", format: "tcpdump", formatReason: "", lines: 1, parsed: 1, recognised: 0, unparsed: 0, blank: 0, text: 0, warnings: [], ...over }) as never;
  it.each([
    [{ errors: [], inputs: [input()] }, { interrupted: false, strict: false }, EXIT.OK],
    [{ errors: [], inputs: [input()] }, { interrupted: true, strict: false }, EXIT.INTERRUPTED],
    [{ errors: [{}], inputs: [] }, { interrupted: false, strict: false }, EXIT.UNREADABLE],
    [{ errors: [], inputs: [input({ noToolOutput: true })] }, { interrupted: false, strict: false }, EXIT.UNREADABLE],
    [{ errors: [], inputs: [input({ noToolOutput: true, folder: "d" }), input({ folder: "d" })] }, { interrupted: false, strict: false }, EXIT.OK],
    [{ errors: [], inputs: [input({ noToolOutput: true, folder: "d" })] }, { interrupted: false, strict: false }, EXIT.UNREADABLE],
    [{ errors: [], inputs: [input({ unparsed: 1 })] }, { interrupted: false, strict: false }, EXIT.OK],
    [{ errors: [], inputs: [input({ unparsed: 1 })] }, { interrupted: false, strict: true }, EXIT.STRICT],
  ])("%j %j -> %i", (result, run, code) => expect(exitCode(result as never, run)).toBe(code));
});
