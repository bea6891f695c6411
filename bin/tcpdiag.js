#!/usr/bin/env node
import { fstatSync } from "node:fs";
import { isatty } from "node:tty";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

// Memory follows the open connections: let the heap grow by half its live size
// between full collections, not V8's default of up to four times (a long
// capture would otherwise keep hundreds of MB of decided attempts until
// the next collection). V8 reads this flag at each collection.
setFlagsFromString("--heap-growing-percent=50");
// and keep the young generation at 8 MiB per semi-space (V8 grows it to 16 by default): objects that
// live that long are the analysis's own, and a larger nursery only adds RSS. The flag can only
// stop further growth, so it is set once the nursery has grown that far.
const young = setInterval(() => {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  if (space && space.space_size >= 16 * 2 ** 20) {
    setFlagsFromString("--semi-space-growth-factor=1");
    clearInterval(young);
  }
}, 50);
young.unref();

// one bundled file (scripts/bundle.mjs): it starts in about half the time of dist/cli.js and its ~100 modules
const { main } = await import("../dist/tcpdiag.mjs");

/** Standard input that may be a capture still running: a pipe, FIFO, socket or terminal (not a file). */
function stdinIsLive() {
  try {
    const info = fstatSync(0);
    return info.isFIFO() || info.isSocket() || isatty(0);
  } catch {
    return false;
  }
}

// `tcpdiag parse ... | head`: the reader went away; stop quietly.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

try {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    columns: process.stdout.columns,
    stderrIsTerminal: process.stderr.isTTY === true,
    stdoutIsTerminal: process.stdout.isTTY === true,
    stdinIsLive: stdinIsLive(),
    stdinIsTerminal: isatty(0),
  });
} catch (err) {
  // a bug of tcpdiag's own: one line, not a stack trace
  process.stderr.write(`tcpdiag: internal error: ${err instanceof Error ? err.message : String(err)} (please report it with the input)\n`);
  process.exitCode = 1;
}
