// Which format an input is, from its first lines (content, not file name).
import { iptablesLineParser } from "../firewall/grammar.js";
import { iptablesSaveLineParser } from "../firewall/save-grammar.js";
import { nftLineParser } from "../firewall/nft-grammar.js";
import { netstatLineParser, ssLineParser } from "../sockets/grammar.js";
import type { SocketTableLine } from "../sockets/records.js";
import { straceLineParser } from "../strace/grammar.js";
import { tcpdumpLineParser } from "../tcpdump/grammar.js";

export type DetectedFormat = "tcpdump" | "strace" | "netstat" | "ss" | "iptables" | "iptables-save" | "nft" | "unknown";

/**
 * Rows and headers prove a socket table; its catch-all "other" lines prove
 * nothing, and neither do indented lines (ss -i's tcp_info, but also any
 * other tool's continuation lines).
 */
function tableLine(parse: { ok: true; value: SocketTableLine } | { ok: false }, tool: "netstat" | "ss"): boolean {
  if (!parse.ok) return false;
  const r = parse.value;
  if (r.record === "socket") return r.tool === tool;
  return r.record === "header" || r.record === "unix-socket";
}

/** How many non-blank lines detection looks at before it decides. */
export const DETECTION_LINES = 50;

export function detectFormat(lines: readonly string[]): DetectedFormat {
  let tcpdump = 0;
  let strace = 0;
  let netstat = 0;
  let ss = 0;
  let iptables = 0;
  let save = 0;
  let nft = 0;
  for (const line of lines) {
    // a timestamp and any text is "other traffic" to the tcpdump grammar: it
    // proves little; a flow, a link header or tcpdump's own lines do
    const t = tcpdumpLineParser.parse(line);
    // (indented lines are continuations of anything: they prove nothing either)
    if (t.ok && (t.value.record === "banner" || (t.value.record === "packet" && (t.value.network || t.value.flow || t.value.link)))) {
      tcpdump++;
    }
    const s = straceLineParser.parse(line);
    // any line is "program output" to the strace grammar: it proves nothing
    if (s.ok && s.value.record !== "program-output") strace++;
    if (tableLine(netstatLineParser.parse(line), "netstat")) netstat++;
    if (tableLine(ssLineParser.parse(line), "ss")) ss++;
    if (iptablesLineParser.parse(line).ok) iptables++;
    const sv = iptablesSaveLineParser.parse(line);
    // comments alone ("# ...") prove nothing
    if (sv.ok && sv.value.record !== "comment") save++;
    // nft's table/chain/hook lines prove it; its rule lines are "any words"
    const nf = nftLineParser.parse(line);
    if (nf.ok && ["table", "chain", "hook"].includes(nf.value.record)) nft += 2;
  }
  const scores: [DetectedFormat, number][] = [
    ["tcpdump", tcpdump],
    ["strace", strace],
    ["netstat", netstat],
    ["ss", ss],
    ["iptables", iptables],
    ["iptables-save", save],
    ["nft", nft],
  ];
  // the highest score; on a tie, the earlier in this list
  const [format, score] = scores.reduce((best, s) => (s[1] > best[1] ? s : best));
  return score > 0 ? format : statisticsOnly(lines);
}

/**
 * netstat -s and ss -s print statistics only, no rows: their section
 * headers ("Tcp:", "TcpExt:") and ss's "Total:" line tell them, when nothing
 * else in the input does.
 */
function statisticsOnly(lines: readonly string[]): DetectedFormat {
  if (lines.some((l) => /^Total: \d+/.test(l))) return "ss";
  const sections = lines.filter((l) => /^(?:Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite|TcpExt|IpExt|MPTcpExt):$/.test(l)).length;
  return sections > 0 ? "netstat" : "unknown";
}
