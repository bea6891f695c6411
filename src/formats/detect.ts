// Which format an input is, from its first lines (content, not file name).
import { iptablesLineParser } from "../firewall/grammar.js";
import { iptablesSaveLineParser } from "../firewall/save-grammar.js";
import { nftLineParser } from "../firewall/nft-grammar.js";
import { netstatLineParser, ssLineParser } from "../sockets/grammar.js";
import type { SocketTableLine } from "../sockets/records.js";
import { straceLineParser } from "../strace/grammar.js";
import { sysctlLineParser } from "../settings/grammar.js";
import { tcpdumpLineParser } from "../tcpdump/grammar.js";
import { transcriptLineParser } from "../transcript/grammar.js";

export type ToolFormat = "tcpdump" | "strace" | "netstat" | "ss" | "iptables" | "iptables-save" | "nft" | "sysctl";
export type DetectedFormat = ToolFormat | "transcript" | "unknown";
export const FORMATS: readonly DetectedFormat[] = [
  "tcpdump", "strace", "netstat", "ss", "iptables", "iptables-save", "nft", "sysctl", "transcript",
];

/**
 * Rows and headers prove a socket table; its catch-all "other" lines prove
 * nothing, and neither do indented lines (ss -i's tcp_info, but also any
 * other tool's continuation lines).
 */
function tableLine(parse: { ok: true; value: SocketTableLine } | { ok: false }, tool: "netstat" | "ss"): boolean {
  if (!parse.ok) return false;
  const r = parse.value;
  if (r.record === "socket") return r.tool === tool;
  // a header proves the tool only when it is one of the tool's own
  if (r.record === "header") return (tool === "netstat" ? NETSTAT_HEADER : SS_HEADER).test(r.text);
  return r.record === "unix-socket";
}

const NETSTAT_HEADER =
  /^\s*(?:Active (?:Internet|UNIX|LOCAL|Multipath|Bluetooth)\b|Proto\s+(?:Recv-Q|RefCnt|Rexmit)\b|Proto\/ID\s|Kernel (?:IP|Interface)\b|Tcpcb\s|Socket\s+Flowhash|Address\s+Type\s|Destination\s+Gateway|Iface\s+MTU|Name\s+Mtu|Registered kernel|Routing tables|Internet6?:$)/;
const SS_HEADER = /^\s*(?:Netid\s+State|State\s+Recv-Q|Netid\s+Recv-Q|Recv-Q\s+Send-Q)\b/;
/** tcpdump's own lines, as it prints them (its grammar takes any "N packets ..." as a banner). */
const TCPDUMP_BANNER =
  /^(?:\d+ packets? (?:captured|received by filter|dropped by (?:kernel|interface))$|listening on |reading from |tcpdump: )/;

/**
 * Whether a line proves a format: the grammar parses it, and as something
 * only that tool prints (each grammar also has catch-alls that prove nothing).
 */
const PROOFS: [ToolFormat, (line: string) => boolean, number][] = [
  [
    "tcpdump",
    (line) => {
      // a timestamp and any text is "other traffic" to the tcpdump grammar: it
      // proves little; a flow, a link header or tcpdump's own lines do
      const t = tcpdumpLineParser.parse(line);
      if (!t.ok) return false;
      if (t.value.record === "banner") return TCPDUMP_BANNER.test(line.trim());
      return t.value.record === "packet" && !!(t.value.network || t.value.flow || t.value.link);
    },
    1,
  ],
  [
    "strace",
    (line) => {
      // any line is "program output" to the strace grammar: it proves nothing
      const s = straceLineParser.parse(line);
      if (!s.ok || s.value.record === "program-output") return false;
      // "--- x ---" is a signal only with a signal's name (ping prints "--- host ping statistics ---")
      return s.value.record !== "signal" || /--- SIG[A-Z0-9]+ /.test(line);
    },
    1,
  ],
  ["netstat", (line) => tableLine(netstatLineParser.parse(line), "netstat"), 1],
  ["ss", (line) => tableLine(ssLineParser.parse(line), "ss"), 1],
  [
    "iptables",
    (line) => {
      const r = iptablesLineParser.parse(line);
      if (!r.ok) return false;
      // "# ..." and "Chain of events:" are prose unless they are iptables' own
      if (r.value.record === "chain") return /\((?:policy \w+|\d+ references)/.test(line);
      if (r.value.record === "warning") return /^# Warning: .*(?:iptables|tables present)/.test(line);
      return true;
    },
    1,
  ],
  [
    "iptables-save",
    (line) => {
      // comments alone ("# ...") prove nothing
      const sv = iptablesSaveLineParser.parse(line);
      return sv.ok && sv.value.record !== "comment";
    },
    1,
  ],
  [
    "nft",
    (line) => {
      // nft's table/chain/hook lines prove it; its rule lines are "any words"
      const nf = nftLineParser.parse(line);
      return nf.ok && ["table", "chain", "hook"].includes(nf.value.record);
    },
    2,
  ],
  [
    "sysctl",
    (line) => {
      // a bare value means something only after its command
      const sc = sysctlLineParser.parse(line);
      return sc.ok && sc.value.record !== "value";
    },
    1,
  ],
];

/** The first format (in PROOFS' order) that the line proves, or null. */
export function formatOfLine(line: string): ToolFormat | null {
  for (const [format, proves] of PROOFS) if (proves(line)) return format;
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
  const prompts = lines.filter(isPrompt).length;
  if (prompts > 0) return { format: "transcript", reason: `${prompts} shell prompt${prompts === 1 ? "" : "s"} in the first ${lines.length} lines: a terminal session, split into sections at its prompts` };
  const scores = new Map<ToolFormat, number>();
  for (const line of lines) {
    for (const [format, proves, weight] of PROOFS) if (proves(line)) scores.set(format, (scores.get(format) ?? 0) + weight);
  }
  // the highest score; on a tie, the earlier in PROOFS
  let best: [ToolFormat, number] | null = null;
  for (const [format] of PROOFS) {
    const score = scores.get(format) ?? 0;
    if (score > 0 && (!best || score > best[1])) best = [format, score];
  }
  const tally = [...scores].map(([f, n]) => `${f} ${n}`).join(", ");
  if (best) return { format: best[0], reason: `of the first ${lines.length} lines, these prove a format: ${tally}` };
  const stats = statisticsOnly(lines);
  if (stats !== "unknown") return { format: stats, reason: `statistics only (${stats} -s section headers)` };
  if (lines.length === 0) return { format: "unknown", reason: "no lines" };
  // Text that proves no tool: read as a session without prompts, so that
  // tool output further down is still found, and the rest counts as text.
  return { format: "transcript", reason: `none of the first ${lines.length} lines is tool output: read as pasted text, looking for tool output line by line` };
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
