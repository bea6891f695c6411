// Turns printed timestamps into seconds on one clock per input.
import type { Timestamp } from "./records.js";

const DAY = 86400;

/** How -ttt/-ttttt values are read; they look the same in the output. */
export type RelativeMode = "delta" | "since-first";

export class InputClock {
  private days = 0;
  private lastClock: number | null = null;
  private elapsed = 0;

  constructor(private relativeMode: RelativeMode = "since-first") {}

  setRelativeMode(mode: RelativeMode): void {
    this.relativeMode = mode;
  }

  seconds(ts: Timestamp): number {
    return this.secondsOf(ts.kind, ts.seconds);
  }

  /** As seconds(), from a timestamp's kind and printed value. */
  secondsOf(kind: Timestamp["kind"], printed: number): number {
    switch (kind) {
      case "clock":
        return this.timeOfDay(printed);
      case "relative":
        if (this.relativeMode === "delta") this.elapsed += printed;
        else this.elapsed = printed;
        return this.elapsed;
      default:
        return printed;
    }
  }

  // A time of day that jumps back by more than half a day crossed midnight.
  private timeOfDay(s: number): number {
    if (this.lastClock !== null && s < this.lastClock - DAY / 2) this.days++;
    this.lastClock = s;
    return this.days * DAY + s;
  }
}
