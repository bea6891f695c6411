// The human report: the attempts that failed or need attention, a line per
// outcome and server for the rest, and the diagnoses, fitted to the
// terminal's width. Attempts come in as they are decided; only those listed
// are kept.
import { isAbsolute, relative, sep } from "node:path";
import Table from "cli-table3";
import type { AttemptReport, Diagnosis } from "../analysis.js";
import { describeAddress, describeTuple } from "../analyzer/words.js";
import { docsFolder } from "../docs.js";
import { connectedCleanly } from "./page-attempts.js";
import type { PipelineResult } from "../pipeline.js";

export interface TableOptions {
  /** Terminal width in columns (at least MIN_WIDTH is used). */
  width: number;
  /** Say why each input was read as its format (--explain). */
  explain?: boolean;
  /** List every attempt, not only those that failed or need attention (--all). */
  all?: boolean;
}

export const MIN_WIDTH = 80;
/** Attempts listed one by one before the rest is summed up (--all lists them all). */
const MAX_LISTED = 200;
/** Lines of the summary of attempts not listed. */
const MAX_SUMMARY_LINES = 20;
/** Diagnoses of one code shown before the rest of that code is counted (one per server: a busy capture has thousands). */
const MAX_PER_CODE = 5;
/** Attempt ids and evidence lines a diagnosis names before it says how many more. */
const MAX_NAMED = 5;
const MAX_EVIDENCE_SHOWN = 3;

const plain = { head: [], border: [], "padding-left": 1, "padding-right": 1 };

export class TableReport {
  private readonly listed: AttemptReport[] = [];
  /** outcome|server -> how many attempts not listed. */
  private readonly rest = new Map<string, { outcome: string; server: string; count: number; fine: boolean }>();
  private total = 0;
  /** Attempts that did not simply connect. */
  private troubled = 0;

  constructor(private readonly options: TableOptions) {}

  attempt(a: AttemptReport): void {
    this.total++;
    if (!connectedCleanly(a)) this.troubled++;
    if ((this.options.all || !connectedCleanly(a)) && (this.options.all || this.listed.length < MAX_LISTED)) {
      this.listed.push(a);
      return;
    }
    const server = describeAddress(a.server);
    const key = `${a.outcome}|${server}|${connectedCleanly(a)}`;
    const r = this.rest.get(key);
    if (r) r.count++;
    else this.rest.set(key, { outcome: a.outcome, server, count: 1, fine: connectedCleanly(a) });
  }

  render(result: PipelineResult): string {
    const width = Math.max(MIN_WIDTH, this.options.width);
    const out: string[] = [];
    for (const i of result.inputs) {
      const text = i.text > 0 ? `, ${i.text} lines of text` : "";
      const at = i.section ? ` (from line ${i.section.line})` : "";
      out.push(`${i.section ? "  " : ""}${i.name}: ${i.format}${at}, ${i.lines} lines, ${i.parsed} parsed, ${i.unparsed} unparsed${text}`);
      if (this.options.explain) out.push(`${i.section ? "  " : ""}  why ${i.format}: ${i.formatReason}`);
    }
    out.push("");
    if (this.total === 0) out.push("No TCP connection attempt (no SYN) in the input.");
    if (this.listed.length > 0) out.push(attemptsTable(this.listed.sort((x, y) => x.id - y.id), width));
    out.push(...this.summary());
    if (this.total > 0 && this.troubled === 0 && !result.diagnoses.some((d) => d.severity !== "info")) {
      out.push("", `No problem found: ${this.total === 1 ? "the attempt" : `all ${this.total} attempts`} connected without an error or a warning.`);
    }
    if (result.diagnoses.length > 0) {
      out.push("", diagnosesTable(result.diagnoses, width));
      out.push("", `What each code means and what to check next: ${shortPath(docsFolder())}<CODE>.md`);
    }
    const unparsed = result.inputs.reduce((n, i) => n + i.unparsed, 0);
    if (unparsed > 0) {
      out.push("", `${unparsed} lines were not recognised (--json lists them); the first:`);
      for (const u of result.unparsed.slice(0, 5)) out.push(`  ${u.input}:${u.line}: ${u.reason}: ${u.text.slice(0, 100)}`);
    }
    return `${out.join("\n")}\n`;
  }

