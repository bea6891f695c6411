// Every line of the fixtures and of ../shared/corpus/tcpdump has exactly one
// parse, or none; and no line that prints a TCP segment fails to parse.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tcpdumpGrammar } from "../src/tcpdump/grammar.js";
import { CORPUS_TCPDUMP, FIXTURES, scenarios, tcpdumpFiles } from "./helpers/paths.js";

interface Tally {
  lines: number;
  ambiguous: string[];
  unparsedTcp: string[];
  unparsedOther: string[];
}

// A flow whose payload starts with "Flags [" (or -q's "tcp N"): a TCP segment line.
const TCP_LINE = /\S+ > \S+: (?:Flags \[|tcp \d)/;

function tally(files: string[]): Tally {
  const t: Tally = { lines: 0, ambiguous: [], unparsedTcp: [], unparsedOther: [] };
  for (const file of files) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      t.lines++;
      const where = `${file}:${i + 1}`;
      let n = 0;
      try {
        n = tcpdumpGrammar.parseAll(line).length;
      } catch {
        n = 0;
      }
      if (n > 1) t.ambiguous.push(`${where} (${n} parses)`);
      else if (n === 0) (TCP_LINE.test(line) ? t.unparsedTcp : t.unparsedOther).push(`${where}: ${line.slice(0, 120)}`);
    });
  }
  return t;
}

const list = (dir: string, ext: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => join(dir, f));

describe("tcpdump grammar over real outputs", () => {
  it("parses every fixture line exactly once (-A payload text aside)", () => {
    const files = scenarios().flatMap((s) =>
      tcpdumpFiles(s)
        .filter((f) => f !== "tcpdump-A.txt")
        .map((f) => join(FIXTURES, s, f)),
    );
    const t = tally(files);
    expect(t.lines).toBeGreaterThan(2500);
    expect(t.ambiguous).toEqual([]);
    expect(t.unparsedTcp).toEqual([]);
    expect(t.unparsedOther).toEqual([]);
  });

  it("-A prints payload text at column 0: only those lines are unparsed", () => {
    const t = tally([join(FIXTURES, "established-http", "tcpdump-A.txt")]);
    expect(t.ambiguous).toEqual([]);
    expect(t.unparsedTcp).toEqual([]);
    // the HTTP request and response headers and body bytes curl and http.server sent
    expect(t.unparsedOther.some((l) => l.includes("User-Agent: curl/"))).toBe(true);
  });

  it("parses every line tcpdump 4.99.3 rendered under 11 flag sets, exactly once", () => {
    const dir = join(CORPUS_TCPDUMP, "rendered");
    const files = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => list(join(dir, d.name), ".txt"));
    const t = tally(files);
    expect(t.lines).toBeGreaterThan(50_000);
    expect(t.ambiguous).toEqual([]);
    expect(t.unparsedTcp).toEqual([]);
    expect(t.unparsedOther).toEqual([]);
  });

  it("parses tcpdump's own test outputs with no ambiguity and no TCP line unparsed", () => {
    const t = tally(list(join(CORPUS_TCPDUMP, "out"), ".out"));
    expect(t.lines).toBeGreaterThan(60_000);
    expect(t.ambiguous).toEqual([]);
    expect(t.unparsedTcp).toEqual([]);
    // What remains is non-TCP: LLC frames, unknown ethertypes, invalid headers,
    // -A/-X payload text; counted so that a regression shows.
    expect(t.unparsedOther.length).toBeLessThanOrEqual(494);
  });
});
