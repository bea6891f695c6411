// The numbers the analysis decides with, each with where its value comes from.

/** Timers fire late, never early: lateness measured on the fixtures' captures is up to 6.4 % on 32 s intervals (fixtures/README.md); 13 % leaves room for a loaded host. */
export const TIMER_LATE_FACTOR = 1.13;
/** Absolute slack around a modelled SYN interval: scheduling jitter and timestamp rounding (fixtures: 10-40 ms on 1 s intervals). */
export const TIMER_SLACK_SECONDS = 0.15;
/** How long past a modelled next SYN the input must run before a missing SYN counts as missing. */
export const MISSING_SYN_SLACK_SECONDS = 0.5;
/** A capture that ends this close before the kernel's give-up time still shows that the kernel gave up (the last packet is a lower bound of the capture's end). */
export const GIVE_UP_SLACK_SECONDS = 0.5;
/** With spacing that fits no schedule, an input that runs this long past the last SYN shows the retries are over (longer than any first RTO, 1 s or 3 s). */
export const NO_FIT_QUIET_SECONDS = 3;
/** The same SYN seen twice (-i any on two interfaces, a log pasted twice) arrives within this; the kernel's smallest RTO is 200 ms (TCP_RTO_MIN). */
export const SAME_SYN_SECONDS = 0.05;
/** A connect() that returned ETIMEDOUT after this much less than a schedule's give-up time still fits it (timestamps of call entry and exit). */
export const TIMEOUT_EARLY_SECONDS = 0.25;
/** ... or this much more: the kernel's timer is late by up to 7 % plus the return to user space. */
export const TIMEOUT_LATE_FACTOR = 1.07;
export const TIMEOUT_LATE_SECONDS = 0.5;
/** A SYN leaves within microseconds of connect(); timestamps of two tools on one host agree within this. */
export const SAME_MOMENT_SECONDS = 2;
/** A SYN flood on one 4-tuple must not grow an attempt without bound: evidence kept per attempt and kind. */
export const MAX_EVIDENCE_KEPT = 256;
/**
 * An ICMP error ends connect() after at most this many SYNs: a REJECT on
 * another host at the first; one on the client's own host at the second,
 * because the first error arrives while connect() holds the socket lock and
 * is dropped (TcpExtLockDroppedIcmps; fixtures/reject-icmp-port). Linux's
 * default tcp_syn_retries is 6 (Documentation/networking/ip-sysctl.rst), so
 * a kernel giving up this early is the rarer reading when the capture holds
 * no ICMP error at all (a `port N` filter drops them).
 */
export const SYNS_BEFORE_ICMP_ENDS_CONNECT = 2;
/** Zeek's tcp_inactivity_timeout: an established connection idle this long is taken as over. */
export const IDLE_SECONDS = 300;
/**
 * After both FINs, a RST comes only in answer to a segment that crossed
 * them, or to a FIN retransmitted when the last ACK was lost: within a few
 * retransmission timeouts (1 + 2 + 4 s from the initial RTO of RFC 6298).
 */
export const FIN_LINGER_SECONDS = 10;
/** TCP_TIMEWAIT_LEN (include/net/tcp.h): a 4-tuple decided this recently is remembered, and a new SYN on it with another ISN is a reused port. */
export const REUSE_MEMORY_SECONDS = 60;

/** Seconds after the first SYN: how long the input must run on to show a missing SYN. */
export function nextSynDeadline(lastSyn: number, interval: number): number {
  return lastSyn + interval * TIMER_LATE_FACTOR + MISSING_SYN_SLACK_SECONDS;
}

/** Seconds rounded to the microsecond, as tcpdump and strace print them (differences of doubles carry noise). */
export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
