// Decides what happened to one attempt: its outcome, the errno the
// application got (or would get), and what the SYN spacing says about the
// kernel's settings.
import type { ClockKind, UnreachableReason } from "../events.js";
import type { AttemptReport, Inferred, Outcome } from "../analysis.js";
import type { AttemptState } from "./attempt.js";
import { fitSchedules, nextInterval, preferenceOrder, type ScheduleFit } from "./kernel-model.js";
import { GIVE_UP_SLACK_SECONDS, NO_FIT_QUIET_SECONDS, nextSynDeadline, round6 } from "./thresholds.js";
import type { InputFacts } from "./tracker.js";
import { describeAddress, seconds as fmtSeconds } from "./words.js";

const ICMP_RESULT: Record<UnreachableReason, { outcome: Outcome; errno: string; words: string }> = {
  port: { outcome: "refused", errno: "ECONNREFUSED", words: "ICMP port unreachable" },
  protocol: { outcome: "unreachable", errno: "ENOPROTOOPT", words: "ICMP protocol unreachable" },
  net: { outcome: "unreachable", errno: "ENETUNREACH", words: "ICMP net unreachable" },
  host: { outcome: "unreachable", errno: "EHOSTUNREACH", words: "ICMP host unreachable" },
  "host-prohibited": {
    outcome: "unreachable",
    errno: "EHOSTUNREACH",
    words: "ICMP host unreachable - admin prohibited",
  },
  "net-prohibited": {
    outcome: "unreachable",
    errno: "ENETUNREACH",
    words: "ICMP net unreachable - admin prohibited",
  },
  "admin-prohibited-v6": {
    outcome: "unreachable",
    errno: "EACCES",
    words: "ICMPv6 destination unreachable, administratively prohibited",
  },
  other: { outcome: "unreachable", errno: "EHOSTUNREACH", words: "ICMP destination unreachable" },
};



export function assess(a: AttemptState, facts: InputFacts | undefined): AttemptReport {
  const first = a.firstSyn;
  const offsets = a.syns.every((s) => s.seconds !== null)
    ? a.syns.map((s) => s.seconds! - first.seconds!)
    : null;
  const intervals = offsets ? offsets.slice(1).map((t, i) => round6(t - offsets[i]!)) : [];
  const since = (t: { seconds: number | null } | null | undefined) =>
    t?.seconds != null && first.seconds !== null ? round6(t.seconds - first.seconds) : null;

  const base: AttemptReport = {
    id: a.id,
    family: a.family,
    client: { ip: a.client.ip, port: a.client.port },
    server: { ip: a.server.ip, port: a.server.port ?? 0 },
    outcome: "unknown",
    errno: null,
    errnoSource: null,
    syn: { sent: a.syns.length, retransmits: a.syns.length - 1, intervals },
    synAck: { sent: a.synAcks.length, retransmits: Math.max(0, a.synAcks.length - 1) },
    durationSeconds: null,
    process: null,
    firewall: null,
    inferred: noInference("no-fit"),
    start: { input: first.input, line: first.line, timestamp: a.startText },
    summary: "",
    sources: a.sources(),
  };
  const syns = plural(a.syns.length, "SYN");

  if (a.synAcks.length > 0 && synAcksIgnored(a)) {
    // the client went on sending SYNs and never ACKed: the SYN-ACKs did not reach its socket
    const report = unanswered(base, offsets, facts, since);
    report.summary = `${report.summary}; ${plural(a.synAcks.length, "SYN-ACK")} came back but the client never acknowledged them and kept sending SYNs: they were dropped on the client's side`;
    return report;
  }
  if (a.synAcks.length > 0) {
    // connect() returns with the SYN-ACK the client acknowledged (earlier ones were lost on the way)
    const accepted = a.handshakeAck
      ? [...a.synAcks].reverse().find((s) => (s.seconds ?? s.line) <= (a.handshakeAck!.seconds ?? a.handshakeAck!.line))
      : undefined;
    const took = since(accepted ?? a.synAcks[0]);
    base.durationSeconds = took;
    base.answer = { kind: "syn-ack", seconds: took };
    if (a.resetBy) {
      base.outcome = "reset";
      base.summary = `established after ${syns}, then reset ${fmtSeconds(since(a.resetBy))} after the first SYN`;
    } else {
      base.outcome = "established";
      base.summary = `established after ${syns} in ${fmtSeconds(took)}`;
      if (a.syns.length > 1) base.summary += ` (the SYN was sent ${a.syns.length} times)`;
    }
    return base;
  }
  if (a.refusedBy) {
    base.outcome = "refused";
    base.errno = "ECONNREFUSED";
    base.errnoSource = "inferred";
    base.durationSeconds = since(a.refusedBy);
    base.answer = { kind: "rst", seconds: base.durationSeconds };
    base.summary = `${syns}, answered by RST after ${fmtSeconds(base.durationSeconds)}: connection refused (ECONNREFUSED)`;
    return base;
  }
  if (a.icmpCount > 0) {
    const last = a.icmps[a.icmps.length - 1]!;
    const result = ICMP_RESULT[last.event.reason];
    base.outcome = result.outcome;
    base.errno = result.errno;
    base.errnoSource = "inferred";
    base.durationSeconds = since(last.at);
    base.answer = { kind: "icmp", seconds: base.durationSeconds, from: last.event.from };
    base.summary =
      `${syns}, answered by ${result.words}${a.icmpCount > 1 ? ` (${a.icmpCount} times)` : ""} from ${last.event.from}: ` +
      `connect() fails with ${result.errno} after ${fmtSeconds(base.durationSeconds)}`;
    if (a.icmpCount > 1 && a.syns.length === a.icmpCount) {
      // seen in fixtures/reject-*: TcpExtLockDroppedIcmps counts the first one
      base.summary +=
        "; the first ICMP error was not delivered to the socket (it came back while connect() still held the socket lock, as with a local REJECT rule); the one that answered the retransmitted SYN was";
    }
    return base;
  }
  return unanswered(base, offsets, facts, since);
}

