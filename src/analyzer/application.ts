// What the application's side (connect() in strace) adds to an attempt, and
// attempts that only strace shows.
import type { AttemptReport, Inferred, Outcome } from "../analysis.js";
import type { ConnectEvent } from "../events.js";
import { fitSchedules, preferenceOrder, SCHEDULES, type SynSchedule } from "./kernel-model.js";
import { TIMEOUT_EARLY_SECONDS, TIMEOUT_LATE_FACTOR, TIMEOUT_LATE_SECONDS } from "./thresholds.js";
import { seconds as fmtSeconds } from "./words.js";

const ERRNO_OUTCOME: Record<string, Outcome> = {
  ETIMEDOUT: "timeout",
  ECONNREFUSED: "refused",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  EACCES: "unreachable",
  EHOSTDOWN: "unreachable",
  ENONET: "unreachable",
  ECONNRESET: "reset",
};

function outcomeOf(c: ConnectEvent, fromPackets: Outcome): Outcome {
  switch (c.result) {
    case "connected":
      return fromPackets === "reset" ? "reset" : "established";
    case "abandoned":
      return "app-timeout";
    case "failed":
      return (c.errno && ERRNO_OUTCOME[c.errno]) || fromPackets;
    case "unknown":
      return fromPackets;
    default:
      return fromPackets === "unknown" ? "in-progress" : fromPackets;
  }
}

const ABANDONED_BY = { close: "closed the socket", exit: "exited", signal: "was killed by a signal" };

/** When the kernel gives up, for a connect() that returned ETIMEDOUT after this long. */
export function timeoutFit(duration: number): Inferred | null {
  const fits = SCHEDULES.filter((s) => duration >= s.giveUpAt - TIMEOUT_EARLY_SECONDS && duration <= s.giveUpAt * TIMEOUT_LATE_FACTOR + TIMEOUT_LATE_SECONDS);
  fits.sort(preferenceOrder);
  const best = fits[0];
  if (!best) return null;
  return {
    tcpSynRetries: best.synRetries,
    linearTimeouts: best.linearTimeouts,
    timeoutSeconds: best.giveUpAt,
    initialRtoSeconds: best.initialRto,
    schedule: "complete",
    cap: best.cap,
    alternatives: fits.slice(1).map((f) => ({
      tcpSynRetries: f.synRetries,
      linearTimeouts: f.linearTimeouts,
      initialRtoSeconds: f.initialRto,
    })),
  };
}

/** Kernel defaults, most recent first: 6.5+ (N=6, L=4), 3.7-6.4 (N=6), 3.1-3.6 (N=5). */
function defaultRank(s: SynSchedule): number {
  if (s.initialRto !== 1) return 3;
  if (s.synRetries === 6 && s.linearTimeouts === 4) return 0;
  if (s.synRetries === 6 && s.linearTimeouts === 0) return 1;
  if (s.synRetries === 5 && s.linearTimeouts === 0) return 2;
  return 3;
}

/** The schedule the kernel would have gone on with, from the SYNs seen: a default one if it fits. */
function kernelWouldRetry(intervals: number[]): SynSchedule | null {
  const fits = fitSchedules(intervals)
    .map((f) => f.schedule)
    .sort((a, b) => defaultRank(a) - defaultRank(b) || preferenceOrder(a, b));
  return fits[0] ?? null;
}

function sentence(c: ConnectEvent, report: AttemptReport): string {
  const who = c.command ?? "the application";
  const took = fmtSeconds(c.durationSeconds);
  const call = c.nonBlocking ? "the non-blocking connect()" : "connect()";
  switch (c.result) {
    case "connected":
      return `${call} succeeded after ${took}`;
    case "failed": {
      const fit = c.errno === "ETIMEDOUT" && c.durationSeconds !== null ? timeoutFit(c.durationSeconds) : null;
      const fits = fit ? `, which fits tcp_syn_retries=${fit.tcpSynRetries}${fit.linearTimeouts ? ` with tcp_syn_linear_timeouts=${fit.linearTimeouts}` : " with exponential backoff"} (${fit.timeoutSeconds} s)` : "";
      return `${call} returned ${c.errno} after ${took}${fits}`;
    }
    case "abandoned": {
      const kernel = report.syn.sent > 0 ? kernelWouldRetry(report.syn.intervals) : null;
      const rest = kernel
        ? ` while the kernel would have retried for ${kernel.giveUpAt} s (tcp_syn_retries=${kernel.synRetries}, tcp_syn_linear_timeouts=${kernel.linearTimeouts}, if the defaults)`
        : " before the kernel's own connect timeout";
      return `${who} gave up after ${took} (${ABANDONED_BY[c.abandonedBy ?? "close"]} while connect() was pending)${rest}`;
    }
    case "unknown":
      return `${call} returned EINPROGRESS; the trace shows no poll/select/getsockopt (filtered by -e trace= or -Z?), so how it ended is unknown`;
    default:
      return `the trace ends while ${call} is pending`;
  }
}

/** An attempt seen in packets, completed with its connect() call. */
export function withConnect(report: AttemptReport, c: ConnectEvent): AttemptReport {
  const outcome = outcomeOf(c, report.outcome);
  const out: AttemptReport = {
    ...report,
    outcome,
    errno: c.result === "failed" ? c.errno : c.result === "connected" ? null : report.errno,
    errnoSource: c.result === "failed" ? "strace" : c.result === "connected" ? null : report.errnoSource,
    durationSeconds: c.durationSeconds ?? report.durationSeconds,
    process: { pid: c.pid, command: c.command },
    client: report.client ?? c.client,
    sources: [...report.sources, ...c.evidence],
  };
  if (c.result === "abandoned") {
    // the SYNs stopped because the application gave up, not the kernel
    out.errno = null;
    out.errnoSource = null;
    out.inferred = { ...out.inferred, tcpSynRetries: null, linearTimeouts: null, timeoutSeconds: null, schedule: "stopped-early", cap: null, alternatives: [] };
    out.summary = `${report.syn.sent} SYN${report.syn.sent === 1 ? "" : "s"}, no answer; ${sentence(c, out)}`;
    return out;
  }
  out.summary = `${report.summary}; ${sentence(c, out)}`;
  return out;
}

/** An attempt that only strace shows. */
export function fromConnect(id: number, c: ConnectEvent): AttemptReport {
  const report: AttemptReport = {
    id,
    family: c.family,
    client: c.client,
    server: { ip: c.server.ip, port: c.server.port ?? 0 },
    outcome: outcomeOf(c, "unknown"),
    errno: c.result === "failed" ? c.errno : null,
    errnoSource: c.result === "failed" ? "strace" : null,
    syn: { sent: 0, retransmits: 0, intervals: [] },
    synAck: { sent: 0, retransmits: 0 },
    durationSeconds: c.durationSeconds,
    process: { pid: c.pid, command: c.command },
    firewall: null,
    inferred:
      (c.errno === "ETIMEDOUT" && c.durationSeconds !== null ? timeoutFit(c.durationSeconds) : null) ?? {
        tcpSynRetries: null,
        linearTimeouts: null,
        timeoutSeconds: null,
        initialRtoSeconds: null,
        schedule: "no-fit",
        cap: null,
        alternatives: [],
      },
    start: { input: c.at.input, line: c.at.line, timestamp: c.time?.text ?? null },
    summary: "",
    sources: c.evidence,
  };
  report.summary = sentence(c, report);
  return report;
}
