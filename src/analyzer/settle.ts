// When an attempt's verdict can no longer change on its input's clock: no
// timer could still send a packet that assess() would read differently, and
// the input has run long enough to show it.
import type { AttemptState } from "./attempt.js";
import { fitSchedules, nextInterval, preferenceOrder, RTO_MAX } from "./kernel-model.js";
import {
  FIN_LINGER_SECONDS,
  IDLE_SECONDS,
  NO_FIT_QUIET_SECONDS,
  nextSynDeadline,
  TIMEOUT_LATE_FACTOR,
  TIMER_SLACK_SECONDS,
} from "./thresholds.js";

/**
 * After its last SYN, an unanswered attempt may still get a retransmission
 * until this long: Linux never waits more than TCP_RTO_MAX between SYNs
 * (other stacks wait less), and timers fire late. Every threshold assess()
 * compares the input's end with lies within it.
 */
export const QUIET_AFTER_LAST_SYN = nextSynDeadline(0, RTO_MAX);

/** Input-clock seconds after which the attempt's verdict is final if nothing more arrives for it; Infinity without timestamps. */
export function settleTime(a: AttemptState): number {
  if (a.lastActivity === null) return Infinity;
  if (a.synAcks.length > 0) {
    // answered: it ends with the connection (both FINs); an established one is
    // open until then (or the input's end), however quiet; a handshake that
    // never completed is over when it goes quiet
    if (a.finFromClient && a.finFromServer) return a.lastActivity + FIN_LINGER_SECONDS;
    return a.handshakeAck ? Infinity : a.lastActivity + IDLE_SECONDS;
  }
  // unanswered, or answered by ICMP errors the socket may not have taken
  const last = a.syns[a.syns.length - 1]!.seconds;
  return last === null ? Infinity : Math.max(last, a.lastActivity) + QUIET_AFTER_LAST_SYN;
}

/**
 * Live (the input is a capture still running): silence is evidence, so an
 * unanswered attempt is decided as soon as the kernel's next timer would have
 * shown itself. With SYNs that form a whole schedule, that is its give-up
 * time, as late as the kernel's timer is seen to be (TIMEOUT_LATE_FACTOR: a
 * SYN later still is taken as too late to change the verdict); with SYNs that only start
 * schedules, when every possible next SYN is overdue (assess()'s own
 * deadline); with spacing that fits nothing, NO_FIT_QUIET_SECONDS after the
 * last SYN. Answered attempts settle as they do in a file.
 */
export function liveSettleTime(a: AttemptState): number {
  const atEnd = settleTime(a);
  if (a.synAcks.length > 0 || a.refusedBy !== null) return atEnd;
  const first = a.syns[0]!.seconds;
  if (a.icmpCount > 0) {
    // A second error, or one to a retransmitted SYN, is taken by the socket. The
    // first may not be (a REJECT on the client's own host answers while connect()
    // holds the socket lock): a SYN retransmitted after the first RTO would show it.
    if (a.icmpCount >= 2 || a.syns.length >= 2) return -Infinity;
    return first === null ? atEnd : first + FIRST_RTO_SECONDS * TIMEOUT_LATE_FACTOR + TIMER_SLACK_SECONDS;
  }
  const times = a.syns.map((s) => s.seconds);
  if (first === null || times.some((t) => t === null)) return atEnd;
  const offsets = (times as number[]).map((t) => t - first);
  const lastSyn = offsets[offsets.length - 1]!;
  const plan = expectedEnd(offsets.slice(1).map((t, i) => t - offsets[i]!), lastSyn);
  return Math.min(atEnd, first + Math.max(plan, (a.lastActivity ?? first) - first));
}

/** RFC 6298's initial RTO, Linux's since 3.1 (TCP_TIMEOUT_INIT): when the first SYN is retransmitted. */
const FIRST_RTO_SECONDS = 1;

/** Seconds after the first SYN by which the kernel has shown its next move, for SYNs at these intervals. */
function expectedEnd(intervals: number[], lastSyn: number): number {
  const fits = fitSchedules(intervals);
  const complete = fits.filter((f) => f.complete).sort((x, y) => preferenceOrder(x.schedule, y.schedule))[0];
  if (complete) {
    const s = complete.schedule;
    return lastSyn + (s.giveUpAt - s.synTimes[s.synTimes.length - 1]!) * TIMEOUT_LATE_FACTOR + TIMER_SLACK_SECONDS;
  }
  if (fits.length === 0) return lastSyn + NO_FIT_QUIET_SECONDS;
  let end = lastSyn;
  for (const f of fits) {
    const next = nextInterval(f.schedule, intervals.length + 1);
    if (next !== null) end = Math.max(end, nextSynDeadline(lastSyn, next));
  }
  return end;
}
