// Linux's SYN retransmission schedule for an active open, and its inversion.
//
// net/ipv4/tcp_timer.c, as of 6.5 (the linear timeouts patch) and later:
//   max_retransmits = tcp_syn_retries (N) + tcp_syn_linear_timeouts (L)
//   expired = retransmits >= N + L  ||  elapsed since the first SYN >= model(N)
//   model(N, R) = R * (2^(N+1) - 1)                    for N <= ilog2(RTO_MAX / R)
//               = R * (2^(t+1) - 1) + (N - t) * RTO_MAX otherwise (t = that threshold)
//   the RTO stays R for the first L retransmissions, then doubles up to RTO_MAX.
// The kernel checks both caps each time the timer fires; the first fire that
// finds one reached gives connect() ETIMEDOUT. Before 6.5 L is 0; before 3.1
// the initial RTO R was 3 s instead of 1 s.
//
// Checked against real captures in fixtures/ (L = 0, 2, 4; N = 2..6).

import { TIMER_LATE_FACTOR, TIMER_SLACK_SECONDS } from "./thresholds.js";

export const RTO_MAX = 120;

export interface SynSchedule {
  initialRto: number;
  synRetries: number;
  linearTimeouts: number;
  /** When each SYN is sent, in seconds after the first. */
  synTimes: number[];
  /** When connect() gets ETIMEDOUT, in seconds after the first SYN. */
  giveUpAt: number;
  /** Which cap ended it: the retransmission count or the time (model(N)). */
  cap: "count" | "time";
}

export function modelTimeout(synRetries: number, initialRto: number): number {
  const threshold = Math.floor(Math.log2(RTO_MAX / initialRto));
  if (synRetries <= threshold) return initialRto * (2 ** (synRetries + 1) - 1);
  return initialRto * (2 ** (threshold + 1) - 1) + (synRetries - threshold) * RTO_MAX;
}

export function synSchedule(initialRto: number, synRetries: number, linearTimeouts: number): SynSchedule {
  const timeCap = modelTimeout(synRetries, initialRto);
  const synTimes = [0];
  let rto = initialRto;
  let now = 0;
  let retransmits = 0;
  for (;;) {
    const fire = now + rto;
    if (retransmits > 0 && retransmits >= synRetries + linearTimeouts) {
      return { initialRto, synRetries, linearTimeouts, synTimes, giveUpAt: fire, cap: "count" };
    }
    if (retransmits > 0 && fire >= timeCap) {
      return { initialRto, synRetries, linearTimeouts, synTimes, giveUpAt: fire, cap: "time" };
    }
    synTimes.push(fire);
    retransmits++;
    now = fire;
    if (retransmits > linearTimeouts) rto = Math.min(rto * 2, RTO_MAX);
  }
}

/**
 * Does an observed interval fit a modelled one? Timers fire late, never
 * early: measured lateness is 10-40 ms on 1 s intervals and up to 6.4 % on
 * 32 s ones (fixtures/README.md), so the window is one-sided and generous.
 */
export function intervalFits(observed: number, modelled: number): boolean {
  return observed >= modelled - TIMER_SLACK_SECONDS && observed <= modelled * TIMER_LATE_FACTOR + TIMER_SLACK_SECONDS;
}

export interface ScheduleFit {
  schedule: SynSchedule;
  /** The observed SYNs are the whole schedule (true) or only its beginning. */
  complete: boolean;
}

/** 1 s since Linux 3.1 (RFC 6298), 3 s before. */
const INITIAL_RTOS = [1, 3];
/** tcp_syn_linear_timeouts and tcp_syn_retries that are tried (the sysctls allow up to 127). */
const MAX_LINEAR = 10;
const MAX_RETRIES = 15;

/** Every schedule the inversion tries, in (R, L, N) order; computed once. */
export const SCHEDULES: readonly SynSchedule[] = INITIAL_RTOS.flatMap((r) =>
  Array.from({ length: MAX_LINEAR + 1 }, (_, l) => Array.from({ length: MAX_RETRIES }, (_, i) => synSchedule(r, i + 1, l))).flat(),
);

/** Every (R, N, L) whose schedule starts with (or is exactly) the observed SYN intervals. */
export function fitSchedules(intervals: readonly number[]): ScheduleFit[] {
  const fits: ScheduleFit[] = [];
  for (const schedule of SCHEDULES) {
    const t = schedule.synTimes;
    const modelled = t.length - 1;
    if (modelled < intervals.length) continue;
    let ok = true;
    for (let i = 0; ok && i < intervals.length; i++) ok = intervalFits(intervals[i]!, t[i + 1]! - t[i]!);
    if (ok) fits.push({ schedule, complete: modelled === intervals.length });
  }
  return fits;
}

/** Kernel defaults first: L = 4 (Linux >= 6.5), then L = 0 (older), then the rest; R = 1 before 3. */
export function preferenceOrder(a: SynSchedule, b: SynSchedule): number {
  const rank = (s: SynSchedule) => (s.linearTimeouts === 4 ? 0 : s.linearTimeouts === 0 ? 1 : 2);
  return (
    a.initialRto - b.initialRto ||
    rank(a) - rank(b) ||
    a.linearTimeouts - b.linearTimeouts ||
    a.synRetries - b.synRetries
  );
}

/** The next interval the kernel would wait after the observed SYNs, under a schedule. */
export function nextInterval(schedule: SynSchedule, observedSyns: number): number | null {
  const t = schedule.synTimes;
  if (observedSyns < t.length) return t[observedSyns]! - t[observedSyns - 1]!;
  return null;
}

/**
 * How well SYN series (three SYNs or more) fit Linux schedules: 2 for a
 * series that starts like a default one (initial RTO 1 s, linear timeouts 0
 * or 4), 1 for any other schedule, 0 for none. Used to tell which reading
 * of ambiguous timestamps is the real one.
 */
export function scheduleScore(series: readonly number[][]): number {
  let score = 0;
  for (const times of series) {
    if (times.length < 3) continue;
    const intervals = times.slice(1).map((t, i) => t - times[i]!);
    const fits = fitSchedules(intervals).map((f) => f.schedule);
    if (fits.some((s) => s.initialRto === 1 && (s.linearTimeouts === 0 || s.linearTimeouts === 4))) score += 2;
    else if (fits.length > 0) score += 1;
  }
  return score;
}
