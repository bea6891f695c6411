// The fast path for strace's call lines: a hand-written scanner that returns
// exactly the record grammar/strace.ne returns for a whole call
// ("name(args) = result ..."), its first half ("name(args <unfinished ...>")
// and its second half ("<... name resumed>args) = result"), with any pid
// prefix and timestamp, or declines (null) and leaves the line to the
// grammar. test/fast-path.test.ts proves the two agree on every line of the
// fixtures, of the corpus and of mutations of them.
//
// Arguments are scanned token by token where a token may hold brackets or
// commas of its own (strings, /* comments */, <decorations>), as the lexer
// reads them, so that brackets pair and commas split exactly as in the grammar.
import { tooDeep } from "../line-parser.js";
import { clockSeconds } from "../time.js";
import type { Arg, StraceLine, StraceTimestamp, SyscallResult } from "./records.js";

const SP = 32, TAB = 9, COMMA = 44, DQUOTE = 34, LT = 60, SLASH = 47, DASH = 45, PLUS = 43;
const LPAREN = 40, RPAREN = 41, LBRACK = 91, RBRACK = 93, LBRACE = 123, RBRACE = 125, EQ = 61, QMARK = 63;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentChar = (c: number) => isIdentStart(c) || isDigit(c);
const isWs = (c: number) => c === SP || c === TAB;

/** A character the lexer may read otherwise (or not at all): such lines go to the grammar. */
const NOT_PLAIN = /[^\t\x20-\x7e]/;

const sticky = (source: string) => new RegExp(source, "y");
// the lexer's tokens (grammar/strace.ne) that may hold brackets, commas or blanks
const STRING = sticky(String.raw`"(?:[^"\\]|\\.)*"(?:\.\.\.)?`);
const DURATION = sticky(String.raw`<\d+\.\d+>`);
const UNFINISHED = sticky(String.raw`<unfinished \.\.\.>`);
const RESUMED = sticky(String.raw`<\.\.\. ([\w]+) resumed>`);
const UNAVAILABLE = sticky(String.raw`<unavailable>`);
const DECOR = sticky(String.raw`<(?:->|<[^<>]*>|[^<>])*>`);
const COMMENT = sticky(String.raw`\/\*.*?\*\/`);
const BRACKET_PID = sticky(String.raw`\[pid +(\d+)\] ?`);
const PID_NUM = sticky(String.raw`(\d+) +(?=\S)`);
const CLOCK = sticky(String.raw`\d{2}:\d{2}:\d{2}(?:\.\d+)?`);
const DECIMAL = sticky(String.raw`\d+\.\d+`);
const HEX = sticky(String.raw`0x[0-9a-fA-F]+`);
/** The lexer's tokens that start with a digit, in its order: where one ends, an identifier may start. */
const DIGITS = sticky(String.raw`\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d+\.\d+|0x[0-9a-fA-F]+|\d+`);

function at(re: RegExp, s: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(s);
}

function skipWs(s: string, i: number): number {
  while (isWs(s.charCodeAt(i))) i++;
  return i;
}

/** How a scan of bracketed text ended. */
interface Scanned {
  /** Where it stopped: the closing ")" of the call, or "<unfinished ...>". */
  end: number;
  /** Start and end of each argument (untrimmed), in pairs. */
  args: number[];
  unfinished: boolean;
}

/**
 * The arguments from i to the ")" that closes the call (or "<unfinished
 * ...>" at the top level), split at top-level commas; null where the grammar
 * would read the line otherwise.
 */
function scanArgs(s: string, i: number, allowUnfinished: boolean): Scanned | null {
  const args: number[] = [];
  const stack: number[] = [];
  let start = i;
  let k = i;
  while (k < s.length) {
    const c = s.charCodeAt(k);
    switch (c) {
      case DQUOTE: {
        const m = at(STRING, s, k);
        k = m ? k + m[0].length : k + 1; // an unpaired quote is a token of its own
        continue;
      }
      case LT: {
        // tokens the grammar does not take inside arguments end the fast path here
        if (at(DURATION, s, k) || at(RESUMED, s, k) || at(UNAVAILABLE, s, k)) return null;
        const u = at(UNFINISHED, s, k);
        if (u) {
          // the first half of a call ends the line (blanks aside)
          if (!allowUnfinished || stack.length > 0 || skipWsEnd(s, k + u[0].length) < 0) return null;
          args.push(start, k);
          return { end: k, args, unfinished: true };
        }
        const d = at(DECOR, s, k);
        k = d ? k + d[0].length : k + 1;
        continue;
      }
      case SLASH: {
        const m = at(COMMENT, s, k);
        k = m ? k + m[0].length : k + 1;
        continue;
      }
      case DASH:
      case PLUS:
        // "---" and "+++" are tokens of strace's own lines, not of arguments
        if (s.charCodeAt(k + 1) === c && s.charCodeAt(k + 2) === c) return null;
        k++;
        continue;
      case LPAREN:
        stack.push(RPAREN);
        break;
      case LBRACK:
        stack.push(RBRACK);
        break;
      case LBRACE:
        stack.push(RBRACE);
        break;
      case RPAREN:
        if (stack.length === 0) {
          args.push(start, k);
          return { end: k, args, unfinished: false };
        }
        if (stack.pop() !== c) return null;
        break;
      case RBRACK:
      case RBRACE:
        if (stack.pop() !== c) return null;
        break;
      case COMMA:
        if (stack.length === 0) {
          args.push(start, k);
          start = k + 1;
        }
        break;
      default:
        if (isDigit(c)) {
          k += at(DIGITS, s, k)![0].length;
          continue;
        }
        if (isIdentStart(c)) {
          let e = k + 1;
          while (isIdentChar(s.charCodeAt(e))) e++;
          // "strace:" after the arguments is strace's own message spliced into the call
          if (stack.length === 0 && e - k === 6 && s.startsWith("strace", k) && s.charCodeAt(e) === 58) return null;
          k = e;
          continue;
        }
    }
    k++;
  }
  return null;
}

