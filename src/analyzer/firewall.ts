// Walks a listed ruleset the way netfilter does for an attempt's SYN and
// finds the first rule that decides it. Matches it cannot model make it say
// "cannot evaluate" instead of guessing.
import type { AttemptReport } from "../analysis.js";
import type { Evidence, FirewallChainEvent, FirewallRuleEvent } from "../events.js";
import { portNumber } from "../ports.js";

export interface Decision {
  /** filter, nat, mangle, raw or security: as listed, or told from the listing's chains. */
  table: TableKind;
  chain: string;
  /** 1-based rule position, or null for the chain's policy. */
  rule: number | null;
  target: string;
  text: string;
  /** The rule as a person reads it: target, protocol, interfaces and addresses that are not "any", the match ("DROP tcp to 127.0.0.1 tcp dpt:12345"). */
  spec: string;
  /** The rule's match text in the -L form (nft and rule specs are read into it); null for a policy. */
  options: string | null;
  at: Evidence | null;
  pkts: number | null;
  /** Set when a rule's match could not be evaluated: the walk stopped there. */
  cannotEvaluate: string | null;
}

export type TableKind = "raw" | "mangle" | "nat" | "filter" | "security";

type Chains = Map<string, { policy: string | null; rules: FirewallRuleEvent[] }>;

/** One table of one listing: what netfilter runs on a hook for that table. */
export interface ListedTable {
  kind: TableKind;
  chains: Chains;
}

export interface Ruleset {
  tables: ListedTable[];
}

export function buildRuleset(chains: FirewallChainEvent[], rules: FirewallRuleEvent[]): Ruleset {
  const listings = new Map<string, { chains: Chains; place: FirewallChainEvent | FirewallRuleEvent; baseKinds: Map<string, TableKind> }>();
  const listing = (e: FirewallChainEvent | FirewallRuleEvent) => {
    const key = `${e.at.input}\u0000${e.listing}`;
    if (!listings.has(key)) listings.set(key, { chains: new Map(), place: e, baseKinds: new Map() });
    return listings.get(key)!;
  };
  for (const c of chains) {
    const l = listing(c);
    l.chains.set(c.chain, { policy: c.policy, rules: [] });
    if (c.chainType) l.baseKinds.set(c.chain, nftChainKind(c.chainType, c.chain));
  }
  for (const r of rules) {
    const g = listing(r).chains;
    if (!g.has(r.chain)) g.set(r.chain, { policy: null, rules: [] });
    g.get(r.chain)!.rules.push(r);
  }
  return { tables: [...listings.values()].flatMap(tablesOf) };
}

/**
 * An nft table of its own may hold chains of several kinds (a nat prerouting
 * chain beside a filter input chain): each base chain runs as its type and
 * hook say, with the table's regular chains (jump targets) beside it.
 * iptables' tables (and -L blocks) are one kind each.
 */
function tablesOf(l: { chains: Chains; place: FirewallChainEvent | FirewallRuleEvent; baseKinds: Map<string, TableKind> }): ListedTable[] {
  const iptablesNamed = ["raw", "mangle", "nat", "filter", "security"].includes(l.place.table ?? "");
  if (l.baseKinds.size === 0 || iptablesNamed) return [{ kind: tableKind(l.place, l.chains), chains: l.chains }];
  const regular = [...l.chains].filter(([name]) => !l.baseKinds.has(name));
  return [...new Set(l.baseKinds.values())].map((kind) => ({
    kind,
    chains: new Map([...[...l.chains].filter(([name]) => l.baseKinds.get(name) === kind), ...regular]),
  }));
}

/** nft chain types: nat, route (mangle's output), filter (on prerouting/postrouting it runs where mangle does). */
function nftChainKind(type: string, chain: string): TableKind {
  if (type === "nat") return "nat";
  if (type === "route") return "mangle";
  return chain === "PREROUTING" || chain === "POSTROUTING" ? "mangle" : "filter";
}

const REWRITES_DESTINATION = new Set(["DNAT", "REDIRECT", "NETMAP", "TPROXY"]);
const NAT_TARGETS = new Set([...REWRITES_DESTINATION, "SNAT", "MASQUERADE"]);

/**
 * The table a listing shows. iptables -L does not print it: its built-in
 * chains tell (raw: PREROUTING OUTPUT; nat: + INPUT POSTROUTING; mangle: all
 * five), and so do targets only one table has.
 */
