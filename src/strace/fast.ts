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
import { detach } from "../strings.js";
import type { Arg, StraceLine, StraceTimestamp, SyscallResult } from "./records.js";

const SP = 32, TAB = 9, COMMA = 44, DQUOTE = 34, LT = 60, SLASH = 47, DASH = 45, PLUS = 43;
const LPAREN = 40, RPAREN = 41, LBRACK = 91, RBRACK = 93, LBRACE = 123, RBRACE = 125, EQ = 61, QMARK = 63;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentChar = (c: number) => isIdentStart(c) || isDigit(c);
const isWs = (c: number) => c === SP || c === TAB;


const sticky = (source: string) => new RegExp(source, "y");
/**
 * Characters that open, close or split nothing and start no token that could;
 * nor blanks the lexer cannot read (any \s but space and tab).
 */
const BORING_SOURCE = String.raw`[^"<\/\-+()\[\]{},\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]`;
/** BORING for the characters below 128, as a table: a run is skipped by a loop, without a call into the regexp engine per run. */
const BORING_ASCII = Uint8Array.from({ length: 128 }, (_, c) => (new RegExp(BORING_SOURCE).test(String.fromCharCode(c)) ? 1 : 0));
const BORING_OTHER = new RegExp(BORING_SOURCE);

/** Where the run of BORING characters that starts at i ends (i when there is none). */
function boringEnd(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 128 ? BORING_ASCII[c] === 0 : !BORING_OTHER.test(s[i]!)) break;
    i++;
  }
  return i;
}
/** Whitespace the lexer has no token for (outside strings, decorations and comments the line is then not the grammar's). */
const UNREADABLE = /[^\S \t]/;
// the lexer's tokens (grammar/strace.ne) that may hold brackets, commas or blanks
const STRING = sticky(String.raw`"(?:[^"\\]|\\.)*"(?:\.\.\.)?`);
const DURATION = sticky(String.raw`<\d+\.\d+>`);
const UNFINISHED = sticky(String.raw`<unfinished \.\.\.>`);
const RESUMED = sticky(String.raw`<\.\.\. ([\w]+) resumed>`);
const UNAVAILABLE = sticky(String.raw`<unavailable>`);
const DECOR = sticky(String.raw`<(?:->|<[^<>]*>|[^<>])*>`);
const COMMENT = sticky(String.raw`\/\*.*?\*\/`);
const CLOCK = sticky(String.raw`\d{2}:\d{2}:\d{2}(?:\.\d+)?`);
const DECIMAL = sticky(String.raw`\d+\.\d+`);
const HEX = sticky(String.raw`0x[0-9a-fA-F]+`);
/** The lexer's tokens that start with a digit, in its order: where one ends, an identifier may start. */
const DIGITS = sticky(String.raw`\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d+\.\d+|0x[0-9a-fA-F]+|\d+`);

function at(re: RegExp, s: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(s);
}

/** Where the token of this pattern that starts at i ends, or -1 (no match array is made). */
function endOf(re: RegExp, s: string, i: number): number {
  re.lastIndex = i;
  return re.test(s) ? re.lastIndex : -1;
}

function skipWs(s: string, i: number): number {
  while (isWs(s.charCodeAt(i))) i++;
  return i;
}

/** How a scan of bracketed text ended. */
interface Scanned {
  /** Where it stopped: the closing ")" of the call, or "<unfinished ...>". */
  end: number;
  /** Start and end of each argument (untrimmed), in pairs: the first count numbers. */
  args: number[];
  count: number;
  unfinished: boolean;
}

/** Slots of StraceScanner's cache of call names (a power of two; a trace calls a few dozen). */
const NAME_SLOTS = 256;

/** The bracket stack of scanArgs, which never runs inside itself: one array for every line. */
const STACK: number[] = [];
/** For scans whose arguments are not kept (balanced groups, a signal's text). */
const SCRATCH: Scanned = { end: 0, args: [], count: 0, unfinished: false };

