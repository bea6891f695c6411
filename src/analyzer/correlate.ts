// Joins connect() calls (strace) with the SYN series (tcpdump) of the same
// attempt: same server address, same client port when both show it, and
// the same moment once the two inputs' clocks are aligned. Inputs whose
// clocks cannot be aligned are joined only where that is unambiguous, and
// inputs plainly from different runs are not joined at all.
//
// Attempts are indexed by server port and time, so that each connect() looks
// only at the attempts near it: the work grows with the number of calls and
// attempts, not with their product.
import type { Address, ClockKind, ConnectEvent } from "../events.js";
import { SAME_MOMENT_SECONDS } from "./thresholds.js";
import { describeAddress } from "./words.js";

const DAY = 86400;
/** Relative clocks: how many pairings of a connect() with a first SYN are tried as offsets (the first calls' ones). */
const MAX_OFFSET_CANDIDATES = 512;

/** What a join needs to know of an attempt seen in packets. */
export interface JoinCandidate {
  id: number;
  input: string;
  client: Address;
  server: Address;
  firstSyn: { seconds: number | null; clock: ClockKind };
}

export interface Correlation {
  /** attempt id -> the connect() that is the same attempt. */
  joined: Map<number, ConnectEvent>;
  unjoined: ConnectEvent[];
  /** Things to tell (inputs from different runs, clocks that could not be aligned). */
  notes: { code: "INPUTS_FROM_DIFFERENT_RUNS" | "CLOCKS_NOT_ALIGNED"; message: string }[];
}

function sameServer(a: JoinCandidate, c: ConnectEvent): boolean {
  if (a.server.port !== c.server.port) return false;
  // tcpdump without -n prints host names; then the port has to do
  const numeric = /^[\d.]+$|:/.test(a.server.ip);
  return !numeric || a.server.ip === c.server.ip;
}

function sameClient(a: JoinCandidate, c: ConnectEvent): boolean {
  return !c.client?.port || !a.client.port || a.client.port === c.client.port;
}

/** Attempts by server port, each list sorted by first-SYN time (by time of day when the clocks compare so). */
class AttemptIndex {
  private readonly byPort = new Map<number | null, { keys: number[]; items: JoinCandidate[] }>();
  /** Every attempt (timed or not) by server port, in the order of the list given. */
  private readonly allByPort = new Map<number | null, JoinCandidate[]>();
  /** Position in the list given: ties are broken as a scan of that list would. */
  readonly order = new Map<JoinCandidate, number>();

  constructor(
    readonly attempts: JoinCandidate[],
    readonly timeOfDay: boolean,
  ) {
    attempts.forEach((a, i) => {
      this.order.set(a, i);
      const list = this.allByPort.get(a.server.port);
      if (list) list.push(a);
      else this.allByPort.set(a.server.port, [a]);
    });
    const timed = attempts.filter((a) => a.firstSyn.seconds !== null);
    const key = (a: JoinCandidate) => this.key(a.firstSyn.seconds!);
    for (const a of [...timed].sort((x, y) => key(x) - key(y) || this.order.get(x)! - this.order.get(y)!)) {
      let group = this.byPort.get(a.server.port);
      if (!group) this.byPort.set(a.server.port, (group = { keys: [], items: [] }));
      group.keys.push(key(a));
      group.items.push(a);
    }
  }

  private key(seconds: number): number {
    return this.timeOfDay ? ((seconds % DAY) + DAY) % DAY : seconds;
  }

  /** Attempts aligned with the call at this offset, in the order of the list given. */
  near(c: ConnectEvent, offset: number): JoinCandidate[] {
    const group = this.byPort.get(c.server.port);
    if (!group || !c.time) return [];
    const t = this.key(c.time.seconds + offset);
    const out: JoinCandidate[] = [];
    const collect = (from: number, to: number) => {
      for (let i = lowerBound(group.keys, from); i < group.keys.length && group.keys[i]! <= to; i++) {
        const a = group.items[i]!;
        if (aligned(a, c, offset, this.timeOfDay)) out.push(a);
      }
    };
    // a little wider than the window: keys are rounded the other way than gap()
    const w = SAME_MOMENT_SECONDS + 1e-6;
    collect(t - w, t + w);
    if (this.timeOfDay && t - w < 0) collect(t - w + DAY, DAY);
    if (this.timeOfDay && t + w >= DAY) collect(0, t + w - DAY);
    return out.sort((x, y) => this.order.get(x)! - this.order.get(y)!);
  }

