// Builds connection attempts from packet events, one event at a time.
// Memory holds the attempts still open (keyed by input and 4-tuple) and a
// small record per attempt; segments themselves are not kept.
import type {
  Address,
  AnalyzerEvent,
  ConnectEvent,
  FirewallChainEvent,
  FirewallRuleEvent,
  SettingEvent,
  ClientRunEvent,
  IcmpUnreachableEvent,
  SocketRowEvent,
  TcpSegmentEvent,
} from "../events.js";
import { AttemptState, timed } from "./attempt.js";

/** A SYN flood on one 4-tuple must not grow an attempt without bound. */
const MAX_SYNS_KEPT = 256;

/**
 * The same SYN seen twice: -i any shows it on two interfaces, a log pasted
 * twice repeats it. The kernel never retransmits a SYN this soon (its
 * smallest RTO is 200 ms).
 */
const SAME_SYN_SECONDS = 0.05;

function tupleKey(input: string, client: Address, server: Address): string {
  return `${input}|${client.ip}|${client.port}|${server.ip}|${server.port}`;
}

export interface InputFacts {
  /** The latest time seen in the input: the capture ran at least until then. */
  lastSeconds: number | null;
  /** "N packets dropped by kernel" from tcpdump's trailer. */
  droppedByKernel: number;
  /** Segments printed by -q, which shows no flags. */
  quietSegments: number;
}

export class AttemptTracker {
  private readonly open = new Map<string, AttemptState>();
  private readonly closed: AttemptState[] = [];
  private readonly facts = new Map<string, InputFacts>();
  private readonly connects: ConnectEvent[] = [];
  private readonly socketRows: SocketRowEvent[] = [];
  private readonly firewallChains: FirewallChainEvent[] = [];
  private readonly firewallRules: FirewallRuleEvent[] = [];
  private readonly settings: SettingEvent[] = [];
  private readonly clientRuns: ClientRunEvent[] = [];
  private nextId = 1;

  feed(ev: AnalyzerEvent): void {
    // evidence from other tools is kept for finish(): it completes attempts
    switch (ev.type) {
      case "connect":
        return void this.connects.push(ev);
      case "socket":
        return void this.socketRows.push(ev);
      case "firewall-chain":
        return void this.firewallChains.push(ev);
      case "firewall-rule":
        return void this.firewallRules.push(ev);
      case "setting":
        return void this.settings.push(ev);
      case "client-run":
        return void this.clientRuns.push(ev);
      default:
        break;
    }
    const facts = this.factsOf(ev.at.input);
    if (ev.type === "capture-stats") {
      if (ev.kind === "dropped") facts.droppedByKernel += ev.count;
      return;
    }
    const seconds = ev.time?.seconds;
    if (seconds !== undefined && (facts.lastSeconds === null || seconds > facts.lastSeconds)) {
      facts.lastSeconds = seconds;
    }
    if (ev.type === "tcp") this.segment(ev, facts);
    else if (ev.type === "icmp-unreachable") this.unreachable(ev);
  }

  /** All attempts, in the order their first SYN was seen. */
  finish(): {
    attempts: AttemptState[];
    facts: Map<string, InputFacts>;
    connects: ConnectEvent[];
    socketRows: SocketRowEvent[];
    firewall: { chains: FirewallChainEvent[]; rules: FirewallRuleEvent[] };
    settings: SettingEvent[];
    clientRuns: ClientRunEvent[];
  } {
    const attempts = [...this.closed, ...this.open.values()].sort((a, b) => a.id - b.id);
    this.open.clear();
    return {
      attempts,
      facts: this.facts,
      connects: this.connects,
      socketRows: this.socketRows,
      firewall: { chains: this.firewallChains, rules: this.firewallRules },
      settings: this.settings,
      clientRuns: this.clientRuns,
    };
  }

  private factsOf(input: string): InputFacts {
    let f = this.facts.get(input);
    if (!f) {
      f = { lastSeconds: null, droppedByKernel: 0, quietSegments: 0 };
      this.facts.set(input, f);
    }
    return f;
  }

