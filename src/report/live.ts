// The report for a person watching a running capture: one line per
// prediction and verdict as they happen, the notable findings and a summary
// at the end (EOF or Ctrl-C). Or, with --json, JSON Lines for scripts that
// follow: one object per prediction or verdict with the fields of attempts[],
// then one summary object.
import type { AttemptReport, Diagnosis, Outcome } from "../analysis.js";
import type { Prediction } from "../analyzer/index.js";
import { describeTuple } from "../analyzer/words.js";
import type { ClockKind } from "../events.js";
import type { PipelineResult } from "../pipeline.js";

export interface LiveStyle {
  /** ANSI colours (a terminal, unless NO_COLOR; or FORCE_COLOR). */
  color: boolean;
  /** Lines are cut to this many columns. */
  width: number;
}

/** Decides colour the way https://no-color.org and FORCE_COLOR (chalk, Node) expect. */
export function useColor(env: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTerminal;
}

const RED = 31;
const GREEN = 32;
const YELLOW = 33;
const CYAN = 36;

const OUTCOME_COLOR: Record<Outcome, number> = {
  established: GREEN,
  refused: RED,
  unreachable: RED,
  timeout: RED,
  "app-timeout": YELLOW,
  reset: YELLOW,
  "in-progress": CYAN,
  unknown: YELLOW,
};

/** Diagnoses that say again what a verdict line said: the summary leaves them out. */
const PER_ATTEMPT = new Set([
  "SYN_TIMEOUT",
  "CONNECTION_REFUSED",
  "PORT_UNREACHABLE",
  "HOST_UNREACHABLE",
  "NET_UNREACHABLE",
  "ADMIN_PROHIBITED",
  "APP_GAVE_UP",
  "CAPTURE_ENDS_DURING_RETRIES",
  "CONNECTION_RESET",
  "ICMP_MAY_BE_FILTERED",
]);

/** The column the words start at, after the event's kind. */
const LABEL = 12;

/** Words into rows of at most `width` characters (a longer word gets a row of its own). */
function wrap(text: string, width: number): string[] {
  const rows: string[] = [];
  let row = "";
  for (const word of text.split(" ")) {
    if (row !== "" && row.length + 1 + word.length > width) {
      rows.push(row);
      row = word;
    } else row = row === "" ? word : `${row} ${word}`;
  }
  rows.push(row);
  return rows;
}

/** A time on the input's clock as the input printed it: time of day, or seconds since the first packet. */
export function clockText(seconds: number, clock: ClockKind): string {
  if (clock === "relative" || clock === null) return `+${seconds.toFixed(1)} s`;
  const day = clock === "epoch" ? ((seconds % 86400) + 86400) % 86400 : seconds % 86400;
  const h = Math.floor(day / 3600);
  const m = Math.floor((day % 3600) / 60);
  const s = day % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(h)}:${two(m)}:${s.toFixed(1).padStart(4, "0")}`;
}

function backoff(p: Prediction): string {
  const l = p.report.inferred.linearTimeouts;
  return l === 0 ? "exponential" : `${l} linear`;
}

/** tcpdump's statistics in its own words. */
function captureWords(c: NonNullable<PipelineResult["inputs"][number]["capture"]>): string {
  const parts = [
    c.captured !== null ? `${c.captured} packets captured` : null,
    c.receivedByFilter !== null ? `${c.receivedByFilter} received by filter` : null,
    c.droppedByKernel !== null ? `${c.droppedByKernel} dropped by kernel${c.droppedByKernel > 0 ? ": answers may be missing" : ""}` : null,
  ];
  return `tcpdump: ${parts.filter((p) => p !== null).join(", ")}`;
}

export class LiveReport {
  private readonly counts = new Map<Outcome, number>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly style: LiveStyle,
    private readonly json: boolean,
  ) {}

  prediction(p: Prediction): void {
    const r = p.report;
    if (this.json) {
      this.write(`${JSON.stringify({ event: "prediction", ...r, prediction: { outcome: "timeout", errno: "ETIMEDOUT", timeoutSeconds: p.timeoutSeconds, at: clockText(p.timeoutAt, p.clock) } })}\n`);
      return;
    }
    const text =
      `no answer to ${r.syn.sent} SYNs from ${describeTuple(r.client, r.server).replace(" -> ", " to ")}; ` +
      `with tcp_syn_retries=${r.inferred.tcpSynRetries} (${backoff(p)}) connect() gets ETIMEDOUT at ${clockText(p.timeoutAt, p.clock)}, ` +
      `${Number(p.timeoutSeconds.toFixed(2))} s after the first SYN`;
    this.line("predict", CYAN, text);
  }

  attempt(r: AttemptReport): void {
    this.counts.set(r.outcome, (this.counts.get(r.outcome) ?? 0) + 1);
    if (this.json) {
      this.write(`${JSON.stringify({ event: "verdict", ...r })}\n`);
      return;
    }
    this.line(r.outcome, OUTCOME_COLOR[r.outcome], `${describeTuple(r.client, r.server)}: ${r.summary}`);
  }

  /** The end of the input (EOF) or of the run (Ctrl-C). */
  end(result: PipelineResult, interrupted: boolean): void {
    const notable = result.diagnoses.filter((d) => !PER_ATTEMPT.has(d.code) && d.severity !== "info");
    const unparsed = result.inputs.reduce((n, i) => n + i.unparsed, 0);
    if (this.json) {
      this.write(`${JSON.stringify({ event: "summary", interrupted, outcomes: Object.fromEntries(this.counts), inputs: result.inputs, diagnoses: result.diagnoses, unparsed: result.unparsed })}\n`);
      return;
    }
    for (const d of notable) this.finding(d);
    for (const i of result.inputs) if (i.capture) this.line("capture", null, captureWords(i.capture));
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    const outcomes = [...this.counts].map(([o, n]) => `${n} ${o}`).join(", ");
    const how = interrupted ? "interrupted (Ctrl-C or SIGTERM)" : "input ended";
    this.line("summary", null, `${how}: ${total} attempt${total === 1 ? "" : "s"}${total > 0 ? ` (${outcomes})` : ""}${unparsed > 0 ? `; ${unparsed} lines not parsed` : ""}`);
  }

  private finding(d: Diagnosis): void {
    this.line(d.severity, d.severity === "error" ? RED : YELLOW, `${d.code}: ${d.message}`);
  }

  /** One event: its kind in a fixed column, then the words, wrapped at the width under themselves. */
  private line(kind: string, color: number | null, text: string): void {
    const label = kind.padEnd(LABEL);
    const rows = wrap(text, Math.max(this.style.width - LABEL, 20));
    const head = this.style.color && color !== null ? `\x1b[${color}m${label}\x1b[0m` : label;
    this.write(rows.map((r, i) => (i === 0 ? head : " ".repeat(LABEL)) + r).join("\n") + "\n");
  }
}
