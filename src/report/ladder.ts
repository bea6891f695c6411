// An attempt as a ladder diagram: the client's and the server's lines, the
// SYNs going across at their times, what came back, the firewall rule that
// took the SYNs, and when the kernel gave up with which errno. Made from the
// report's facts alone; the HTML page draws it as SVG, --timeline as text.
import type { AttemptReport } from "../analysis.js";
import { describeAddress } from "../analyzer/words.js";

export interface Ladder {
  client: string;
  server: string;
  /** Seconds after the first SYN, each SYN sent. */
  syns: number[];
  /** What came back, when it did (seconds after the first SYN). */
  answer: { kind: "syn-ack" | "rst" | "icmp"; at: number; from: string | null } | null;
  /** The rule that dropped or rejected the SYNs (a listing gave it). */
  rule: { table: string | null; chain: string; number: number | null; target: string } | null;
  /** When connect() gave up, and with which errno: the kernel's give-up time, or the application's. */
  end: { at: number; errno: string | null; by: "kernel" | "application" } | null;
}

/** A time on a ladder as a person reads it: seconds, or milliseconds under one. */
export function ladderTime(t: number): string {
  return t === 0 || t >= 1 ? `${trimZeros(t.toFixed(3))} s` : `${trimZeros((t * 1000).toFixed(3))} ms`;
}

const trimZeros = (fixed: string) => fixed.replace(/\.?0+$/, "");

/** "DROP (filter INPUT rule 1)", "DROP (filter INPUT policy)". */
export function ruleName(r: NonNullable<Ladder["rule"]>): string {
  return `${r.target} (${r.table ? `${r.table} ` : ""}${r.chain}${r.number === null ? " policy" : ` rule ${r.number}`})`;
}

/** The ladder of an attempt whose SYNs were seen with their times; null for one without (a socket row, a trace alone, -t). */
export function ladderOf(a: AttemptReport): Ladder | null {
  if (a.syn.sent === 0 || a.syn.intervals.length !== a.syn.sent - 1) return null;
  const syns = [0];
  for (const gap of a.syn.intervals) syns.push(round6(syns[syns.length - 1]! + gap));
  const answer = a.answer && a.answer.seconds !== null ? { kind: a.answer.kind, at: round6(a.answer.seconds), from: a.answer.from ?? null } : null;
  const rule = a.firewall && a.firewall.target !== "ACCEPT" ? { table: a.firewall.table, chain: a.firewall.chain, number: a.firewall.rule, target: a.firewall.target } : null;
  let end: Ladder["end"] = null;
  if (a.outcome === "timeout" && a.inferred.timeoutSeconds !== null) end = { at: a.inferred.timeoutSeconds, errno: a.errno, by: "kernel" };
  else if (a.outcome === "app-timeout" && a.durationSeconds !== null) end = { at: round6(a.durationSeconds), errno: a.errno, by: "application" };
  else if (answer && a.errno) end = { at: answer.at, errno: a.errno, by: "kernel" };
  return { client: a.client ? describeAddress(a.client) : "?", server: describeAddress(a.server), syns, answer, rule, end };
}

/** Microseconds, as the tools print them (sums of doubles carry noise). */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
