// Builds connection attempts from one input's packet events, one event at a
// time, and decides each as soon as the input shows its end: refused or
// reset at once, the rest when the input's clock passes the moment after
// which no packet the kernel could still send would change the verdict
// (settleTime). Memory holds the attempts still open and a small record per
// attempt; segments themselves are not kept.
import { SEGMENT_FLAG, type Address, type ClockKind, type IcmpUnreachableEvent, type PacketEvent, type TcpSegmentEvent } from "../events.js";
import { KEY_PRINTS, keyPrint, tupleKey } from "../tuple-key.js";
import { AttemptState, timed, withOne, type TimedEvidence } from "./attempt.js";
import { MinHeap } from "./heap.js";
import { UnansweredIndex } from "./unanswered.js";
import { detach } from "../strings.js";
import { liveSettleTime, settleTime } from "./settle.js";
import { MAX_EVIDENCE_KEPT, REUSE_MEMORY_SECONDS, SAME_SYN_SECONDS } from "./thresholds.js";

export { tupleKey };

export interface InputFacts {
  /** The latest time seen in the input: the capture ran at least until then. */
  lastSeconds: number | null;
  /** "N packets dropped by kernel" from tcpdump's trailer. */
  droppedByKernel: number;
  /** Segments printed by -q, which shows no flags. */
  quietSegments: number;
  /** ICMP errors in the input, whatever they answer: none at all may mean the capture filter left them out. */
  icmpErrors: number;
}

/** What a live capture's watcher hears of before the verdicts: SYNs retransmitted without an answer. */
export interface LiveHooks {
  retransmit(a: AttemptState, facts: InputFacts): void;
}

/** One direction of an open attempt's 4-tuple. */
interface Side {
  attempt: AttemptState;
  fromClient: boolean;
}


const { SYN: SEG_SYN, ACK: SEG_ACK, RST: SEG_RST, FIN: SEG_FIN } = SEGMENT_FLAG;

export class PacketTracker {
  /** Both directions of every open attempt's 4-tuple. */
  private readonly open = new Map<string, Side>();
  /** What an ICMP error without -v may answer; built when the first such error comes. */
  private unanswered: UnansweredIndex | null = null;
  /** Every attempt not yet decided (open, or replaced on its 4-tuple by a new one but not yet settled). */
  private readonly undecided = new Set<AttemptState>();
  /** When to look at each undecided attempt again; a decided or rescheduled attempt's entry is emptied, not removed. */
  private readonly settles = new MinHeap<{ attempt: AttemptState | null }>();
  /** 4-tuples decided lately: a new SYN there with another ISN is a reused port. */
  private readonly recent = new Map<string, { id: number; isn: number | null; until: number }>();
  readonly facts: InputFacts = { lastSeconds: null, droppedByKernel: 0, quietSegments: 0, icmpErrors: 0 };

  constructor(
    readonly input: string,
    private readonly nextId: () => number,
    private readonly decide: (a: AttemptState, facts: InputFacts) => void,
    private readonly live: LiveHooks | null = null,
  ) {}

  /** When the attempt's verdict can no longer change: on a live capture, silence decides sooner. */
  private settleAt(a: AttemptState): number {
    return this.live ? liveSettleTime(a) : settleTime(a);
  }

  /**
   * Live: the input's clock, read off the wall clock while no line comes,
   * moved to `now`: attempts whose kernel has given up by then are decided.
   */
  advance(now: number): void {
    this.tick(now);
  }

  feed(ev: PacketEvent): void {
    if (ev.type === "capture-stats") {
      if (ev.kind === "dropped") this.facts.droppedByKernel += ev.count;
      return;
    }
    const seconds = ev.time?.seconds;
    if (seconds !== undefined) this.tick(seconds);
    if (ev.type === "tcp") this.segment(ev, tupleKey(ev.src, ev.dst));
    else if (ev.type === "icmp-unreachable") this.unreachable(ev);
  }

  /** A segment whose 4-tuple key the caller has (the fast path reads it off the line). */
  segmentWithKey(ev: TcpSegmentEvent, key: string): void {
    if (ev.time) this.tick(ev.time.seconds);
    this.segment(ev, key);
  }

