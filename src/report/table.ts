// The human report: tables of attempts and diagnoses in plain words.
import Table from "cli-table3";
import type { AttemptReport, Diagnosis } from "../analysis.js";
import { describeTuple } from "../analyzer/words.js";
import type { PipelineResult } from "../pipeline.js";

export interface TableOptions {
  /** Terminal width in columns. */
  width: number;
  /** Say why each input was read as its format (--explain). */
  explain?: boolean;
}

const plain = { head: [], border: [] };

function attemptsTable(attempts: AttemptReport[], width: number): string {
  const fixed = [4, 40, 13, 14, 6];
  const rest = Math.max(30, width - fixed.reduce((a, b) => a + b, 0) - 8);
  const table = new Table({
    head: ["#", "connection", "outcome", "errno", "SYNs", "what happened"],
    colWidths: [...fixed, rest],
    wordWrap: true,
    style: plain,
  });
  for (const a of attempts) {
    table.push([
      a.id,
      `${describeTuple(a.client, a.server)}\n${a.start.input}:${a.start.line}${a.start.timestamp ? ` ${a.start.timestamp}` : ""}`,
      a.outcome,
      a.errno ? `${a.errno}${a.errnoSource === "inferred" ? "\n(inferred)" : ""}` : "",
      a.syn.sent,
      a.summary,
    ]);
  }
  return table.toString();
}

function diagnosesTable(diagnoses: Diagnosis[], width: number): string {
  const fixed = [10, 28, 10];
  const rest = Math.max(30, width - fixed.reduce((a, b) => a + b, 0) - 6);
  const table = new Table({
    head: ["severity", "code", "attempts", "diagnosis"],
    colWidths: [...fixed, rest],
    wordWrap: true,
    style: plain,
  });
  for (const d of diagnoses) {
    const evidence = d.evidence.slice(0, 3).map((e) => `${e.input}:${e.line}`);
    const more = d.evidence.length > 3 ? ` and ${d.evidence.length - 3} more` : "";
    const where = evidence.length ? `\nevidence: ${evidence.join(", ")}${more}` : "";
    table.push([d.severity, d.code, d.attempts.join(", "), `${d.message}${where}`]);
  }
  return table.toString();
}

export function tableReport(result: PipelineResult, options: TableOptions): string {
  const out: string[] = [];
  for (const i of result.inputs) {
    const text = i.text > 0 ? `, ${i.text} lines of text` : "";
    const at = i.section ? ` (from line ${i.section.line})` : "";
    out.push(`${i.section ? "  " : ""}${i.name}: ${i.format}${at}, ${i.lines} lines, ${i.parsed} parsed, ${i.unparsed} unparsed${text}`);
    if (options.explain) out.push(`${i.section ? "  " : ""}  why ${i.format}: ${i.formatReason}`);
  }
  out.push("");
  if (result.attempts.length === 0) out.push("No TCP connection attempt (no SYN) in the input.");
  else out.push(attemptsTable(result.attempts, options.width));
  if (result.diagnoses.length > 0) out.push("", diagnosesTable(result.diagnoses, options.width));
  const unparsed = result.inputs.reduce((n, i) => n + i.unparsed, 0);
  if (unparsed > 0) {
    out.push("", `${unparsed} lines were not recognised (--json lists them); the first:`);
    for (const u of result.unparsed.slice(0, 5)) out.push(`  ${u.input}:${u.line}: ${u.reason}: ${u.text.slice(0, 100)}`);
  }
  return `${out.join("\n")}\n`;
}
