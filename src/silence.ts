// Live: the kernel gives up on a connection without sending a packet, so
// while a running capture prints nothing, the wall clock stands in for the
// input's clock. It is mapped by the latest chunk of lines: the input's time
// then, plus the wall time since.
import type { Analyzer } from "./analyzer/index.js";
import type { Progress } from "./pipeline.js";

/** How often the silence is looked at: a verdict waits this much at most beyond its moment. */
const TICK_MS = 25;
/**
 * A pause this long hands on what waits for a next line (a packet's -v
 * continuation): tcpdump -l writes a packet's lines together, microseconds
 * apart, and a verdict is due within 100 ms of its line.
 */
const PAUSE_MS = 50;
/**
 * How long the input must have been silent before the wall clock counts: a
 * fast reader of a pipe (cat FILE | tcpdiag) never pauses this long, so its
 * lines alone keep the clock.
 */
const SILENT_MS = 250;

export class SilenceClock {
  private lastChunk = Date.now();
  private clocks = new Map<string, number>();
  /** Told once per pause, before the clock moves: the reader hands on what waits for a next line. */
  onPause: () => void = () => undefined;
  private paused = false;
  private readonly timer: NodeJS.Timeout;

  /** Without an analyzer (tcpdiag parse) a pause still hands on what waits for a next line. */
  constructor(private readonly analyzer: Analyzer | null) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // the input keeps the process alive, not this timer
    this.timer.unref();
  }

  /** Wraps the pipeline's progress callback: each chunk read sets the mapping. */
  chunked(inner?: (p: Progress) => void): (p: Progress) => void {
    return (p) => {
      this.lastChunk = Date.now();
      this.paused = false;
      this.clocks = this.analyzer?.clocks() ?? this.clocks;
      inner?.(p);
    };
  }

  private tick(): void {
    const silent = Date.now() - this.lastChunk;
    if (silent >= PAUSE_MS && !this.paused) {
      this.paused = true;
      this.onPause();
      this.clocks = this.analyzer?.clocks() ?? this.clocks;
    }
    if (silent < SILENT_MS) return;
    for (const [input, seconds] of this.clocks) this.analyzer?.advance(input, seconds + silent / 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