  /**
   * A segment known only by its flags, time and the print of its 4-tuple's
   * key (the fast path): true when that is all it takes, which is so for most
   * of a capture (data and ACKs of established connections); false when the
   * caller must feed the whole event: a SYN, RST or FIN, or an ACK that may
   * complete a handshake (one waits with that print).
   */
  quick(flags: number, seconds: number, print: number): boolean {
    if ((flags & (SEG_SYN | SEG_RST | SEG_FIN)) !== 0) return false;
    if ((flags & SEG_ACK) !== 0 && this.awaitingAck[print]! > 0) return false;
    this.tick(seconds);
    return true;
  }

  /** Prints of the keys of attempts that got a SYN-ACK and wait for the client's ACK (a counting filter). */
  private readonly awaitingAck = new Int32Array(KEY_PRINTS);

  private awaiting(a: AttemptState, key: string, on: boolean): void {
    this.awaitingAck[keyPrint(key)]! += on ? 1 : -1;
    a.awaitingAck = on;
  }

  /** The input is over: every attempt not yet decided is decided now, in the order they began. */
  end(): void {
    const rest = [...this.undecided].sort((x, y) => x.id - y.id);
    for (const a of rest) this.settle(a, false);
    this.open.clear();
    this.unanswered = null;
    this.recent.clear();
  }

  /** The input's clock moved to `now`: decide what has settled. */
  private tick(now: number): void {
    const f = this.facts;
    if (f.lastSeconds === null || now > f.lastSeconds) f.lastSeconds = now;
    while (this.settles.peekKey() <= now) {
      const a = this.settles.pop()!.attempt;
      // an entry the attempt was rescheduled from, or one of an attempt decided since
      if (a === null) continue;
      a.settleEntry = null;
      const at = this.settleAt(a);
      if (at > now) this.schedule(a, at);
      else this.settle(a, true);
    }
  }

  /** When to look at the attempt again: its verdict may have settled by then. */
  private schedule(a: AttemptState, at: number): void {
    this.unschedule(a);
    if (!Number.isFinite(at)) return;
    a.settleAt = at;
    const entry = { attempt: a };
    a.settleEntry = entry;
    this.settles.push(at, entry);
  }

  private unschedule(a: AttemptState): void {
    if (a.settleEntry) a.settleEntry.attempt = null;
    a.settleEntry = null;
  }

  private segment(seg: TcpSegmentEvent, key: string): void {
    if (seg.quiet) {
      this.facts.quietSegments++;
      return;
    }
    const forward = this.open.get(key);
    const seconds = seg.time?.seconds ?? null;
    if (forward && seconds !== null) forward.attempt.lastActivity = seconds;
    if (seg.syn && !seg.ackFlag) return this.syn(seg, key, forward?.fromClient ? forward.attempt : undefined);
    if (!forward) return;
    const a = forward.attempt;
    if (seg.syn) {
      // a SYN-ACK that acknowledges the client's SYN
      if (forward.fromClient || !a.acknowledges(seg)) return;
      const at = timed(seg.at, seg.time);
      const last = a.synAcks[a.synAcks.length - 1];
      const dup = last?.seconds != null && at.seconds !== null && at.seconds - last.seconds < SAME_SYN_SECONDS;
      if (!dup && a.synAcks.length < MAX_EVIDENCE_KEPT) a.synAcks = withOne(a.synAcks, at);
      if (a.synAcks.length === 1) {
        this.unanswered?.remove(a);
        if (a.handshakeAck === null) this.awaiting(a, a.keys!.forward, true);
      }
    } else if (seg.rst) {
      this.reset(seg, a, forward.fromClient);
    } else {
      if (forward.fromClient && a.synAcks.length > 0 && seg.ackFlag && !a.handshakeAck) {
        this.handshakeDone(a, timed(seg.at, seg.time), key);
      }
      if (seg.fin) this.fin(a, forward.fromClient);
    }
  }

