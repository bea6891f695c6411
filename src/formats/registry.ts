// One place that knows which reader reads which format.
import type { AnalyzerEvent, TcpdumpEvent } from "../events.js";
import type { FirewallLine } from "../firewall/records.js";
import type { SysctlLine } from "../settings/records.js";
import type { SocketTableLine } from "../sockets/records.js";
import type { StraceLine } from "../strace/records.js";
import type { RelativeMode } from "../tcpdump/clock.js";
import type { QuickTracker } from "../tcpdump/packets.js";
import type { ToolFormat } from "./detect.js";
import { iptablesReader, iptablesSaveReader, nftReader } from "./iptables.js";
import type { FormatReader } from "./reader.js";
import { socketTableReader } from "./sockets.js";
import { straceReader } from "./strace.js";
import { sysctlReader } from "./sysctl.js";
import { tcpdumpReader } from "./tcpdump.js";

/** What `tcpdiag parse` and the library's users can watch, per format. */
export interface ReaderHooks {
  relativeTimes?: RelativeMode;
  onEvent?: (event: TcpdumpEvent) => void;
  onStraceLine?: (input: string, line: number, record: StraceLine) => void;
  onTableLine?: (input: string, tool: "netstat" | "ss", line: number, record: SocketTableLine) => void;
  onFirewallLine?: (input: string, line: number, record: FirewallLine) => void;
  onSysctlLine?: (input: string, line: number, record: SysctlLine) => void;
}

/** What a transcript's command line says about the output that follows it. */
export interface CommandHints {
  /** strace: the traced program. */
  program?: string | null;
  /** sysctl -n / cat /proc/sys: the keys of the values that follow. */
  keys?: readonly string[];
  /** iptables -t TABLE: the table of the listing. */
  table?: string;
  /** ss state STATE: the state of rows printed without one. */
  state?: string;
}

/** Where readers send what they read: events, and (for the fast path) an input's packet tracker. */
export interface EventSink {
  feed(e: AnalyzerEvent): void;
  packets?(input: string): QuickTracker;
}

export function readerFor(
  format: ToolFormat,
  input: string,
  sink: EventSink,
  hooks: ReaderHooks,
  hints: CommandHints = {},
): FormatReader {
  const feed = (e: AnalyzerEvent) => sink.feed(e);
  const bind = <A extends unknown[]>(f: ((input: string, ...a: A) => void) | undefined) => f && ((...a: A) => f(input, ...a));
  switch (format) {
    case "strace":
      return straceReader(input, feed, bind(hooks.onStraceLine), hints.program ?? null);
    case "iptables":
      return iptablesReader(input, feed, bind(hooks.onFirewallLine), hints.table ?? null);
    case "iptables-save":
      return iptablesSaveReader(input, feed, hints.table ?? null);
    case "nft":
      return nftReader(input, feed);
    case "netstat":
    case "ss":
      return socketTableReader(format, input, feed, hooks.onTableLine && ((l, r) => hooks.onTableLine!(input, format, l, r)), hints.state);
    case "sysctl":
      return sysctlReader(input, feed, hints.keys, bind(hooks.onSysctlLine));
    case "tcpdump":
      return tcpdumpReader(input, feed, hooks.onEvent, hooks.relativeTimes, sink.packets?.(input));
  }
}
