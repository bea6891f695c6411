import type { AnalyzerEvent } from "../events.js";
import { iptablesLineParser } from "../firewall/grammar.js";
import { listedForm } from "../firewall/rulespec.js";
import { iptablesSaveLineParser } from "../firewall/save-grammar.js";
import { nftLineParser } from "../firewall/nft-grammar.js";
import { nftListedForm } from "../firewall/nft-rule.js";
import type { FirewallLine } from "../firewall/records.js";
import { lineReader, type FormatReader } from "./reader.js";

/** iptables -L listings: rules are placed in the chain whose header precedes them. */
export function iptablesReader(
  input: string,
  feed: (e: AnalyzerEvent) => void,
  onRecord: ((line: number, rec: FirewallLine) => void) | undefined,
): FormatReader {
  let chain: string | null = null;
  let position = 0;
  return lineReader(iptablesLineParser, (line, rec) => {
    const at = { input, line };
    if (rec.record === "chain") {
      chain = rec.chain;
      position = 0;
      feed({ type: "firewall-chain", at, chain, policy: rec.policy });
    } else if (rec.record === "rule") {
      position++;
      rec.chain = chain;
      // a rule with no chain header above it (pasted alone) is taken as INPUT's
      feed({
        type: "firewall-rule",
        at,
        chain: chain ?? "INPUT",
        position: rec.num ?? position,
        target: rec.target,
        prot: rec.prot,
        source: rec.source,
        destination: rec.destination,
        in: rec.in,
        out: rec.out,
        options: rec.options,
        pkts: rec.pkts,
        text: rec.text,
      });
    }
    onRecord?.(line, rec.record === "rule" ? { ...rec, chain: rec.chain ?? "INPUT" } : rec);
  });
}

/**
 * iptables-save and iptables -S: rule specs, turned into the -L form the
 * evaluator reads. Only the filter table decides whether a SYN passes.
 */
export function iptablesSaveReader(input: string, feed: (e: AnalyzerEvent) => void): FormatReader {
  let table = "filter";
  const positions = new Map<string, number>();
  return lineReader(iptablesSaveLineParser, (line, rec) => {
    const at = { input, line };
    if (rec.record === "table") table = rec.table;
    else if (table !== "filter") return;
    else if (rec.record === "chain") feed({ type: "firewall-chain", at, chain: rec.chain, policy: rec.policy });
    else if (rec.record === "rule") {
      const position = (positions.get(rec.chain) ?? 0) + 1;
      positions.set(rec.chain, position);
      const form = listedForm(rec.args);
      feed({ type: "firewall-rule", at, chain: rec.chain, position, pkts: rec.packets, text: rec.text, ...form });
    }
  });
}

/** iptables-nft's tables: only filter decides whether a SYN passes. */
const NOT_FILTER_TABLES = new Set(["nat", "mangle", "raw", "security"]);
const HOOK_CHAINS: Record<string, string> = { input: "INPUT", output: "OUTPUT", forward: "FORWARD" };

/**
 * nft list ruleset: base chains are named by their hook (INPUT, OUTPUT,
 * FORWARD) so that the same walk serves; ip and ip6 tables keep their
 * families through the addresses their rules carry.
 */
export function nftReader(input: string, feed: (e: AnalyzerEvent) => void): FormatReader {
  let family = "ip";
  let table = "";
  let chain: string | null = null;
  let skip = false;
  let position = 0;
  return lineReader(nftLineParser, (line, rec) => {
    const at = { input, line };
    if (rec.record === "table") {
      family = rec.family;
      table = rec.table;
    } else if (rec.record === "chain") {
      chain = rec.chain;
      position = 0;
      skip = NOT_FILTER_TABLES.has(table);
    } else if (rec.record === "hook" && chain) {
      skip = skip || rec.type !== "filter";
      chain = (rec.hook && HOOK_CHAINS[rec.hook]) ?? chain;
      if (!skip) feed({ type: "firewall-chain", at, chain, policy: rec.policy?.toUpperCase() ?? null });
    } else if (rec.record === "rule" && chain && !skip) {
      position++;
      const { pkts, ...form } = nftListedForm(rec.words, family);
      feed({ type: "firewall-rule", at, chain, position, pkts, text: rec.text, ...form });
    }
  });
}
