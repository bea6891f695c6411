// Postprocessors of grammar/sysctl.ne: matched tokens -> ./records.ts.
import type { Token } from "moo";
import { lineSpans, type Span } from "../grammar-support.js";
import type { SysctlLine } from "./records.js";

const spans = lineSpans();
export const { readsLineFrom, emptySpan, span, extend } = spans;

/** /proc/sys/net/ipv4/tcp_syn_retries -> net.ipv4.tcp_syn_retries */
export function keyOfPath(path: string): string {
  return path.replace(/^\/proc\/sys\//, "").replace(/\//g, ".");
}

export function setting(key: string, value: Span) {
  return { record: "setting", key: key.includes("/") ? key.replace(/\//g, ".") : key, value };
}

export function value(tokens: Token[]) {
  return { record: "value", value: tokens.map((t) => t.text).join(" ") };
}

export function message(text: Span) {
  return { record: "message", text };
}

export function finish(value: SysctlLine): SysctlLine {
  const out = spans.finish(value) as SysctlLine;
  // a key printed with an empty value ("key = ") keeps "" rather than null
  if (out.record === "setting" && out.value === null) return { ...out, value: "" };
  return out;
}
