// When an attempt's verdict can no longer change on its input's clock: no
// timer could still send a packet that assess() would read differently, and
// the input has run long enough to show it.
import type { AttemptState } from "./attempt.js";
import { RTO_MAX } from "./kernel-model.js";
import { FIN_LINGER_SECONDS, IDLE_SECONDS, nextSynDeadline } from "./thresholds.js";

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
