// lines -> records -> events -> analysis: the one path every interface uses.
import type { Analysis } from "./analysis.js";
import { Analyzer } from "./analyzer/index.js";
import { defaultScheduleScore } from "./analyzer/kernel-model.js";
import type { TcpdumpEvent } from "./events.js";
import { InputError, readLines, type InputSource } from "./input.js";
import type { RelativeMode } from "./tcpdump/clock.js";
import { tcpdumpLineParser } from "./tcpdump/grammar.js";
import { TcpdumpAssembler, type RelativeReadings } from "./tcpdump/packets.js";

// Relative times that never decrease: the reading under which more SYN
// series look like a default Linux schedule wins. Short series can fit both
// (0, 1, 2 is linear read as -ttttt, exponential read as -ttt); -ttt is the
// more common flag, so it wins ties when there are SYN series at all.
function chooseRelativeMode(readings: RelativeReadings): RelativeMode | null {
  const delta = defaultScheduleScore(readings.delta);
  const sinceFirst = defaultScheduleScore(readings.sinceFirst);
  if (delta === 0 && sinceFirst === 0) return null;
  return delta >= sinceFirst ? "delta" : "since-first";
}

export type InputFormat = "tcpdump" | "unknown";

export interface InputSummary {
  name: string;
  format: InputFormat;
  lines: number;
  parsed: number;
  unparsed: number;
  blank: number;
  /** Problems with the input as a whole, one line each. */
  warnings: string[];
}

export interface UnparsedLine {
  input: string;
  line: number;
  text: string;
  reason: string;
}

export interface PipelineOptions {
  relativeTimes?: RelativeMode;
  /** Called with every event, in input order (for `tcpdiag parse`). */
  onEvent?: (event: TcpdumpEvent) => void;
  /** Called with every unparsed line. */
  onUnparsed?: (line: UnparsedLine) => void;
  signal?: AbortSignal;
}

export interface PipelineResult extends Analysis {
  inputs: InputSummary[];
  /** The first MAX_UNPARSED_LISTED unparsed lines; inputs[].unparsed has the full counts. */
  unparsed: UnparsedLine[];
  /** Inputs that could not be read at all. */
  errors: InputError[];
}

export const MAX_UNPARSED_LISTED = 1000;
const MAX_TEXT = 300;

export async function runPipeline(sources: InputSource[], options: PipelineOptions = {}): Promise<PipelineResult> {
  const analyzer = new Analyzer();
  const result: PipelineResult = { inputs: [], unparsed: [], errors: [], attempts: [], diagnoses: [] };
  for (const source of sources) {
    if (options.signal?.aborted) break;
    try {
      result.inputs.push(await readInput(source, analyzer, result, options));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      result.errors.push(err);
    }
  }
  const analysis = analyzer.finish();
  result.attempts = analysis.attempts;
  result.diagnoses = analysis.diagnoses;
  return result;
}

async function readInput(
  source: InputSource,
  analyzer: Analyzer,
  result: PipelineResult,
  options: PipelineOptions,
): Promise<InputSummary> {
  const summary: InputSummary = {
    name: source.name,
    format: "tcpdump",
    lines: 0,
    parsed: 0,
    unparsed: 0,
    blank: 0,
    warnings: [],
  };
  const assembler = new TcpdumpAssembler(
    source.name,
    (event) => {
      options.onEvent?.(event);
      if (event.type !== "banner") analyzer.feed(event);
    },
    options.relativeTimes ? { relativeMode: options.relativeTimes } : { chooseRelativeMode },
  );
  const unparsed = (line: number, text: string, reason: string) => {
    summary.unparsed++;
    const entry = { input: source.name, line, text: text.slice(0, MAX_TEXT), reason };
    options.onUnparsed?.(entry);
    if (result.unparsed.length < MAX_UNPARSED_LISTED) result.unparsed.push(entry);
  };
  const stats = await readLines(
    source,
    (line, text) => {
      if (text.trim() === "") {
        summary.blank++;
        return;
      }
      const parsed = tcpdumpLineParser.parse(text);
      if (parsed.ok) {
        summary.parsed++;
        assembler.line(line, parsed.value);
      } else {
        unparsed(line, text, parsed.reason);
      }
    },
    options.signal,
  );
  assembler.end();
  for (const text of assembler.notes) analyzer.note(source.name, text);
  for (const line of stats.overlong) unparsed(line, "", "line longer than 4 MiB: not parsed");
  summary.lines = stats.lines;
  if (stats.lines === 0) summary.warnings.push("the input is empty");
  if (stats.crlfLines > 0) summary.warnings.push(`${stats.crlfLines} lines end with CRLF (read as LF)`);
  if (stats.invalidUtf8Lines > 0) {
    summary.warnings.push(`${stats.invalidUtf8Lines} lines are not valid UTF-8 (bad bytes read as U+FFFD)`);
  }
  if (summary.parsed === 0) {
    summary.format = "unknown";
    if (summary.unparsed > 0) summary.warnings.push("no line is tcpdump output");
  }
  return summary;
}
