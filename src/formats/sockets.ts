// netstat and ss listings: their grammars, what proves each, and TCP rows as socket events.
import type { LineParser } from "../line-parser.js";
import { netstatLineParser, ssLineParser } from "../sockets/grammar.js";
import { normaliseState } from "../sockets/netstat-build.js";
import type { SocketTableLine } from "../sockets/records.js";
import { asParsed, lineReader, type FormatModule, type ReaderContext } from "./format.js";

const TCP = /^tcp/;

const NETSTAT_HEADER =
  /^\s*(?:Active (?:Internet|UNIX|LOCAL|Multipath|Bluetooth)\b|Proto\s+(?:Recv-Q|RefCnt|Rexmit)\b|Proto\/ID\s|Kernel (?:IP|Interface)\b|Tcpcb\s|Socket\s+Flowhash|Address\s+Type\s|Destination\s+Gateway|Iface\s+MTU|Name\s+Mtu|Registered kernel|Routing tables|Internet6?:$)/;
const SS_HEADER = /^\s*(?:Netid\s+State|State\s+Recv-Q|Netid\s+Recv-Q|Recv-Q\s+Send-Q)\b/;

/** A line the socket grammars could only call "other" is not one the tool prints: report it. */
function rowsOnly(tool: "netstat" | "ss", parser: LineParser<SocketTableLine>): LineParser<SocketTableLine> {
  return {
    parse(text) {
      const parsed = parser.parse(text);
      if (parsed.ok && parsed.value.record === "other") return { ok: false, reason: `not a ${tool} row, header, statistics, route or interface line` };
      return parsed;
    },
  };
}

/**
 * Rows and headers prove a socket table; its catch-all "other" lines prove
 * nothing, and neither do indented lines (ss -i's tcp_info, but also any
 * other tool's continuation lines).
 */
function tableLine(parser: LineParser<SocketTableLine>, line: string, tool: "netstat" | "ss"): boolean {
  const parse = parser.parse(line);
  if (!parse.ok) return false;
  const r = parse.value;
  if (r.record === "socket") return r.tool === tool;
  // a header proves the tool only when it is one of the tool's own
  if (r.record === "header") return (tool === "netstat" ? NETSTAT_HEADER : SS_HEADER).test(r.text);
  return r.record === "unix-socket";
}

/** TCP rows become socket events. */
function socketTableReader(tool: "netstat" | "ss", parser: LineParser<SocketTableLine>, ctx: ReaderContext) {
  const { input, sink, onRecord } = ctx;
  // ss ... state STATE prints rows without a State column
  const filterState = ctx.hints.state;
  const stateOfRows = filterState ? normaliseState(filterState.toUpperCase().replace(/^LISTENING$/, "LISTEN")) : null;
  return lineReader(parser, (line, rec) => {
    onRecord?.(line, asParsed(rec));
    // ss without a Netid column (ss -t...) lists TCP sockets only
    if (rec.record === "socket" && (rec.proto === null ? tool === "ss" : TCP.test(rec.proto))) {
      sink.feed({
        type: "socket",
        at: { input, line },
        tool,
        proto: rec.proto,
        state: rec.state ?? stateOfRows,
        local: { ip: rec.local.ip, port: rec.local.port },
        remote: { ip: rec.remote.ip, port: rec.remote.port },
        recvQ: rec.recvQ,
        sendQ: rec.sendQ,
        pid: rec.pid,
        program: rec.program,
        timer: rec.timer ? { name: rec.timer.name, expires: rec.timer.expires, retransmits: rec.timer.retransmits } : null,
      });
    }
  });
}

function tableModule(tool: "netstat" | "ss", grammar: LineParser<SocketTableLine>): FormatModule {
  const parser = rowsOnly(tool, grammar);
  return {
    name: tool,
    parser,
    proves: (line) => tableLine(grammar, line, tool),
    weight: 1,
    reader: (ctx) => socketTableReader(tool, parser, ctx),
  };
}

export const netstat = tableModule("netstat", netstatLineParser);
export const ss = tableModule("ss", ssLineParser);