  /** The attempts not listed, a line per outcome and server, the most frequent first. */
  private summary(): string[] {
    if (this.rest.size === 0) return [];
    const lines = [...this.rest.values()].sort((x, y) => y.count - x.count || x.server.localeCompare(y.server));
    const notListed = lines.reduce((n, l) => n + l.count, 0);
    const out = ["", `${notListed} attempt${notListed === 1 ? "" : "s"} not listed above (--all lists every attempt):`];
    for (const l of lines.slice(0, MAX_SUMMARY_LINES)) {
      const how = l.fine ? `${l.outcome}, no retransmission` : l.outcome;
      out.push(`  ${String(l.count).padStart(7)}  ${how.padEnd(28)} ${l.server}`);
    }
    if (lines.length > MAX_SUMMARY_LINES) {
      const more = lines.slice(MAX_SUMMARY_LINES).reduce((n, l) => n + l.count, 0);
      out.push(`  ${String(more).padStart(7)}  to ${lines.length - MAX_SUMMARY_LINES} more servers or outcomes`);
    }
    return out;
  }
}

/** A folder as a person at this shell would type it: relative when it is under the current folder. */
function shortPath(folder: string): string {
  const rel = relative(process.cwd(), folder);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? `${rel}${sep}` : folder;
}

/** A path and line that fit `room` characters: the end of the path is the part that tells files apart. */
export function location(input: string, line: number, room: number): string {
  const full = `${input}:${line}`;
  return full.length <= room ? full : `…${full.slice(full.length - room + 1)}`;
}

/** The connection, its client named by its process when only a trace or a client's words showed it. */
function connectionText(a: AttemptReport): string {
  if (a.client) return describeTuple(a.client, a.server);
  const who = a.process ? `${a.process.command ?? "process"}${a.process.pid !== null ? ` (pid ${a.process.pid})` : ""}` : "client";
  return `${who} -> ${describeAddress(a.server)}`;
}

function attemptsTable(attempts: AttemptReport[], width: number): string {
  // # | connection | outcome | SYNs, and what happened on a line of its own below
  const fixed = [5, 20, 7];
  const connection = width - fixed.reduce((a, b) => a + b, 0) - 5;
  const table = new Table({
    head: ["#", "connection", "outcome", "SYNs"],
    colWidths: [fixed[0]!, connection, fixed[1]!, fixed[2]!],
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: plain,
  });
  for (const a of attempts) {
    const where = location(a.start.input, a.start.line, connection - 2);
    table.push(
      [
        a.id,
        `${connectionText(a)}\n${where}${a.start.timestamp ? `\n${a.start.timestamp}` : ""}`,
        `${a.outcome}${a.errno ? `\n${a.errno}${a.errnoSource === "inferred" ? " (inferred)" : ""}` : ""}`,
        // no capture of it: its SYNs were not seen, which is not 0
        a.syn.sent === 0 && !a.answer ? "-" : a.syn.sent,
      ],
      [{ colSpan: 4, content: a.summary }],
    );
  }
  return table.toString();
}

function diagnosesTable(all: Diagnosis[], width: number): string {
  const shown = new Map<string, number>();
  const hidden = new Map<string, { diagnoses: number; attempts: number }>();
  const diagnoses = all.filter((d) => {
    const n = shown.get(d.code) ?? 0;
    shown.set(d.code, n + 1);
    if (n < MAX_PER_CODE) return true;
    const h = hidden.get(d.code) ?? { diagnoses: 0, attempts: 0 };
    hidden.set(d.code, { diagnoses: h.diagnoses + 1, attempts: h.attempts + d.attempts.length });
    return false;
  });
  const rest = [...hidden].map(
    ([code, h]) => `${h.diagnoses} more ${code} diagnoses (${h.attempts} attempts to other servers): --json lists them`,
  );
  return [diagnosesRows(diagnoses, width), ...rest].join("\n");
}

function diagnosesRows(diagnoses: Diagnosis[], width: number): string {
  const fixed = [10, 28];
  const attemptsWidth = width - fixed.reduce((a, b) => a + b, 0) - 4;
  const table = new Table({
    head: ["severity", "code", "attempts"],
    colWidths: [fixed[0]!, fixed[1]!, attemptsWidth],
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: plain,
  });
  for (const d of diagnoses) {
    const named = d.attempts.slice(0, MAX_NAMED).join(", ");
    const more = d.attempts.length > MAX_NAMED ? ` and ${d.attempts.length - MAX_NAMED} more` : "";
    const evidence = d.evidence.slice(0, MAX_EVIDENCE_SHOWN).map((e) => location(e.input, e.line, width - 20));
    const moreEvidence = d.evidence.length > MAX_EVIDENCE_SHOWN ? ` and ${d.evidence.length - MAX_EVIDENCE_SHOWN} more` : "";
    const where = evidence.length ? `\nevidence: ${evidence.join(", ")}${moreEvidence}` : "";
    table.push([d.severity, d.code, `${named}${more}`], [{ colSpan: 3, content: `${d.message}${where}` }]);
  }
  return table.toString();
}

/** The whole table report of a finished result (the library's one-call form). */
export function tableReport(result: PipelineResult, options: TableOptions): string {
  const report = new TableReport(options);
  for (const a of result.attempts) report.attempt(a);
  return report.render(result);
}
