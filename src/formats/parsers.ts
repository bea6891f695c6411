// Each tool format's line parser, by name.
import { iptablesLineParser } from "../firewall/grammar.js";
import { nftLineParser } from "../firewall/nft-grammar.js";
import { iptablesSaveLineParser } from "../firewall/save-grammar.js";
import type { LineParser } from "../line-parser.js";
import { sysctlLineParser } from "../settings/grammar.js";
import { netstatLineParser, ssLineParser } from "../sockets/grammar.js";
import type { SocketTableLine } from "../sockets/records.js";
import { straceLineParser } from "../strace/grammar.js";
import { tcpdumpLineParser } from "../tcpdump/grammar.js";
import type { ToolFormat } from "./detect.js";

/** A socket listing's catch-all "other" line is no line of that tool (see ./sockets.ts). */
function rowsOnly(parser: LineParser<SocketTableLine>): LineParser<SocketTableLine> {
  return {
    parse(text) {
      const parsed = parser.parse(text);
      return parsed.ok && parsed.value.record === "other" ? { ok: false, reason: "not a row, header or statistics line" } : parsed;
    },
  };
}

const PARSERS: Record<ToolFormat, LineParser<unknown>> = {
  tcpdump: tcpdumpLineParser,
  strace: straceLineParser,
  netstat: rowsOnly(netstatLineParser),
  ss: rowsOnly(ssLineParser),
  iptables: iptablesLineParser,
  "iptables-save": iptablesSaveLineParser,
  nft: nftLineParser,
  sysctl: sysctlLineParser,
};

export function lineParserOf(format: ToolFormat): LineParser<unknown> {
  return PARSERS[format];
}
