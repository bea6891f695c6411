// Joins connect() calls (strace) with the SYN series (tcpdump) of the same
// attempt: same server address, same client port when both show it, and
// the same moment once the two inputs' clocks are aligned. Inputs whose
// clocks cannot be aligned are joined only where that is unambiguous, and
// inputs plainly from different runs are not joined at all.
import type { ClockKind, ConnectEvent } from "../events.js";
import type { AttemptState } from "./attempt.js";
import { describeAddress } from "./words.js";

const DAY = 86400;
/** A SYN leaves within microseconds of connect(); timestamps of two tools on one host agree closely. */
const SAME_MOMENT = 2;

export interface Correlation {
  /** attempt id -> the connect() that is the same attempt. */
  joined: Map<number, ConnectEvent>;
  unjoined: ConnectEvent[];
  /** Things to tell (inputs from different runs, clocks that could not be aligned). */
  notes: { code: "INPUTS_FROM_DIFFERENT_RUNS" | "CLOCKS_NOT_ALIGNED"; message: string }[];
}

function sameServer(a: AttemptState, c: ConnectEvent): boolean {
  if (a.server.port !== c.server.port) return false;
  // tcpdump without -n prints host names; then the port has to do
  const numeric = /^[\d.]+$|:/.test(a.server.ip);
  return !numeric || a.server.ip === c.server.ip;
}

function sameClient(a: AttemptState, c: ConnectEvent): boolean {
  return !c.client?.port || !a.client.port || a.client.port === c.client.port;
}

/** Offset (seconds) to add to strace times to get tcpdump times, or null if none fits. */
function clockOffset(attempts: AttemptState[], connects: ConnectEvent[]): number | null {
  const tcpClock = attempts[0]!.firstSyn.clock;
  const straceClock = connects[0]!.clock;
  // The same kind of clock needs no offset; time of day against epoch seconds
  // differs by the time zone: try every quarter hour.
  const candidates = tcpClock === straceClock ? [0] : quarterHours();
  return bestOffset(attempts, connects, candidates, byTimeOfDay(tcpClock, straceClock), 1);
}

/**
 * Relative times (-r, -ttt/-ttttt) have no common origin: every pairing of
 * a connect() with a first SYN to the same server proposes an offset; one
 * that lines up at least two pairs is taken (a single pair lines up with
 * anything, so it proves nothing).
 */
function eventOffset(attempts: AttemptState[], connects: ConnectEvent[]): number | null {
  const timed = connects.filter((c) => c.time).slice(0, 64);
  const candidates = new Set<number>();
  for (const c of timed) {
    for (const a of attempts) {
      if (a.firstSyn.seconds !== null && sameServer(a, c) && sameClient(a, c)) candidates.add(a.firstSyn.seconds - c.time!.seconds);
    }
  }
  return timed.length < 2 ? null : bestOffset(attempts, timed, [...candidates], false, 2);
}

function bestOffset(
  attempts: AttemptState[],
  connects: ConnectEvent[],
  candidates: number[],
  timeOfDay: boolean,
  needed: number,
): number | null {
  // Most connect() calls lined up with a SYN, then the closest: with many
  // attempts a second apart, several offsets line all of them up, and only
  // the true one puts each SYN right after its connect().
  let best: { offset: number; hits: number; spread: number } | null = null;
  for (const offset of candidates) {
    let hits = 0;
    let spread = 0;
    for (const c of connects) {
      const gaps = attempts.filter((a) => aligned(a, c, offset, timeOfDay)).map((a) => Math.abs(gap(a, c, offset, timeOfDay)));
      if (gaps.length === 0) continue;
      hits++;
      spread += Math.min(...gaps);
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
function gap(a: AttemptState, c: ConnectEvent, offset: number, timeOfDay: boolean): number {
  const diff = c.time!.seconds + offset - a.firstSyn.seconds!;
  return timeOfDay ? ((((diff + DAY / 2) % DAY) + DAY) % DAY) - DAY / 2 : diff;
}

function aligned(a: AttemptState, c: ConnectEvent, offset: number, timeOfDay: boolean): boolean {
  if (a.firstSyn.seconds === null || !c.time || !sameServer(a, c) || !sameClient(a, c)) return false;
  return Math.abs(gap(a, c, offset, timeOfDay)) <= SAME_MOMENT;
}

function span(times: number[]): string {
  const fmt = (s: number) => {
    const t = ((s % DAY) + DAY) % DAY;
    const h = Math.floor(t / 3600);
    const m = Math.floor((t % 3600) / 60);
    const sec = Math.floor(t % 60);
    return [h, m, sec].map((x) => String(x).padStart(2, "0")).join(":");
  };
  return `${fmt(Math.min(...times))}-${fmt(Math.max(...times))}`;
}

export function correlate(attempts: AttemptState[], connects: ConnectEvent[]): Correlation {
  const joined = new Map<number, ConnectEvent>();
  const notes: Correlation["notes"] = [];
  const unjoined: ConnectEvent[] = [];
  const byInput = (xs: { input: string }[]) => [...new Set(xs.map((x) => x.input))];
  const straceInputs = byInput(connects.map((c) => c.at));
  const tcpInputs = byInput(attempts.map((a) => ({ input: a.input })));
  const taken = new Set<number>();

  for (const sInput of straceInputs) {
    const calls = connects.filter((c) => c.at.input === sInput);
    let left = calls;
    for (const tInput of tcpInputs) {
      const cands = attempts.filter((a) => a.input === tInput && !taken.has(a.id));
      if (cands.length === 0 || left.length === 0) continue;
      const absolute = comparable(cands[0]!, left[0]!);
      const offset = absolute ? clockOffset(cands, left) : eventOffset(cands, left);
      const todCompare = absolute && byTimeOfDay(cands[0]!.firstSyn.clock, left[0]!.clock);
      const rest: ConnectEvent[] = [];
      for (const c of left) {
        const free = cands.filter((a) => !taken.has(a.id));
        const match =
          offset !== null
            ? nearest(free.filter((a) => aligned(a, c, offset, todCompare)), c, offset, todCompare)
            : absolute
              ? undefined
              : unambiguous(attempts, free, left, c);
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
        const shared = left.filter((c) => cands.some((a) => sameServer(a, c)));
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

function comparable(a: AttemptState, c: ConnectEvent): boolean {
  return a.firstSyn.clock !== "relative" && a.firstSyn.clock !== null && c.clock !== "relative" && c.clock !== null;
}

function nearest(cands: AttemptState[], c: ConnectEvent, offset: number, timeOfDay: boolean): AttemptState | undefined {
  const distance = (a: AttemptState) => Math.abs(gap(a, c, offset, timeOfDay));
  return cands.sort((x, y) => distance(x) - distance(y))[0];
}

// Without a common clock: join when this is the only connect() to that server
// and the only attempt to it in all the captures given.
function unambiguous(
  all: AttemptState[],
  cands: AttemptState[],
  calls: ConnectEvent[],
  c: ConnectEvent,
): AttemptState | undefined {
  if (all.filter((a) => sameServer(a, c) && sameClient(a, c)).length !== 1) return undefined;
  const attemptsThere = cands.filter((a) => sameServer(a, c) && sameClient(a, c));
  const callsThere = calls.filter((x) => x.server.port === c.server.port && x.server.ip === c.server.ip);
  return attemptsThere.length === 1 && callsThere.length === 1 ? attemptsThere[0] : undefined;
}
