// The fast paths stand in front of the grammars only where they return the
// same records: every line of fixtures/ and of the corpus, and mutations of
// them, give the fast path's record or none, and the grammar's exactly one
// parse equal to it. The fast path's share of the corpus's packet lines is
// reported and must stay at 99 % or more.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { fastStraceLine } from "../src/strace/fast.js";
import { straceGrammar } from "../src/strace/grammar.js";
import type { StraceLine } from "../src/strace/records.js";
import { fastTcpdumpLine, TcpdumpScanner } from "../src/tcpdump/fast.js";
import { expressEvent, recordEvent } from "../src/tcpdump/packets.js";
import type { PacketLine } from "../src/tcpdump/records.js";
import { tcpdumpGrammar } from "../src/tcpdump/grammar.js";
import type { TcpdumpLine } from "../src/tcpdump/records.js";
import { analyzeFiles } from "../src/index.js";
import { CORPUS_TCPDUMP, FIXTURES, SHARED } from "./helpers/paths.js";
import { mutations } from "./helpers/mutate.js";

/**
 * Each file analyzed as the command does (fast paths that make no record)
 * and with every record made (onRecord asks for them): the files whose
 * attempts or diagnoses differ, and how many attempts were compared.
 */
async function quickAgainstFull(files: string[]): Promise<{ compared: number; differ: string[] }> {
  let compared = 0;
  const differ: string[] = [];
  for (const file of files) {
    const quick = await analyzeFiles([file]);
    const full = await analyzeFiles([file], { onRecord: () => {} });
    compared += quick.attempts.length;
    if (!isDeepStrictEqual(quick.attempts, full.attempts) || !isDeepStrictEqual(quick.diagnoses, full.diagnoses)) differ.push(file);
  }
  return { compared, differ };
}

interface Tally {
  lines: number;
  taken: number;
  packetLines: number;
  packetTaken: number;
  disagree: string[];
}

function grammarParses(line: string): TcpdumpLine[] {
  try {
    return tcpdumpGrammar.parseAll(line);
  } catch {
    return [];
  }
}

/** A line that carries a packet: a packet line with a flow or -v header, or a -v continuation with a flow. */
function isPacketLine(r: TcpdumpLine): boolean {
  return r.record === "packet" ? r.flow !== null || r.ipHeader !== null : r.record === "continuation" && r.flow !== null;
}

function compare(lines: Iterable<string>): Tally {
  const t: Tally = { lines: 0, taken: 0, packetLines: 0, packetTaken: 0, disagree: [] };
  for (const line of lines) {
    if (line.trim() === "") continue;
    t.lines++;
    const fast = fastTcpdumpLine(line);
    const grammar = grammarParses(line);
    const packet = grammar.length === 1 && isPacketLine(grammar[0]!);
    if (packet) t.packetLines++;
    if (!fast) continue;
    t.taken++;
    if (packet) t.packetTaken++;
    if (grammar.length !== 1 || !isDeepStrictEqual(fast, grammar[0])) {
      t.disagree.push(`${JSON.stringify(line)}\n  fast:    ${JSON.stringify(fast)}\n  grammar: ${JSON.stringify(grammar)}`);
    }
  }
  return t;
}

function* linesOf(files: string[]): Generator<string> {
  for (const f of files) yield* readFileSync(f, "utf8").split("\n");
}

const filesUnder = (dir: string, test: (f: string) => boolean): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();

const fixtureFiles = filesUnder(FIXTURES, (f) => /^tcpdump-.*\.txt$/.test(f));
const rendered = filesUnder(join(CORPUS_TCPDUMP, "rendered"), (f) => f.endsWith(".txt"));
const upstream = filesUnder(join(CORPUS_TCPDUMP, "out"), (f) => f.endsWith(".out"));

describe("tcpdump fast path against the grammar", () => {
  it("agrees on every line of the fixtures", () => {
    const t = compare(linesOf(fixtureFiles));
    expect(t.disagree).toEqual([]);
    expect(t.packetTaken / t.packetLines).toBeGreaterThanOrEqual(0.99);
  });

  it("agrees on every line of the corpus renderings, and takes at least 99 % of their packet lines", () => {
    const t = compare(linesOf(rendered));
    expect(t.lines).toBeGreaterThan(50_000);
    expect(t.disagree).toEqual([]);
    console.log(`fast path share of corpus packet lines: ${t.packetTaken}/${t.packetLines} (${((100 * t.packetTaken) / t.packetLines).toFixed(2)} %)`);
    expect(t.packetTaken / t.packetLines).toBeGreaterThanOrEqual(0.99);
  });

  it("agrees on every line of tcpdump's own test outputs", () => {
    // the 266 KB telnet line: the grammar's worst case, left to the hostile-input work
    const t = compare([...linesOf(upstream)].filter((l) => l.length < 20_000));
    expect(t.disagree).toEqual([]);
    expect(t.packetTaken / t.packetLines).toBeGreaterThanOrEqual(0.99);
  });

  it("agrees on mutated lines: truncated, spliced, with other characters and tokens", () => {
    const seeds = [...linesOf([...fixtureFiles, ...rendered.filter((_, i) => i % 7 === 0)])].filter((l) => l.trim() !== "");
    const t = compare(mutations(seeds, 30_000, 9));
    expect(t.disagree).toEqual([]);
    // the mutations keep enough lines in shapes the fast path takes for this to mean something
    expect(t.taken).toBeGreaterThan(2000);
  });
});