/** The end of the line if only blanks follow i, else -1. */
function skipWsEnd(s: string, i: number): number {
  const e = skipWs(s, i);
  return e === s.length ? e : -1;
}

/** Arguments as the grammar's toArgs gives them: "f()" has none ("f( )" has one, empty). */
function argsOf(s: string, bounds: number[]): Arg[] {
  if (bounds.length === 2 && bounds[0] === bounds[1]) return [];
  const out: Arg[] = [];
  for (let k = 0; k < bounds.length; k += 2) out.push({ text: s.slice(bounds[k], bounds[k + 1]!).trim() });
  return out;
}

interface Result {
  result: SyscallResult;
  duration: number | null;
}

/** "= VALUE [NOTES] [<DURATION>]" from i (after the ")"), to the end of the line; null otherwise. */
function result(s: string, i: number): Result | null {
  let k = skipWs(s, i);
  if (s.charCodeAt(k) !== EQ) return null;
  k = skipWs(s, k + 1);
  const value = returnValue(s, k);
  if (!value) return null;
  k = value.end;
  let errno: string | null = null;
  let detail: string | null = null;
  let unavailable = false;
  let duration: number | null = null;
  for (;;) {
    if (k === s.length) break;
    if (!isWs(s.charCodeAt(k))) return null;
    const n = skipWs(s, k);
    if (n === s.length) break;
    const c = s.charCodeAt(n);
    if (isIdentStart(c)) {
      let e = n + 1;
      while (isIdentChar(s.charCodeAt(e))) e++;
      errno ??= s.slice(n, e);
      k = e;
    } else if (c === LPAREN) {
      const close = balancedEnd(s, n);
      if (close < 0) return null;
      detail ??= s.slice(n + 1, close - 1);
      k = close;
    } else if (c === LT) {
      const u = at(UNAVAILABLE, s, n);
      if (u) {
        unavailable = true;
        k = n + u[0].length;
        continue;
      }
      const d = at(DURATION, s, n);
      // the duration is the last thing on the line
      if (!d || skipWsEnd(s, n + d[0].length) < 0) return null;
      duration = Number(d[0].slice(1, -1));
      break;
    } else return null;
  }
  return {
    result: { value: value.value, text: value.text, errno, detail, decoration: value.decoration, unavailable },
    duration,
  };
}

/** The return value: a number (with a -y decoration), a negative number, a hex value or "?". */
function returnValue(s: string, i: number): { value: number | null; text: string; decoration: string | null; end: number } | null {
  const c = s.charCodeAt(i);
  if (c === QMARK) return { value: null, text: "?", decoration: null, end: i + 1 };
  const negative = c === DASH;
  const j = negative ? i + 1 : i;
  if (!isDigit(s.charCodeAt(j))) return null;
  // the lexer's clock, decimal and hex tokens come before number
  if (at(CLOCK, s, j) || at(DECIMAL, s, j)) return null;
  const hex = at(HEX, s, j);
  if (hex) return negative ? null : { value: null, text: hex[0], decoration: null, end: j + hex[0].length };
  let e = j;
  while (isDigit(s.charCodeAt(e))) e++;
  const digits = s.slice(j, e);
  let decoration: string | null = null;
  if (!negative && s.charCodeAt(e) === LT) {
    if (at(DURATION, s, e) || at(UNFINISHED, s, e) || at(RESUMED, s, e) || at(UNAVAILABLE, s, e)) return null;
    const d = at(DECOR, s, e);
    if (!d) return null;
    decoration = d[0];
    e += d[0].length;
  }
  return { value: Number(digits) * (negative ? -1 : 1), text: negative ? `-${digits}` : digits, decoration, end: e };
}

/** The index after the bracket group opening at i, read token by token as in arguments; -1 if it does not close. */
function balancedEnd(s: string, i: number): number {
  const inner = scanArgs(s, i + 1, false);
  return inner ? inner.end + 1 : -1;
}