function tableKind(place: FirewallChainEvent | FirewallRuleEvent, chains: Chains): TableKind {
  const named = place.table ?? "";
  if (["raw", "mangle", "nat", "filter", "security"].includes(named)) return named as TableKind;
  if (place.table !== null) return "filter"; // a -S listing or an nft table without base chains
  const has = (c: string) => chains.has(c);
  const targets = [...chains.values()].flatMap((c) => c.rules.map((r) => r.target ?? ""));
  if (targets.some((t) => NAT_TARGETS.has(t))) return "nat";
  if (targets.some((t) => t === "NOTRACK" || t === "CT")) return "raw";
  if (!has("PREROUTING") && !has("POSTROUTING")) return "filter";
  if (has("FORWARD")) return "mangle";
  return has("INPUT") || has("POSTROUTING") ? "nat" : "raw";
}

interface Syn {
  src: string;
  dst: string;
  sport: number | null;
  dport: number;
  /** "lo" on loopback; null when the interface is not known. */
  iface: string | null;
  /** The attempt lost SYNs (retransmitted, or never answered). */
  lost: boolean;
}

type Match = { ok: true } | { ok: false } | { unknown: string };
const YES: Match = { ok: true };
const NO: Match = { ok: false };

const TERMINAL = new Set(["ACCEPT", "DROP", "REJECT"]);
/** Targets that change or note a packet and let it go on through the chain. */
const NON_TERMINAL = new Set([
  "LOG", "NFLOG", "MARK", "CONNMARK", "TRACE", "AUDIT", "ULOG", "TCPMSS", "CHECKSUM", "CLASSIFY",
  "TOS", "TTL", "HL", "DSCP", "ECN", "SECMARK", "CONNSECMARK", "TEE", "IDLETIMER", "LED", "SET",
]);
/** Targets that end a packet's way through one table without deciding its fate. */
const ENDS_TABLE = new Set(["NOTRACK", "CT", "SNAT", "MASQUERADE"]);

// --- addresses ----------------------------------------------------------------

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function inCidr(ip: string, cidr: string): boolean | null {
  const [net, bits] = cidr.split("/");
  if (ip.includes(":") || net!.includes(":")) {
    // IPv6: exact or ::/0 only (enough for what listings show around loopback)
    if (cidr === "::/0") return true;
    return bits === undefined || bits === "128" ? net === ip : null;
  }
  const a = ipv4ToInt(ip);
  const n = ipv4ToInt(net!);
  if (a === null || n === null) return null;
  const len = bits === undefined ? 32 : Number(bits);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((a & mask) >>> 0) === ((n & mask) >>> 0);
}

function matchAddress(spec: string, ip: string): Match {
  const negated = spec.startsWith("!");
  const s = negated ? spec.slice(1) : spec;
  let hit: boolean | null;
  if (s === "anywhere" || s === "0.0.0.0/0" || s === "::/0") hit = true;
  else if (s === "localhost" || s === "ip6-localhost") hit = ip === "127.0.0.1" || ip === "::1";
  else if (/^[\d.]+(\/\d+)?$/.test(s) || s.includes(":")) hit = inCidr(ip, s);
  else hit = s === ip ? true : null; // a host name: only the same text can be said to match
  if (hit === null) return { unknown: `the address ${spec}` };
  return hit !== negated ? YES : NO;
}

function matchIface(spec: string | null, iface: string | null): Match {
  if (spec === null || spec === "*" || spec === "any") return YES;
  if (iface === null) return { unknown: `the interface ${spec}` };
  const negated = spec.startsWith("!");
  const name = negated ? spec.slice(1) : spec;
  const hit = name.endsWith("+") ? iface.startsWith(name.slice(0, -1)) : iface === name;
  return hit !== negated ? YES : NO;
}

// --- matches in the options text -------------------------------------------------

function portIn(spec: string, port: number | null): boolean | null {
  if (port === null) return null;
  return spec.split(",").some((part) => {
    const [a, b] = part.split(":").map((p) => portNumber(p));
    if (a == null) return false;
    return b == null ? port === a : port >= a && port <= b;
  });
}

/** "flags:0x17/0x02" or "flags:FIN,SYN,RST,ACK/SYN" against a SYN (0x02). */
function flagsMatch(spec: string): boolean | null {
  const bits: Record<string, number> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ALL: 63, NONE: 0 };
  const value = (x: string) =>
    x.startsWith("0x") ? parseInt(x, 16) : x.split(",").reduce((m, f) => m | (bits[f] ?? NaN), 0);
  const [mask, comp] = spec.split("/").map(value);
  if (mask === undefined || comp === undefined || Number.isNaN(mask) || Number.isNaN(comp)) return null;
  return (0x02 & mask) === comp;
}

