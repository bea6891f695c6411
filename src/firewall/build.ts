// Postprocessors of grammar/iptables.ne.
import type { Token } from "moo";
import { lineSpans, type Tree } from "../grammar-support.js";
import type { ChainLine, OtherFirewallLine, RuleLine } from "./records.js";

const spans = lineSpans();
export const { readsLineFrom, emptySpan, span, extend, flat } = spans;

/** "1311K" -> 1311000: iptables prints K/M/G/T/P in powers of 1000. */
export function count(tok: Token): number {
  const m = /^(\d+)([KMGTP]?)$/.exec(tok.text)!;
  const scale = { "": 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 }[m[2]!]!;
  return Number(m[1]) * scale;
}

export function chain(name: Token, info: Tree): ChainLine {
  // decoded in finish(): the span is text only then
  return { record: "chain", chain: name.text, policy: null, packets: null, bytes: null, references: null, info } as ChainLine;
}

export function columns(d: Tree): OtherFirewallLine {
  return { record: "columns", text: spans.text(d) };
}

export function warning(d: Tree): OtherFirewallLine {
  return { record: "warning", text: spans.text(d) };
}

export function rule(
  num: Token | null,
  counters: [Token, Token] | null,
  target: Token | null,
  prot: Token,
  opt: Token | null,
  ifaces: [Token, Token] | null,
  source: Token,
  destination: Token,
  options: Tree,
  reject: object,
): RuleLine | object {
  // chain and column headers are owned by their own alternatives
  const first = (num ?? counters?.[0] ?? target ?? prot).text;
  if (first === "Chain" || first === "target" || first === "num" || first === "pkts" || first === "#") return reject;
  return {
    record: "rule",
    chain: null,
    table: null,
    num: num ? Number(num.text) : null,
    pkts: counters ? count(counters[0]) : null,
    bytes: counters ? count(counters[1]) : null,
    target: target?.text ?? null,
    prot: prot.text,
    opt: opt?.text ?? null,
    in: ifaces?.[0].text ?? null,
    out: ifaces?.[1].text ?? null,
    source: source.text,
    destination: destination.text,
    options: options as unknown as string,
    text: spans.text([num, counters, target, prot, opt, ifaces, source, destination, options] as Tree),
  };
}

/** Turns spans into text, and a chain header's "(policy ...)" / "(N references)" into fields. */
export function finish<R>(value: R): R {
  const out = spans.finish(value) as R & { record?: string; info?: string };
  if (out.record !== "chain") return out;
  const info = out.info ?? "";
  delete out.info;
  const policy = /^\(policy (\S+?)(?:\)| (\d+[KMGTP]?) packets, (\d+[KMGTP]?) bytes\))/.exec(info);
  const refs = /^\((\d+) references?\)/.exec(info);
  const c = out as unknown as ChainLine;
  const n = (x: string | undefined) => (x === undefined ? null : count({ text: x } as Token));
  if (policy) Object.assign(c, { policy: policy[1], packets: n(policy[2]), bytes: n(policy[3]) });
  if (refs) c.references = Number(refs[1]);
  return out;
}