  private segment(seg: TcpSegmentEvent, facts: InputFacts): void {
    if (seg.quiet) {
      facts.quietSegments++;
      return;
    }
    const input = seg.at.input;
    const forward = this.open.get(tupleKey(input, seg.src, seg.dst));
    const reverse = this.open.get(tupleKey(input, seg.dst, seg.src));
    const at = timed(seg.at, seg.time);
    if (seg.syn && !seg.ackFlag) {
      this.syn(seg, forward);
    } else if (seg.syn && seg.ackFlag) {
      if (reverse && reverse.acknowledges(seg)) {
        const last = reverse.synAcks[reverse.synAcks.length - 1];
        const dup = last?.seconds != null && at.seconds !== null && at.seconds - last.seconds < SAME_SYN_SECONDS;
        if (!dup && reverse.synAcks.length < MAX_SYNS_KEPT) reverse.synAcks.push(at);
      }
    } else if (seg.rst) {
      this.reset(seg, forward, reverse);
    } else if (forward && forward.synAcks.length > 0) {
      if (seg.ackFlag && !forward.handshakeAck) forward.handshakeAck = at;
      if (seg.fin) forward.finSeen = true;
    } else if (reverse && seg.fin) {
      reverse.finSeen = true;
    }
  }

  private syn(seg: TcpSegmentEvent, existing: AttemptState | undefined): void {
    const last = existing?.syns[existing.syns.length - 1];
    const since = last?.seconds != null && seg.time ? seg.time.seconds - last.seconds : null;
    // Time that goes backwards on one 4-tuple: another capture of the same
    // connection follows (two logs pasted one after the other).
    const anotherCapture = since !== null && since < -SAME_SYN_SECONDS;
    if (existing && existing.sameIsn(seg) && !anotherCapture) {
      if (since !== null && since < SAME_SYN_SECONDS) return;
      if (existing.syns.length < MAX_SYNS_KEPT) existing.syns.push(timed(seg.at, seg.time));
      return;
    }
    const attempt = new AttemptState(this.nextId++, seg.at.input, seg.family, seg.src, seg.dst, seg.seq);
    if (existing) {
      if (!anotherCapture) attempt.reusedPortOf = existing.id;
      this.close(existing);
    }
    attempt.syns.push(timed(seg.at, seg.time));
    this.open.set(tupleKey(seg.at.input, seg.src, seg.dst), attempt);
  }

  private reset(seg: TcpSegmentEvent, forward?: AttemptState, reverse?: AttemptState): void {
    const at = timed(seg.at, seg.time);
    if (reverse) {
      // from the server: before any SYN-ACK it refuses the attempt
      if (reverse.synAcks.length === 0) {
        // In SYN_SENT Linux accepts only a RST that acknowledges its SYN.
        if (!seg.ackFlag || !reverse.acknowledges(seg)) return;
        reverse.refusedBy ??= at;
      } else {
        reverse.resetBy ??= at;
      }
      this.close(reverse);
    } else if (forward && forward.synAcks.length > 0) {
      forward.resetBy ??= at;
      this.close(forward);
    }
  }

  // ICMP errors name the original destination; -v also quotes the packet,
  // which names the exact 4-tuple. Without it, the latest attempt from the
  // ICMP's addressee to that destination is the one it answers.
  private unreachable(ev: IcmpUnreachableEvent): void {
    const attempt = ev.quoted
      ? this.open.get(tupleKey(ev.at.input, ev.quoted.src, ev.quoted.dst))
      : this.latestTo(ev);
    if (attempt) attempt.icmps.push({ at: timed(ev.at, ev.time), event: ev });
  }

  // Without the quoted packet (-v), an error answers the oldest SYN to that
  // server still waiting for an answer (the stack answers in order); when
  // none waits, the attempt that sent a SYN last.
  private latestTo(ev: IcmpUnreachableEvent): AttemptState | undefined {
    if (ev.protocol !== null && ev.protocol !== "tcp") return undefined;
    const order = (e: { seconds: number | null; line: number }) => e.seconds ?? e.line;
    const candidates = [...this.open.values()].filter(
      (a) =>
        a.input === ev.at.input &&
        a.client.ip === ev.to &&
        a.server.ip === ev.target.ip &&
        (ev.target.port === null || a.server.port === ev.target.port) &&
        a.synAcks.length === 0,
    );
    const lastSyn = (a: AttemptState) => order(a.syns[a.syns.length - 1]!);
    const waiting = candidates.filter((a) => !a.icmps.some((i) => order(i.at) >= lastSyn(a)));
    if (waiting.length > 0) return waiting.sort((x, y) => lastSyn(x) - lastSyn(y) || x.id - y.id)[0];
    return candidates.sort((x, y) => lastSyn(y) - lastSyn(x) || y.id - x.id)[0];
  }

  private close(attempt: AttemptState): void {
    this.open.delete(tupleKey(attempt.input, attempt.client, attempt.server));
    this.closed.push(attempt);
  }
}