function matchOptions(options: string | null, syn: Syn, terminal: boolean): Match {
  if (!options) return YES;
  const text = options.replace(/\/\*.*?\*\//g, " "); // comments
  const words = text.split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let hit: boolean | null = true;
    if (w === "tcp" || w === "udp") continue;
    else if (w.startsWith("dpt:") || w.startsWith("dpts:")) hit = portIn(w.slice(w.indexOf(":") + 1), syn.dport);
    else if (w.startsWith("spt:") || w.startsWith("spts:")) hit = portIn(w.slice(w.indexOf(":") + 1), syn.sport);
    else if (w === "multiport") {
      const kind = words[++i];
      const list = words[++i] ?? "";
      hit = kind === "dports" ? portIn(list, syn.dport) : kind === "sports" ? portIn(list, syn.sport) : portIn(list, syn.dport) || portIn(list, syn.sport);
    } else if (w === "ctstate" || w === "state") hit = (words[++i] ?? "").split(",").includes("NEW");
    else if (w.startsWith("flags:")) hit = flagsMatch(w.slice(6));
    else if (w === "reject-with") {
      i++; // a REJECT parameter, not a match
    } else if (w.startsWith("to:")) {
      continue; // a DNAT/SNAT parameter
    } else if ((w === "redir" || w === "masq") && /^ports:?$/.test(words[i + 1] ?? "")) {
      i += 2; // REDIRECT / MASQUERADE parameters
    } else if (!terminal) {
      // LOG/limit parameters and the like on rules that decide nothing
      continue;
    } else if (w === "statistic") {
      // "statistic mode nth every N packet P" drops every Nth packet: the
      // rule for an attempt that lost SYNs, not for one whose SYN got through
      if (words[i + 1] === "mode" && words[i + 2] === "nth") {
        hit = syn.lost;
        i += 4; // mode nth every N
        if (words[i + 1] === "packet") i += 2; // -L leaves out "packet 0"
      } else return { unknown: `"${text.trim()}" (it matches only some packets)` };
    }
    else return { unknown: `the match "${w}"` };
    if (hit === null) return { unknown: `"${w}"` };
    if (!hit) return NO;
  }
  return YES;
}

function matchRule(rule: FirewallRuleEvent, syn: Syn, terminal: boolean): Match {
  const prot = rule.prot.toLowerCase();
  if (!["all", "0", "tcp", "6"].includes(prot)) return NO;
  const family = syn.dst.includes(":") ? "ipv6" : "ipv4";
  const ruleFamily = [rule.source, rule.destination].some((a) => a.includes(":"))
    ? "ipv6"
    : [rule.source, rule.destination].some((a) => /^!?\d+\.\d+\.\d+\.\d+/.test(a))
      ? "ipv4"
      : null;
  if (ruleFamily && ruleFamily !== family) return NO;
  for (const m of [
    matchAddress(rule.source, syn.src),
    matchAddress(rule.destination, syn.dst),
    matchIface(rule.in, syn.iface),
    matchIface(rule.out, syn.iface),
    matchOptions(rule.options, syn, terminal),
  ]) {
    if ("unknown" in m || !m.ok) return m;
  }
  return YES;
}

// --- the rule in words ------------------------------------------------------------

/** Protocol numbers iptables -n prints for the common names. */
const PROTOCOLS: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "ipv6-icmp" };
const ANY_ADDRESS = new Set(["0.0.0.0/0", "::/0", "anywhere", "*"]);
const ANY_INTERFACE = new Set(["*", "any"]);

/** The listing's columns without the counters and placeholders: what the rule takes. */
function ruleSpec(r: FirewallRuleEvent): string {
  const parts = [r.target ?? "(no target)"];
  const prot = PROTOCOLS[r.prot] ?? r.prot;
  if (prot !== "all" && prot !== "0") parts.push(prot);
  if (r.in && !ANY_INTERFACE.has(r.in)) parts.push(`in ${r.in}`);
  if (r.out && !ANY_INTERFACE.has(r.out)) parts.push(`out ${r.out}`);
  if (!ANY_ADDRESS.has(r.source)) parts.push(`from ${r.source}`);
  if (!ANY_ADDRESS.has(r.destination)) parts.push(`to ${r.destination}`);
  if (r.options) parts.push(r.options.trim());
  return parts.join(" ");
}

// --- the walk -----------------------------------------------------------------

const MAX_DEPTH = 16;

function decision(table: TableKind, chain: string, rule: FirewallRuleEvent | null, target: string, cannot: string | null = null): Decision {
  return {
    table,
    chain,
    rule: rule ? rule.position : null,
    target,
    text: rule ? rule.text : `Chain ${chain} (policy ${target})`,
    spec: rule ? ruleSpec(rule) : `the policy of ${chain}: ${target}`,
    options: rule?.options ?? null,
    at: rule ? rule.at : null,
    pkts: rule?.pkts ?? null,
    cannotEvaluate: cannot,
  };
}

