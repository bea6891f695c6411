// Joins tcpdump's line records into packets and turns them into events:
// a -v IP header line and its indented TCP line are one packet; indented
// decode lines belong to the packet above; an ICMP error's quoted packet
// (printed by -v) tells which attempt it answers.
import type {
  ClockKind,
  EventTime,
  Evidence,
  Family,
  IcmpUnreachableEvent,
  TcpdumpEvent,
  TcpSegmentEvent,
  UnreachableReason,
} from "../events.js";
import { SEGMENT_FLAG } from "../events.js";
import { InputClock, type RelativeMode } from "./clock.js";
import { fastTcpdumpLine, type TcpdumpScanner } from "./fast.js";
import type {
  ContinuationLine,
  Flow,
  IcmpUnreachable,
  PacketLine,
  TcpdumpLine,
  TcpSegment,
  Timestamp,
} from "./records.js";

// -tttt prints a local date and time: like the default time of day, it is
// compared with other inputs by its time of day.
const CLOCK_KIND: Record<Timestamp["kind"], ClockKind> = {
  clock: "time-of-day",
  date: "time-of-day",
  epoch: "epoch",
  relative: "relative",
};

/** The tracker's side of quick(): see PacketTracker.quick and segmentWithKey. */
export interface QuickTracker {
  quick(flags: number, seconds: number, print: number): boolean;
  segmentWithKey(ev: TcpSegmentEvent, key: string): void;
  plainWithKey(flags: number, seconds: number, clock: ClockKind, line: number, key: string): void;
}

interface Pending {
  line: number;
  packet: PacketLine;
  quoted: Flow | null;
}

/** -ttt and -ttttt print alike; decide from the values, holding at most this many packets. */
const RELATIVE_DECISION_WINDOW = 10_000;

/** SYN times per 4-tuple under each reading of relative timestamps. */
export interface RelativeReadings {
  delta: number[][];
  sinceFirst: number[][];
}

export interface AssemblerOptions {
  /** Force the reading of relative timestamps instead of deciding from the values. */
  relativeMode?: RelativeMode;
  /**
   * When relative times never decrease, both readings are possible (a SYN
   * series read either way is monotonic); this picks the one whose SYN
   * spacing makes sense, or null when it cannot tell.
   */
  chooseRelativeMode?: (readings: RelativeReadings) => RelativeMode | null;
}

export class TcpdumpAssembler {
  private pending: Pending | null = null;
  /** The last packet line, when quick() took it: its time is the outer one of an inner packet line that follows. */
  private lastQuick: string | null = null;
  private readonly clock: InputClock;
  private relativeDecided: boolean;
  private held: Pending[] = [];
  private lastRelative = -1;
  /** Things worth telling about this input as a whole (e.g. how times were read). */
  readonly notes: string[] = [];

  constructor(
    private readonly input: string,
    /** Each event, with the packet it was made of (for `tcpdiag parse`, which prints the segment's other fields too). */
    private readonly emit: (event: TcpdumpEvent, packet?: PacketLine) => void,
    private readonly options: AssemblerOptions = {},
  ) {
    this.clock = new InputClock(options.relativeMode ?? "since-first");
    this.relativeDecided = options.relativeMode !== undefined;
  }

  line(line: number, rec: TcpdumpLine): void {
    if (rec.record === "packet") {
      const outer = this.pending ? this.pending.packet.timestamp : this.lastQuick ? (fastTcpdumpLine(this.lastQuick) as PacketLine).timestamp : null;
      this.flush();
      this.lastQuick = null;
      // A packet line with no time right after one with a time is the packet
      // inside it (VXLAN, Geneve print the inner packet on its own line).
      const packet = !rec.timestamp && outer ? { ...rec, timestamp: outer } : { ...rec };
      this.pending = { line, packet, quoted: null };
    } else if (rec.record === "continuation") {
      this.continuation(rec);
    } else {
      this.flush();
      this.lastQuick = null;
      const at = { input: this.input, line };
      if (rec.count !== null && rec.kind !== "counter") {
        this.emit({ type: "capture-stats", at, kind: rec.kind as "captured", count: rec.count });
      } else {
        this.emit({ type: "banner", at, text: rec.text });
      }
    }
  }

