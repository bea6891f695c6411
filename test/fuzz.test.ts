// Property tests: real lines of every format, damaged (see
// helpers/fuzz-lines.ts). No exception escapes a parser or the pipeline,
// each line's parse takes bounded time, every line is accounted for, and the
// fast paths agree with the grammars. `npm run fuzz` runs
// the same properties far longer.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TOOL_FORMATS } from "../src/formats/registry.js";
import { analyzeText } from "../src/index.js";
import { fastStraceLine } from "../src/strace/fast.js";
import { straceGrammar } from "../src/strace/grammar.js";
import { fastTcpdumpLine } from "../src/tcpdump/fast.js";
import { tcpdumpGrammar } from "../src/tcpdump/grammar.js";
import { ALL_LINES, damagedLine, damagedText, REAL_LINES } from "./helpers/fuzz-lines.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** A parse of one line (at most 2,048 characters reach a grammar) never takes longer than this; the worst measured is about 0.3 s. */
const LINE_BUDGET_MS = 2000;

describe("damaged real lines", () => {
  it("have lines of every kind to damage", () => {
    for (const [kind, lines] of Object.entries(REAL_LINES)) expect(lines.length, kind).toBeGreaterThan(20);
  });

  it("no parser throws, and each answers within its budget", () => {
    fc.assert(
      fc.property(damagedLine(ALL_LINES), (line) => {
        for (const f of TOOL_FORMATS) {
          const t = performance.now();
          const r = f.parser.parse(line);
          expect(performance.now() - t).toBeLessThan(LINE_BUDGET_MS);
          expect(r.ok || typeof r.reason === "string").toBe(true);
          f.proves(line);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("the fast paths give the grammar's record, or leave the line to it", () => {
    const agree = (fast: (l: string) => unknown, grammar: { parse(l: string): { ok: boolean; value?: unknown } }) => (line: string) => {
      const quick = fast(line);
      if (quick === null) return;
      const slow = grammar.parse(line) as { ok: boolean; value?: unknown; reason?: string };
      // a line the grammar's resource guards keep from it (length, bracket depth) is the fast path's alone
      if (!slow.ok && /characters, more than|brackets nested/.test(slow.reason ?? "")) return;
      expect(slow.ok && isDeepStrictEqual(slow.value, quick), line).toBe(true);
    };
    fc.assert(fc.property(damagedLine(REAL_LINES.tcpdump!), agree(fastTcpdumpLine, tcpdumpGrammar)), { numRuns: RUNS });
    fc.assert(fc.property(damagedLine(REAL_LINES.strace!), agree(fastStraceLine, straceGrammar)), { numRuns: RUNS });
  });
});

describe("damaged inputs through the whole pipeline", () => {
  it("nothing escapes, and every line is accounted for", async () => {
    await fc.assert(
      fc.asyncProperty(damagedText(), async (text) => {
        const r = await analyzeText(text, "fuzz");
        // refused as a whole (binary: mostly control bytes): one error, and nothing read
        if (r.errors.length > 0) {
          expect(r.errors).toHaveLength(1);
          expect(r.inputs).toEqual([]);
          return;
        }
        const lines = text === "" ? 0 : text.split(/\r\n|\r|\n/).length - (/(\r\n|\r|\n)$/.test(text) ? 1 : 0);
        const top = r.inputs.find((i) => i.name === "fuzz")!;
        expect(top.lines).toBe(lines);
        for (const i of r.inputs) expect(i.parsed + i.recognised + i.unparsed + (i.sectionLines ?? 0), i.name).toBe(i.lines);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe("what the longer campaign found (npm run fuzz), kept", () => {
  // seed 126229042: brackets opened 34 deep; the grammar's depth guard keeps it, the fast path reads it in linear time
  it("a tcpdump line with options opened 34 deep", () => {
    const line = `14:19:59.851888 IP 127.0.0.1.60784 > 127.0.0.1.8080:um 0x15bf (incorrect -> 0x635d), seq 3810641829, win 64240, options [${"mss [".repeat(33)}mss 1460,sackOK,TS val 579477916 ecr 0,nop,wscale 10], length 0`;
    expect(tcpdumpGrammar.parse(line)).toEqual({ ok: false, reason: "brackets nested 34 deep (more than 32): not parsed" });
    expect(() => fastTcpdumpLine(line)).not.toThrow();
  });

  // seed -118227853: a NUL and a line end, nothing else: refused as binary, with one error
  it("a lone NUL byte", async () => {
    const r = await analyzeText("\u0000\n", "fuzz");
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringContaining("is binary data, not text")]);
  });
});