export class StraceScanner {
  line = "";
  pid: number | null = null;
  stampKind: StraceTimestamp["kind"] | null = null;
  private stampStart = 0;
  private stampEnd = 0;
  /** Where the call's name is, and what kind of line it is. */
  private nameStart = 0;
  private nameEnd = 0;
  private kind: "syscall" | "unfinished" | "resumed" = "syscall";
  private resumedName = "";
  private scanned: Scanned | null = null;
  private res: Result | null = null;

  /** Reads the line into the fields; false when it is not a shape this path takes. */
  scan(s: string): boolean {
    this.line = s;
    // the grammar refuses brackets nested deeper than any tool prints
    if (s.length === 0 || NOT_PLAIN.test(s) || tooDeep(s)) return false;
    let i = this.prefix(s);
    if (i < 0) return false;
    i = this.stamp(s, i);
    if (i < 0) return false;
    const c = s.charCodeAt(i);
    if (c === LT) return this.resumed(s, i);
    if (!isIdentStart(c)) return false;
    let e = i + 1;
    while (isIdentChar(s.charCodeAt(e))) e++;
    if (s.charCodeAt(e) !== LPAREN) return false;
    this.nameStart = i;
    this.nameEnd = e;
    const scanned = scanArgs(s, e + 1, true);
    if (!scanned) return false;
    this.scanned = scanned;
    if (scanned.unfinished) {
      this.kind = "unfinished";
      return true;
    }
    this.kind = "syscall";
    this.res = result(s, scanned.end + 1);
    return this.res !== null;
  }

  private resumed(s: string, i: number): boolean {
    const m = at(RESUMED, s, i);
    if (!m) return false;
    const scanned = scanArgs(s, i + m[0].length, false);
    if (!scanned) return false;
    this.kind = "resumed";
    this.resumedName = m[1]!;
    this.scanned = scanned;
    this.res = result(s, scanned.end + 1);
    return this.res !== null;
  }

  // "[pid  123] " (-f on stderr) or "123 " (-f -o); a line may start with neither
  private prefix(s: string): number {
    this.pid = null;
    const c = s.charCodeAt(0);
    if (c === LBRACK) {
      const m = at(BRACKET_PID, s, 0);
      if (!m) return -1;
      this.pid = Number(m[1]);
      return m[0].length;
    }
    if (isDigit(c)) {
      const m = at(PID_NUM, s, 0);
      if (m) {
        this.pid = Number(m[1]);
        return m[0].length;
      }
    }
    // leading spaces only before -r's relative time
    return c === TAB ? -1 : 0;
  }

  // -t/-tt (time of day), -ttt (epoch seconds) or -r (relative), then blanks
  private stamp(s: string, i: number): number {
    this.stampKind = null;
    let j = i;
    if (i === 0 && s.charCodeAt(0) === SP) {
      // the lexer's leadws is spaces only
      while (s.charCodeAt(j) === SP) j++;
      const d = at(DECIMAL, s, j);
      if (!d || !isWs(s.charCodeAt(j + d[0].length))) return -1;
      return this.stamped(s, "decimal", j, j + d[0].length);
    }
    if (!isDigit(s.charCodeAt(j))) return j;
    const clock = at(CLOCK, s, j);
    if (clock) return isWs(s.charCodeAt(j + clock[0].length)) ? this.stamped(s, "clock", j, j + clock[0].length) : -1;
    const d = at(DECIMAL, s, j);
    if (d) return isWs(s.charCodeAt(j + d[0].length)) ? this.stamped(s, "decimal", j, j + d[0].length) : -1;
    return -1;
  }

  private stamped(s: string, kind: StraceTimestamp["kind"], start: number, end: number): number {
    this.stampKind = kind;
    this.stampStart = start;
    this.stampEnd = end;
    return skipWs(s, end);
  }

  /** The call's name (syscall and unfinished lines: before "("; resumed: in the marker). */
  get name(): string {
    return this.kind === "resumed" ? this.resumedName : this.line.slice(this.nameStart, this.nameEnd);
  }

  /** A whole call, as most lines are. */
  get isCall(): boolean {
    return this.kind === "syscall";
  }

  timestamp(): StraceTimestamp | null {
    if (this.stampKind === null) return null;
    const text = this.line.slice(this.stampStart, this.stampEnd);
    return { kind: this.stampKind, text, seconds: this.stampKind === "clock" ? clockSeconds(text) : Number(text) };
  }

  /** The record the grammar returns for the scanned line. */
  record(): StraceLine {
    const s = this.line;
    const args = argsOf(s, this.scanned!.args);
    const located = { pid: this.pid, timestamp: this.timestamp() };
    if (this.kind === "unfinished") return { record: "unfinished", name: this.name, args, cut: false, message: null, ...located };
    const { result, duration } = this.res!;
    if (this.kind === "resumed") return { record: "resumed", name: this.resumedName, args, result, duration, ...located };
    return { record: "syscall", name: this.name, args, result, duration, ...located };
  }
}

const scanner = new StraceScanner();

/** The fast path as a function: the grammar's record for the line, or null. */
export function fastStraceLine(line: string): StraceLine | null {
  return scanner.scan(line) ? scanner.record() : null;
}
