// The open attempts that no SYN-ACK answered, by client and server address
// (and by port): where an ICMP error that does not quote its packet (tcpdump
// without -v) belongs. The stack answers in order, so an error answers the
// oldest SYN still waiting; when none waits, the attempt that sent a SYN last.
// Each error finds its attempt without looking at the others.
import type { AttemptState } from "./attempt.js";

/** The attempts to one address (or port): those still waiting in the order of their last SYN, and the one that sent a SYN last. */
class Bucket {
  readonly waiting = new Set<AttemptState>();
  readonly all = new Set<AttemptState>();
  latest: AttemptState | null = null;

  sent(a: AttemptState): void {
    this.all.add(a);
    // a Set keeps insertion order: the oldest last SYN first
    this.waiting.delete(a);
    this.waiting.add(a);
    if (!this.latest || order(lastSyn(a)) >= order(lastSyn(this.latest))) this.latest = a;
  }

  remove(a: AttemptState): void {
    this.all.delete(a);
    this.waiting.delete(a);
    if (this.latest !== a) return;
    this.latest = null;
    for (const b of this.all) if (!this.latest || later(b, this.latest)) this.latest = b;
  }

  pick(): AttemptState | undefined {
    const first = this.waiting.values().next();
    return first.done ? (this.latest ?? undefined) : first.value;
  }
}

const lastSyn = (a: AttemptState) => a.syns[a.syns.length - 1]!;
const order = (e: { seconds: number | null; line: number }) => e.seconds ?? e.line;
const later = (x: AttemptState, y: AttemptState) => order(lastSyn(x)) - order(lastSyn(y)) > 0 || (order(lastSyn(x)) === order(lastSyn(y)) && x.id > y.id);

export class UnansweredIndex {
  private readonly byHosts = new Map<string, Bucket>();
  private readonly byPort = new Map<string, Bucket>();

  /** Built from the attempts open now, in the order their last SYNs were sent. */
  constructor(open: Iterable<AttemptState>) {
    const sorted = [...open].filter((a) => a.synAcks.length === 0).sort((x, y) => order(lastSyn(x)) - order(lastSyn(y)) || x.id - y.id);
    for (const a of sorted) {
      this.sent(a);
      // an error after its last SYN answered it already
      if (a.icmps.some((i) => order(i.at) >= order(lastSyn(a)))) this.answered(a);
    }
  }

  /** A SYN was sent (the first, or a retransmission): the attempt waits for an answer. */
  sent(a: AttemptState): void {
    this.bucket(this.byHosts, hostsKey(a.client.ip, a.server.ip)).sent(a);
    this.bucket(this.byPort, portKey(a.client.ip, a.server.ip, a.server.port)).sent(a);
  }

  /** An error answered its last SYN. */
  answered(a: AttemptState): void {
    this.byHosts.get(hostsKey(a.client.ip, a.server.ip))?.waiting.delete(a);
    this.byPort.get(portKey(a.client.ip, a.server.ip, a.server.port))?.waiting.delete(a);
  }

  /** Answered by a SYN-ACK, or no longer open. */
  remove(a: AttemptState): void {
    for (const [map, key] of [
      [this.byHosts, hostsKey(a.client.ip, a.server.ip)],
      [this.byPort, portKey(a.client.ip, a.server.ip, a.server.port)],
    ] as const) {
      const b = map.get(key);
      if (!b) continue;
      b.remove(a);
      if (b.all.size === 0) map.delete(key);
    }
  }

  /** The attempt an error from `to`'s point of view about `target` answers. */
  pick(to: string, target: { ip: string; port: number | null }): AttemptState | undefined {
    const b = target.port === null ? this.byHosts.get(hostsKey(to, target.ip)) : this.byPort.get(portKey(to, target.ip, target.port));
    return b?.pick();
  }

  private bucket(map: Map<string, Bucket>, key: string): Bucket {
    let b = map.get(key);
    if (!b) map.set(key, (b = new Bucket()));
    return b;
  }
}

function hostsKey(client: string, server: string): string {
  return `${client}|${server}`;
}

function portKey(client: string, server: string, port: number | null): string {
  return `${client}|${server}|${port}`;
}
