// Joins strace's line records into whole calls: "<unfinished ...>" with its
// "<... name resumed>" by pid, and calls cut by another line with the bare
// ") = N" that ends them. Puts every time on one clock per input.
import type { ClockKind, EventTime, Evidence } from "../events.js";
import type { Arg, StraceLine, StraceTimestamp, SyscallResult } from "./records.js";

export interface Syscall {
  pid: number | null;
  name: string;
  args: Arg[];
  result: SyscallResult;
  /** When the call started, and its -T duration (or the span between its two halves). */
  time: EventTime | null;
  duration: number | null;
  at: Evidence;
  /** The line that finished the call, when it was split. */
  endAt: Evidence | null;
}

export interface ProcessEnd {
  pid: number | null;
  at: Evidence;
  time: EventTime | null;
  kind: "exited" | "killed";
  signal: string | null;
}

export interface CallSink {
  call(c: Syscall): void;
  /** A whole call of no interest to the sink but for its time (see wants). */
  passed(name: string, time: EventTime | null): void;
  wants(name: string): boolean;
  processEnd(e: ProcessEnd): void;
  signal(pid: number | null, at: Evidence, signal: string | null): void;
  programOutput(text: string): void;
}

interface Half {
  name: string;
  args: Arg[];
  time: EventTime | null;
  at: Evidence;
}

/** strace -ttt prints epoch seconds; -r prints seconds since the previous line (small numbers). */
const EPOCH_MIN = 1e8;
const DAY = 86400;

export class StraceCallAssembler {
  private readonly pending = new Map<number | null, Half>();
  private lastCut: { pid: number | null; half: Half } | null = null;
  private relative = 0;
  private days = 0;
  private lastClock: number | null = null;
  clock: ClockKind = null;

  constructor(
    private readonly input: string,
    private readonly sink: CallSink,
    /** The pid from an -ff file name ("trace.1234"), for lines without a prefix. */
    private readonly filePid: number | null = null,
  ) {}

  /** The pid a call line is of: its prefix's, or the -ff file name's. */
  pidOf(prefix: number | null): number | null {
    return prefix ?? this.filePid;
  }

  /** A whole call the sink does not want (the fast path read its time and name only). */
  passedCall(ts: StraceTimestamp | null, name: string): void {
    this.sink.passed(name, ts ? this.time(ts) : null);
  }

  /**
   * A half of a call the sink does not want, read as line() reads it but
   * without its arguments (only the sink's handlers read them).
   */
  passedHalf(part: "unfinished" | "resumed", pid: number | null, ts: StraceTimestamp | null, name: string, line: number): void {
    const at = { input: this.input, line };
    const owner = pid ?? this.filePid;
    const time = ts ? this.time(ts) : null;
    if (part === "unfinished") {
      this.pending.set(owner, { name, args: [], time, at });
      return;
    }
    const half = this.pending.get(owner);
    if (!half || half.name !== name) return; // the first half was before the trace started
    this.pending.delete(owner);
    this.sink.passed(name, half.time);
  }

  line(line: number, rec: StraceLine): void {
    const at = { input: this.input, line };
    const pid = rec.pid ?? this.filePid;
    const time = rec.timestamp ? this.time(rec.timestamp) : null;
    switch (rec.record) {
      case "syscall":
        this.sink.call({ pid, name: rec.name, args: rec.args, result: rec.result, time, duration: rec.duration, at, endAt: null });
        break;
      case "unfinished": {
        const half = { name: rec.name, args: rec.args, time, at };
        if (rec.cut) this.lastCut = { pid, half };
        else this.pending.set(pid, half);
        break;
      }
      case "resumed":
        this.resumed(pid, rec, time, at);
        break;
      case "exit":
        this.sink.processEnd({ pid, at, time, kind: rec.kind, signal: rec.signal });
        break;
      case "signal":
        this.sink.signal(pid, at, rec.signal);
        break;
      case "program-output":
        this.sink.programOutput(rec.text);
        break;
      default:
        break;
    }
  }

  private resumed(
    pid: number | null,
    rec: Extract<StraceLine, { record: "resumed" }>,
    time: EventTime | null,
    at: Evidence,
  ): void {
    let owner: { pid: number | null; half: Half } | null = null;
    if (rec.name === null) {
      owner = this.lastCut;
      this.lastCut = null;
    } else {
      const half = this.pending.get(pid);
      if (half && half.name === rec.name) {
        owner = { pid, half };
        this.pending.delete(pid);
      }
    }
    if (!owner) return; // the first half was before the trace started
    const { half } = owner;
    const args = [...half.args.filter((a, i) => !(i === half.args.length - 1 && a.text === "")), ...rec.args];
    // -T on the resumed line is the whole call's duration
    const duration =
      rec.duration ?? (time && half.time ? Math.round((time.seconds - half.time.seconds) * 1e6) / 1e6 : null);
    this.sink.call({ pid: owner.pid, name: half.name, args, result: rec.result, time: half.time, duration, at: half.at, endAt: at });
  }

  private time(ts: StraceTimestamp): EventTime {
    if (ts.kind === "clock") {
      this.clock = "time-of-day";
      if (this.lastClock !== null && ts.seconds < this.lastClock - DAY / 2) this.days++;
      this.lastClock = ts.seconds;
      return { text: ts.text, seconds: this.days * DAY + ts.seconds, clock: "time-of-day" };
    }
    if (ts.seconds >= EPOCH_MIN) {
      this.clock = "epoch";
      return { text: ts.text, seconds: ts.seconds, clock: "epoch" };
    }
    this.clock = "relative";
    this.relative += ts.seconds;
    return { text: ts.text, seconds: Math.round(this.relative * 1e6) / 1e6, clock: "relative" };
  }
}
