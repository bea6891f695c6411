import { basename } from "node:path";
import type { AnalyzerEvent } from "../events.js";
import { StraceCallAssembler } from "../strace/calls.js";
import { straceLineParser } from "../strace/grammar.js";
import type { StraceLine } from "../strace/records.js";
import { SocketTracker } from "../strace/sockets.js";
import type { FormatReader } from "./reader.js";

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

export function straceReader(
  input: string,
  feed: (e: AnalyzerEvent) => void,
  onRecord: ((line: number, rec: StraceLine) => void) | undefined,
  /** The traced program, when the command line that ran strace names it. */
  command: string | null = null,
): FormatReader {
  let calls: StraceCallAssembler;
  const sockets = new SocketTracker(feed, () => calls.clock, command ?? commandFromFileName(input));
  calls = new StraceCallAssembler(input, sockets, pidFromFileName(input));
  return {
    line(line, text) {
      const parsed = straceLineParser.parse(text);
      if (parsed.ok) {
        onRecord?.(line, parsed.value);
        calls.line(line, parsed.value);
      }
      return parsed;
    },
    end: () => sockets.end(),
    notes: () => [],
  };
}
