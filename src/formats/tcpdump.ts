// tcpdump's text output: the fast path and the grammar, what proves it, and
// its packets as events (`tcpdiag parse` prints the packets, -v lines joined).
import { scheduleScore } from "../analyzer/kernel-model.js";
import type { TcpdumpEvent } from "../events.js";
import type { PacketLine } from "../tcpdump/records.js";
import type { LineParse } from "../line-parser.js";
import type { RelativeMode } from "../tcpdump/clock.js";
import { TcpdumpScanner } from "../tcpdump/fast.js";
import { tcpdumpGrammar, tcpdumpLineParser } from "../tcpdump/grammar.js";
import { TcpdumpAssembler, type RelativeReadings } from "../tcpdump/packets.js";
import type { FormatModule, ParsedRecord, ReaderContext } from "./format.js";

// Relative times that never decrease: the reading under which the SYN
// series look more like Linux schedules (defaults count double) wins. Short series can fit both
// (0, 1, 2 is linear read as -ttttt, exponential read as -ttt); -ttt is the
// more common flag, so it wins ties when there are SYN series at all.
function chooseRelativeMode(readings: RelativeReadings): RelativeMode | null {
  const delta = scheduleScore(readings.delta);
  const sinceFirst = scheduleScore(readings.sinceFirst);
  if (delta === 0 && sinceFirst === 0) return null;
  return delta >= sinceFirst ? "delta" : "since-first";
}

/** tcpdump's own lines, as it prints them (its grammar takes any "N packets ..." as a banner). */
const TCPDUMP_BANNER =
  /^(?:\d+ packets? (?:captured|received by filter|dropped by (?:kernel|interface))$|listening on |reading from |tcpdump: )/;

/** A line the fast path read: parsed, with no record made for it. */
const SCANNED: LineParse<unknown> = { ok: true, value: undefined };

/**
 * A packet event as `tcpdiag parse` prints it: the time as printed and in
 * seconds, then the fields; a TCP segment also with the window, length and
 * options its packet line printed (the analyzer has no use for them).
 */
function packetRecord(event: TcpdumpEvent, packet: PacketLine | undefined): ParsedRecord {
  const { at: _at, ...fields } = event;
  if (!("time" in fields)) return fields;
  const { time, type, ...rest } = fields;
  const seg = event.type === "tcp" && packet?.flow?.payload.kind === "tcp" ? packet.flow.payload : null;
  const more = seg ? { win: seg.win, length: seg.length, options: seg.options } : {};
  return { type, timestamp: time?.text ?? null, seconds: time?.seconds ?? null, ...rest, ...more };
}

function reader(ctx: ReaderContext) {
  const { input, sink, onRecord } = ctx;
  const assembler = new TcpdumpAssembler(
    input,
    (event, packet) => {
      onRecord?.(event.at.line, packetRecord(event, packet));
      if (event.type !== "banner") sink.feed(event);
    },
    ctx.relativeTimes ? { relativeMode: ctx.relativeTimes } : { chooseRelativeMode },
  );
  const scanner = new TcpdumpScanner();
  // one-line TCP packets go to the tracker without an event when that is all
  // it needs; records are made when someone prints them (tcpdiag parse)
  const quick = onRecord === undefined ? sink.packets?.(input) : undefined;
  return {
    line(line: number, text: string): LineParse<unknown> {
      if (scanner.scan(text)) {
        if (quick && assembler.quick(line, text, scanner, quick)) return SCANNED;
        const value = scanner.record();
        assembler.line(line, value);
        return { ok: true, value };
      }
      const parsed = tcpdumpGrammar.parse(text);
      if (parsed.ok) assembler.line(line, parsed.value);
      // no continuation follows a line that does not parse: the packet above is whole, and goes before it
      else assembler.idle();
      return parsed;
    },
    idle: () => assembler.idle(),
    end: () => assembler.end(),
    notes: () => assembler.notes,
  };
}

export const tcpdump: FormatModule = {
  name: "tcpdump",
  parser: tcpdumpLineParser,
  // a timestamp and any text is "other traffic" to the tcpdump grammar: it
  // proves little; a flow, a link header, -#'s number or tcpdump's own lines do
  proves(line) {
    const t = tcpdumpLineParser.parse(line);
    if (!t.ok) return false;
    if (t.value.record === "banner") return TCPDUMP_BANNER.test(line.trim());
    if (t.value.record !== "packet") return false;
    // a line of traffic tcpdump decoded with no IP in it (IS-IS, STP, ARCnet) proves it by -#'s packet number before a -tttt date and time (strace pads its pids, never prints a date)
    return !!(t.value.network || t.value.flow || t.value.link) || (t.value.number !== null && t.value.timestamp?.kind === "date");
  },
  weight: 1,
  reader,
};
