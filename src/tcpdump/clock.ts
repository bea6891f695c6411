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
    switch (ts.kind) {
      case "clock":
        return this.timeOfDay(ts.seconds);
      case "relative":
        if (this.relativeMode === "delta") this.elapsed += ts.seconds;
        else this.elapsed = ts.seconds;
        return this.elapsed;
      default:
        return ts.seconds;
    }
  }

  // A time of day that jumps back by more than half a day crossed midnight.
  private timeOfDay(s: number): number {
    if (this.lastClock !== null && s < this.lastClock - DAY / 2) this.days++;
    this.lastClock = s;
    return this.days * DAY + s;
  }
}
