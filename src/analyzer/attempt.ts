// One TCP connection attempt as the packets show it: a client's SYN series
// for one 4-tuple and initial sequence number, and what came back.
import type { Address, ClockKind, EventTime, Evidence, Family, IcmpUnreachableEvent, TcpSegmentEvent } from "../events.js";

export interface TimedEvidence extends Evidence {
  /** Seconds on the input's clock; null when the input has no timestamps (-t). */
  seconds: number | null;
  clock: ClockKind;
}

/** How the server side answered, in the order it mattered. */
export type Answer =
  | { kind: "syn-ack"; at: TimedEvidence }
  | { kind: "rst"; at: TimedEvidence }
  | { kind: "icmp"; at: TimedEvidence; event: IcmpUnreachableEvent };

export class AttemptState {
  // Lists grown by withOne(): most attempts hold one or two of each, or none
  syns: TimedEvidence[] = [];
  synAcks: TimedEvidence[] = [];
  /** The first ICMP errors (up to MAX_EVIDENCE_KEPT) and always the latest one. */
  icmps: { at: TimedEvidence; event: IcmpUnreachableEvent }[] = [];
  /** How many ICMP errors answered it, kept or not. */
  icmpCount = 0;
  /** The first RST from the server before any SYN-ACK (refused). */
  refusedBy: TimedEvidence | null = null;
  /** The client's ACK of the SYN-ACK: the handshake completed. */
  handshakeAck: TimedEvidence | null = null;
  /** A RST from either side after the handshake. */
  resetBy: TimedEvidence | null = null;
  finSeen = false;
  /** An earlier attempt on this 4-tuple with another ISN (port reuse). */
  reusedPortOf: number | null = null;
  /** FIN seen from each side: after both, the connection is closing. */
  finFromClient = false;
  finFromServer = false;
  /** The latest time any packet of the 4-tuple was seen (input clock). */
  lastActivity: number | null = null;
  /** Decided: its report has been made; nothing more is added. */
  decided = false;
  /** When the tracker looks at it next (input clock): the key of its live entry in the tracker's heap. */
  settleAt = Infinity;
  /** Answered by a SYN-ACK, the client's ACK not yet seen: the tracker's fast path must show it that ACK. */
  awaitingAck = false;
  /** The tracker's: the keys it is filed under while open (client's side first), and its entry in the tracker's heap. */
  keys: { forward: string; reverse: string } | null = null;
  settleEntry: { attempt: AttemptState | null } | null = null;

  constructor(
    readonly id: number,
    readonly input: string,
    readonly family: Family,
    readonly client: Address,
    readonly server: Address,
    /** Initial sequence number; null when the log elided it ("seq <seq num>"). */
    readonly isn: number | null,
    /** The first SYN's timestamp as printed. */
    readonly startText: string | null,
  ) {}

  get firstSyn(): TimedEvidence {
    return this.syns[0]!;
  }

  get answered(): boolean {
    return this.synAcks.length > 0 || this.refusedBy !== null || this.icmpCount > 0;
  }

  /** Is this SYN a retransmission of this attempt (same ISN, or ISN unknown)? */
  sameIsn(seg: TcpSegmentEvent): boolean {
    return this.isn === null || seg.seq === null || seg.seq === this.isn;
  }

  /** Does this SYN-ACK (or RST) acknowledge our SYN? Unknown values are given the benefit. */
  acknowledges(seg: TcpSegmentEvent): boolean {
    if (this.isn === null || seg.ack === null) return true;
    return seg.ack === (this.isn + 1) % 2 ** 32;
  }

  /** Every line that is evidence for this attempt, in input order (all of one input). */
  sources(): Evidence[] {
    const all: TimedEvidence[] = this.syns.concat(this.synAcks);
    for (const i of this.icmps) all.push(i.at);
    if (this.refusedBy !== null) all.push(this.refusedBy);
    if (this.handshakeAck !== null) all.push(this.handshakeAck);
    if (this.resetBy !== null) all.push(this.resetBy);
    byLine(all);
    const out: Evidence[] = [];
    for (const e of all) if (out.length === 0 || out[out.length - 1]!.line !== e.line) out.push({ input: e.input, line: e.line });
    return out;
  }

}

/** Lists up to this long are copied to their exact size when they grow. */
const EXACT_UP_TO = 8;

/**
 * The list with x added. A first push() gives an array room for 17 (V8's
 * growth rule): three such lists were a third of an open attempt's memory,
 * and attempts outlive the young generation. Short lists are copied to
 * their exact size instead; long ones (a SYN flood) grow in place.
 */
export function withOne<T>(xs: T[], x: T): T[] {
  if (xs.length >= EXACT_UP_TO) {
    xs.push(x);
    return xs;
  }
  const out = new Array<T>(xs.length + 1);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]!;
  out[xs.length] = x;
  return out;
}

/** Evidence with its time; one shape for all (no spread), so that they share a hidden class. */
export function timed(at: Evidence, time: EventTime | null): TimedEvidence {
  return time
    ? { input: at.input, line: at.line, seconds: time.seconds, clock: time.clock }
    : { input: at.input, line: at.line, seconds: null, clock: null };
}

/**
 * Sorts a few pieces of evidence by line, in place (insertion sort: an
 * attempt has at most a few dozen, mostly in order already, and
 * Array.prototype.sort allocates its merge state on every call).
 */
function byLine(xs: TimedEvidence[]): void {
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && xs[j]!.line > x.line) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
}