  /**
   * A segment with neither SYN nor RST that quick() declined (a FIN, or an
   * ACK that may complete a handshake), known by its flags, time, line and
   * 4-tuple key: all segment() reads of such a segment, without its event.
   */
  plainWithKey(flags: number, seconds: number, clock: ClockKind, line: number, key: string): void {
    this.tick(seconds);
    const forward = this.open.get(key);
    if (!forward) return;
    const a = forward.attempt;
    a.lastActivity = seconds;
    if (forward.fromClient && a.synAcks.length > 0 && (flags & SEG_ACK) !== 0 && !a.handshakeAck) {
      this.handshakeDone(a, { input: this.input, line, seconds, clock }, key);
    }
    if ((flags & SEG_FIN) !== 0) this.fin(a, forward.fromClient);
  }

  private handshakeDone(a: AttemptState, at: TimedEvidence, key: string): void {
    a.handshakeAck = at;
    if (a.awaitingAck) this.awaiting(a, key, false);
    // live: connected is the verdict the watcher waits for (a RST after it is not followed)
    if (this.live) this.settle(a, true);
  }

  /** After both FINs the connection's end is near: look at it again sooner. */
  private fin(a: AttemptState, fromClient: boolean): void {
    if (fromClient) a.finFromClient = true;
    else a.finFromServer = true;
    if (a.finFromClient && a.finFromServer && a.synAcks.length > 0) {
      const at = this.settleAt(a);
      if (at < a.settleAt) this.schedule(a, at);
    }
  }

  private syn(seg: TcpSegmentEvent, key: string, existing: AttemptState | undefined): void {
    const last = existing?.syns[existing.syns.length - 1];
    const since = last?.seconds != null && seg.time ? seg.time.seconds - last.seconds : null;
    // Time that goes backwards on one 4-tuple: another capture of the same
    // connection follows (two logs pasted one after the other).
    const anotherCapture = since !== null && since < -SAME_SYN_SECONDS;
    if (existing && existing.sameIsn(seg) && !anotherCapture) {
      if (since !== null && since < SAME_SYN_SECONDS) return;
      if (existing.syns.length < MAX_EVIDENCE_KEPT) existing.syns = withOne(existing.syns, timed(seg.at, seg.time));
      if (existing.synAcks.length === 0) this.unanswered?.sent(existing);
      if (this.live) this.retransmitted(existing);
      return;
    }
    const seen = this.recent.get(key);
    // live: a SYN the kernel retransmits after its attempt was decided by an ICMP error the socket did not take (local REJECT)
    if (this.live && !existing && seen && seen.isn !== null && seen.isn === seg.seq && seconds(seg) !== null && seconds(seg)! <= seen.until) return;
    const attempt = new AttemptState(this.nextId(), seg.at.input, seg.family, copy(seg.src), copy(seg.dst), seg.seq, seg.time ? detach(seg.time.text) : null);
    if (existing) {
      if (!anotherCapture) attempt.reusedPortOf = existing.id;
      // the 4-tuple now belongs to the new attempt; the old one is decided when it settles
      this.detach(existing);
    } else {
      const t = seconds(seg);
      if (seen && t !== null && t <= seen.until && seen.isn !== seg.seq) attempt.reusedPortOf = seen.id;
    }
    attempt.syns = withOne(attempt.syns, timed(seg.at, seg.time));
    attempt.lastActivity = seconds(seg);
    const forward = detach(key);
    const reverse = detach(tupleKey(seg.dst, seg.src));
    this.open.set(forward, { attempt, fromClient: true });
    this.open.set(reverse, { attempt, fromClient: false });
    attempt.keys = { forward, reverse };
    this.unanswered?.sent(attempt);
    this.undecided.add(attempt);
    // looked at again when its verdict could have settled, if nothing else comes for it
    this.schedule(attempt, this.settleAt(attempt));
  }

  /** Live: an unanswered attempt sent another SYN: its expected end moves, and the watcher hears of it. */
  private retransmitted(a: AttemptState): void {
    if (a.answered) return;
    this.schedule(a, this.settleAt(a));
    this.live!.retransmit(a, this.facts);
  }

