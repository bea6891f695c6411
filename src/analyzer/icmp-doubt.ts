// A capture filter such as `port 12345` drops the ICMP errors that answer a
// SYN. The client's SYNs then stop as a kernel with a very low
// tcp_syn_retries would stop them, and nothing in the packets tells the two
// apart. When nothing else does either, the attempt's verdict says so
// instead of claiming a retry setting.
import type { AttemptReport } from "../analysis.js";
import type { PacketFacts } from "./diagnose.js";
import { SYNS_BEFORE_ICMP_ENDS_CONNECT } from "./thresholds.js";
import { seconds as fmtSeconds } from "./words.js";

/** Outcomes read from the SYNs' spacing alone, which an unseen ICMP error could explain. */
const FROM_SPACING = new Set(["timeout", "app-timeout"]);

/** The report as it stands, or as an open question when a filtered ICMP error could explain it. */
export function icmpDoubt(report: AttemptReport, facts: PacketFacts | undefined): AttemptReport {
  if (!facts || facts.icmpErrorsInInput > 0 || facts.lastIcmpReason !== null) return report;
  if (!FROM_SPACING.has(report.outcome) || report.syn.sent === 0 || report.syn.sent > SYNS_BEFORE_ICMP_ENDS_CONNECT) return report;
  // what the application saw (strace, the client's words) or a DROP rule in a listing settles it
  if (report.errnoSource === "strace" || report.application?.result || report.application?.errno) return report;
  if (report.firewall?.target === "DROP") return report;
  const filtered = `an ICMP error (a REJECT rule, port or host unreachable) may have ended connect() and been left out by the capture filter (capture with 'port ${report.server.port} or icmp' to see it)`;
  if (report.outcome === "app-timeout") {
    // no retry setting is claimed: the application's giving up stays the reading, the filter is named beside it
    return { ...report, icmpMayBeFiltered: true, summary: `${report.summary}; or ${filtered}` };
  }
  const stoppedAfter = report.syn.intervals.reduce((a, b) => a + b, 0);
  return {
    ...report,
    outcome: "unknown",
    errno: null,
    errnoSource: null,
    inferred: { tcpSynRetries: null, linearTimeouts: null, timeoutSeconds: null, initialRtoSeconds: null, schedule: "stopped-early", cap: null, alternatives: [] },
    icmpMayBeFiltered: true,
    summary:
      `${report.syn.sent} SYN${report.syn.sent === 1 ? "" : "s"}, no answer in the capture, and the SYNs stop ${fmtSeconds(stoppedAfter)} after the first: ` +
      `${filtered}; or tcp_syn_retries is set this low, or the application gave up`,
  };
}
