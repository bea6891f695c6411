// Which format an input is, from its first lines (content, not file name).
import { isExpressLine } from "../tcpdump/fast.js";
import { transcriptLineParser } from "../transcript/grammar.js";
import type { ToolFormat } from "./format.js";
import { formatModule, TOOL_FORMATS } from "./registry.js";

export type { ToolFormat };
export type DetectedFormat = ToolFormat | "transcript" | "unknown";
export const FORMATS: readonly DetectedFormat[] = [...TOOL_FORMATS.map((f) => f.name), "transcript"];

/** The first format (in TOOL_FORMATS' order) that the line proves, or null. */
export function formatOfLine(line: string): ToolFormat | null {
  for (const f of TOOL_FORMATS) if (f.proves(line)) return f.name;
  return null;
}

/** A shell prompt with a command: the input is a pasted terminal session. */
export function isPrompt(line: string): boolean {
  const t = transcriptLineParser.parse(line);
  return t.ok && t.value.record === "prompt";
}

/** How many non-blank lines detection looks at before it decides. */
export const DETECTION_LINES = 50;

export interface Detection {
  format: DetectedFormat;
  /** Why, in a few words (for --explain). */
  reason: string;
}

export function detectFormat(lines: readonly string[]): Detection {
  // tcpdump's common packet lines prove tcpdump and nothing else: the other proofs are not tried on them
  const express = lines.map(isExpressLine);
  const prompts = lines.filter((l, i) => !express[i] && isPrompt(l)).length;
  if (prompts > 0) return { format: "transcript", reason: `${prompts} shell prompt${prompts === 1 ? "" : "s"} in the first ${lines.length} lines: a terminal session, split into sections at its prompts` };
  const scores = new Map<ToolFormat, number>();
  /** The format of each line that proves one format and no other, in order. */
  const only: ToolFormat[] = [];
  lines.forEach((line, i) => {
    const proven = express[i] ? [formatModule("tcpdump")] : TOOL_FORMATS.filter((f) => f.proves(line));
    for (const f of proven) scores.set(f.name, (scores.get(f.name) ?? 0) + (express[i] ? 1 : f.weight));
    if (proven.length === 1) only.push(proven[0]!.name);
  });
  // the highest score; on a tie, the earlier in TOOL_FORMATS
  let best: [ToolFormat, number] | null = null;
  for (const { name } of TOOL_FORMATS) {
    const score = scores.get(name) ?? 0;
    if (score > 0 && (!best || score > best[1])) best = [name, score];
  }
  const tally = [...scores].map(([f, n]) => `${f} ${n}`).join(", ");
  if (severalTools(only)) {
    return { format: "transcript", reason: `of the first ${lines.length} lines, these prove a format: ${tally}: blocks of several tools' output without prompts, read as a session, section by section` };
  }
  if (best) return { format: best[0], reason: `of the first ${lines.length} lines, these prove a format: ${tally}` };
  const stats = statisticsOnly(lines);
  if (stats !== "unknown") return { format: stats, reason: `statistics only (${stats} -s section headers)` };
  if (lines.length === 0) return { format: "unknown", reason: "no lines" };
  // Text that proves no tool: read as a session without prompts, so that
  // tool output further down is still found, and the rest counts as text.
  return { format: "transcript", reason: `none of the first ${lines.length} lines is tool output: read as pasted text, looking for tool output line by line` };
}

/** Lines that must prove a format, and no other, for its block to count as one tool's output among several. */
const BLOCK_LINES = 3;

/**
 * Outputs of several tools pasted one after the other with no prompt: two
 * formats or more, each proven by BLOCK_LINES lines or more, each in one
 * block. One tool's output whose lines another grammar happens to accept
 * (an OpenFlow decode's "type FLOW" lines, iptables-nft's warning in an nft
 * listing) interleaves the two, and is not taken for several tools.
 */
function severalTools(only: readonly ToolFormat[]): boolean {
  const counts = new Map<ToolFormat, number>();
  for (const f of only) counts.set(f, (counts.get(f) ?? 0) + 1);
  const blocks = only.filter((f, i) => i === 0 || only[i - 1] !== f);
  return [...counts.values()].filter((n) => n >= BLOCK_LINES).length > 1 && blocks.length === counts.size;
}

/**
 * netstat -s and ss -s print statistics only, no rows: their section
 * headers ("Tcp:", "TcpExt:") and ss's "Total:" line tell them, when nothing
 * else in the input does.
 */
function statisticsOnly(lines: readonly string[]): "netstat" | "ss" | "unknown" {
  if (lines.some((l) => /^Total: \d+/.test(l))) return "ss";
  const sections = lines.filter((l) => /^(?:Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite|TcpExt|IpExt|MPTcpExt):$/.test(l)).length;
  return sections > 0 ? "netstat" : "unknown";
}