function done(out: Scanned, end: number, unfinished: boolean, count: number): true {
  out.end = end;
  out.count = count;
  out.unfinished = unfinished;
  return true;
}

/**
 * The arguments from i to the ")" that closes the call (or "<unfinished
 * ...>" at the top level), split at top-level commas, into out (its arrays
 * are reused from line to line); false where the grammar would read the
 * line otherwise.
 */
function scanArgs(s: string, i: number, allowUnfinished: boolean, out: Scanned, region = -1): boolean {
  // region: scan i..region as a whole (balanced text), not up to the call's ")"
  const end = region < 0 ? s.length : region;
  const args = out.args;
  let n = 0; // numbers written to args (its length is whatever an earlier line needed)
  let depth = 0; // brackets open in STACK
  // without the word "strace" on the line, identifiers and numbers need no reading: runs of
  // characters that cannot open or close anything are skipped at once
  const plain = !s.includes("strace");
  let start = i;
  let k = i;
  while (k < end) {
    if (plain) {
      k = boringEnd(s, k, end);
      if (k >= end) break;
    }
    const c = s.charCodeAt(k);
    switch (c) {
      case DQUOTE: {
        const e = endOf(STRING, s, k);
        k = e > 0 ? e : k + 1; // an unpaired quote is a token of its own
        continue;
      }
      case LT: {
        // tokens the grammar does not take inside arguments end the fast path here
        if (endOf(DURATION, s, k) > 0 || endOf(RESUMED, s, k) > 0 || endOf(UNAVAILABLE, s, k) > 0) return false;
        const u = endOf(UNFINISHED, s, k);
        if (u > 0 && region >= 0) return false;
        if (u > 0) {
          // the first half of a call ends the line (blanks aside)
          if (!allowUnfinished || depth > 0 || skipWsEnd(s, u) < 0) return false;
          args[n++] = start;
          args[n++] = k;
          return done(out, k, true, n);
        }
        const d = endOf(DECOR, s, k);
        k = d > 0 ? d : k + 1;
        continue;
      }
      case SLASH: {
        const e = endOf(COMMENT, s, k);
        k = e > 0 ? e : k + 1;
        continue;
      }
      case DASH:
      case PLUS:
        // "---" and "+++" are tokens of strace's own lines, not of arguments
        if (s.charCodeAt(k + 1) === c && s.charCodeAt(k + 2) === c) return false;
        k++;
        continue;
      case LPAREN:
        STACK[depth++] = RPAREN;
        break;
      case LBRACK:
        STACK[depth++] = RBRACK;
        break;
      case LBRACE:
        STACK[depth++] = RBRACE;
        break;
      case RPAREN:
        if (depth === 0) {
          if (region >= 0) return false;
          args[n++] = start;
          args[n++] = k;
          return done(out, k, false, n);
        }
        if (depth === 0 || STACK[--depth] !== c) return false;
        break;
      case RBRACK:
      case RBRACE:
        if (depth === 0 || STACK[--depth] !== c) return false;
        break;
      case COMMA:
        if (depth === 0) {
          args[n++] = start;
          args[n++] = k;
          start = k + 1;
        }
        break;
      default:
        if (UNREADABLE.test(s[k]!)) return false;
        if (isDigit(c)) {
          k = endOf(DIGITS, s, k);
          continue;
        }
        if (isIdentStart(c)) {
          let e = k + 1;
          while (isIdentChar(s.charCodeAt(e))) e++;
          // "strace:" after the arguments is strace's own message spliced into the call
          if (depth === 0 && e - k === 6 && s.startsWith("strace", k) && s.charCodeAt(e) === 58) return false;
          k = e;
          continue;
        }
    }
    k++;
  }
  // a token that runs past the region's end means the lexer reads the region otherwise
  return region >= 0 && depth === 0 && k === end && done(out, end, false, n);
}

