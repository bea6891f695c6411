// Which format an input is, from its first lines (content, not file name).
import { straceLineParser } from "../strace/grammar.js";
import { tcpdumpLineParser } from "../tcpdump/grammar.js";

export type DetectedFormat = "tcpdump" | "strace" | "unknown";

/** How many non-blank lines detection looks at before it decides. */
export const DETECTION_LINES = 50;

export function detectFormat(lines: readonly string[]): DetectedFormat {
  let tcpdump = 0;
  let strace = 0;
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
  }
  if (tcpdump === 0 && strace === 0) return "unknown";
  return strace > tcpdump ? "strace" : "tcpdump";
}
