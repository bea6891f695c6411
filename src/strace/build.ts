// Postprocessors of grammar/strace.ne: matched tokens -> the records of ./records.ts.
import type { Token } from "moo";
import { lineSpans, type Span, type Tree } from "../grammar-support.js";
import { clockSeconds } from "../time.js";
import type {
  Arg,
  ExitLine,
  ProgramOutputLine,
  SignalLine,
  StackFrameLine,
  StraceLine,
  StraceMessageLine,
  StraceTimestamp,
  SyscallResult,
} from "./records.js";

const spans = lineSpans();
export const { readsLineFrom, emptySpan, span, extend, flat, finish } = spans;

export function pid(tok: Token): number {
  return Number(/\d+/.exec(tok.text)![0]);
}

export function stamp(kind: "clock" | "decimal", tok: Token): StraceTimestamp {
  return { kind, text: tok.text, seconds: kind === "clock" ? clockSeconds(tok.text) : Number(tok.text) };
}

// --- arguments -----------------------------------------------------------------

// start and end come first and last: the span helpers read a group's text
// from its first and last token.
interface Group {
  start: Token;
  /** What is inside: its text is read from the line, between start and end. */
  inner: Run;
  end: Token;
}

export function group(start: Token, inner: Run, end: Token): Group {
  return { start, inner, end };
}

/**
 * A value's pieces (tokens and groups) as what the records need of them:
 * where its text starts and ends, its last piece, and its tokens outside
 * groups at either end, and whether "strace" comes right before ":" among
 * those. first is the first property and last the last: the span helpers
 * read a tree's text from its first and last token.
 */
export interface Run {
  first: Token | null;
  firstTop: Token | null;
  lastTop: Token | null;
  lastPiece: Token | Group | null;
  straceColon: boolean;
  last: Token | null;
}

export const EMPTY_RUN: Run = { first: null, firstTop: null, lastTop: null, lastPiece: null, straceColon: false, last: null };

const isGroup = (p: Token | Group): p is Group => "inner" in p;

/** The run with one more piece: a new run (states share the old one). */
export function more(run: Run, piece: Token | Group): Run {
  const top = isGroup(piece) ? null : piece;
  return {
    first: run.first ?? (isGroup(piece) ? piece.start : piece),
    firstTop: run.firstTop ?? top,
    lastTop: top ?? run.lastTop,
    lastPiece: piece,
    // groups are left out: "strace" (group) ":" still counts
    straceColon: run.straceColon || (top?.text === ":" && run.lastTop?.text === "strace"),
    last: isGroup(piece) ? piece.end : piece,
  };
}

function toArgs(values: Run[]): Arg[] {
  // "f()" has one empty value: no arguments
  if (values.length === 1 && values[0]!.first === null) return [];
  return values.map((v) => ({ text: v.first ? flat([v.first, v.last] as Tree).trim() : "" }));
}

// --- results -------------------------------------------------------------------

interface ReturnValue {
  value: number | null;
  text: string;
  decoration: string | null;
}

export function retNumber(tok: Token, negative: boolean, decor?: Token): ReturnValue {
  const value = Number(tok.text) * (negative ? -1 : 1);
  return { value, text: negative ? `-${tok.text}` : tok.text, decoration: decor ? decor.text : null };
}

export function retHex(tok: Token): ReturnValue {
  return { value: null, text: tok.text, decoration: null };
}

export function retUnknown(): ReturnValue {
  return { value: null, text: "?", decoration: null };
}

interface Note {
  kind: "errno" | "detail" | "unavailable";
  text: string;
}

export function note(kind: Note["kind"], d: Tree): Note {
  const text = flat(d);
  return { kind, text: kind === "detail" ? text.slice(1, -1) : text };
}

export function duration(tok: Token): number {
  return Number(tok.text.slice(1, -1));
}

export function result(ret: ReturnValue, notes: Note[], dur: number | null): { result: SyscallResult; duration: number | null } {
  return {
    result: {
      value: ret.value,
      text: ret.text,
      errno: notes.find((n) => n.kind === "errno")?.text ?? null,
      detail: notes.find((n) => n.kind === "detail")?.text ?? null,
      decoration: ret.decoration,
      unavailable: notes.some((n) => n.kind === "unavailable"),
    },
    duration: dur,
  };
}

// --- events ----------------------------------------------------------------------