/** The end of the line if only blanks follow i, else -1. */
function skipWsEnd(s: string, i: number): number {
  const e = skipWs(s, i);
  return e === s.length ? e : -1;
}

/** Arguments as the grammar's toArgs gives them: "f()" has none ("f( )" has one, empty). */
function argsOf(s: string, bounds: number[], count: number): Arg[] {
  if (count === 2 && bounds[0] === bounds[1]) return [];
  const out: Arg[] = [];
  for (let k = 0; k < count; k += 2) out.push({ text: s.slice(bounds[k], bounds[k + 1]!).trim() });
  return out;
}

interface Result {
  result: SyscallResult;
  duration: number | null;
}

/** Where the pieces of a call's result are (-1: absent); read by the scan, made into values only for a record. */
class ResultSpans {
  /** The value's text; "neg" when a "-" stands before its digits. */
  valueStart = 0;
  valueEnd = 0;
  valueKind: "number" | "neg" | "hex" | "unknown" = "number";
  decorStart = -1;
  decorEnd = 0;
  errnoStart = -1;
  errnoEnd = 0;
  detailStart = -1;
  detailEnd = 0;
  unavailable = false;
  durationStart = -1;
  durationEnd = 0;

  /** "= VALUE [NOTES] [<DURATION>]" from i (after the ")"), to the end of the line; false otherwise. */
  read(s: string, i: number): boolean {
    this.decorStart = this.errnoStart = this.detailStart = this.durationStart = -1;
    this.unavailable = false;
    let k = skipWs(s, i);
    if (s.charCodeAt(k) !== EQ) return false;
    k = skipWs(s, k + 1);
    k = this.returnValue(s, k);
    if (k < 0) return false;
    for (;;) {
      if (k === s.length) return true;
      if (!isWs(s.charCodeAt(k))) return false;
      const n = skipWs(s, k);
      if (n === s.length) return true;
      const c = s.charCodeAt(n);
      if (isIdentStart(c)) {
        let e = n + 1;
        while (isIdentChar(s.charCodeAt(e))) e++;
        if (this.errnoStart < 0) {
          this.errnoStart = n;
          this.errnoEnd = e;
        }
        k = e;
      } else if (c === LPAREN) {
        const close = balancedEnd(s, n);
        if (close < 0) return false;
        if (this.detailStart < 0) {
          this.detailStart = n + 1;
          this.detailEnd = close - 1;
        }
        k = close;
      } else if (c === LT) {
        const u = endOf(UNAVAILABLE, s, n);
        if (u > 0) {
          this.unavailable = true;
          k = u;
          continue;
        }
        const d = endOf(DURATION, s, n);
        // the duration is the last thing on the line
        if (d < 0 || skipWsEnd(s, d) < 0) return false;
        this.durationStart = n + 1;
        this.durationEnd = d - 1;
        return true;
      } else return false;
    }
  }

  /** The return value: a number (with a -y decoration), a negative number, a hex value or "?"; its end, or -1. */
  private returnValue(s: string, i: number): number {
    const c = s.charCodeAt(i);
    this.valueStart = i;
    if (c === QMARK) {
      this.valueKind = "unknown";
      return (this.valueEnd = i + 1);
    }
    const negative = c === DASH;
    const j = negative ? i + 1 : i;
    if (!isDigit(s.charCodeAt(j))) return -1;
    let e = j;
    while (isDigit(s.charCodeAt(e))) e++;
    // the lexer's clock, decimal and hex tokens come before number: only a ":", "." or "x" after the digits can start one
    const next = s.charCodeAt(e);
    if ((next === 58 && endOf(CLOCK, s, j) > 0) || (next === 46 && endOf(DECIMAL, s, j) > 0)) return -1;
    if (next === 120) {
      const hex = endOf(HEX, s, j);
      if (hex > 0) {
        if (negative) return -1;
        this.valueKind = "hex";
        return (this.valueEnd = hex);
      }
    }
    this.valueKind = negative ? "neg" : "number";
    this.valueEnd = e;
    if (!negative && s.charCodeAt(e) === LT) {
      if (endOf(DURATION, s, e) > 0 || endOf(UNFINISHED, s, e) > 0 || endOf(RESUMED, s, e) > 0 || endOf(UNAVAILABLE, s, e) > 0) return -1;
      const d = endOf(DECOR, s, e);
      if (d < 0) return -1;
      this.decorStart = e;
      this.decorEnd = d;
      return d;
    }
    return e;
  }