describe("tcpdump express lane's events", () => {
  it("are the events the records give, for every express line of the fixtures, the corpus and mutations", () => {
    const scanner = new TcpdumpScanner();
    const at = { input: "x", line: 1 };
    let express = 0;
    const disagree: string[] = [];
    const seeds = [...linesOf([...fixtureFiles, ...rendered])];
    for (const line of [...seeds, ...mutations(seeds.filter((l) => l.trim() !== ""), 20_000, 5)]) {
      if (!scanner.scan(line) || !scanner.isExpress) continue;
      express++;
      const fast = expressEvent(at, 1, "time-of-day", scanner);
      const slow = recordEvent(at, 1, "time-of-day", scanner.record() as PacketLine);
      if (!isDeepStrictEqual(fast, slow)) disagree.push(`${line}\n  ${JSON.stringify(fast)}\n  ${JSON.stringify(slow)}`);
    }
    expect(disagree).toEqual([]);
    expect(express).toBeGreaterThan(20_000);
  });
});

describe("the tracker's quick path", () => {
  it("gives the same attempts as the events of the records, for every tcpdump file of the fixtures and the corpus", async () => {
    // a parse callback makes the pipeline build every packet's record and event: the slow path
    const { compared, differ } = await quickAgainstFull([...fixtureFiles, ...rendered, ...upstream]);
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(300);
  });
});

// --- strace -----------------------------------------------------------------------

function compareStrace(lines: Iterable<string>): Tally {
  const t: Tally = { lines: 0, taken: 0, packetLines: 0, packetTaken: 0, disagree: [] };
  for (const line of lines) {
    if (line.trim() === "") continue;
    t.lines++;
    const fast = fastStraceLine(line);
    let grammar: StraceLine[];
    try {
      grammar = straceGrammar.parseAll(line);
    } catch {
      grammar = [];
    }
    // "packet lines" here: the lines of calls (whole, first half, second half)
    const call = grammar.length === 1 && ["syscall", "unfinished", "resumed"].includes(grammar[0]!.record);
    if (call) t.packetLines++;
    if (!fast) continue;
    t.taken++;
    if (call) t.packetTaken++;
    if (grammar.length !== 1 || !isDeepStrictEqual(fast, grammar[0])) {
      t.disagree.push(`${JSON.stringify(line)}\n  fast:    ${JSON.stringify(fast)}\n  grammar: ${JSON.stringify(grammar)}`);
    }
  }
  return t;
}

const straceLogs = [
  ...filesUnder(join(SHARED, "corpus", "strace"), (f) => !/\.(license|ini|json|md)$/.test(f)),
  ...filesUnder(FIXTURES, (f) => /^strace.*\.txt$/.test(f)),
];

describe("strace fast path against the grammar", () => {
  it("agrees on every line of the corpus's strace logs and the fixtures', and takes at least 99 % of their call lines", () => {
    const t = compareStrace(linesOf(straceLogs));
    expect(t.lines).toBeGreaterThan(50_000);
    expect(t.disagree).toEqual([]);
    console.log(`strace fast path share of call lines: ${t.packetTaken}/${t.packetLines} (${((100 * t.packetTaken) / t.packetLines).toFixed(2)} %)`);
    expect(t.packetTaken / t.packetLines).toBeGreaterThanOrEqual(0.99);
  });

  it("agrees on mutated lines", () => {
    const seeds = [...linesOf(straceLogs.filter((_, i) => i % 3 === 0))].filter((l) => l.trim() !== "");
    const t = compareStrace(mutations(seeds, 30_000, 11));
    expect(t.disagree).toEqual([]);
    expect(t.taken).toBeGreaterThan(2000);
  });

  it("passes calls without a record (calls of no interest, closes of fds with no socket) with the attempts full records give", async () => {
    const { compared, differ } = await quickAgainstFull(straceLogs);
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(20);
  });
});
