// Helpers shared by the grammars' postprocessors.
//
// "The rest of the line" is kept as a Span: nearley calls a postprocessor
// each time a rule completes, that is at every token of such a run, so the
// run must be O(1) to extend; it becomes text only once the parse is done.
import type { Token } from "moo";

export type Tree = Token | Span | null | undefined | Tree[] | { [key: string]: unknown };

/** How many leading tokens a span keeps for the grammars' exclusion checks. */
const HEAD = 128;

export class Span {
  constructor(
    readonly source: { buffer?: string } | null,
    readonly head: Token[],
    readonly first: Token | null,
    readonly last: Token | null,
    readonly count: number,
    /** Whether the run holds the word the grammar asked to watch for (see lineSpans). */
    readonly flagged: boolean,
  ) {}

  toText(): string {
    if (!this.first || !this.last) return "";
    const line = this.source?.buffer ?? "";
    return line.slice(this.first.offset, this.last.offset + this.last.text.length);
  }
}

function isToken(x: unknown): x is Token {
  return typeof x === "object" && x !== null && typeof (x as Token).offset === "number" && "text" in x;
}

function firstToken(tree: Tree): Token | null {
  if (tree == null || typeof tree !== "object") return null;
  if (tree instanceof Span) return tree.first;
  if (Array.isArray(tree)) {
    for (const t of tree) {
      const f = firstToken(t);
      if (f) return f;
    }
    return null;
  }
  if (isToken(tree)) return tree;
  return firstToken(Object.values(tree) as Tree[]);
}

function lastToken(tree: Tree): Token | null {
  if (tree == null || typeof tree !== "object") return null;
  if (tree instanceof Span) return tree.last;
  if (Array.isArray(tree)) {
    for (let i = tree.length - 1; i >= 0; i--) {
      const l = lastToken(tree[i]);
      if (l) return l;
    }
    return null;
  }
  if (isToken(tree)) return tree;
  return lastToken(Object.values(tree) as Tree[]);
}

/**
 * Span helpers bound to one grammar's lexer (the line being parsed is its
 * buffer). A grammar whose exclusion check needs to know whether a run holds
 * some word anywhere (past the kept head) names it as `watch`.
 */
export function lineSpans(watch?: string) {
  let source: { buffer?: string } | null = null;
  const of = (tree: Tree) => new Span(source, [], firstToken(tree), lastToken(tree), 0, false);
  const finish = <R>(value: R): R => {
    if (value instanceof Span) return (value.toText().trim() || null) as R;
    if (Array.isArray(value)) return value.map(finish) as R;
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = finish(v);
      return out as R;
    }
    return value;
  };
  return {
    readsLineFrom(lexer: object): void {
      source = lexer as { buffer?: string };
    },
    emptySpan: () => new Span(source, [], null, null, 0, false),
    span: (t: Token) => new Span(source, [t], t, t, 1, t.text === watch),
    extend(s: Span, t: Token): Span {
      const head = s.head.length < HEAD ? [...s.head, t] : s.head;
      return new Span(source, head, s.first ?? t, t, s.count + 1, s.flagged || t.text === watch);
    },
    /** The text of a token tree as it stood in the line, read when the parse is finished. */
    text: (tree: Tree): string => of(tree) as unknown as string,
    /** Eager text of a small token tree. */
    flat(tree: Tree): string {
      const t = of(tree);
      return t.toText();
    },
    /** Replaces the spans in a finished parse with their (trimmed) text. */
    finish,
  };
}
