// The one interface every format sits behind: a line in, a typed record (or
// a reason why not) out. Today each format is parsed by its Nearley grammar;
// a faster hand-written path can take a grammar's place here once a test
// proves it returns the same records for the same lines.
import nearley from "nearley";

export type LineParse<R> = { ok: true; value: R } | { ok: false; reason: string };

export interface LineParser<R> {
  parse(line: string): LineParse<R>;
}

export interface GrammarLineParser<R> extends LineParser<R> {
  /** Every parse of the line; more than one means the grammar is ambiguous. */
  parseAll(line: string): R[];
}

interface NearleyError extends Error {
  offset?: number;
  token?: { text?: string; value?: string };
}

/**
 * finish() turns a completed parse into its final record; it runs once per
 * line, after nearley is done (postprocessors run at every completion).
 * @internal (the format modules'; left out of the published types, which
 * would otherwise need nearley's, a development dependency)
 */
export function grammarLineParser<R>(
  compiled: nearley.CompiledRules,
  finish: (raw: R) => R = (raw) => raw,
  maxLine: number = MAX_GRAMMAR_LINE,
): GrammarLineParser<R> {
  const grammar = nearley.Grammar.fromCompiled(compiled);
  const parseAll = (line: string): R[] => {
    const parser = new nearley.Parser(grammar);
    parser.feed(line);
    return (parser.results as R[]).map(finish);
  };
  return {
    parseAll,
    parse(line: string): LineParse<R> {
      if (line.length > maxLine) return { ok: false, reason: `${line.length} characters, more than the ${maxLine} a grammar reads: not parsed` };
      const depth = bracketDepth(line);
      if (depth > MAX_DEPTH) return { ok: false, reason: `brackets nested ${depth} deep (more than ${MAX_DEPTH}): not parsed` };
      try {
        const results = parseAll(line);
        if (results.length === 0) return { ok: false, reason: "not a line this format prints" };
        // one parse per line is the grammars' contract (test/grammar-ambiguity.test.ts): never pick one of several
        if (results.length > 1) return { ok: false, reason: `${results.length} parses: the grammar is ambiguous here (a bug of tcpdiag's; please report the line)` };
        return { ok: true, value: results[0]! };
      } catch (err) {
        return { ok: false, reason: describeError(err as NearleyError) };
      }
    },
  };
}

/**
 * Earley parsing costs more than linear time on some lines (an strace
 * argument of thousands of tokens: 1 s at 4,000 characters, 17 s at 8,000;
 * iptables-save arguments: 88 ms at 4,000), so a grammar reads no line
 * longer than this unless its format says otherwise (tcpdump's, linear at
 * about 15 ms per 1,000 characters, reads longer ones). Of the lines of the
 * corpus and the fixtures that a fast path leaves to a grammar, the longest
 * strace line has 344 characters; the fast paths read longer lines of their
 * shapes in linear time.
 */
export const MAX_GRAMMAR_LINE = 2048;

/**
 * No tool prints brackets nested this deep; deeper nesting makes Earley
 * parsing explode, so the grammar is not run on such a line. This guards the
 * parser's resources, it is not syntax: a fast path that reads such a line
 * in linear time gives the record the grammar's parse would.
 */
const MAX_DEPTH = 32;

function bracketDepth(line: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return max;
}

function describeError(err: NearleyError): string {
  const at = err.offset === undefined ? "" : ` at column ${err.offset + 1}`;
  const token = err.token?.text ?? err.token?.value;
  if (token === undefined) return `not recognised${at}`;
  return `unexpected ${JSON.stringify(token)}${at}`;
}

/**
 * A hand-written fast path in front of a grammar: its record when it takes the
 * line (test/fast-path.test.ts proves it is the grammar's), else the grammar's.
 */
export function withFastPath<R>(fast: (line: string) => R | null, grammar: LineParser<R>): LineParser<R> {
  return {
    parse(line) {
      const value = fast(line);
      return value === null ? grammar.parse(line) : { ok: true, value };
    },
  };
}
