// The tool formats, in the order detection prefers them on a tie: one entry
// per format, each defined in its own module.
import type { FormatModule, FormatReader, ReaderContext, ToolFormat } from "./format.js";
import { iptables, iptablesSave, nft } from "./iptables.js";
import { netstat, ss } from "./sockets.js";
import { strace } from "./strace.js";
import { sysctl } from "./sysctl.js";
import { tcpdump } from "./tcpdump.js";

export const TOOL_FORMATS: readonly FormatModule[] = [tcpdump, strace, netstat, ss, iptables, iptablesSave, nft, sysctl];

const BY_NAME = new Map<ToolFormat, FormatModule>(TOOL_FORMATS.map((f) => [f.name, f]));

export function formatModule(name: ToolFormat): FormatModule {
  return BY_NAME.get(name)!;
}

export function readerFor(name: ToolFormat, ctx: ReaderContext): FormatReader {
  return formatModule(name).reader(ctx);
}
