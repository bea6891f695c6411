// Firewall listings: iptables -L, iptables-save / -S and nft list ruleset;
// their grammars, what proves each, and chains and rules as events.
import { iptablesLineParser } from "../firewall/grammar.js";
import { decodeMatch } from "../firewall/match.js";
import { listedForm } from "../firewall/rulespec.js";
import { iptablesSaveLineParser } from "../firewall/save-grammar.js";
import { nftLineParser } from "../firewall/nft-grammar.js";
import { nftListedForm } from "../firewall/nft-rule.js";
import { asParsed, lineReader, type FormatModule, type FormatReader, type ReaderContext } from "./format.js";

/** The order in which iptables -L prints the built-in chains of any table. */
const BUILT_IN_ORDER = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

/**
 * iptables -L listings: rules are placed in the chain whose header precedes
 * them. -L does not print the table, so each listing is numbered (a new one
 * starts where the built-in chains start over: `iptables -L; iptables -t nat
 * -L` pasted together) and the analyzer tells the table from its chains.
 */
function iptablesReader(ctx: ReaderContext): FormatReader {
  const { input, onRecord } = ctx;
  const feed = (e: Parameters<ReaderContext["sink"]["feed"]>[0]) => ctx.sink.feed(e);
  // the table, when the command named it (iptables -t nat -L)
  const table = ctx.hints.table ?? null;
  let chain: string | null = null;
  let position = 0;
  let listing = 0;
  let lastBuiltIn = -1;
  let userChainSeen = false;
  return lineReader(iptablesLineParser, (line, rec) => {
    const at = { input, line };
    if (rec.record === "chain") {
      const order = BUILT_IN_ORDER.indexOf(rec.chain);
      if (order >= 0 && (order <= lastBuiltIn || userChainSeen)) {
        listing++;
        userChainSeen = false;
      }
      if (order >= 0) lastBuiltIn = order;
      else userChainSeen = true;
      chain = rec.chain;
      position = 0;
      feed({ type: "firewall-chain", at, chain, policy: rec.policy, table, listing });
    } else if (rec.record === "rule") {
      position++;
      rec.chain = chain;
      // a rule with no chain header above it (pasted alone) is taken as INPUT's
      feed({
        type: "firewall-rule",
        at,
        chain: chain ?? "INPUT",
        table,
        listing,
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
    // a rule is printed with its match decoded
    if (onRecord) {
      onRecord(line, rec.record === "rule" ? asParsed(rec, { chain: rec.chain ?? "INPUT", match: decodeMatch(rec.prot, rec.target, rec.options) }) : asParsed(rec));
    }
  });
}

/**
 * iptables-save and iptables -S: rule specs, turned into the -L form the
 * evaluator reads. -S lists one table without naming it (filter unless -t).
 */
function iptablesSaveReader(ctx: ReaderContext): FormatReader {
  const { input, onRecord } = ctx;
  const feed = (e: Parameters<ReaderContext["sink"]["feed"]>[0]) => ctx.sink.feed(e);
  let table: string | null = ctx.hints.table ?? null;
  let listing = 0;
  const positions = new Map<string, number>();
  return lineReader(iptablesSaveLineParser, (line, rec) => {
    onRecord?.(line, asParsed(rec));
    const at = { input, line };
    if (rec.record === "table") {
      table = rec.table;
      listing++;
      positions.clear();
    } else if (rec.record === "chain") feed({ type: "firewall-chain", at, chain: rec.chain, policy: rec.policy, table, listing });
    else if (rec.record === "rule") {
      const position = (positions.get(rec.chain) ?? 0) + 1;
      positions.set(rec.chain, position);
      const form = listedForm(rec.args);
      feed({ type: "firewall-rule", at, chain: rec.chain, table, listing, position, pkts: rec.packets, text: rec.text, ...form });
    }
  });
}

/** nft hooks -> the names of iptables' built-in chains, so that one walk serves. */
const HOOK_CHAINS: Record<string, string> = {
  prerouting: "PREROUTING", input: "INPUT", forward: "FORWARD", output: "OUTPUT", postrouting: "POSTROUTING",
};

/**
 * nft list ruleset: base chains are named by their hook; each table is a
 * listing of its own (netfilter runs every table's base chains on a hook);
 * ip and ip6 tables keep their families through the addresses their rules carry.
 */
function nftReader(ctx: ReaderContext): FormatReader {
  const { input, onRecord } = ctx;
  const feed = (e: Parameters<ReaderContext["sink"]["feed"]>[0]) => ctx.sink.feed(e);
  let family = "ip";
  let table: string | null = null;
  let listing = 0;
  let chain: string | null = null;
  let chainType: string | null = null;
  let position = 0;
  return lineReader(nftLineParser, (line, rec) => {
    onRecord?.(line, asParsed(rec));
    const at = { input, line };
    if (rec.record === "table") {
      family = rec.family;
      table = rec.table;
      listing++;
    } else if (rec.record === "chain") {
      chain = rec.chain;
      chainType = null;
      position = 0;
    } else if (rec.record === "hook" && chain) {
      chain = (rec.hook && HOOK_CHAINS[rec.hook]) ?? chain;
      chainType = rec.type;
      feed({ type: "firewall-chain", at, chain, policy: rec.policy?.toUpperCase() ?? null, table, chainType, listing });
    } else if (rec.record === "rule" && chain) {
      position++;
      const { pkts, ...form } = nftListedForm(rec.words, family);
      feed({ type: "firewall-rule", at, chain, table, chainType, listing, position, pkts, text: rec.text, ...form });
    }
  });
}

export const iptables: FormatModule = {
  name: "iptables",
  parser: iptablesLineParser,
  proves(line) {
    const r = iptablesLineParser.parse(line);
    if (!r.ok) return false;
    // "# ..." and "Chain of events:" are prose unless they are iptables' own
    if (r.value.record === "chain") return /\((?:policy \w+|\d+ references)/.test(line);
    if (r.value.record === "warning") return /^# Warning: .*(?:iptables|tables present)/.test(line);
    return true;
  },
  weight: 1,
  reader: iptablesReader,
};

export const iptablesSave: FormatModule = {
  name: "iptables-save",
  parser: iptablesSaveLineParser,
  proves(line) {
    // comments alone ("# ...") prove nothing
    const sv = iptablesSaveLineParser.parse(line);
    return sv.ok && sv.value.record !== "comment";
  },
  weight: 1,
  reader: iptablesSaveReader,
};

export const nft: FormatModule = {
  name: "nft",
  parser: nftLineParser,
  proves(line) {
    // nft's table/chain/hook lines prove it; its rule lines are "any words"
    const nf = nftLineParser.parse(line);
    return nf.ok && ["table", "chain", "hook"].includes(nf.value.record);
  },
  // a listing has a few of these among many rules
  weight: 2,
  reader: nftReader,
};