  /** Every attempt to the call's server port (timed or not), in the order of the list given. */
  atPort(c: ConnectEvent): JoinCandidate[] {
    return this.allByPort.get(c.server.port) ?? [];
  }
}

function lowerBound(keys: number[], x: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Offset (seconds) to add to strace times to get tcpdump times, or null if none fits. */
function clockOffset(index: AttemptIndex, connects: ConnectEvent[]): number | null {
  const tcpClock = index.attempts[0]!.firstSyn.clock;
  const straceClock = connects[0]!.clock;
  // The same kind of clock needs no offset; time of day against epoch seconds
  // differs by the time zone: try every quarter hour.
  const candidates = tcpClock === straceClock ? [0] : quarterHours();
  return bestOffset(index, connects, candidates, 1);
}

/**
 * Relative times (-r, -ttt/-ttttt) have no common origin: every pairing of
 * a connect() with a first SYN to the same server proposes an offset; one
 * that lines up at least two pairs is taken (a single pair lines up with
 * anything, so it proves nothing).
 */
function eventOffset(index: AttemptIndex, connects: ConnectEvent[]): number | null {
  const timed = connects.filter((c) => c.time).slice(0, 64);
  const candidates = new Set<number>();
  for (const c of timed) {
    for (const a of index.atPort(c)) {
      if (candidates.size >= MAX_OFFSET_CANDIDATES) break;
      if (a.firstSyn.seconds !== null && sameServer(a, c) && sameClient(a, c)) candidates.add(a.firstSyn.seconds - c.time!.seconds);
    }
  }
  return timed.length < 2 ? null : bestOffset(index, timed, [...candidates], 2);
}

function bestOffset(index: AttemptIndex, connects: ConnectEvent[], candidates: number[], needed: number): number | null {
  // Most connect() calls lined up with a SYN, then the closest: with many
  // attempts a second apart, several offsets line all of them up, and only
  // the true one puts each SYN right after its connect().
  let best: { offset: number; hits: number; spread: number } | null = null;
  for (const offset of candidates) {
    let hits = 0;
    let spread = 0;
    for (const c of connects) {
      const near = index.near(c, offset);
      if (near.length === 0) continue;
      hits++;
      spread += Math.min(...near.map((a) => Math.abs(gap(a, c, offset, index.timeOfDay))));
    }
    if (hits >= needed && (!best || hits > best.hits || (hits === best.hits && spread < best.spread))) {
      best = { offset, hits, spread };
    }
  }
  return best?.offset ?? null;
}

// Epoch seconds compare as they are; anything with a time of day (tcpdump's
// default and -tttt, strace -t/-tt) compares by the time of day.
function byTimeOfDay(a: ClockKind, b: ClockKind): boolean {
  return !(a === "epoch" && b === "epoch");
}

function quarterHours(): number[] {
  const out: number[] = [];
  for (let q = -14 * 4; q <= 14 * 4; q++) out.push(q * 900);
  return out;
}

/** Seconds from the attempt's first SYN to the connect() call, on aligned clocks. */
function gap(a: JoinCandidate, c: ConnectEvent, offset: number, timeOfDay: boolean): number {
  const diff = c.time!.seconds + offset - a.firstSyn.seconds!;
  return timeOfDay ? ((((diff + DAY / 2) % DAY) + DAY) % DAY) - DAY / 2 : diff;
}

function aligned(a: JoinCandidate, c: ConnectEvent, offset: number, timeOfDay: boolean): boolean {
  if (a.firstSyn.seconds === null || !c.time || !sameServer(a, c) || !sameClient(a, c)) return false;
  return Math.abs(gap(a, c, offset, timeOfDay)) <= SAME_MOMENT_SECONDS;
}

function span(times: number[]): string {
  const fmt = (s: number) => {
    const t = ((s % DAY) + DAY) % DAY;
    const h = Math.floor(t / 3600);
    const m = Math.floor((t % 3600) / 60);
    const sec = Math.floor(t % 60);
    return [h, m, sec].map((x) => String(x).padStart(2, "0")).join(":");
  };
  const min = times.reduce((x, y) => Math.min(x, y));
  const max = times.reduce((x, y) => Math.max(x, y));
  return `${fmt(min)}-${fmt(max)}`;
}

function serverKey(c: ConnectEvent): string {
  return `${c.server.ip}|${c.server.port}`;
}

export function correlate(attempts: JoinCandidate[], connects: ConnectEvent[]): Correlation {
  const joined = new Map<number, ConnectEvent>();
  const notes: Correlation["notes"] = [];
  const unjoined: ConnectEvent[] = [];
  const byInput = (xs: { input: string }[]) => [...new Set(xs.map((x) => x.input))];
  const straceInputs = byInput(connects.map((c) => c.at));
  const tcpInputs = byInput(attempts);
  const taken = new Set<number>();
  // every attempt, to tell whether a call's server and client have exactly one
  const everywhere = new AttemptIndex(attempts, false);
  const tcpByInput = new Map<string, JoinCandidate[]>();
  for (const a of attempts) (tcpByInput.get(a.input) ?? tcpByInput.set(a.input, []).get(a.input)!).push(a);

  for (const sInput of straceInputs) {
    const calls = connects.filter((c) => c.at.input === sInput);
    let left = calls;
    for (const tInput of tcpInputs) {
      const cands = tcpByInput.get(tInput)!.filter((a) => !taken.has(a.id));
      if (cands.length === 0 || left.length === 0) continue;
      const absolute = comparable(cands[0]!, left[0]!);
      const todCompare = absolute && byTimeOfDay(cands[0]!.firstSyn.clock, left[0]!.clock);
      const index = new AttemptIndex(cands, absolute ? todCompare : false);
      const offset = absolute ? clockOffset(index, left) : eventOffset(index, left);
      const callsAt = new Map<string, number>();
      for (const c of left) callsAt.set(serverKey(c), (callsAt.get(serverKey(c)) ?? 0) + 1);
      const rest: ConnectEvent[] = [];
      for (const c of left) {
        const match =
          offset !== null
            ? nearest(index.near(c, offset).filter((a) => !taken.has(a.id)), c, offset, todCompare)
            : absolute
              ? undefined
              : unambiguous(everywhere, index, taken, callsAt, c);
        if (match) {
          joined.set(match.id, c);
          taken.add(match.id);
        } else rest.push(c);
      }
      if (!absolute && rest.length < left.length) {
        notes.push({
          code: "CLOCKS_NOT_ALIGNED",
          message:
            offset !== null
              ? `${sInput} and ${tInput}: their times have no common origin (relative or epoch against time of day); they were aligned by matching connect() calls with SYNs (offset ${offset.toFixed(3)} s)`
              : `${sInput} and ${tInput}: their clocks cannot be aligned (relative or missing timestamps); only attempts that are unambiguous by address were joined`,
        });
      }
      if (absolute && offset === null) {
        const shared = left.filter((c) => index.atPort(c).some((a) => sameServer(a, c)));
        const tTimes = cands.map((a) => a.firstSyn.seconds).filter((x): x is number => x !== null);
        const sTimes = shared.map((c) => c.time?.seconds).filter((x): x is number => x !== undefined);
        if (shared.length > 0 && tTimes.length > 0 && sTimes.length > 0) {
          notes.push({
            code: "INPUTS_FROM_DIFFERENT_RUNS",
            message: `${tInput} (${span(tTimes)}) and ${sInput} (${span(sTimes)}) both show ${describeAddress(shared[0]!.server)} but at different times: they are from different runs, and their evidence is not merged`,
          });
        }
      }
      left = rest;
    }
    unjoined.push(...left);
  }
  return { joined, unjoined, notes };
}

function comparable(a: JoinCandidate, c: ConnectEvent): boolean {
  return a.firstSyn.clock !== "relative" && a.firstSyn.clock !== null && c.clock !== "relative" && c.clock !== null;
}

function nearest(cands: JoinCandidate[], c: ConnectEvent, offset: number, timeOfDay: boolean): JoinCandidate | undefined {
  const distance = (a: JoinCandidate) => Math.abs(gap(a, c, offset, timeOfDay));
  return cands.sort((x, y) => distance(x) - distance(y))[0];
}

// Without a common clock: join when this is the only connect() to that server
// and the only attempt to it in all the captures given.
function unambiguous(
  everywhere: AttemptIndex,
  index: AttemptIndex,
  taken: Set<number>,
  callsAt: Map<string, number>,
  c: ConnectEvent,
): JoinCandidate | undefined {
  const fits = (a: JoinCandidate) => sameServer(a, c) && sameClient(a, c);
  if (everywhere.atPort(c).filter(fits).length !== 1) return undefined;
  const attemptsThere = index.atPort(c).filter((a) => !taken.has(a.id) && fits(a));
  return attemptsThere.length === 1 && callsAt.get(serverKey(c)) === 1 ? attemptsThere[0] : undefined;
}