type Event = { record: StraceLine["record"] } & Record<string, unknown>;

export function syscall(name: Token, args: Run[], r: ReturnType<typeof result>): Event {
  return { record: "syscall", name: name.text, args: toArgs(args), result: r.result, duration: r.duration };
}

export function unfinished(name: Token, args: Run[]): Event {
  return { record: "unfinished", name: name.text, args: toArgs(args), cut: false, message: null };
}

/** "strace" right before ":" among the tokens outside groups, across the values (commas left out). */
function isStraceMessageStart(values: Run[]): boolean {
  let before: Token | null = null;
  for (const v of values) {
    if (v.straceColon || (before?.text === "strace" && v.firstTop?.text === ":")) return true;
    before = v.lastTop ?? before;
  }
  return false;
}

/** "write(2, "abc", 3" and the line ends: the call continues on a later line. */
export function cut(name: Token, args: Run[], reject: object): Event | object {
  const last = args.at(-1)?.lastPiece;
  // trailing blanks belong to the line; "strace:" inside is the spliced form
  if ((last && !isGroup(last) && last.type === "ws") || isStraceMessageStart(args)) return reject;
  return { record: "unfinished", name: name.text, args: toArgs(args), cut: true, message: null };
}

export function splicedMessage(name: Token, args: Run[], message: Tree): Event {
  const m = /Process (\d+) (\w+)/.exec(flat(message));
  return {
    record: "unfinished",
    name: name.text,
    args: toArgs(args),
    cut: true,
    message: m ? { pid: Number(m[1]), state: m[2]! } : null,
  };
}

export function tail(args: Run[], r: ReturnType<typeof result>): StraceLine {
  return { record: "resumed", name: null, args: toArgs(args), result: r.result, duration: r.duration, pid: null, timestamp: null };
}

export function unfinishedMarker(): StraceLine {
  return { record: "unfinished-marker", pid: null, timestamp: null, text: "<unfinished ...>" };
}

export function summary(d: Tree): StraceLine {
  return { record: "summary", pid: null, timestamp: null, text: flat(d).trim() };
}

export function resumed(tok: Token, args: Run[], r: ReturnType<typeof result>): Event {
  const name = /<\.\.\. (\w+) resumed>/.exec(tok.text)![1]!;
  return { record: "resumed", name, args: toArgs(args), result: r.result, duration: r.duration };
}

export function signal(inner: Tree): Omit<SignalLine, "pid" | "timestamp"> {
  const text = flat(inner);
  return { record: "signal", signal: /\bSIG[A-Z0-9]+/.exec(text)?.[0] ?? null, text };
}

export function exit(kind: "exited" | "killed", tok: Token): Omit<ExitLine, "pid" | "timestamp"> {
  return kind === "exited"
    ? { record: "exit", kind, code: Number(tok.text), signal: null }
    : { record: "exit", kind, code: null, signal: tok.text };
}

export function straceMessage(d: Tree): Omit<StraceMessageLine, "pid" | "timestamp"> {
  const text = flat(d);
  const m = /Process (\d+) (\w+)/.exec(text);
  return { record: "strace-message", text, process: m ? { pid: Number(m[1]), state: m[2]! } : null };
}

export function stackFrame(d: Tree): StackFrameLine {
  return { record: "stack-frame", pid: null, timestamp: null, text: flat(d).trim() };
}

export function line(prefixPid: number | null, ts: StraceTimestamp | null, event: Event): StraceLine {
  return { ...event, pid: prefixPid, timestamp: ts } as StraceLine;
}

/** A line the traced program printed itself, unless it has the start of a strace line. */
export function programOutput(rest: Span, reject: object): ProgramOutputLine | object {
  const [a, b] = rest.head;
  const t = a!.type;
  if (["bracketpid", "pidnum", "resumed", "dashes", "pluses", "rule"].includes(t!)) return reject;
  if (t === "leadws" && (b?.type === "decimal" || b?.type === "unfinished" || b?.text === ">")) return reject;
  if (a!.text === ")" || a!.text === "," || a!.text === "%") return reject;
  if ((t === "clock" || t === "decimal") && b?.type === "ws") return reject;
  if (t === "ident" && (b?.text === "(" || (a!.text === "strace" && b?.text === ":"))) return reject;
  return { record: "program-output", pid: null, timestamp: null, text: rest as unknown as string };
}
