// A format's reader: takes the lines of one input, parses them with the
// format's grammar and hands events to the analyzer.
import type { LineParse } from "../line-parser.js";

export interface FormatReader {
  /** Parses one non-blank line; what it recognised goes on to the events. */
  line(line: number, text: string): LineParse<unknown>;
  end(): void;
  /** Things worth telling about the input as a whole. */
  notes(): string[];
}
