// tcpdiag's command line: `analyze`, `parse`, `check` and `help`.
import { normalize } from "node:path";
import { statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { FORMATS, type DetectedFormat } from "./formats/detect.js";
import { expandSources, followSource, probeStdin, stdinSource, type InputSource } from "./input.js";
import { checkExitCode, EXIT, exitCode, FAIL_ON_VALUES, parseFailOn, uselessFolders, type RunFacts } from "./exit-code.js";
import { caseDirs, runCase, type CaseResult } from "./check.js";
import { caseText, checkSummary } from "./report/check.js";
import type { Outcome } from "./analysis.js";
import { htmlReport } from "./report/html.js";
import { markdownReport } from "./report/markdown.js";
import { TimelineReport } from "./report/timeline.js";
import { PageAttempts, shownDiagnoses } from "./report/page-attempts.js";
import { lineTexts } from "./report/evidence-text.js";
import { runPipeline, type PipelineOptions, type PipelineResult, type Progress, type UnparsedLine } from "./pipeline.js";
import { progressLine } from "./report/progress.js";
import { JsonReportWriter } from "./report/json.js";
import { LiveReport, useColor } from "./report/live.js";
import { TableReport } from "./report/table.js";
import type { RelativeMode } from "./tcpdump/clock.js";
import { VERSION } from "./version.js";

export { EXIT };

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin?: NodeJS.ReadableStream;
  columns?: number;
  /** stderr is a terminal: large inputs show their progress there. */
  stderrIsTerminal?: boolean;
  /** stdout is a terminal: live output is coloured there. */
  stdoutIsTerminal?: boolean;
  /** Standard input is a pipe, FIFO or terminal (a capture still running, perhaps): analyze reads it live. */
  stdinIsLive?: boolean;
  /** Standard input is a terminal: reading it gets a hint first (a person, not a pipe, is to type or paste). */
  stdinIsTerminal?: boolean;
}

// yargs' CommonJS build: its ES module build wraps help text at the column, in the middle of words
const yargs = createRequire(import.meta.url)("yargs") as typeof import("yargs").default;

/** yargs drops a lone "-" from positionals: it stands in for it until the files are named. */
const STDIN_MARK = "\u0000-";

function sourcesFor(files: string[] | undefined, io: CliIo): Promise<InputSource[]> {
  const names = files && files.length > 0 ? files.map((f) => (f === STDIN_MARK ? "-" : f)) : ["-"];
  return expandSources(names, () => {
    if (io.stdinIsTerminal) io.stderr(TERMINAL_HINT);
    return stdinSource((io.stdin ?? process.stdin) as never);
  });
}

/** Said before reading a terminal: with no file named, tcpdiag waits for text there. */
const TERMINAL_HINT =
  "tcpdiag: reading standard input: paste tool output and end with Ctrl-D, or name files (tcpdiag analyze FILE...), or pipe a capture (tcpdump -l -nn ... | tcpdiag analyze)\n";

/** A --format NAME:PATH whose PATH is none of the inputs does nothing: say so. */
function unmatchedFormats(formats: Pick<PipelineOptions, "formats">, sources: InputSource[], io: CliIo): void {
  const names = new Set(sources.map((s) => normalize(s.name)));
  for (const path of formats.formats?.keys() ?? []) {
    if (!names.has(path)) io.stderr(`tcpdiag: warning: --format ${formats.formats!.get(path)}:${path}: no input has that name\n`);
  }
}

/** The report's forms: --format takes these too (no input format has their names). */
const REPORT_FORMATS = ["table", "json", "markdown", "html"] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report's form --format names (the last one), if any; the other values are input formats. */
function reportFormat(given: string[] | undefined): { report: ReportFormat | null; inputs: string[] } {
  const all = given ?? [];
  const reports = all.filter((g): g is ReportFormat => (REPORT_FORMATS as readonly string[]).includes(g));
  return { report: reports.at(-1) ?? null, inputs: all.filter((g) => !(REPORT_FORMATS as readonly string[]).includes(g)) };
}

