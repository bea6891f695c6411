// lines -> records -> events -> analysis: the one path every interface uses.
import type { Analysis } from "./analysis.js";
import { Analyzer } from "./analyzer/index.js";
import type { AnalyzerEvent, TcpdumpEvent } from "./events.js";
import { detectFormat, DETECTION_LINES, type DetectedFormat } from "./formats/detect.js";
import type { FormatReader } from "./formats/reader.js";
import { iptablesReader, iptablesSaveReader, nftReader } from "./formats/iptables.js";
import { socketTableReader } from "./formats/sockets.js";
import { straceReader } from "./formats/strace.js";
import { tcpdumpReader } from "./formats/tcpdump.js";
import { InputError, readLines, type InputSource } from "./input.js";
import type { FirewallLine } from "./firewall/records.js";
import type { SocketTableLine } from "./sockets/records.js";
import type { StraceLine } from "./strace/records.js";
import type { RelativeMode } from "./tcpdump/clock.js";

export type InputFormat = DetectedFormat;

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
  /** Called with every parsed strace line (for `tcpdiag parse`). */
  onStraceLine?: (input: string, line: number, record: StraceLine) => void;
  /** Called with every parsed netstat/ss line (for `tcpdiag parse`). */
  onTableLine?: (input: string, tool: "netstat" | "ss", line: number, record: SocketTableLine) => void;
  /** Called with every parsed iptables -L line (for `tcpdiag parse`). */
  onFirewallLine?: (input: string, line: number, record: FirewallLine) => void;
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
    format: "unknown",
    lines: 0,
    parsed: 0,
    unparsed: 0,
    blank: 0,
    warnings: [],
  };
  const feed = (e: AnalyzerEvent) => analyzer.feed(e);
  const unparsed = (line: number, text: string, reason: string) => {
    summary.unparsed++;
    const entry = { input: source.name, line, text: text.slice(0, MAX_TEXT), reason };
    options.onUnparsed?.(entry);
    if (result.unparsed.length < MAX_UNPARSED_LISTED) result.unparsed.push(entry);
  };
  let reader: FormatReader | null = null;
  const held: [number, string][] = [];
  const use = (line: number, text: string) => {
    const parsed = reader!.line(line, text);
    if (parsed.ok) summary.parsed++;
    else unparsed(line, text, parsed.reason);
  };
  // The first lines decide the format; they are held until then.
  const decide = () => {
    const format = detectFormat(held.map(([, t]) => t));
    summary.format = format;
    reader =
      format === "strace"
        ? straceReader(source.name, feed, options.onStraceLine && ((l, r) => options.onStraceLine!(source.name, l, r)))
        : format === "iptables"
          ? iptablesReader(source.name, feed, options.onFirewallLine && ((l, r) => options.onFirewallLine!(source.name, l, r)))
          : format === "iptables-save"
            ? iptablesSaveReader(source.name, feed)
            : format === "nft"
              ? nftReader(source.name, feed)
          : format === "netstat" || format === "ss"
          ? socketTableReader(format, source.name, feed, options.onTableLine && ((l, r) => options.onTableLine!(source.name, format, l, r)))
          : tcpdumpReader(source.name, feed, options.onEvent, options.relativeTimes);
    for (const [line, text] of held.splice(0)) use(line, text);
  };
  const stats = await readLines(
    source,
    (line, text) => {
      if (text.trim() === "") {
        summary.blank++;
        return;
      }
      if (reader) return use(line, text);
      held.push([line, text]);
      if (held.length >= DETECTION_LINES) decide();
    },
    options.signal,
  );
  if (!reader) decide();
  reader!.end();
  for (const text of reader!.notes()) analyzer.note(source.name, text);
  for (const line of stats.overlong) unparsed(line, "", "line longer than 4 MiB: not parsed");
  summary.lines = stats.lines;
  if (stats.lines === 0) summary.warnings.push("the input is empty");
  if (stats.crlfLines > 0) summary.warnings.push(`${stats.crlfLines} lines end with CRLF (read as LF)`);
  if (stats.invalidUtf8Lines > 0) {
    summary.warnings.push(`${stats.invalidUtf8Lines} lines are not valid UTF-8 (bad bytes read as U+FFFD)`);
  }
  if (summary.parsed === 0 && summary.unparsed > 0) {
    summary.format = "unknown";
    summary.warnings.push("no line is tcpdump, strace, netstat, ss or iptables output");
  }
  return summary;
}