  private reset(seg: TcpSegmentEvent, a: AttemptState, fromClient: boolean): void {
    const at = timed(seg.at, seg.time);
    if (!fromClient) {
      // from the server: before any SYN-ACK it refuses the attempt
      if (a.synAcks.length === 0) {
        // In SYN_SENT Linux accepts only a RST that acknowledges its SYN.
        if (!seg.ackFlag || !a.acknowledges(seg)) return;
        a.refusedBy ??= at;
      } else {
        a.resetBy ??= at;
      }
      this.settle(a, false);
    } else if (a.synAcks.length > 0) {
      a.resetBy ??= at;
      this.settle(a, false);
    }
  }

  // ICMP errors name the original destination; -v also quotes the packet,
  // which names the exact 4-tuple. Without it, the latest attempt from the
  // ICMP's addressee to that destination is the one it answers.
  private unreachable(ev: IcmpUnreachableEvent): void {
    this.facts.icmpErrors++;
    const side = ev.quoted ? this.open.get(tupleKey(ev.quoted.src, ev.quoted.dst)) : undefined;
    const attempt = ev.quoted ? (side?.fromClient ? side.attempt : undefined) : this.latestTo(ev);
    if (!attempt) return;
    this.unanswered?.answered(attempt);
    attempt.icmpCount++;
    const entry = { at: timed(ev.at, ev.time), event: ev };
    // the first ones and always the latest: the verdict reads the last one
    if (attempt.icmps.length < MAX_EVIDENCE_KEPT) attempt.icmps = withOne(attempt.icmps, entry);
    else attempt.icmps[attempt.icmps.length - 1] = entry;
    // live: the verdict comes with the answer the socket takes (a file waits for the input to show it)
    if (this.live) {
      const at = this.settleAt(attempt);
      if (at <= (this.facts.lastSeconds ?? -Infinity)) this.settle(attempt, true);
      else this.schedule(attempt, at);
    }
  }

  // Without the quoted packet (-v), see UnansweredIndex.
  private latestTo(ev: IcmpUnreachableEvent): AttemptState | undefined {
    if (ev.protocol !== null && ev.protocol !== "tcp") return undefined;
    this.unanswered ??= new UnansweredIndex([...this.undecided].filter((a) => a.keys !== null));
    return this.unanswered.pick(ev.to, ev.target);
  }

  /** Takes the attempt off its 4-tuple (a new attempt has it now); it stays undecided until it settles. */
  private detach(a: AttemptState): void {
    const keys = a.keys;
    if (!keys) return;
    if (a.awaitingAck) this.awaiting(a, keys.forward, false);
    a.keys = null;
    if (this.open.get(keys.forward)?.attempt === a) this.open.delete(keys.forward);
    if (this.open.get(keys.reverse)?.attempt === a) this.open.delete(keys.reverse);
    this.unanswered?.remove(a);
  }

  /**
   * Decides the attempt. One that settled by time is remembered on its
   * 4-tuple for a while: until then it would have been open, and a new SYN
   * there with another ISN is a reused port. A RST closes the 4-tuple.
   */
  private settle(a: AttemptState, byTime: boolean): void {
    if (a.decided) return;
    a.decided = true;
    this.unschedule(a);
    const key = a.keys?.forward;
    this.detach(a);
    this.undecided.delete(a);
    if (byTime && key !== undefined) this.remember(a, key);
    this.decide(a, this.facts);
  }

  private remember(a: AttemptState, key: string): void {
    const now = this.facts.lastSeconds;
    if (now === null) return;
    this.recent.delete(key);
    this.recent.set(key, { id: a.id, isn: a.isn, until: now + REUSE_MEMORY_SECONDS });
    // entries were added in time order: the oldest are first; prune now and then
    if (++this.remembered % 1024 !== 0) return;
    for (const [k, v] of this.recent) {
      if (v.until >= now) break;
      this.recent.delete(k);
    }
  }

  private remembered = 0;
}

function seconds(seg: TcpSegmentEvent): number | null {
  return seg.time?.seconds ?? null;
}

function copy(a: Address): Address {
  return { ip: detach(a.ip), port: a.port };
}
