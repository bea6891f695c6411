// A format's reader: takes the lines of one input, parses them with the
// format's grammar and hands events to the analyzer.
import type { LineParse, LineParser } from "../line-parser.js";

export interface FormatReader {
  /** Parses one non-blank line; what it recognised goes on to the events. */
  line(line: number, text: string): LineParse<unknown>;
  end(): void;
  /** Things worth telling about the input as a whole. */
  notes(): string[];
}

/** A reader that parses each line with one grammar and hands the record on. */
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