/** --format NAME (every input) or NAME:PATH (that input); null and a message when one is wrong. */
function formatOptions(given: string[] | undefined, io: CliIo): Pick<PipelineOptions, "format" | "formats"> | null {
  const out: Pick<PipelineOptions, "format" | "formats"> = { formats: new Map() };
  for (const g of given ?? []) {
    const i = g.indexOf(":");
    const name = i < 0 ? g : g.slice(0, i);
    if (!(FORMATS as readonly string[]).includes(name)) {
      io.stderr(`tcpdiag: --format takes one of ${FORMATS.join(", ")} (or NAME:PATH), not ${JSON.stringify(g)}\n`);
      return null;
    }
    if (i < 0) out.format = name as DetectedFormat;
    else out.formats!.set(normalize(g.slice(i + 1)), name as DetectedFormat);
  }
  return out;
}

/** One line on standard error for each input that could not be read, and each warning. */
function sayProblems(result: PipelineResult, io: CliIo): void {
  for (const e of result.errors) io.stderr(`tcpdiag: ${e.message}\n`);
  for (const i of result.inputs) for (const w of i.warnings) io.stderr(`tcpdiag: warning: ${i.name}: ${w}\n`);
  for (const folder of uselessFolders(result.inputs)) io.stderr(`tcpdiag: ${folder}: no file in the folder holds tool output\n`);
}

/** The messages, then the exit code. */
function finishRun(result: PipelineResult, io: CliIo, run: RunFacts): number {
  sayProblems(result, io);
  const code = exitCode(result, run);
  if (code === EXIT.STRICT) {
    const n = result.inputs.reduce((k, i) => k + i.unparsed, 0);
    io.stderr(`tcpdiag: --strict: ${n} line${n === 1 ? "" : "s"} not parsed\n`);
  }
  return code;
}

/** The terminal's width: the terminal's own, else COLUMNS, else 100 (at least 80 is used). */
function terminalWidth(io: CliIo): number {
  const fromEnv = Number(process.env.COLUMNS);
  return io.columns ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 100);
}

/** Ctrl-C or SIGTERM ends the reading: the report covers what was read, marked as interrupted; a second one stops at once. */
function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>, controller = new AbortController()): Promise<T> {
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return run(controller.signal).finally(() => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  });
}

const STRICT = { type: "boolean", default: false, describe: "exit 4 when any line was not parsed (after the report)" } as const;

/** Standard input still open after this long is a running capture (a file poured into a pipe ends well before). */
const LIVE_PROBE_MS = 200;
/** ... unless this much arrives first: a file's worth, faster than any capture prints. */
const LIVE_PROBE_BYTES = 8 * 2 ** 20;

/** Live lines fit this many columns when neither COLUMNS nor the terminal says otherwise. */
const LIVE_WIDTH = 80;

/** A running capture: predictions and verdicts as they happen, then the summary. */
async function analyzeLive(
  sources: InputSource[],
  options: Pick<PipelineOptions, "format" | "formats" | "relativeTimes">,
  json: boolean,
  io: CliIo,
  interrupt: AbortController,
  run: Pick<RunFacts, "strict" | "failOn">,
): Promise<number> {
  const outcomes = new Set<Outcome>();
  const fromEnv = Number(process.env.COLUMNS);
  const width = Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : (io.columns ?? LIVE_WIDTH);
  const report = new LiveReport(io.stdout, { color: useColor(process.env, io.stdoutIsTerminal === true), width }, json);
  const result = await withInterrupt(
    (signal) =>
      runPipeline(sources, {
        ...options,
        signal,
        onAttempt: (a) => {
          outcomes.add(a.outcome);
          report.attempt(a);
        },
        live: { onPrediction: (p) => report.prediction(p) },
      }),
    interrupt,
  );
  const interrupted = interrupt.signal.aborted;
  report.end(result, interrupted);
  return finishRun(result, io, { ...run, interrupted, outcomes });
}

