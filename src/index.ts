// tcpdiag as a library: analyze tcpdump text from files, streams or strings.
import { Readable } from "node:stream";
import { expandSources, stdinSource, type InputSource } from "./input.js";
import { runPipeline, type PipelineOptions, type PipelineResult } from "./pipeline.js";
import { jsonReport, type JsonReport } from "./report/json.js";

export type { Analysis, AttemptReport, Diagnosis, Inferred, Outcome, Severity } from "./analysis.js";
export type { PacketEvent, TcpSegmentEvent, IcmpUnreachableEvent, TcpdumpEvent, Evidence } from "./events.js";
export type { InputSummary, PipelineOptions, PipelineResult, UnparsedLine } from "./pipeline.js";
export type { JsonReport } from "./report/json.js";
export type { TcpdumpLine } from "./tcpdump/records.js";
export { synSchedule, fitSchedules, modelTimeout, type SynSchedule } from "./analyzer/kernel-model.js";
export { tcpdumpLineParser } from "./tcpdump/grammar.js";
export { InputError, expandSources, fileSource, stdinSource, type InputSource } from "./input.js";
export { runPipeline } from "./pipeline.js";
export { jsonReport } from "./report/json.js";
export { tableReport } from "./report/table.js";

/** Analyze files and folders (every file under them; "-" is standard input, named <stdin> in the report) into one report. */
export async function analyzeFiles(paths: string[], options: PipelineOptions = {}): Promise<PipelineResult> {
  return runPipeline(await expandSources(paths, () => stdinSource()), options);
}

/** Analyze text held in memory, named as the report should name it. */
export async function analyzeText(text: string, name = "text", options: PipelineOptions = {}): Promise<PipelineResult> {
  const source: InputSource = { name, open: async () => Readable.from([Buffer.from(text)]) };
  return runPipeline([source], options);
}

/** The JSON report (report.schema.json) of files. */
export async function reportFiles(paths: string[], options: PipelineOptions = {}): Promise<JsonReport> {
  return jsonReport(await analyzeFiles(paths, options));
}