/** SYN-ACKs seen, no ACK from the client, and a SYN sent after the first SYN-ACK. */
export function synAcksIgnored(a: AttemptState): boolean {
  if (a.handshakeAck) return false;
  const firstSynAck = a.synAcks[0]!;
  const lastSyn = a.syns[a.syns.length - 1]!;
  return lastSyn.seconds !== null && firstSynAck.seconds !== null
    ? lastSyn.seconds > firstSynAck.seconds
    : lastSyn.line > firstSynAck.line;
}

function unanswered(
  base: AttemptReport,
  offsets: number[] | null,
  facts: InputFacts | undefined,
  since: (t: { seconds: number | null }) => number | null,
): AttemptReport {
  const syns = plural(base.syn.sent, "SYN");
  if (!offsets) {
    base.outcome = "timeout";
    base.errno = "ETIMEDOUT";
    base.errnoSource = "inferred";
    base.summary = `${syns}, no answer; the input has no timestamps (-t), so the kernel's settings cannot be read from the spacing`;
    return base;
  }
  const lastSyn = offsets[offsets.length - 1]!;
  const captureEnd = facts?.lastSeconds != null ? (since({ seconds: facts.lastSeconds }) ?? lastSyn) : lastSyn;
  const fits = fitSchedules(base.syn.intervals);
  const complete = fits.filter((f) => f.complete).sort((x, y) => preferenceOrder(x.schedule, y.schedule));
  const stillRetrying = fits.filter((f) => {
    if (f.complete) return false;
    const next = nextInterval(f.schedule, base.syn.sent);
    return next !== null && captureEnd < nextSynDeadline(lastSyn, next);
  });

  const best = complete[0];
  const confirmed =
    best !== undefined &&
    captureEnd >= lastSyn + (best.schedule.giveUpAt - best.schedule.synTimes[best.schedule.synTimes.length - 1]!) - GIVE_UP_SLACK_SECONDS;
  // The SYNs form a whole schedule. The last packet only bounds the capture's
  // end from below (a capture often runs on with nothing to print), so a
  // whole schedule is taken as the answer; the summary says when the capture
  // does not show that it ran until the kernel gave up.
  if (best) {
    const s = best.schedule;
    base.outcome = "timeout";
    base.errno = "ETIMEDOUT";
    base.errnoSource = "inferred";
    base.inferred = inference(best, complete.slice(1), confirmed ? "complete" : "assumed-complete");
    base.summary =
      `${syns}, no answer; ${backoffWords(best)}; ` +
      `connect() gets ETIMEDOUT ~${s.giveUpAt} s after the first SYN`;
    if (!confirmed && stillRetrying.length > 0) {
      base.summary += " (assuming the capture ran until then: nothing after the last SYN shows it did)";
    }
    return base;
  }
  if (stillRetrying.length > 0) {
    base.outcome = "in-progress";
    const ls = new Set(stillRetrying.map((f) => f.schedule.linearTimeouts));
    base.inferred = noInference("truncated");
    if (ls.size === 1) base.inferred.linearTimeouts = [...ls][0]!;
    base.summary = `${syns}, no answer yet; the input ends ${fmtSeconds(captureEnd)} after the first SYN, while the kernel would still retry`;
    return base;
  }
  if (fits.length > 0) {
    base.outcome = "app-timeout";
    base.inferred = noInference("stopped-early");
    base.durationSeconds = null;
    base.summary =
      `${syns}, no answer; the SYNs stop ${fmtSeconds(lastSyn)} after the first although the capture runs ` +
      `${fmtSeconds(captureEnd - lastSyn)} longer and the kernel would have retried: the application gave up ` +
      `(or set TCP_SYNCNT / TCP_USER_TIMEOUT)`;
    return base;
  }
  base.outcome = captureEnd > lastSyn + NO_FIT_QUIET_SECONDS ? "timeout" : "in-progress";
  base.summary = `${syns}, no answer; the spacing (${base.syn.intervals.map((x) => x.toFixed(2)).join(", ")} s) fits no Linux SYN schedule`;
  return base;
}

