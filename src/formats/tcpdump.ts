import { scheduleScore } from "../analyzer/kernel-model.js";
import type { AnalyzerEvent, TcpdumpEvent } from "../events.js";
import type { LineParse } from "../line-parser.js";
import type { RelativeMode } from "../tcpdump/clock.js";
import { TcpdumpScanner } from "../tcpdump/fast.js";
import { tcpdumpLineParser } from "../tcpdump/grammar.js";
import { TcpdumpAssembler, type QuickTracker, type RelativeReadings } from "../tcpdump/packets.js";
import type { FormatReader } from "./reader.js";

// Relative times that never decrease: the reading under which the SYN
// series look more like Linux schedules (defaults count double) wins. Short series can fit both
// (0, 1, 2 is linear read as -ttttt, exponential read as -ttt); -ttt is the
// more common flag, so it wins ties when there are SYN series at all.
function chooseRelativeMode(readings: RelativeReadings): RelativeMode | null {
  const delta = scheduleScore(readings.delta);
  const sinceFirst = scheduleScore(readings.sinceFirst);
  if (delta === 0 && sinceFirst === 0) return null;
  return delta >= sinceFirst ? "delta" : "since-first";
}

/** A line the fast path read: parsed, with no record made for it. */
const SCANNED: LineParse<unknown> = { ok: true, value: undefined };

export function tcpdumpReader(
  input: string,
  feed: (e: AnalyzerEvent) => void,
  onEvent: ((e: TcpdumpEvent) => void) | undefined,
  relativeTimes: RelativeMode | undefined,
  /** The analyzer's tracker of this input: one-line TCP packets go to it without an event when that is all it needs. */
  tracker?: QuickTracker,
): FormatReader {
  const assembler = new TcpdumpAssembler(
    input,
    (event) => {
      onEvent?.(event);
      if (event.type !== "banner") feed(event);
    },
    relativeTimes ? { relativeMode: relativeTimes } : { chooseRelativeMode },
  );
  const scanner = new TcpdumpScanner();
  // records are made only when someone watches them (tcpdiag parse)
  const quick = onEvent === undefined ? tracker : undefined;
  return {
    line(line, text) {
      if (scanner.scan(text)) {
        if (quick && assembler.quick(line, text, scanner, quick)) return SCANNED;
        const value = scanner.record();
        assembler.line(line, value);
        return { ok: true, value };
      }
      const parsed = tcpdumpLineParser.parse(text);
      if (parsed.ok) assembler.line(line, parsed.value);
      return parsed;
    },
    end: () => assembler.end(),
    notes: () => assembler.notes,
  };
}
