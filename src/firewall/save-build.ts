// Postprocessors of grammar/iptables_save.ne.
import type { Token } from "moo";

export interface SaveComment { record: "comment"; text: string }
export interface SaveTable { record: "table"; table: string }
export interface SaveChain { record: "chain"; chain: string; policy: string | null; packets: number | null; bytes: number | null }
export interface SaveRule {
  record: "rule";
  chain: string;
  packets: number | null;
  bytes: number | null;
  /** The words after "-A CHAIN", quoted strings kept whole. */
  args: string[];
  text: string;
}
export interface SaveCommit { record: "commit" }

export type SaveLine = SaveComment | SaveTable | SaveChain | SaveRule | SaveCommit;

export function comment(d: [Token, unknown], reject: object): SaveComment | object {
  if (!d[0].text.startsWith("#")) return reject;
  return { record: "comment", text: "" };
}

export function table(tok: Token, reject: object): SaveTable | SaveCommit | object {
  if (tok.text === "COMMIT") return { record: "commit" };
  if (/^\*[\w-]+$/.test(tok.text)) return { record: "table", table: tok.text.slice(1) };
  return reject;
}

export function declaration(name: Token, policy: Token, counters: Token, reject: object): SaveChain | object {
  if (!name.text.startsWith(":")) return reject;
  const [p, b] = counters.text.slice(1, -1).split(":").map(Number);
  return { record: "chain", chain: name.text.slice(1), policy: policy.text === "-" ? null : policy.text, packets: p!, bytes: b! };
}

export function policy(chain: Token, target: Token, counts: [Token, Token] | null): SaveChain {
  return {
    record: "chain",
    chain: chain.text,
    policy: target.text,
    packets: counts ? Number(counts[0].text) : null,
    bytes: counts ? Number(counts[1].text) : null,
  };
}

export function newChain(chain: Token): SaveChain {
  return { record: "chain", chain: chain.text, policy: null, packets: null, bytes: null };
}

export function rule(counters: Token | null, chain: Token, args: Token[]): SaveRule {
  const [p, b] = counters ? counters.text.slice(1, -1).split(":").map(Number) : [null, null];
  let words = args.map((a) => a.text);
  // iptables -S -v puts "-c PKTS BYTES" among the arguments
  let packets = p ?? null;
  let bytes = b ?? null;
  const c = words.indexOf("-c");
  if (c >= 0 && words[c + 2] !== undefined) {
    packets = Number(words[c + 1]);
    bytes = Number(words[c + 2]);
    words = [...words.slice(0, c), ...words.slice(c + 3)];
  }
  return { record: "rule", chain: chain.text, packets, bytes, args: words, text: `-A ${chain.text} ${args.map((a) => a.text).join(" ")}` };
}
