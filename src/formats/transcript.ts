// A pasted terminal session: split at its prompts into sections, each read
// by the format its command names; tool output found between them (pasted
// without its command) is read by the format its lines prove; the rest is
// prose or the output of other commands, recognised as text.
import type { AnalyzerEvent, ClientRunEvent, Evidence } from "../events.js";
import type { LineParse } from "../line-parser.js";
import { commandMeaning, type CommandMeaning } from "../transcript/command.js";
import { transcriptLineParser } from "../transcript/grammar.js";
import type { ClientLine, TimeLine, TranscriptLine } from "../transcript/records.js";
import { formatOfLine, type ToolFormat } from "./detect.js";
import type { CommandHints } from "./format.js";
import { formatModule } from "./registry.js";

/** A section of the session read by one tool's reader, as an input of its own. */
export interface SectionSink {
  /** Reads the line if the tool prints it; a line it does not print is left for others, not counted. */
  attempt(line: number, text: string): LineParse<unknown>;
  /** Reads the line; one the tool does not print is its unparsed line. */
  line(line: number, text: string): LineParse<unknown>;
  end(): void;
}

export type OpenSection = (format: ToolFormat, firstLine: number, why: string, hints: CommandHints) => SectionSink;

export type TranscriptRecord = TranscriptLine | { record: "text" };

export interface TranscriptReader {
  line(line: number, text: string): LineParse<TranscriptRecord> | LineParse<unknown>;
  /** A blank line: a section's output may end there. */
  blank(): void;
  end(): void;
  /** Lines recognised as prose or other commands' output. */
  readonly textLines: number;
  /** What clients and `time` printed. */
  readonly clientLines: number;
  /** The first of them (up to MAX_TEXT_KEPT), for when no tool output turns up at all. */
  readonly textKept: readonly [number, string][];
}

const MAX_TEXT_KEPT = 1000;

interface ClientRun {
  at: Evidence;
  program: string | null;
  server: CommandMeaning["server"];
  appTimeout: number | null;
  result: ClientRunEvent["result"];
  errno: string | null;
  real: TimeLine | null;
  evidence: Evidence[];
}

interface Section {
  at: Evidence;
  command: string | null;
  meaning: CommandMeaning;
  sink: SectionSink | null;
  run: ClientRun | null;
}