function walk(t: ListedTable, chain: string, syn: Syn, depth: number): Decision | null {
  const c = t.chains.get(chain);
  if (!c || depth > MAX_DEPTH) return null;
  for (const rule of c.rules) {
    const target = rule.target;
    const terminal = target !== null && !NON_TERMINAL.has(target) && target !== "RETURN";
    const m = matchRule(rule, syn, terminal || (target !== null && t.chains.has(target)));
    if ("unknown" in m) return decision(t.kind, chain, rule, target ?? "", `cannot evaluate ${m.unknown}`);
    if (!m.ok || target === null || NON_TERMINAL.has(target)) continue;
    if (target === "RETURN") return null;
    if (TERMINAL.has(target) || ENDS_TABLE.has(target)) return decision(t.kind, chain, rule, target);
    if (t.chains.has(target)) {
      const inner = walk(t, target, syn, depth + 1);
      if (inner) return inner;
      continue;
    }
    const why = REWRITES_DESTINATION.has(target)
      ? `${target} rewrites the destination, and the rules after it see another address`
      : `the target ${target} (not a listed chain, not modelled)`;
    return decision(t.kind, chain, rule, target, `cannot evaluate ${why}`);
  }
  return c.policy ? decision(t.kind, chain, null, c.policy) : null;
}

type Hook = [TableKind, string];

// The hooks a SYN crosses, table by table in netfilter's priority order
// (raw -300, mangle -150, nat -100, filter 0, security 50). nat sees only a
// connection's first packet on its way out; looped back, that connection
// is already known, so nat PREROUTING/INPUT are not consulted again.
const SENT: Hook[] = [
  ["raw", "OUTPUT"], ["mangle", "OUTPUT"], ["nat", "OUTPUT"], ["filter", "OUTPUT"], ["security", "OUTPUT"],
  ["mangle", "POSTROUTING"],
];
const RECEIVED = (loopback: boolean): Hook[] => [
  ["raw", "PREROUTING"], ["mangle", "PREROUTING"], ...(loopback ? [] : ([["nat", "PREROUTING"]] as Hook[])),
  ["mangle", "INPUT"], ["filter", "INPUT"], ["security", "INPUT"],
];
const FORWARDED: Hook[] = [["mangle", "FORWARD"], ["filter", "FORWARD"], ["security", "FORWARD"]];

/** What the tables of the listings do on one hook: the first that does not simply pass it on. */
function onHook(rs: Ruleset, [kind, chain]: Hook, syn: Syn): Decision[] {
  return rs.tables.filter((t) => t.kind === kind).flatMap((t) => walk(t, chain, syn, 0) ?? []);
}

/**
 * The rule that decides the attempt's SYN. On loopback the SYN crosses the
 * output hooks then the input hooks; otherwise the listing may be the
 * client's (output) or the server's (input): the first that does not accept
 * decides.
 */
export function evaluate(rs: Ruleset, report: AttemptReport): Decision | null {
  const loopback = report.server.ip === "::1" || report.server.ip.startsWith("127.") || report.server.ip === "localhost";
  const syn: Syn = {
    src: report.client?.ip ?? report.server.ip,
    dst: report.server.ip === "localhost" ? "127.0.0.1" : report.server.ip,
    sport: report.client?.port ?? null,
    dport: report.server.port,
    iface: loopback ? "lo" : null,
    lost: report.syn.retransmits > 0 || ["timeout", "in-progress", "app-timeout"].includes(report.outcome),
  };
  let accepted: Decision | null = null;
  for (const hook of [...SENT, ...RECEIVED(loopback)]) {
    for (const d of onHook(rs, hook, syn)) {
      if (d.cannotEvaluate || d.target === "DROP" || d.target === "REJECT") return d;
      // an ACCEPT ends one table's say; the filter table's is the one worth naming
      if (d.target === "ACCEPT" && d.table === "filter" && d.rule !== null) accepted ??= d;
    }
  }
  // A router's listing: FORWARD decides traffic between two other hosts.
  // Only an explicit rule counts (a FORWARD policy says nothing on a host
  // that routes nothing), and only when it can be evaluated.
  if (!loopback) {
    for (const hook of FORWARDED) {
      const f = onHook(rs, hook, syn).find((d) => d.rule !== null && !d.cannotEvaluate && d.target !== "ACCEPT");
      if (f) return f;
    }
  }
  return accepted;
}
