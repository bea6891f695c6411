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

/** A line the socket grammars could only call "other" is not one the tool prints: report it. */
export function rowsOnly(tool: "netstat" | "ss", parser: LineParser<SocketTableLine>): LineParser<SocketTableLine> {
  return {
    parse(text) {
      const parsed = parser.parse(text);
      if (parsed.ok && parsed.value.record === "other") return { ok: false, reason: `not a ${tool} row, header, statistics, route or interface line` };
      return parsed;
    },
  };
}

const PARSERS: Record<ToolFormat, LineParser<unknown>> = {
  tcpdump: tcpdumpLineParser,
  strace: straceLineParser,
  netstat: rowsOnly("netstat", netstatLineParser),
  ss: rowsOnly("ss", ssLineParser),
  iptables: iptablesLineParser,
  "iptables-save": iptablesSaveLineParser,
  nft: nftLineParser,
  sysctl: sysctlLineParser,
};

export function lineParserOf(format: ToolFormat): LineParser<unknown> {
  return PARSERS[format];
}