export function transcriptReader(input: string, feed: (e: AnalyzerEvent) => void, open: OpenSection): TranscriptReader {
  let section: Section | null = null;
  // tool output pasted without its command, since the last prompt: one block per format
  let loose = new Map<ToolFormat, SectionSink>();
  /** The format of the block the last such line went to. */
  let lastLoose: ToolFormat | null = null;
  let textLines = 0;
  let clientLines = 0;
  const textKept: [number, string][] = [];

  const startSection = (line: number, command: string | null) => {
    const meaning = commandMeaning(command ?? "");
    const at = { input, line };
    const sink = meaning.format
      ? open(meaning.format, line, `the command \`${command}\``, {
          program: meaning.program,
          keys: meaning.keys,
          ...(meaning.table ? { table: meaning.table } : {}),
          ...(meaning.state ? { state: meaning.state } : {}),
        })
      : null;
    const run = meaning.program && !meaning.format ? newRun(at, meaning) : null;
    section = { at, command, meaning, sink, run };
  };

  const endSection = () => {
    if (section) {
      section.sink?.end();
      if (section.run) emitRun(section.run);
      section = null;
    }
    // blocks pasted without a prompt end too (at the next prompt, or the input's end)
    for (const sink of loose.values()) sink.end();
    loose = new Map();
    lastLoose = null;
  };

  const newRun = (at: Evidence, meaning: Pick<CommandMeaning, "program" | "server" | "timeoutSeconds">): ClientRun => ({
    at,
    program: meaning.program,
    server: meaning.server,
    appTimeout: meaning.timeoutSeconds,
    result: null,
    errno: null,
    real: null,
    evidence: [at],
  });

  /** `time`'s real within this of the command's own timeout shows that timeout ended it: start-up and exit take tens of milliseconds, and real is printed to the millisecond. */
  const OWN_TIMEOUT_SLACK_SECONDS = 0.5;

  const emitRun = (run: ClientRun) => {
    if (run.result === null && run.real === null) return;
    // the command set its own timeout (nc -w 3, curl --connect-timeout 2) and `time` shows it ran that long
    if (run.result === null && run.real && run.appTimeout !== null && Math.abs(run.real.seconds - run.appTimeout) < OWN_TIMEOUT_SLACK_SECONDS) run.result = "gave-up";
    feed({
      type: "client-run",
      at: run.at,
      program: run.program,
      server: run.server,
      result: run.result,
      errno: run.errno,
      realSeconds: run.real?.seconds ?? null,
      approximate: run.real?.approximate ?? false,
      evidence: run.evidence,
    });
  };

  /** Client messages, `time` lines and Ctrl+C belong to the section's run (one is started when there is none). */
  const clientSays = (line: number, rec: TranscriptLine) => {
    const at = { input, line };
    if (rec.record !== "interrupt") clientLines++;
    // Ctrl+C stops whatever runs: it tells about a client only in a client's section
    if (rec.record === "interrupt" && !(section as Section | null)?.run) return;
    if (!section) section = { at, command: null, meaning: commandMeaning(""), sink: null, run: null };
    const run = (section.run ??= newRun(at, { program: null, server: null, timeoutSeconds: null }));
    run.evidence.push(at);
    if (rec.record === "time") {
      if (rec.kind === "real") run.real = rec;
    } else if (rec.record === "interrupt") {
      run.result ??= "interrupted";
    } else if (rec.record === "client") {
      addClientLine(run, rec);
    }
  };

  /** Where the session's lines start: Markdown indents them (4 spaces, a tab) or quotes them ("> "). */
  let margin: RegExp | null = null;
  /** A blank line was seen since the section's last line: the output may be over. */
  let afterBlank = false;

  /** Tool output pasted without its command: the block of its format since the last prompt; null when no tool prints it. */
  const toolLine = (line: number, text: string): LineParse<unknown> | null => {
    // a block goes on while its own tool's grammar proves the line (an iptables rule row is not an ss row there)
    const format = lastLoose !== null && formatModule(lastLoose).proves(text) ? lastLoose : formatOfLine(text);
    if (!format) return null;
    let sink = loose.get(format);
    if (!sink) {
      sink = open(format, line, `its lines are ${format} output (no command before them)`, {});
      loose.set(format, sink);
    }
    lastLoose = format;
    return sink.line(line, text);
  };

  const read = (line: number, text: string): LineParse<unknown> => {
    // Ctrl+C echoed by the terminal before what the program prints as it stops ("^C3 packets captured")
    if (text.startsWith("^C") && text.trim().length > 2) {
      clientSays(line, { record: "interrupt" });
      return read(line, text.slice(2));
    }
    const t = transcriptLineParser.parse(text);
    if (t.ok && t.value.record === "prompt") {
      endSection();
      startSection(line, t.value.command);
      afterBlank = false;
      return t;
    }
    const current = section as Section | null;
    const format = current?.sink ? current.meaning.format : null;
    if (format) {
      const parsed = current!.sink!.attempt(line, text);
      if (parsed.ok) {
        afterBlank = false;
        return parsed;
      }
    }
    if (t.ok && t.value.record !== "elision" && t.value.record !== "job") {
      clientSays(line, t.value);
      return t;
    }
    const other = toolLine(line, text);
    if (other) return other;
    if (t.ok) return t; // an elision, a job line
    // A line the section's tool does not print: while its output runs (no
    // blank line yet) it is that tool's unparsed line; after a blank line,
    // the output is over and this is prose.
    if (format && !afterBlank) return current!.sink!.line(line, text);
    if (format) current!.sink = null;
    textLines++;
    if (textKept.length < MAX_TEXT_KEPT) textKept.push([line, text]);
    return { ok: true, value: { record: "text" } };
  };

  return {
    get textLines() {
      return textLines;
    },
    get clientLines() {
      return clientLines;
    },
    textKept,
    blank() {
      afterBlank = true;
    },
    line(line, raw) {
      let text = raw.replace(ANSI, "");
      if (margin === null) {
        const m = /^(?:> ?|\t| {4,})(?=\S)/.exec(text);
        // only an indented or quoted prompt says the whole paste is (tool output has indented lines of its own)
        const p = m ? transcriptLineParser.parse(text.slice(m[0].length)) : null;
        if (m && p?.ok && p.value.record === "prompt") margin = new RegExp(`^${m[0].startsWith(">") ? "> ?" : m[0].replace(/\t/, "\\t")}`);
      }
      if (margin) text = text.replace(margin, "");
      return read(line, text);
    },
    end: endSection,
  };
}

/** Colour and cursor escapes of a terminal that a copy kept. */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

function addClientLine(run: ClientRun, rec: ClientLine): void {
  run.program ??= rec.program;
  // the address a client names wins over the host name its command gave ("Trying 10.0.0.2...")
  if (rec.host && (!run.server || run.server.host === rec.host || (IP.test(rec.host) && !IP.test(run.server.host)))) {
    run.server = { host: rec.host, port: rec.port ?? run.server?.port ?? null };
  }
  if (rec.event === "failed" || rec.event === "gave-up" || rec.event === "connected") {
    run.result = rec.event;
    run.errno = rec.errno;
  }
}