  /**
   * A one-line TCP packet the fast path scanned (the line is `text`), handed
   * to the tracker by its 4-tuple key, flags and time when that is all the
   * tracker needs; otherwise its record and event are made here, once.
   * False when the line is not such a packet: the caller reads it as usual.
   */
  quick(line: number, text: string, scanner: TcpdumpScanner, tracker: QuickTracker): boolean {
    const kind = scanner.tsKind;
    if (!scanner.isTcpPacket || kind === null || (kind === "relative" && !this.relativeDecided)) return false;
    const print = scanner.plainKeyPrint();
    if (print < 0) return false;
    // like line(): the packet before this one is complete now
    this.flush();
    this.lastQuick = text;
    const seconds = this.clock.secondsOf(kind, scanner.tsSeconds);
    const flags = scanner.flagBits;
    if (tracker.quick(flags, seconds, print)) return true;
    const key = scanner.plainKey()!;
    if ((flags & (SEGMENT_FLAG.SYN | SEGMENT_FLAG.RST)) === 0) {
      tracker.plainWithKey(flags, seconds, CLOCK_KIND[kind], line, key);
      return true;
    }
    const at = { input: this.input, line };
    const event = scanner.isExpress
      ? expressEvent(at, seconds, CLOCK_KIND[kind], scanner)
      : recordEvent(at, seconds, CLOCK_KIND[kind], scanner.record() as PacketLine);
    tracker.segmentWithKey(event, key);
    return true;
  }

  /**
   * The input paused (live): the packet waiting for a continuation line
   * goes on now. tcpdump -l writes a packet's lines together, so after a
   * pause none is still to come.
   */
  idle(): void {
    this.flush();
  }

  end(): void {
    this.flush();
    if (!this.relativeDecided && this.held.length > 0) this.decideUndecreasing();
  }

  private continuation(rec: ContinuationLine): void {
    const p = this.pending;
    if (!p || !rec.flow) return; // decode text belongs to the packet above
    if (!p.packet.flow) {
      // -v: "IP (tos ...)" on one line, "a > b: Flags ..." on the next
      p.packet.flow = rec.flow;
      if (!p.packet.network) p.packet.network = rec.network;
    } else if (p.packet.flow.payload.kind === "icmp-unreachable" && !p.quoted) {
      p.quoted = rec.flow;
    }
  }

  private flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    if (!this.relativeDecided && p.packet.timestamp?.kind === "relative") {
      this.hold(p);
      return;
    }
    this.convert(p);
  }

  // Relative times that ever decrease are deltas (-ttt); hold packets until
  // that is known, so every time of the input is read the same way.
  private hold(p: Pending): void {
    const value = p.packet.timestamp!.seconds;
    const decreased = value < this.lastRelative;
    this.lastRelative = value;
    this.held.push(p);
    if (decreased) this.decideRelative("delta");
    else if (this.held.length >= RELATIVE_DECISION_WINDOW) this.decideUndecreasing();
  }

  private decideUndecreasing(): void {
    const chosen = this.options.chooseRelativeMode?.(this.heldReadings()) ?? null;
    const mode = chosen ?? "since-first";
    const how = mode === "delta" ? "-ttt (delta from the previous packet)" : "-ttttt (since the first packet)";
    const why = chosen
      ? "the reading under which the SYN spacing fits a Linux schedule (-ttt on a tie)"
      : "nothing tells them apart";
    this.notes.push(
      `times are relative (-ttt and -ttttt print the same form) and never decrease: read as ${how}: ${why}; --relative-times overrides`,
    );
    this.decideRelative(mode);
  }

  private heldReadings(): RelativeReadings {
    const delta = new Map<string, number[]>();
    const sinceFirst = new Map<string, number[]>();
    let elapsed = 0;
    for (const p of this.held) {
      const value = p.packet.timestamp!.seconds;
      elapsed += value;
      const payload = p.packet.flow?.payload;
      if (payload?.kind !== "tcp" || !payload.flags.includes("S") || payload.flags.includes(".")) continue;
      const key = `${p.packet.flow!.src.ip}|${p.packet.flow!.src.port}|${p.packet.flow!.dst.ip}|${p.packet.flow!.dst.port}`;
      (delta.get(key) ?? delta.set(key, []).get(key)!).push(elapsed);
      (sinceFirst.get(key) ?? sinceFirst.set(key, []).get(key)!).push(value);
    }
    return { delta: [...delta.values()], sinceFirst: [...sinceFirst.values()] };
  }

  private decideRelative(mode: RelativeMode): void {
    this.relativeDecided = true;
    this.clock.setRelativeMode(mode);
    const held = this.held;
    this.held = [];
    for (const p of held) this.convert(p);
  }

  private convert(p: Pending): void {
    const at: Evidence = { input: this.input, line: p.line };
    const ts = p.packet.timestamp;
    const time = ts ? { text: ts.text, seconds: this.clock.seconds(ts), clock: CLOCK_KIND[ts.kind] } : null;
    this.emitPacket(at, p.packet, p.quoted, time);
  }

  private emitPacket(at: Evidence, packet: PacketLine, quoted: Flow | null, time: EventTime | null): void {
    const flow = packet.flow;
    if (!flow) {
      this.emit({ type: "other-packet", at, time }, packet);
      return;
    }
    const family = familyOf(packet, flow);
    if (flow.payload.kind === "tcp") {
      this.emit(tcpEvent(at, time, family, flow, flow.payload), packet);
    } else if (flow.payload.kind === "icmp-unreachable" && !isPathMtu(flow.payload)) {
      this.emit(icmpEvent(at, time, family, flow, flow.payload, quoted), packet);
    } else {
      this.emit({ type: "other-packet", at, time }, packet);
    }
  }
}

