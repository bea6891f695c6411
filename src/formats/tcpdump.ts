import { scheduleScore } from "../analyzer/kernel-model.js";
import type { AnalyzerEvent, TcpdumpEvent } from "../events.js";
import type { RelativeMode } from "../tcpdump/clock.js";
import { tcpdumpLineParser } from "../tcpdump/grammar.js";
import { TcpdumpAssembler, type RelativeReadings } from "../tcpdump/packets.js";
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

export function tcpdumpReader(
  input: string,
  feed: (e: AnalyzerEvent) => void,
  onEvent: ((e: TcpdumpEvent) => void) | undefined,
  relativeTimes: RelativeMode | undefined,
): FormatReader {
  const assembler = new TcpdumpAssembler(
    input,
    (event) => {
      onEvent?.(event);
      if (event.type !== "banner") feed(event);
    },
    relativeTimes ? { relativeMode: relativeTimes } : { chooseRelativeMode },
  );
  return {
    line(line, text) {
      const parsed = tcpdumpLineParser.parse(text);
      if (parsed.ok) assembler.line(line, parsed.value);
      return parsed;
    },
    end: () => assembler.end(),
    notes: () => assembler.notes,
  };
}
