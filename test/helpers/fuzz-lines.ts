// Real lines of every format, from the fixtures and the corpus, and the
// fast-check arbitraries that damage them: truncate, splice, flip a byte,
// repeat a token, interleave formats, insert CR, TAB and NUL. Shared by the
// suite's properties (test/fuzz.test.ts) and the longer campaign
// (npm run fuzz runs them with more runs).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { FIXTURES, SHARED } from "./paths.js";

const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));

/** Up to `per` non-blank lines of each file whose path matches, spread over the file. */
function sample(files: string[], per: number): string[] {
  const out: string[] = [];
  for (const f of files) {
    const lines = readFileSync(f, "latin1").split("\n").filter((l) => l.trim() !== "" && l.length < 2000);
    const step = Math.max(1, Math.floor(lines.length / per));
    for (let i = 0; i < lines.length && i / step < per; i += step) out.push(lines[i]!);
  }
  return out;
}

const fixtures = walk(FIXTURES).filter((f) => f.endsWith(".txt"));
const corpus = walk(join(SHARED, "corpus")).filter((f) => /\.(txt|out|log)$/.test(f) && !f.includes("/tshark/") && !f.includes("/jc/"));

/** Real lines by format (the file names and folders say which tool printed them). */
export const REAL_LINES: Record<string, string[]> = {
  tcpdump: sample([...fixtures.filter((f) => /tcpdump/.test(f)), ...corpus.filter((f) => f.includes("/tcpdump/rendered/nn-tt/"))], 3),
  strace: sample([...fixtures.filter((f) => /strace/.test(f)), ...corpus.filter((f) => f.includes("/strace/"))], 20),
  listings: sample([...fixtures.filter((f) => /(iptables|nft|netstat|ss-)/.test(f)), ...corpus.filter((f) => f.includes("/corpus/local/"))], 10),
  sessions: sample(fixtures.filter((f) => /session|client/.test(f)), 20),
};
export const ALL_LINES = Object.values(REAL_LINES).flat();

const PIECES = ["\r", "\t", "\0", " ", "[", "]", "(", ")", "{", "}", ",", ":", ".", "Flags [S]", "<unfinished ...>", "= -1 ETIMEDOUT", "-j DROP", "é", "\uFFFD"];

/** One real line, damaged by one to three of the mutations. */
export function damagedLine(lines: readonly string[]): fc.Arbitrary<string> {
  const line = fc.constantFrom(...lines);
  const op = fc.oneof(
    fc.record({ kind: fc.constant("truncate"), at: fc.nat() }),
    fc.record({ kind: fc.constant("insert"), at: fc.nat(), piece: fc.constantFrom(...PIECES) }),
    fc.record({ kind: fc.constant("flip"), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("repeat"), at: fc.nat(), times: fc.integer({ min: 2, max: 200 }) }),
    fc.record({ kind: fc.constant("splice"), at: fc.nat(), other: fc.constantFrom(...ALL_LINES) }),
  );
  return fc.tuple(line, fc.array(op, { minLength: 1, maxLength: 3 })).map(([l, ops]) => ops.reduce(apply, l));
}

type Op =
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; piece: string }
  | { kind: "flip"; at: number; byte: number }
  | { kind: "repeat"; at: number; times: number }
  | { kind: "splice"; at: number; other: string };

function apply(l: string, op: Op): string {
  const at = l.length === 0 ? 0 : op.at % (l.length + 1);
  switch (op.kind) {
    case "truncate":
      return l.slice(0, at);
    case "insert":
      return l.slice(0, at) + op.piece + l.slice(at);
    case "flip":
      return l.slice(0, at) + String.fromCharCode(op.byte) + l.slice(at + 1);
    case "repeat": {
      // the token at `at`, repeated: many tokens in one argument, options without end
      const start = l.lastIndexOf(" ", at) + 1;
      const end = l.indexOf(" ", at) < 0 ? l.length : l.indexOf(" ", at);
      const token = l.slice(start, end) || "x";
      return l.slice(0, end) + ` ${token}`.repeat(op.times) + l.slice(end);
    }
    case "splice":
      return l.slice(0, at) + op.other.slice(op.other.length === 0 ? 0 : at % op.other.length);
  }
}

/** Several damaged lines of mixed formats, as one input's text. */
export function damagedText(): fc.Arbitrary<string> {
  return fc.array(fc.oneof(damagedLine(ALL_LINES), fc.constantFrom(...ALL_LINES), fc.constant("")), { minLength: 1, maxLength: 40 }).map((ls) => ls.join("\n"));
}
