// lines -> records -> events -> analysis: the one path every interface uses.
import type { Analysis, AttemptReport } from "./analysis.js";
import { Analyzer, type Outlook, type Prediction } from "./analyzer/index.js";
import { SilenceClock } from "./silence.js";
import type { AnalyzerEvent } from "./events.js";
import { detectFormat, DETECTION_LINES, formatOfLine, isPrompt, type DetectedFormat, type Detection } from "./formats/detect.js";
import type { CommandHints, EventSink, FormatReader, ParsedRecord, ToolFormat } from "./formats/format.js";
import { readerFor } from "./formats/registry.js";
import { transcriptReader, type OpenSection, type TranscriptReader } from "./formats/transcript.js";
import { InputError, readLines, type InputSource } from "./input.js";
import type { LineParse } from "./line-parser.js";
import { normalize } from "node:path";
import type { RelativeMode } from "./tcpdump/clock.js";

export type InputFormat = DetectedFormat;

export interface InputSummary {
  name: string;
  format: InputFormat;
  /** Why this format: what detection saw, the override, or the command a section follows (--explain). */
  formatReason: string;
  lines: number;
  parsed: number;
  /**
   * Lines neither parsed nor unparsed: blank lines and text (prose, other
   * commands' output in a session). Every line is counted once:
   * lines = parsed + recognised + unparsed (+ sectionLines for a session).
   */
  recognised: number;
  unparsed: number;
  blank: number;
  /**
   * Lines recognised as prose or the output of commands no tool here reads
   * (terminal sessions). A session counts its own lines (prompts, client
   * messages, text); its sections' lines are counted in the sections.
   */
  text: number;
  /** A terminal session: the lines counted in its sections (inputs NAME#N) rather than in the session. */
  sectionLines?: number;
  /** For a section of a terminal session: the session's input and the line the section starts at. */
  section?: { of: string; line: number };
  /** Found in this folder (the user named the folder, not the file). */
  folder?: string;
  /** Not one line is tool output (exit code 3 on the command line, unless found in a folder). */
  noToolOutput?: true;
  /** Problems with the input as a whole, one line each. */
  warnings: string[];
  /** tcpdump's statistics when it stopped (its stderr, captured with 2>&1): null where it printed none. */
  capture?: { captured: number | null; receivedByFilter: number | null; droppedByKernel: number | null };
}

export interface Progress {
  input: string;
  bytes: number;
  /** The input's size, when it is a file. */
  size: number | null;
  lines: number;
}

export interface UnparsedLine {
  input: string;
  line: number;
  text: string;
  reason: string;
}

