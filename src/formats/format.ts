// The contract every tool format meets, in one place per format
// (src/formats/<format>.ts): how a line is parsed (its grammar, with the fast
// path in front where there is one), which lines prove the format, and how
// its records become events, and records for `tcpdiag parse`.
import type { AnalyzerEvent } from "../events.js";
import type { LineParse, LineParser } from "../line-parser.js";
import type { RelativeMode } from "../tcpdump/clock.js";
import type { QuickTracker } from "../tcpdump/packets.js";

export type ToolFormat = "tcpdump" | "strace" | "netstat" | "ss" | "iptables" | "iptables-save" | "nft" | "sysctl";

/** Where readers send what they read: events, and (for the fast path) an input's packet tracker. */
export interface EventSink {
  feed(e: AnalyzerEvent): void;
  packets?(input: string): QuickTracker;
}

/** What a transcript's command line says about the output that follows it. */
export interface CommandHints {
  /** strace: the traced program. */
  program?: string | null;
  /** sysctl -n / cat /proc/sys: the keys of the values that follow. */
  keys?: readonly string[];
  /** iptables -t TABLE: the table of the listing. */
  table?: string;
  /** ss state STATE: the state of rows printed without one. */
  state?: string;
}

/** A record as `tcpdiag parse` prints it: its type, then its fields. */
export interface ParsedRecord {
  type: string;
  [field: string]: unknown;
}

export interface ReaderContext {
  input: string;
  sink: EventSink;
  hints: CommandHints;
  /** tcpdump: how -ttt/-ttttt times are read (--relative-times); decided from the values when not given. */
  relativeTimes?: RelativeMode;
  /** `tcpdiag parse`: every record, with its line; a reader given this makes every record. */
  onRecord?: (line: number, record: ParsedRecord) => void;
}

/** A format's reader: takes the lines of one input, parses them and hands events on. */
export interface FormatReader {
  /** Parses one non-blank line; what it recognised goes on to the events. */
  line(line: number, text: string): LineParse<unknown>;
  end(): void;
  /** Live: the input paused; what waits for a next line (a packet's continuation) is handed on now. */
  idle?(): void;
  /** Things worth telling about the input as a whole. */
  notes(): string[];
}

export interface FormatModule {
  name: ToolFormat;
  /** A line in, its record out: the fast path where there is one, then the grammar. */
  parser: LineParser<unknown>;
  /**
   * Whether the line proves the format (detection): the grammar parses it,
   * and as something only that tool prints (grammars have catch-alls that
   * prove nothing).
   */
  proves(line: string): boolean;
  /** How much one proving line counts (nft's own lines are few in a listing). */
  weight: number;
  reader(ctx: ReaderContext): FormatReader;
}

/** A reader that parses each line with one parser and hands the record on. */
export function lineReader<R>(
  parser: LineParser<R>,
  handle: (line: number, record: R) => void,
  end: () => void = () => undefined,
): FormatReader {
  return {
    line(line, text) {
      const parsed = parser.parse(text);
      if (parsed.ok) handle(line, parsed.value);
      return parsed;
    },
    end,
    notes: () => [],
  };
}

/**
 * The record as `tcpdiag parse` prints it: the grammar's "record" field is its
 * type; a field of its own named "type" (nft's chain type) is printed as
 * "<record>Type".
 */
export function asParsed(rec: { record: string }, extra: Record<string, unknown> = {}): ParsedRecord {
  const { record, type, ...fields } = rec as { record: string; type?: unknown };
  return { type: record, ...(type !== undefined ? { [`${record}Type`]: type } : {}), ...fields, ...extra };
}