  /** The record's result, as the grammar's postprocessors make it. */
  make(s: string): Result {
    const text = s.slice(this.valueStart, this.valueEnd);
    const digits = this.valueKind === "neg" ? text.slice(1) : text;
    const value = this.valueKind === "hex" || this.valueKind === "unknown" ? null : Number(digits) * (this.valueKind === "neg" ? -1 : 1);
    return {
      result: {
        value,
        text,
        errno: this.errnoStart < 0 ? null : s.slice(this.errnoStart, this.errnoEnd),
        detail: this.detailStart < 0 ? null : s.slice(this.detailStart, this.detailEnd),
        decoration: this.decorStart < 0 ? null : s.slice(this.decorStart, this.decorEnd),
        unavailable: this.unavailable,
      },
      duration: this.durationStart < 0 ? null : Number(s.slice(this.durationStart, this.durationEnd)),
    };
  }
}

/** The index after the bracket group opening at i, read token by token as in arguments; -1 if it does not close. */
function balancedEnd(s: string, i: number): number {
  return scanArgs(s, i + 1, false, SCRATCH) ? SCRATCH.end + 1 : -1;
}

function digits(s: string, i: number, end: number): number {
  let v = 0;
  for (; i < end; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

/**
 * "HH:MM:SS[.frac]" at start..end in seconds, as clockSeconds() computes it:
 * the seconds "SS.frac" are one division of exact integers, which rounds as
 * Number() does.
 */
function clockValue(s: string, start: number, end: number): number {
  const seconds = end - (start + 6) <= 16 ? decimal(s, start + 6, end) : Number(s.slice(start + 6, end));
  return digits(s, start, start + 2) * 3600 + digits(s, start + 3, start + 5) * 60 + seconds;
}

const POW10 = Array.from({ length: 17 }, (_, k) => 10 ** k);

function decimal(s: string, i: number, end: number): number {
  if (end === i + 2) return digits(s, i, end);
  const scale = POW10[end - i - 3]!;
  return (digits(s, i, i + 2) * scale + digits(s, i + 3, end)) / scale;
}

type Kind = "syscall" | "unfinished" | "resumed" | "tail" | "exit" | "signal" | "marker" | "message";

const UNFINISHED_TEXT = "<unfinished ...>";

export class StraceScanner {
  line = "";
  pid: number | null = null;
  stampKind: StraceTimestamp["kind"] | null = null;
  private stampStart = 0;
  private stampEnd = 0;
  /** Where the call's name is, and what kind of line it is. */
  private nameStart = 0;
  private nameEnd = 0;
  private kind: Kind = "syscall";
  private resumedName = "";
  /** The arguments of the scanned line (its arrays are reused for the next line). */
  private readonly scanned: Scanned = { end: 0, args: [], count: 0, unfinished: false };
  private readonly res = new ResultSpans();
  /** exit, signal and message lines: their values. */
  private exit: { kind: "exited" | "killed"; code: number | null; signal: string | null } | null = null;
  private textStart = 0;
  private textEnd = 0;

  /** Reads the line into the fields; false when it is not a shape this path takes. */
  scan(s: string): boolean {
    this.line = s;
    this.pid = null;
    this.stampKind = null;
    if (s.length === 0) return false;
    const c0 = s.charCodeAt(0);
    // the end of a call another line cut: ") = 0", ", arg) = 0"
    if (c0 === RPAREN || c0 === COMMA) return this.tail(s);
    if (c0 === SP && this.marker(s)) return true;
    let i = this.prefix(s);
    if (i < 0) return false;
    i = this.stamp(s, i);
    if (i < 0) return false;
    const c = s.charCodeAt(i);
    if (c === LT) return this.resumed(s, i);
    if (c === PLUS) return this.exitLine(s, i);
    if (c === DASH) return this.signal(s, i);
    if (!isIdentStart(c)) return false;
    let e = i + 1;
    while (isIdentChar(s.charCodeAt(e))) e++;
    if (s.charCodeAt(e) === 58 && e - i === 6 && s.startsWith("strace", i)) return this.message(s, i);
    if (s.charCodeAt(e) !== LPAREN) return false;
    this.nameStart = i;
    this.nameEnd = e;
    const scanned = this.scanned;
    if (!scanArgs(s, e + 1, true, scanned)) return false;
    if (scanned.unfinished) {
      this.kind = "unfinished";
      return true;
    }
    this.kind = "syscall";
    return this.res.read(s, scanned.end + 1);
  }

  private resumed(s: string, i: number): boolean {
    const m = at(RESUMED, s, i);
    if (!m) return false;
    const scanned = this.scanned;
    if (!scanArgs(s, i + m[0].length, false, scanned)) return false;
    this.kind = "resumed";
    this.resumedName = m[1]!;
    return this.res.read(s, scanned.end + 1);
  }

  /** ") = 11 <0.000014>" or ", arg) = 0": the end of a call whose line was cut. */
  private tail(s: string): boolean {
    let close = 0;
    if (s.charCodeAt(0) === COMMA) {
      if (!scanArgs(s, 1, false, this.scanned)) return false;
      close = this.scanned.end;
    } else {
      this.scanned.args[0] = this.scanned.args[1] = 0;
      done(this.scanned, 0, false, 2);
    }
    this.kind = "tail";
    return this.res.read(s, close + 1);
  }

  /** " <unfinished ...>" after a cut call. */
  private marker(s: string): boolean {
    let i = 0;
    while (s.charCodeAt(i) === SP) i++;
    if (!s.startsWith(UNFINISHED_TEXT, i) || skipWsEnd(s, i + UNFINISHED_TEXT.length) < 0) return false;
    this.kind = "marker";
    return true;
  }

  /** "+++ exited with 1 +++", "+++ killed by SIGINT +++", "+++ killed by SIGSEGV (core dumped) +++". */
  private exitLine(s: string, i: number): boolean {
    if (!s.startsWith("+++", i) || !isWs(s.charCodeAt(i + 3))) return false;
    let k = skipWs(s, i + 3);
    let exit: StraceScanner["exit"];
    if (word(s, k, "exited")) {
      k = skipWs(s, k + 6);
      if (!word(s, k, "with")) return false;
      k = skipWs(s, k + 4);
      const e = skipDigitsOnly(s, k);
      if (e === k || !isWs(s.charCodeAt(e))) return false;
      exit = { kind: "exited", code: Number(s.slice(k, e)), signal: null };
      k = e;
    } else if (word(s, k, "killed")) {
      k = skipWs(s, k + 6);
      if (!word(s, k, "by")) return false;
      k = skipWs(s, k + 2);
      let e = k;
      if (!isIdentStart(s.charCodeAt(e))) return false;
      while (isIdentChar(s.charCodeAt(e))) e++;
      exit = { kind: "killed", code: null, signal: s.slice(k, e) };
      k = e;
      if (isWs(s.charCodeAt(k)) && s.charCodeAt(skipWs(s, k)) === LPAREN) {
        const p = skipWs(s, k);
        if (!s.startsWith("(core", p) || !isWs(s.charCodeAt(p + 5))) return false;
        const d = skipWs(s, p + 5);
        if (!s.startsWith("dumped)", d)) return false;
        k = d + 7;
      }
    } else return false;
    if (!isWs(s.charCodeAt(k))) return false;
    k = skipWs(s, k);
    if (!s.startsWith("+++", k) || skipWsEnd(s, k + 3) < 0) return false;
    this.kind = "exit";
    this.exit = exit;
    return true;
  }

  /** "--- SIGCHLD {si_signo=SIGCHLD, ...} ---". */
  private signal(s: string, i: number): boolean {
    if (!s.startsWith("---", i) || !isWs(s.charCodeAt(i + 3))) return false;
    const innerStart = skipWs(s, i + 3);
    // the closing "---", blanks before it, nothing but blanks after it
    let end = s.length;
    while (isWs(s.charCodeAt(end - 1))) end--;
    const close = end - 3;
    if (close <= innerStart || !s.startsWith("---", close) || !isWs(s.charCodeAt(close - 1))) return false;
    let innerEnd = close;
    while (isWs(s.charCodeAt(innerEnd - 1))) innerEnd--;
    if (innerEnd <= innerStart || !scanArgs(s, innerStart, false, SCRATCH, innerEnd)) return false;
    this.kind = "signal";
    this.textStart = innerStart;
    this.textEnd = innerEnd;
    return true;
  }

  /** "strace: Process 123 attached" (strace's own words, after any prefix and time). */
  private message(s: string, i: number): boolean {
    // blanks at the end could belong to the message or to the line: the grammar reads them both ways
    if (isWs(s.charCodeAt(s.length - 1)) || UNREADABLE.test(s)) return false;
    this.kind = "message";
    this.textStart = i;
    this.textEnd = s.length;
    return true;
  }

  // "[pid  123] " (-f on stderr) or "123 " (-f -o); a line may start with neither
  private prefix(s: string): number {
    const c = s.charCodeAt(0);
    if (c === LBRACK) {
      // "[pid +N] ?"
      if (!s.startsWith("[pid ", 0)) return -1;
      let k = 5;
      while (s.charCodeAt(k) === SP) k++;
      const e = skipDigitsAll(s, k);
      if (e === k || s.charCodeAt(e) !== RBRACK) return -1;
      this.pid = e - k <= 15 ? digits(s, k, e) : Number(s.slice(k, e));
      return s.charCodeAt(e + 1) === SP ? e + 2 : e + 1;
    }
    if (isDigit(c)) {
      // "N +" before a non-blank
      const e = skipDigitsAll(s, 0);
      if (s.charCodeAt(e) === SP) {
        let k = e;
        while (s.charCodeAt(k) === SP) k++;
        if (k < s.length && !/\s/.test(s[k]!)) {
          this.pid = e <= 15 ? digits(s, 0, e) : Number(s.slice(0, e));
          return k;
        }
      }
    }
    // leading spaces only before -r's relative time
    return c === TAB ? -1 : 0;
  }

  // -t/-tt (time of day), -ttt (epoch seconds) or -r (relative), then blanks
  private stamp(s: string, i: number): number {
    let j = i;
    if (i === 0 && s.charCodeAt(0) === SP) {
      // the lexer's leadws is spaces only
      while (s.charCodeAt(j) === SP) j++;
      const d = endOf(DECIMAL, s, j);
      if (d < 0 || !isWs(s.charCodeAt(d))) return -1;
      return this.stamped(s, "decimal", j, d);
    }
    if (!isDigit(s.charCodeAt(j))) return j;
    const clock = endOf(CLOCK, s, j);
    if (clock > 0) return isWs(s.charCodeAt(clock)) ? this.stamped(s, "clock", j, clock) : -1;
    const d = endOf(DECIMAL, s, j);
    if (d > 0) return isWs(s.charCodeAt(d)) ? this.stamped(s, "decimal", j, d) : -1;
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
    if (this.kind === "resumed") return this.resumedName;
    const s = this.line;
    const a = this.nameStart;
    const b = this.nameEnd;
    let h = b - a;
    for (let i = a; i < b; i++) h = (h * 31 + s.charCodeAt(i)) & (NAME_SLOTS - 1);
    const seen = this.names[h]!;
    if (seen.length === b - a && s.startsWith(seen, a)) return seen;
    return (this.names[h] = detach(s.slice(a, b)));
  }

  /**
   * Call names seen lately, by a hash of their letters: a name comes back as
   * the same string from line to line, so that looking it up (wants) hashes
   * and slices nothing once it has been seen.
   */
  private readonly names: string[] = new Array<string>(NAME_SLOTS).fill("");

  /** The number the first argument starts with (after blanks), or null: a close()'s fd. */
  firstArgNumber(): number | null {
    const s = this.line;
    const scanned = this.scanned;
    if (scanned.count === 0) return null;
    const end = scanned.args[1]!;
    let i = skipWs(s, scanned.args[0]!);
    const start = i;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return null;
    return i - start <= 15 ? digits(s, start, i) : Number(s.slice(start, i));
  }

  /** A whole call, as most lines are. */
  get isCall(): boolean {
    return this.kind === "syscall";
  }

  /** A call's first half ("<unfinished ...>"), or its second ("<... name resumed>"); null otherwise. */
  get half(): "unfinished" | "resumed" | null {
    return this.kind === "unfinished" || this.kind === "resumed" ? this.kind : null;
  }

  timestamp(): StraceTimestamp | null {
    if (this.stampKind === null) return null;
    const text = this.line.slice(this.stampStart, this.stampEnd);
    return { kind: this.stampKind, text, seconds: this.stampKind === "clock" ? clockValue(this.line, this.stampStart, this.stampEnd) : Number(text) };
  }

  /** The record the grammar returns for the scanned line. */
  record(): StraceLine {
    const s = this.line;
    const located = { pid: this.pid, timestamp: this.timestamp() };
    switch (this.kind) {
      case "marker":
        return { record: "unfinished-marker", pid: null, timestamp: null, text: UNFINISHED_TEXT };
      case "exit":
        return { record: "exit", ...this.exit!, ...located };
      case "signal": {
        const text = s.slice(this.textStart, this.textEnd);
        return { record: "signal", signal: /\bSIG[A-Z0-9]+/.exec(text)?.[0] ?? null, text, ...located };
      }
      case "message": {
        const text = s.slice(this.textStart, this.textEnd);
        const m = /Process (\d+) (\w+)/.exec(text);
        return { record: "strace-message", text, process: m ? { pid: Number(m[1]), state: m[2]! } : null, ...located };
      }
      default:
        break;
    }
    const args = argsOf(s, this.scanned.args, this.scanned.count);
    if (this.kind === "unfinished") return { record: "unfinished", name: this.name, args, cut: false, message: null, ...located };
    const { result, duration } = this.res.make(s);
    if (this.kind === "tail") return { record: "resumed", name: null, args, result, duration, pid: null, timestamp: null };
    if (this.kind === "resumed") return { record: "resumed", name: this.resumedName, args, result, duration, ...located };
    return { record: "syscall", name: this.name, args, result, duration, ...located };
  }
}

function skipDigitsAll(s: string, i: number): number {
  while (isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** The identifier token at i is exactly this word. */
function word(s: string, i: number, w: string): boolean {
  return s.startsWith(w, i) && !isIdentChar(s.charCodeAt(i + w.length));
}

/** Digits that the lexer reads as a number token on their own (not a clock, decimal or hex). */
function skipDigitsOnly(s: string, i: number): number {
  let e = i;
  while (isDigit(s.charCodeAt(e))) e++;
  return endOf(DIGITS, s, i) === e ? e : i;
}

const scanner = new StraceScanner();

/** The fast path as a function: the grammar's record for the line, or null. */
export function fastStraceLine(line: string): StraceLine | null {
  return scanner.scan(line) ? scanner.record() : null;
}
