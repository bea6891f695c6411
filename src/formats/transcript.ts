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
import type { CommandHints } from "./registry.js";
import { lineParserOf } from "./parsers.js";

/** A section of the session read by one tool's reader, as an input of its own. */
export interface SectionSink {
  line(line: number, text: string): LineParse<unknown>;
  end(): void;
}

export type OpenSection = (format: ToolFormat, firstLine: number, why: string, hints: CommandHints) => SectionSink;

export type TranscriptRecord = TranscriptLine | { record: "text" };

export interface TranscriptReader {
  line(line: number, text: string): LineParse<TranscriptRecord> | LineParse<unknown>;
  end(): void;
  /** Lines recognised as prose or other commands' output. */
  readonly textLines: number;
  /** The first of them (up to MAX_TEXT_KEPT), for when no tool output turns up at all. */
  readonly textKept: readonly [number, string][];
}

const MAX_TEXT_KEPT = 1000;

interface ClientRun {
  at: Evidence;
  program: string | null;
  server: CommandMeaning["server"];
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
  let textLines = 0;
  const textKept: [number, string][] = [];

  const startSection = (line: number, command: string | null) => {
    const meaning = commandMeaning(command ?? "");
    const at = { input, line };
    const sink = meaning.format
      ? open(meaning.format, line, `the command \`${command}\``, { program: meaning.program, keys: meaning.keys })
      : null;
    const run = meaning.program && !meaning.format ? newRun(at, meaning) : null;
    section = { at, command, meaning, sink, run };
  };

  const endSection = () => {
    if (!section) return;
    section.sink?.end();
    if (section.run) emitRun(section.run);
    section = null;
    for (const sink of loose.values()) sink.end();
    loose = new Map();
  };

  const newRun = (at: Evidence, meaning: Pick<CommandMeaning, "program" | "server">): ClientRun => ({
    at,
    program: meaning.program,
    server: meaning.server,
    result: null,
    errno: null,
    real: null,
    evidence: [at],
  });

  const emitRun = (run: ClientRun) => {
    if (run.result === null && run.real === null) return;
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
    // Ctrl+C stops whatever runs: it tells about a client only in a client's section
    if (rec.record === "interrupt" && !(section as Section | null)?.run) return;
    if (!section) section = { at, command: null, meaning: commandMeaning(""), sink: null, run: null };
    const run = (section.run ??= newRun(at, { program: null, server: null }));
    run.evidence.push(at);
    if (rec.record === "time") {
      if (rec.kind === "real") run.real = rec;
    } else if (rec.record === "interrupt") {
      run.result ??= "interrupted";
    } else if (rec.record === "client") {
      addClientLine(run, rec);
    }
  };

  return {
    get textLines() {
      return textLines;
    },
    textKept,
    line(line, text) {
      // Ctrl+C echoed by the terminal before what the program prints as it stops ("^C3 packets captured")
      if (text.startsWith("^C") && text.trim().length > 2) {
        clientSays(line, { record: "interrupt" });
        return this.line(line, text.slice(2));
      }
      const t = transcriptLineParser.parse(text);
      if (t.ok && t.value.record === "prompt") {
        endSection();
        startSection(line, t.value.command);
        return t;
      }
      const current = section as Section | null;
      if (current?.sink && current.meaning.format && lineParserOf(current.meaning.format).parse(text).ok) {
        return current.sink.line(line, text);
      }
      if (t.ok && t.value.record !== "elision") {
        clientSays(line, t.value);
        return t;
      }
      const format = formatOfLine(text);
      if (format) {
        let sink = loose.get(format);
        if (!sink) {
          sink = open(format, line, `its lines are ${format} output (no command before them)`, {});
          loose.set(format, sink);
        }
        return sink.line(line, text);
      }
      if (t.ok) return t; // an elision
      textLines++;
      if (textKept.length < MAX_TEXT_KEPT) textKept.push([line, text]);
      return { ok: true, value: { record: "text" } };
    },
    end: endSection,
  };
}

function addClientLine(run: ClientRun, rec: ClientLine): void {
  run.program ??= rec.program;
  if (rec.host && (!run.server || run.server.host === rec.host)) {
    run.server = { host: rec.host, port: rec.port ?? run.server?.port ?? null };
  }
  if (rec.event === "failed" || rec.event === "gave-up" || rec.event === "connected") {
    run.result = rec.event;
    run.errno = rec.errno;
  }
}
