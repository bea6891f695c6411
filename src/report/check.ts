// The words of `tcpdiag check`: a line per case, what differs under a
// failed one (expected against found, field by field), and a count.
import { caseFailed, type CaseResult, type Mismatch } from "../check.js";

const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

function mismatchLine(m: Mismatch): string {
  if (m.attempt === null) return `  attempts: expected ${show(m.expected)}, found ${show(m.actual)}`;
  return `  attempt ${m.attempt} ${m.field}: expected ${show(m.expected)}, found ${show(m.actual)}`;
}

export function caseText(r: CaseResult): string {
  const n = `${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`;
  if (r.problem !== null) return `FAIL  ${r.dir}: ${r.problem}\n`;
  if (r.updated) return `wrote ${r.dir}/expected.json (${n})\n`;
  if (r.mismatches!.length === 0) return `pass  ${r.dir} (${n})\n`;
  return `FAIL  ${r.dir}\n${r.mismatches!.map(mismatchLine).join("\n")}\n`;
}

export function checkSummary(results: readonly CaseResult[]): string {
  if (results.length === 0) return "no case: no folder named holds an expected.json\n";
  const failed = results.filter(caseFailed).length;
  const updated = results.filter((r) => r.updated).length;
  if (updated > 0) return `${updated} case${updated === 1 ? "" : "s"} written\n`;
  return `${results.length} case${results.length === 1 ? "" : "s"}: ${results.length - failed} passed, ${failed} failed\n`;
}
