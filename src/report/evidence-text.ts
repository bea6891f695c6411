// The text of the lines a report cites, read again from their files (the
// analysis keeps line numbers, not text, so that its memory does not grow
// with the input). Standard input cannot be read twice: its lines go
// without text.
import type { Evidence } from "../events.js";
import { fileSource, readLines, STDIN_NAME } from "../input.js";
import { lineKey, type LineTexts } from "./html.js";

export async function lineTexts(evidence: readonly Evidence[]): Promise<LineTexts> {
  const wanted = new Map<string, Set<number>>();
  for (const e of evidence) {
    if (e.input === STDIN_NAME) continue;
    let lines = wanted.get(e.input);
    if (!lines) wanted.set(e.input, (lines = new Set()));
    lines.add(e.line);
  }
  const out = new Map<string, string>();
  for (const [input, lines] of wanted) {
    const last = Math.max(...lines);
    const stop = new AbortController();
    try {
      await readLines(
        fileSource(input),
        (n, text) => {
          if (lines.has(n)) out.set(lineKey({ input, line: n }), text);
          if (n >= last) stop.abort();
        },
        stop.signal,
      );
    } catch {
      // changed or gone since it was analyzed: its lines go without text
    }
  }
  return out;
}