function familyOf(packet: PacketLine, flow: Flow): Family {
  if (packet.network === "IP6") return "ipv6";
  if (packet.network === "IP") return "ipv4";
  if (packet.link?.ether?.includes("IPv6")) return "ipv6";
  return flow.src.ip.includes(":") ? "ipv6" : "ipv4";
}

function tcpEvent(
  at: Evidence,
  time: TcpSegmentEvent["time"],
  family: Family,
  flow: Flow,
  seg: TcpSegment,
): TcpSegmentEvent {
  return {
    type: "tcp",
    at,
    time,
    family,
    src: endpointAddress(flow.src),
    dst: endpointAddress(flow.dst),
    flags: seg.flags,
    syn: seg.flags.includes("S"),
    ackFlag: seg.flags.includes("."),
    rst: seg.flags.includes("R"),
    fin: seg.flags.includes("F"),
    seq: seg.seq,
    ack: seg.ack,
    quiet: seg.quiet,
  };
}

/**
 * The event of an express line (see TcpdumpScanner.expressSegment): the one
 * tcpEvent() makes of its record (test/fast-path.test.ts compares them).
 */
export function expressEvent(at: Evidence, seconds: number, clock: ClockKind, scanner: TcpdumpScanner): TcpSegmentEvent {
  const seg = scanner.expressSegment();
  const flags = seg.flags;
  return {
    type: "tcp",
    at,
    time: { text: seg.timestamp, seconds, clock },
    // express lines name the network: IP6 is IPv6 (see familyOf)
    family: scanner.network === "IP6" ? "ipv6" : "ipv4",
    src: seg.src,
    dst: seg.dst,
    flags,
    syn: flags.includes("S"),
    ackFlag: flags.includes("."),
    rst: flags.includes("R"),
    fin: flags.includes("F"),
    seq: seg.seq,
    ack: seg.ack,
    quiet: false,
  };
}

/** The event tcpEvent() makes of a one-line packet record (for the test of expressEvent). */
export function recordEvent(at: Evidence, seconds: number, clock: ClockKind, rec: PacketLine): TcpSegmentEvent {
  const flow = rec.flow!;
  return tcpEvent(at, { text: rec.timestamp!.text, seconds, clock }, familyOf(rec, flow), flow, flow.payload as TcpSegment);
}

/** The record's endpoint as an event's address: itself when it has no service name (records are not kept). */
function endpointAddress(e: Flow["src"]): TcpSegmentEvent["src"] {
  return e.service === undefined ? e : { ip: e.ip, port: e.port };
}

/** "unreachable - need to frag (mtu N)": path MTU discovery, not a failure (Linux only lowers the MTU). */
function isPathMtu(u: IcmpUnreachable): boolean {
  return u.detail?.includes("need to frag") ?? false;
}

function unreachableReason(u: IcmpUnreachable): UnreachableReason {
  const prohibited = u.detail?.includes("prohibited") ?? false;
  switch (u.code) {
    case "host":
      return prohibited ? "host-prohibited" : "host";
    case "net":
      return prohibited ? "net-prohibited" : "net";
    case "admin":
      return "admin-prohibited-v6";
    default:
      return u.code;
  }
}

function icmpEvent(
  at: Evidence,
  time: IcmpUnreachableEvent["time"],
  family: Family,
  flow: Flow,
  u: IcmpUnreachable,
  quoted: Flow | null,
): IcmpUnreachableEvent {
  return {
    type: "icmp-unreachable",
    at,
    time,
    family,
    from: flow.src.ip,
    to: flow.dst.ip,
    reason: unreachableReason(u),
    target: { ip: u.host, port: u.port },
    protocol: u.protocol,
    quoted: quoted ? { src: quoted.src, dst: quoted.dst } : null,
  };
}
