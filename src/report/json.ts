// The JSON report of ../shared/spec/report.schema.json.
import type { AttemptReport, Diagnosis } from "../analysis.js";
import type { InputSummary, PipelineResult, UnparsedLine } from "../pipeline.js";
import { VERSION } from "../version.js";

export interface JsonReport {
  tool: "tcpdiag";
  version: string;
  inputs: InputSummary[];
  attempts: AttemptReport[];
  diagnoses: Diagnosis[];
  unparsed: UnparsedLine[];
  errors: { input: string; message: string }[];
}

export function jsonReport(result: PipelineResult): JsonReport {
  return {
    tool: "tcpdiag",
    version: VERSION,
    inputs: result.inputs,
    attempts: result.attempts,
    diagnoses: result.diagnoses,
    unparsed: result.unparsed,
    errors: result.errors.map((e) => ({ input: e.input, message: e.message })),
  };
}
