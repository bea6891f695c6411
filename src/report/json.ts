// The JSON report of ../shared/spec/report.schema.json: as one object for the
// library, and written as it is made for the command line (attempts as they
// are decided, one per line), never as one string.
import type { AttemptReport, Diagnosis } from "../analysis.js";
import type { InputSummary, PipelineResult, UnparsedLine } from "../pipeline.js";
import { VERSION } from "../version.js";
import { docsPath } from "../docs.js";
import { attemptJson } from "./attempt-json.js";

export interface JsonReport {
  tool: "tcpdiag";
  version: string;
  inputs: InputSummary[];
  attempts: AttemptReport[];
  diagnoses: (Diagnosis & { docs: string })[];
  unparsed: UnparsedLine[];
  errors: { input: string; message: string }[];
}

export function jsonReport(result: PipelineResult): JsonReport {
  return {
    tool: "tcpdiag",
    version: VERSION,
    inputs: result.inputs,
    attempts: result.attempts,
    diagnoses: result.diagnoses.map(withDocs),
    unparsed: result.unparsed,
    errors: errorsOf(result),
  };
}

/** A diagnosis with the path of its code's page in the package (docs/codes/CODE.md). */
function withDocs(d: Diagnosis): Diagnosis & { docs: string } {
  return { ...d, docs: docsPath(d.code) };
}

function errorsOf(result: PipelineResult): JsonReport["errors"] {
  return result.errors.map((e) => ({ input: e.input, message: e.message }));
}

/** Written text is handed on in pieces of about this size. */
const CHUNK = 1 << 16;

/**
 * Writes the same document as jsonReport() piece by piece: the attempts as
 * they come (in the order they are decided), then the rest at the end.
 */
export class JsonReportWriter {
  private buffer: string;
  private attempts = 0;

  constructor(private readonly write: (text: string) => void) {
    this.buffer = `{\n  "tool": "tcpdiag",\n  "version": ${JSON.stringify(VERSION)},\n  "attempts": [`;
  }

  attempt(report: AttemptReport): void {
    this.buffer += `${this.attempts++ === 0 ? "" : ","}\n    ${attemptJson(report)}`;
    if (this.buffer.length >= CHUNK) this.flush();
  }

  /** The rest of the document, once the analysis is over. */
  end(result: PipelineResult): void {
    this.buffer += this.attempts === 0 ? "],\n" : "\n  ],\n";
    const rest: [string, unknown[]][] = [
      ["diagnoses", result.diagnoses.map(withDocs)],
      ["inputs", result.inputs],
      ["unparsed", result.unparsed],
      ["errors", errorsOf(result)],
    ];
    rest.forEach(([name, items], i) => {
      this.buffer += `  ${JSON.stringify(name)}: [`;
      items.forEach((item, k) => {
        this.buffer += `${k === 0 ? "" : ","}\n    ${JSON.stringify(item)}`;
        if (this.buffer.length >= CHUNK) this.flush();
      });
      this.buffer += `${items.length === 0 ? "]" : "\n  ]"}${i === rest.length - 1 ? "\n" : ",\n"}`;
    });
    this.buffer += "}\n";
    this.flush();
  }

  private flush(): void {
    this.write(this.buffer);
    this.buffer = "";
  }
}
