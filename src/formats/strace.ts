// strace's output: the grammar, what proves it, and connect() calls as events.
import { basename } from "node:path";
import { StraceCallAssembler } from "../strace/calls.js";
import { StraceScanner } from "../strace/fast.js";
import { straceGrammar, straceLineParser } from "../strace/grammar.js";
import type { LineParse } from "../line-parser.js";
import type { StraceLine } from "../strace/records.js";
import { SocketTracker } from "../strace/sockets.js";
import { asParsed, type FormatModule, type FormatReader, type ReaderContext } from "./format.js";

/** strace -ff -o NAME writes NAME.PID: the pid comes from the file name. */
export function pidFromFileName(input: string): number | null {
  const m = /\.(\d+)$/.exec(basename(input));
  return m ? Number(m[1]) : null;
}

/** NAME of NAME.PID when it names a program (-o curl), not a generic word. */
const GENERIC_NAMES = new Set(["trace", "strace", "out", "output", "log", "tmp", "test", "-"]);

export function commandFromFileName(input: string): string | null {
  const m = /^([A-Za-z][\w+-]*)\.\d+$/.exec(basename(input));
  return m && !GENERIC_NAMES.has(m[1]!.toLowerCase()) ? m[1]! : null;
}

/** A line the fast path read: parsed, with no record made for it. */
const SCANNED: LineParse<unknown> = { ok: true, value: undefined };

function reader(ctx: ReaderContext): FormatReader {
  const { input, sink, onRecord } = ctx;
  // the traced program, when the command line that ran strace names it
  const command = ctx.hints.program ?? null;
  let calls: StraceCallAssembler;
  const sockets = new SocketTracker((e) => sink.feed(e), () => calls.clock, command ?? commandFromFileName(input));
  calls = new StraceCallAssembler(input, sockets, pidFromFileName(input));
  const scanner = new StraceScanner();
  // a whole close() of an fd that holds no socket is passed like a call of no interest
  const wanted = (sc: StraceScanner) =>
    sockets.wants(sc.name) && (!sc.isCall || sc.name !== "close" || sockets.wantsClose(calls.pidOf(sc.pid), sc.firstArgNumber()));
  return {
    line(line, text) {
      if (scanner.scan(text)) {
        // most calls (mmap, read, futex ...) tell nothing about sockets: no record is made for them
        if (!onRecord && (scanner.isCall || scanner.half) && !wanted(scanner)) {
          const half = scanner.half;
          if (half) calls.passedHalf(half, scanner.pid, scanner.timestamp(), scanner.name, line);
          else calls.passedCall(scanner.timestamp(), scanner.name);
          return SCANNED;
        }
        const value = scanner.record();
        onRecord?.(line, parsedRecord(value));
        calls.line(line, value);
        return { ok: true, value };
      }
      const parsed = straceGrammar.parse(text);
      if (parsed.ok) {
        onRecord?.(line, parsedRecord(parsed.value));
        calls.line(line, parsed.value);
      }
      return parsed;
    },
    end: () => sockets.end(),
    notes: () => [],
  };
}

/** Arguments are printed as their text. */
function parsedRecord(rec: StraceLine) {
  return asParsed(rec, "args" in rec ? { args: rec.args.map((a) => a.text) } : {});
}

export const strace: FormatModule = {
  name: "strace",
  parser: straceLineParser,
  proves(line) {
    // any line is "program output" to the strace grammar: it proves nothing
    const s = straceLineParser.parse(line);
    if (!s.ok || s.value.record === "program-output") return false;
    // "--- x ---" is a signal only with a signal's name (ping prints "--- host ping statistics ---")
    return s.value.record !== "signal" || /--- SIG[A-Z0-9]+ /.test(line);
  },
  weight: 1,
  reader,
};
