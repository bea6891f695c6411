import type { AnalyzerEvent } from "../events.js";
import type { LineParser } from "../line-parser.js";
import { normaliseState } from "../sockets/netstat-build.js";
import type { SocketTableLine } from "../sockets/records.js";
import { lineParserOf } from "./parsers.js";
import { lineReader, type FormatReader } from "./reader.js";

const TCP = /^tcp/;

/** netstat or ss listings: TCP rows become socket events. */
export function socketTableReader(
  tool: "netstat" | "ss",
  input: string,
  feed: (e: AnalyzerEvent) => void,
  onRecord: ((line: number, rec: SocketTableLine) => void) | undefined,
  /** ss ... state STATE prints rows without a State column: their state. */
  filterState?: string,
): FormatReader {
  const stateOfRows = filterState ? normaliseState(filterState.toUpperCase().replace(/^LISTENING$/, "LISTEN")) : null;
  const parser = lineParserOf(tool) as LineParser<SocketTableLine>;
  return lineReader(parser, (line, rec) => {
    onRecord?.(line, rec);
    // ss without a Netid column (ss -t...) lists TCP sockets only
    if (rec.record === "socket" && (rec.proto === null ? tool === "ss" : TCP.test(rec.proto))) {
      feed({
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
