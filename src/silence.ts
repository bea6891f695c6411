// Live: the kernel gives up on a connection without sending a packet, so
// while a running capture prints nothing, the wall clock stands in for the
// input's clock. It is mapped by the latest chunk of lines: the input's time
// then, plus the wall time since.
import type { Analyzer } from "./analyzer/index.js";
import type { Progress } from "./pipeline.js";

/** How often the silence is looked at: a verdict by silence comes this late at most (the issue allows 1 s). */
const TICK_MS = 100;
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

  constructor(private readonly analyzer: Analyzer) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // the input keeps the process alive, not this timer
    this.timer.unref();
  }

  /** Wraps the pipeline's progress callback: each chunk read sets the mapping. */
  chunked(inner?: (p: Progress) => void): (p: Progress) => void {
    return (p) => {
      this.lastChunk = Date.now();
      this.paused = false;
      this.clocks = this.analyzer.clocks();
      inner?.(p);
    };
  }

  private tick(): void {
    const silent = Date.now() - this.lastChunk;
    if (silent < SILENT_MS) return;
    if (!this.paused) {
      this.paused = true;
      this.onPause();
      this.clocks = this.analyzer.clocks();
    }
    for (const [input, seconds] of this.clocks) this.analyzer.advance(input, seconds + silent / 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