export interface PipelineOptions {
  /** tcpdump: how -ttt/-ttttt times are read (--relative-times); decided from the values when not given. */
  relativeTimes?: RelativeMode;
  /** `tcpdiag parse`: every parsed record of every format, with its input and line. */
  onRecord?: (input: string, format: ToolFormat, line: number, record: ParsedRecord) => void;
  /** Read every input as this format, or the inputs named here as theirs (--format). */
  format?: DetectedFormat;
  formats?: Map<string, DetectedFormat>;
  /** Called with every unparsed line. */
  onUnparsed?: (line: UnparsedLine) => void;
  /**
   * Called with each attempt as soon as it is decided (in that order, not by
   * id); the result's attempts then stay empty, so that memory does not grow
   * with them.
   */
  onAttempt?: (report: AttemptReport) => void;
  /** How far the reading is: called as each chunk of an input is read. */
  onProgress?: (p: Progress) => void;
  /** false: read and parse only (tcpdiag parse): no attempts are built. */
  analyze?: boolean;
  /**
   * The input is a capture still running (a pipe from tcpdump -l, --follow):
   * detection commits at the first line that proves a format, predictions
   * are made as SYNs come, and silence on the wall clock decides timeouts.
   */
  live?: { onPrediction?: (p: Prediction) => void };
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
/** inputs[].formatReason of a binary file skipped in a folder. */
export const SKIPPED_BINARY = "skipped: binary";
const GIVEN = "given with --format";
const MAX_TEXT = 300;

export async function runPipeline(sources: InputSource[], options: PipelineOptions = {}): Promise<PipelineResult> {
  const collected: AttemptReport[] = [];
  const analyzer =
    options.analyze === false
      ? null
      : new Analyzer(options.onAttempt ?? ((r) => collected.push(r)), options.live ? { prediction: (p) => options.live!.onPrediction?.(p) } : undefined);
  const silence = options.live ? new SilenceClock(analyzer) : null;
  if (silence) options = { ...options, onProgress: silence.chunked(options.onProgress) };
  const sink: EventSink = analyzer
    ? { feed: (e) => analyzer.feed(e), packets: (input: string) => analyzer.packets(input) }
    : { feed: () => undefined };
  const result: PipelineResult = { inputs: [], unparsed: [], errors: [], attempts: [], diagnoses: [] };
  const plan = await planInputs(sources, options);
  const read: { inputs: InputSummary[]; error?: InputError }[] = sources.map(() => ({ inputs: [] }));
  for (let k = 0; k < plan.length; k++) {
    if (options.signal?.aborted) break;
    const { source, index } = plan[k]!;
    const expect = (format: DetectedFormat | null) => analyzer?.outlook(outlook(format, plan.slice(k + 1)));
    expect(plan[k]!.format);
    try {
      read[index]!.inputs = await readInput(source, plan[k]!, sink, analyzer, result, options, expect, silence);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (source.inFolder && err.binary) {
        // a folder of uploads may hold a pcap or an archive beside the text: a note, not an error
        const skipped = newSummary(source.name);
        skipped.formatReason = SKIPPED_BINARY;
        skipped.folder = source.inFolder;
        skipped.warnings.push(`skipped: ${err.message.slice(source.name.length + 2)}`);
        read[index]!.inputs = [skipped];
      } else read[index]!.error = err;
    }
    analyzer?.endInputs();
  }
  for (const r of read) {
    result.inputs.push(...r.inputs);
    if (r.error) result.errors.push(r.error);
  }
  silence?.stop();
  if (analyzer) result.diagnoses = analyzer.finish();
  result.attempts = collected.sort((x, y) => x.id - y.id);
  return result;
}

/** Formats that give context to the attempts of others (listings, settings, traces): read first. */
const CONTEXT: ReadonlySet<DetectedFormat | null> = new Set(["strace", "netstat", "ss", "iptables", "iptables-save", "nft", "sysctl"]);

interface Planned {
  source: InputSource;
  /** Its place among the inputs given: the report lists inputs in that order. */
  index: number;
  /** As --format gives it or its first lines show; null for standard input (read where it stands). */
  format: DetectedFormat | null;
  /** Why that format (for --explain). */
  reason: string;
}

/**
 * The order inputs are read in: those that give context first (so that
 * attempts can be decided and reported as they are read), then the rest, each
 * group in the order given. A file's format is found from its first lines.
 */
async function planInputs(sources: InputSource[], options: PipelineOptions): Promise<Planned[]> {
  const planned: Planned[] = [];
  for (const [index, source] of sources.entries()) {
    const given = options.formats?.get(normalize(source.name)) ?? options.format;
    const detection = given ? { format: given, reason: GIVEN } : source.stdin || source.growing ? null : await firstLinesFormat(source);
    planned.push({ source, index, format: detection?.format ?? null, reason: detection?.reason ?? "" });
  }
  return [...planned.filter((p) => CONTEXT.has(p.format)), ...planned.filter((p) => !CONTEXT.has(p.format))];
}

/** The format the first lines of a file show (as readInput would decide from them), or null when they cannot be read. */
async function firstLinesFormat(source: InputSource): Promise<Detection | null> {
  const lines: string[] = [];
  const stop = new AbortController();
  try {
    await readLines(
      source,
      (_, text) => {
        if (text.trim() === "" || lines.length >= DETECTION_LINES) return;
        lines.push(text);
        if (lines.length >= DETECTION_LINES) stop.abort();
      },
      stop.signal,
    );
  } catch {
    return null; // read again in its turn, which says what is wrong
  }
  return detectFormat(lines);
}

/** What the input being read (of this format) and those after it may bring: see Analyzer.outlook. */
function outlook(current: DetectedFormat | null, later: Planned[]): Outlook {
  const formats = later.map((p) => p.format);
  // a terminal session (or an input not yet known) may hold anything
  const open = (f: DetectedFormat | null) => f === null || f === "transcript" || f === "unknown";
  const may = (also: DetectedFormat) => open(current) || formats.some((f) => open(f) || f === also);
  return { connects: may("strace"), clients: open(current) || formats.some(open), packets: may("tcpdump") };
}

function newSummary(name: string): InputSummary {
  return { name, format: "unknown", formatReason: "", lines: 0, parsed: 0, recognised: 0, unparsed: 0, blank: 0, text: 0, warnings: [] };
}

/** Reads one input (its sections too, for a terminal session); returns its summaries, the input's first. */
async function readInput(
  source: InputSource,
  planned: Planned,
  sink: EventSink,
  analyzer: Analyzer | null,
  result: PipelineResult,
  options: PipelineOptions,
  /** Called when the input's format is decided (standard input) or changes (a session after a capture). */
  formatKnown: (format: DetectedFormat) => void,
  silence: SilenceClock | null,
): Promise<InputSummary[]> {
  const summary = newSummary(source.name);
  if (source.inFolder) summary.folder = source.inFolder;
  const sections: InputSummary[] = [];
  const feed = (e: AnalyzerEvent) => sink.feed(e);
  const note = (input: string, text: string) => analyzer?.note(input, text);
  // tcpdump's statistics go on the summary of the input (or section) that printed them
  const statsSink: EventSink = {
    ...sink,
    feed(e) {
      if (e.type === "capture-stats") {
        const s = e.at.input === summary.name ? summary : sections.find((x) => x.name === e.at.input);
        if (s) {
          s.capture ??= { captured: null, receivedByFilter: null, droppedByKernel: null };
          s.capture[e.kind === "captured" ? "captured" : e.kind === "received" ? "receivedByFilter" : "droppedByKernel"] = e.count;
        }
      }
      sink.feed(e);
    },
  };
  /** A reader of one format for this input or one of its sections. */
  const open = (format: ToolFormat, input: string, hints: CommandHints): FormatReader => {
    const onRecord = options.onRecord;
    return readerFor(format, {
      input,
      sink: statsSink,
      hints,
      ...(options.relativeTimes ? { relativeTimes: options.relativeTimes } : {}),
      ...(onRecord ? { onRecord: (line: number, record: ParsedRecord) => onRecord(input, format, line, record) } : {}),
    });
  };
  const unparsed = (input: string, line: number, text: string, reason: string) => {
    const entry = { input, line, text: text.slice(0, MAX_TEXT), reason };
    options.onUnparsed?.(entry);
    if (result.unparsed.length < MAX_UNPARSED_LISTED) result.unparsed.push(entry);
  };
  const count = (s: InputSummary, line: number, text: string, parsed: LineParse<unknown>) => {
    if (parsed.ok) s.parsed++;
    else {
      s.unparsed++;
      unparsed(s.name, line, text, parsed.reason);
    }
  };
  // A section of a terminal session: an input of its own (NAME#N) whose lines keep the session's numbers.
  const openSection: OpenSection = (format, firstLine, why, hints) => {
    // an input only once a line is counted in it: a command that printed nothing is no input
    const s = newSummary(`${source.name}#${sections.length + 1}`);
    s.format = format;
    s.formatReason = why;
    s.section = { of: source.name, line: firstLine };
    let reader: FormatReader | null = null;
    let listed = false;
    const counted = () => {
      if (!listed) sections.push(s);
      listed = true;
      s.lines++;
    };
    return {
      attempt(line, text) {
        reader ??= open(format, s.name, hints);
        const parsed = reader.line(line, text);
        if (parsed.ok) {
          counted();
          s.parsed++;
        }
        return parsed;
      },
      line(line, text) {
        reader ??= open(format, s.name, hints);
        counted();
        const parsed = reader.line(line, text);
        count(s, line, text, parsed);
        return parsed;
      },
      end() {
        if (!reader) return;
        reader.end();
        for (const text of reader.notes()) note(s.name, text);
      },
    };
  };
  let reader: FormatReader | TranscriptReader | null = null;
  // lines held until the format is decided (blank ones too: they end a session's sections)
  const held: [number, string][] = [];
  let heldText = 0;
  const use = (line: number, text: string): void => {
    const parsed = reader!.line(line, text);
    // A prompt after tool output (a long capture pasted before the session's
    // commands): from here on the input is a terminal session.
    if (!parsed.ok && summary.format !== "transcript" && isPrompt(text)) {
      const before = reader as FormatReader;
      before.end();
      for (const text of before.notes()) note(source.name, text);
      summary.formatReason = `${summary.formatReason}; from line ${line} on, a terminal session (a shell prompt)`;
      summary.format = "transcript";
      formatKnown("transcript");
      reader = transcriptReader(source.name, feed, openSection);
      return use(line, text);
    }
    // a section's lines are counted in the section (and taken out of the session's count at the end)
    if (parsed.ok) summary.parsed++;
    else {
      summary.unparsed++;
      if (summary.format !== "transcript") unparsed(source.name, line, text, parsed.reason);
    }
  };
  // The first lines decide the format (unless it is given); they are held until then.
  const decide = () => {
    const detection =
      planned.format !== null
        ? { format: planned.format, reason: planned.reason }
        : detectFormat(held.map(([, t]) => t).filter((t) => t.trim() !== ""));
    summary.format = detection.format;
    summary.formatReason = detection.reason;
    if (planned.format === null) formatKnown(detection.format);
    reader =
      detection.format === "transcript"
        ? transcriptReader(source.name, feed, openSection)
        : open(detection.format === "unknown" ? "tcpdump" : detection.format, source.name, {});
    for (const [line, text] of held.splice(0)) {
      if (text.trim() !== "") use(line, text);
      else if ("blank" in reader) reader.blank();
    }
  };
  // a file's format was found before it is read: no line need be held
  if (planned.format !== null) decide();
  if (silence) silence.onPause = () => (reader && "idle" in reader ? reader.idle?.() : undefined);
  const stats = await readLines(
    source,
    (line, text) => {
      if (text.trim() === "") {
        summary.blank++;
        if (reader && "blank" in reader) reader.blank();
        // held for a session's sections, where one blank line ends one as well as a thousand: a run of them is held once
        else if (!reader && (held.length === 0 || held[held.length - 1]![1].trim() !== "")) held.push([line, text]);
        return;
      }
      if (reader) return use(line, text);
      held.push([line, text]);
      if (++heldText >= DETECTION_LINES || (options.live && formatOfLine(text) !== null)) decide();
    },
    options.signal,
    options.onProgress && ((bytes, lines) => options.onProgress!({ input: source.name, bytes, size: source.size ?? null, lines })),
  );
  if (!reader) decide();
  const done = reader as unknown as FormatReader | TranscriptReader;
  done.end();
  if ("notes" in done) for (const text of done.notes()) note(source.name, text);
  if ("textLines" in done) {
    // prose was counted as parsed while it was read, and so were the sections' lines
    summary.text = done.textLines;
    summary.parsed -= summary.text + sections.reduce((n, s) => n + s.parsed, 0);
    summary.unparsed -= sections.reduce((n, s) => n + s.unparsed, 0);
  }
  for (const line of stats.overlong) {
    summary.unparsed++;
    unparsed(source.name, line, "", "line longer than 4 MiB: not parsed");
  }
  summary.lines = stats.lines;
  if (stats.lines === 0) {
    summary.warnings.push("the input is empty");
    summary.noToolOutput = true;
  } else if (summary.blank === stats.lines) {
    summary.warnings.push("the input holds only blank lines");
    summary.noToolOutput = true;
  }
  if (stats.crlfLines > 0) summary.warnings.push(`${stats.crlfLines} lines end with CRLF (read as LF)`);
  if (stats.crLines > 0) summary.warnings.push(`${stats.crLines} lines end with a CR alone (read as line ends)`);
  if (stats.nulLines > 0) summary.warnings.push(`${stats.nulLines} lines hold NUL bytes (removed; the rest of each line is read)`);
  if (stats.invalidUtf8Lines > 0) {
    summary.warnings.push(`${stats.invalidUtf8Lines} lines are not valid UTF-8 (bad bytes read as U+FFFD)`);
  }
  // in a session, what tools and clients printed (prompts alone tell nothing)
  const toolLines =
    summary.format === "transcript" ? sections.reduce((n, s) => n + s.parsed, 0) + ("clientLines" in done ? done.clientLines : 0) : summary.parsed;
  if (toolLines === 0 && summary.unparsed + summary.text > 0) {
    // text with no tool output in it at all: its lines are reported, not just counted
    if ("textKept" in done) for (const [line, text] of done.textKept) unparsed(source.name, line, text, "no tool this reads prints such a line");
    summary.unparsed += summary.text;
    summary.text = 0;
    summary.noToolOutput = true;
    if (summary.formatReason === GIVEN) summary.warnings.push(`no line is ${summary.format} output`);
    else {
      summary.format = "unknown";
      summary.warnings.push("no line is tcpdump, strace, netstat, ss, iptables, nft or sysctl output");
    }
  }
  for (const s of [summary, ...sections]) s.recognised = s.blank + s.text;
  if (sections.length > 0) summary.sectionLines = sections.reduce((n, s) => n + s.lines, 0);
  return [summary, ...sections];
}
