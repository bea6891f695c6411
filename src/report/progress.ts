// Progress on a terminal's stderr while a large input is read: bytes, lines
// per second and, for files, the time left. Nothing for inputs read within a
// second, and nothing at all when stderr is not a terminal.
import type { Progress } from "../pipeline.js";

/** Inputs read faster than this show no progress. */
const QUIET_SECONDS = 1;
/** How often the line is redrawn. */
const EVERY_SECONDS = 0.25;

export interface ProgressLine {
  update(p: Progress): void;
  /** Clears the line (before the report is written). */
  done(): void;
}

const mib = (b: number) => (b / 2 ** 20).toFixed(b < 10 * 2 ** 20 ? 1 : 0);

export function progressLine(write: (text: string) => void, now: () => number = () => performance.now() / 1000): ProgressLine {
  const start = now();
  let last = -Infinity;
  let shown = false;
  return {
    update(p) {
      const t = now();
      const elapsed = t - start;
      if (elapsed < QUIET_SECONDS || t - last < EVERY_SECONDS) return;
      last = t;
      const rate = p.lines / elapsed;
      const of = p.size ? ` of ${mib(p.size)} MiB (${Math.floor((100 * p.bytes) / p.size)} %)` : "";
      const left = p.size && p.bytes > 0 ? `, about ${Math.ceil(((p.size - p.bytes) * elapsed) / p.bytes)} s left` : "";
      write(`\r\x1b[Ktcpdiag: ${p.input}: ${mib(p.bytes)} MiB${of}, ${Math.round(rate).toLocaleString("en")} lines/s${left}`);
      shown = true;
    },
    done() {
      if (shown) write("\r\x1b[K");
      shown = false;
    },
  };
}