function noInference(schedule: Inferred["schedule"]): Inferred {
  return {
    tcpSynRetries: null,
    linearTimeouts: null,
    timeoutSeconds: null,
    initialRtoSeconds: null,
    schedule,
    cap: null,
    alternatives: [],
  };
}

function inference(best: ScheduleFit, others: ScheduleFit[], schedule: Inferred["schedule"]): Inferred {
  const s = best.schedule;
  return {
    tcpSynRetries: s.synRetries,
    linearTimeouts: s.linearTimeouts,
    timeoutSeconds: s.giveUpAt,
    initialRtoSeconds: s.initialRto,
    schedule,
    cap: s.cap,
    alternatives: others.map((o) => ({
      tcpSynRetries: o.schedule.synRetries,
      linearTimeouts: o.schedule.linearTimeouts,
      initialRtoSeconds: o.schedule.initialRto,
    })),
  };
}

function backoffWords(fit: ScheduleFit): string {
  const s = fit.schedule;
  const gaps = s.synTimes.slice(1).map((t, i) => t - s.synTimes[i]!);
  const how =
    s.linearTimeouts === 0
      ? "exponential backoff"
      : `tcp_syn_linear_timeouts=${s.linearTimeouts} (linear, Linux >= 6.5)`;
  const era = s.initialRto === 3 ? "; initial RTO 3 s (Linux before 3.1)" : "";
  const cap = s.cap === "time" ? " (the time limit ends it before the retry count)" : "";
  return `backoff ${gaps.join(",")} s fits tcp_syn_retries=${s.synRetries} with ${how}${era}${cap}`;
}

export function plural(n: number, noun: string, suffix = "s"): string {
  return `${n} ${noun}${n === 1 ? "" : suffix}`;
}

export { describeAddress };

/** Live: what an unanswered attempt's SYNs so far say about how it ends, if nothing answers. */
export interface Prediction {
  /** The attempt as it stands (outcome in-progress), with the settings its SYNs fit. */
  report: AttemptReport;
  /** connect() gets ETIMEDOUT then, if no SYN comes after the last one: seconds after the first SYN, and on the input's clock. */
  timeoutSeconds: number;
  timeoutAt: number;
  clock: ClockKind;
}

/**
 * The verdict the attempt would get if its last SYN were the kernel's last:
 * the whole schedule its SYNs fit (the same choice assess() makes). A later
 * SYN makes a new prediction.
 */
export function predict(a: AttemptState, facts: InputFacts): Prediction | null {
  const first = a.firstSyn.seconds;
  const last = a.syns[a.syns.length - 1]!.seconds;
  if (first === null || last === null || a.answered || a.syns.length < 2) return null;
  const ifLast = assess(a, { ...facts, lastSeconds: last });
  const timeout = ifLast.inferred.timeoutSeconds;
  if (ifLast.outcome !== "timeout" || timeout === null) return null;
  const report: AttemptReport = { ...ifLast, outcome: "in-progress", errno: null, errnoSource: null, durationSeconds: null };
  report.inferred = { ...ifLast.inferred, schedule: "truncated" };
  return { report, timeoutSeconds: timeout, timeoutAt: first + timeout, clock: a.firstSyn.clock };
}
