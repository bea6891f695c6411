// What the iptables grammar returns for one line of `iptables -L`.

export interface ChainLine {
  record: "chain";
  chain: string;
  /** Built-in chains: ACCEPT / DROP; null for user chains. */
  policy: string | null;
  packets: number | null;
  bytes: number | null;
  references: number | null;
}

export interface RuleLine {
  record: "rule";
  /** Set from the chain header above it by src/firewall/listing.ts. */
  chain: string | null;
  table: string | null;
  /** --line-numbers; null without. */
  num: number | null;
  pkts: number | null;
  bytes: number | null;
  /** null when the target column is blank. */
  target: string | null;
  prot: string;
  opt: string | null;
  in: string | null;
  out: string | null;
  source: string;
  destination: string;
  /** The match text after the addresses, trimmed; null when none. */
  options: string | null;
  /** The whole line as printed (for reports). */
  text: string;
}

export interface OtherFirewallLine {
  record: "columns" | "warning";
  text: string;
}

export type FirewallLine = ChainLine | RuleLine | OtherFirewallLine;