/** The HTML and Markdown pages: on standard output when they are the report's form, and to the files named; false when a file cannot be written. */
async function writePages(
  result: PipelineResult,
  attempts: PageAttempts,
  form: ReportFormat,
  files: { html: string | undefined; markdown: string | undefined },
  io: CliIo,
): Promise<boolean> {
  const texts = await lineTexts(shownDiagnoses(result.diagnoses).shown.flatMap((d) => d.evidence));
  const render = { html: () => htmlReport(result, attempts, texts), markdown: () => markdownReport(result, attempts, texts) };
  if (form === "html" || form === "markdown") io.stdout(render[form]());
  let ok = true;
  for (const kind of ["html", "markdown"] as const) {
    const file = files[kind];
    if (file === undefined) continue;
    try {
      writeFileSync(file, render[kind]());
    } catch (err) {
      io.stderr(`tcpdiag: ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? "error"})\n`);
      ok = false;
    }
  }
  return ok;
}

/** `tcpdiag help [COMMAND]` is `tcpdiag [COMMAND] --help`. */
function helpCommand(argv: string[]): string[] {
  if (argv[0] !== "help") return argv;
  return argv.length > 1 ? [argv[1]!, "--help"] : ["--help"];
}

/** Help text fits the terminal, else COLUMNS, else 100 columns. */
function helpWidth(io: CliIo): number {
  const fromEnv = Number(process.env.COLUMNS);
  return Math.min(100, io.columns ?? (Number.isFinite(fromEnv) && fromEnv >= 40 ? fromEnv : 100));
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  argv = helpCommand(argv);
  let exitCode: number = EXIT.OK;
  // yargs may still run a command after a usage error: it must not then read anything
  let usageError = false;
  const parser = yargs(argv.map((a) => (a === "-" ? STDIN_MARK : a)))
    .scriptName("tcpdiag")
    .usage("$0 <command> [files..]\n\nTells why a TCP connection failed, from the text tcpdump, strace, netstat, ss, iptables and sysctl print, alone or pasted as a terminal session.")
    .command(
      "analyze [files..]",
      "Find the connection attempts in the inputs and say what happened to each (standard input when no file or -)",
      (y) =>
        y
          .positional("files", {
            type: "string",
            array: true,
            describe: "files or folders of tool output (tcpdump, strace, netstat, ss, iptables, nft, sysctl, terminal sessions); - for standard input",
          })
          .option("json", { type: "boolean", default: false, describe: "write the JSON report (report.schema.json)" })
          .option("format", {
            type: "string",
            array: true,
            // one value per --format, so that the files after it stay files
            nargs: 1,
            describe: `the report's form (${REPORT_FORMATS.join(", ")}; table on a terminal), or the inputs' format instead of detecting it, NAME:PATH for one input (${FORMATS.join(", ")})`,
          })
          .option("explain", { type: "boolean", default: false, describe: "say why each input was read as its format" })
          .option("strict", STRICT)
          .option("all", { type: "boolean", default: false, describe: "list every attempt in the table, not only those that failed or need attention" })
          .option("live", {
            type: "boolean",
            describe:
              "print each prediction and verdict as it happens, and a summary at the end (on by default when standard input is a pipe or terminal; --no-live for the full report)",
          })
          .option("follow", {
            type: "string",
            describe: "read FILE as it grows, like tail -f, live, until Ctrl-C",
          })
          .option("relative-times", {
            type: "string",
            describe:
              "how to read relative timestamps: delta (-ttt) or since-first (-ttttt); decided from the values when not given",
          })
          .option("timeline", { type: "boolean", default: false, describe: "after the table, draw each failed attempt as a ladder: SYNs, answers, the rule, when connect() gave up" })
          .option("html", { type: "string", describe: "also write the report as one self-contained HTML page (ladder diagrams of the failed attempts) to FILE" })
          .option("markdown", { type: "string", describe: "also write the report as Markdown (for a ticket) to FILE" })
          .option("fail-on", {
            type: "string",
            describe: `exit 1 (after the report) when a diagnosis of this severity or worse, or an attempt with one of these outcomes, is found: ${FAIL_ON_VALUES}`,
          }),
      async (args) => {
        if (usageError) return;
        const relative = args.relativeTimes;
        if (relative !== undefined && relative !== "delta" && relative !== "since-first") {
          io.stderr(`tcpdiag: --relative-times takes delta or since-first, not ${JSON.stringify(relative)}\n`);
          exitCode = EXIT.USAGE;
          return;
        }
        const forms = reportFormat(args.format);
        const formats = formatOptions(forms.inputs, io);
        if (!formats) {
          exitCode = EXIT.USAGE;
          return;
        }
        const failOn = args.failOn === undefined ? undefined : parseFailOn(args.failOn);
        if (failOn === null) {
          io.stderr(`tcpdiag: --fail-on takes ${FAIL_ON_VALUES}, not ${JSON.stringify(args.failOn)}\n`);
          exitCode = EXIT.USAGE;
          return;
        }
        const run = { strict: args.strict, ...(failOn ? { failOn } : {}) };
        const interrupt = new AbortController();
        const readsStdin = !args.files || args.files.length === 0 || args.files.includes(STDIN_MARK);
        let live = args.follow !== undefined || args.live === true;
        if (args.follow === undefined && args.live === undefined && readsStdin && io.stdinIsLive === true) {
          // a pipe or terminal that stays open is a running capture; `cat log |` ends at once and gets the full report
          const probe = await probeStdin((io.stdin ?? process.stdin) as never, LIVE_PROBE_MS, LIVE_PROBE_BYTES);
          live = probe.live;
          io = { ...io, stdin: probe.stream };
        }
        const sources = args.follow !== undefined ? [followSource(args.follow, interrupt.signal), ...(args.files?.length ? await sourcesFor(args.files, io) : [])] : await sourcesFor(args.files, io);
        unmatchedFormats(formats, sources, io);
        if (live) {
          exitCode = await analyzeLive(sources, { ...formats, ...(relative ? { relativeTimes: relative as RelativeMode } : {}) }, args.json, io, interrupt, run);
          return;
        }
        // attempts go to the report as they are decided: the JSON is written as it comes, the table keeps what it lists
        const form: ReportFormat = forms.report ?? (args.json ? "json" : "table");
        const json = form === "json" ? new JsonReportWriter(io.stdout) : null;
        const table = form === "table" ? new TableReport({ width: terminalWidth(io), explain: args.explain, all: args.all }) : null;
        // pages (HTML, Markdown) list every attempt: they keep them all
        const pages = form === "html" || form === "markdown" || args.html !== undefined || args.markdown !== undefined ? new PageAttempts() : null;
        // text ladders go under the table (they would break a JSON or HTML document)
        const timeline = args.timeline && form === "table" ? new TimelineReport() : null;
        const progress = io.stderrIsTerminal ? progressLine(io.stderr) : null;
        const outcomes = new Set<Outcome>();
        const result = await withInterrupt(async (signal) =>
          runPipeline(sources, {
            signal,
            ...formats,
            ...(relative ? { relativeTimes: relative as RelativeMode } : {}),
            onAttempt: (a) => {
              outcomes.add(a.outcome);
              json?.attempt(a);
              table?.attempt(a);
              pages?.add(a);
              timeline?.attempt(a);
            },
            ...(progress ? { onProgress: (p: Progress) => progress.update(p) } : {}),
          }),
          interrupt,
        );
        progress?.done();
        exitCode = finishRun(result, io, { ...run, interrupted: interrupt.signal.aborted, outcomes });
        if (json) json.end(result);
        if (table) io.stdout(table.render(result));
        if (timeline) io.stdout(timeline.render());
        if (pages && !(await writePages(result, pages, form, { html: args.html, markdown: args.markdown }, io))) exitCode = EXIT.USAGE;
      },
    )
    .command(
      "parse [files..]",
      "Print every parsed record as one JSON object per line (input, line, format, type, fields), and unparsed lines as type \"unparsed\"",
      (y) =>
        y
          .positional("files", { type: "string", array: true, describe: "files or folders of tool output; - for standard input" })
          .option("format", { type: "string", array: true, nargs: 1, describe: "as for analyze" })
          .option("strict", STRICT),
      async (args) => {
        if (usageError) return;
        const formats = formatOptions(args.format, io);
        if (!formats) {
          exitCode = EXIT.USAGE;
          return;
        }
        const readsStdin = !args.files || args.files.length === 0 || args.files.includes(STDIN_MARK);
        const live = readsStdin && io.stdinIsLive === true;
        // one JSON object per line, handed on in pieces of about 64 KiB
        let pending = "";
        const write = (o: Record<string, unknown>) => {
          pending += `${JSON.stringify(o)}\n`;
          // live: each record as soon as it is made
          if (pending.length >= 1 << 16 || live) flush();
        };
        const flush = () => {
          if (pending) io.stdout(pending);
          pending = "";
        };
        const sources = await sourcesFor(args.files, io);
        // records only, printed as they are read: no attempt is built, memory stays flat
        const interrupt = new AbortController();
        const result = await withInterrupt((signal) =>
          runPipeline(sources, {
            signal,
            ...formats,
            analyze: false,
            // a running capture: each record as its line comes
            ...(live ? { live: {}, onProgress: flush } : {}),
            onRecord: (input, format, line, record) => write({ input, line, format, ...record }),
            onUnparsed: (u: UnparsedLine) => write({ input: u.input, line: u.line, type: "unparsed", reason: u.reason, text: u.text }),
          }),
          interrupt,
        );
        flush();
        exitCode = finishRun(result, io, { interrupted: interrupt.signal.aborted, strict: args.strict });
      },
    )
    .command(
      "check [dirs..]",
      "Run the regression cases under the folders: a folder with an expected.json is a case, its other files the inputs; pass or fail per case, exit 1 when one fails",
      (y) =>
        y
          .positional("dirs", { type: "string", array: true, describe: "folders of cases (searched recursively); the current folder when none" })
          .option("update", { type: "boolean", default: false, describe: "write each case's expected.json from what tcpdiag finds now" }),
      async (args) => {
        if (usageError) return;
        const dirs = args.dirs && args.dirs.length > 0 ? args.dirs : ["."];
        for (const d of dirs) if (!statSync(d, { throwIfNoEntry: false })?.isDirectory()) io.stderr(`tcpdiag: ${d}: no such folder\n`);
        const results: CaseResult[] = [];
        for (const dir of caseDirs(dirs)) {
          const r = await runCase(dir, args.update);
          results.push(r);
          io.stdout(caseText(r));
        }
        io.stdout(checkSummary(results));
        exitCode = checkExitCode(results, false);
      },
    )
    .demandCommand(1, "name a command: analyze, parse or check")
    .strict()
    .command("help [command]", "Show the help of a command, or of tcpdiag")
    .version(VERSION)
    .alias("V", "version")
    .help()
    .alias("h", "help")
    .wrap(helpWidth(io))
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs' own checks (an option without its value) are usage errors too; anything else is a bug
      if (err && err.name !== "YError") throw err;
      io.stderr(`tcpdiag: ${msg ?? err?.message}\nRun tcpdiag --help for usage.\n`);
      exitCode = EXIT.USAGE;
      usageError = true;
    });
  let helped = false;
  parser.showHelpOnFail(false);
  await parser.parseAsync(argv.map((a) => (a === "-" ? STDIN_MARK : a)), {}, (err, _argv, output) => {
    if (output) {
      helped = true;
      io.stdout(`${output}\n`);
    }
    if (err && exitCode === EXIT.OK) exitCode = EXIT.USAGE;
  });
  return helped && exitCode === EXIT.OK ? EXIT.OK : exitCode;
}
