// Postprocessors of grammar/tcpdump.ne: turn matched tokens into the typed
// records of ./records.ts. The grammar decides the shape of a line; this file
// only converts values (numbers, endpoints, times) and implements the
// "anything else" alternatives' exclusions, which keep the grammar unambiguous.
import type { Token } from "moo";
import { portNumber } from "../ports.js";
import { clockSeconds } from "../time.js";
import { lineSpans, type Span, type Tree } from "../grammar-support.js";
import type {
  BannerLine,
  ContinuationLine,
  Endpoint,
  Flow,
  IcmpUnreachable,
  LinkInfo,
  OtherPayload,
  PacketLine,
  Payload,
  TcpSegment,
  Timestamp,
  UnreachableCode,
} from "./records.js";

// the ICMP exclusion asks whether "unreachable" stands anywhere in a run
const spans = lineSpans("unreachable");
export const { readsLineFrom, emptySpan, span, extend, text, flat, finish } = spans;

export function num(tok: Token): number {
  return Number(tok.text);
}

// --- prefix, timestamp, link ------------------------------------------------

export interface Prefix {
  number: number | null;
  /** -ttt/-ttttt put one space before the relative time. */
  lead: boolean;
}

/** "-#" packet number; followed by one more space, the time after it is -ttt/-ttttt's. */
export function pktnum(tok: Token, lead = false): Prefix {
  return { number: Number(tok.text.trim()), lead };
}

/** A cons list: O(1) to extend in a postprocessor that runs at every completion. */
export interface Cons<T> {
  rest: Cons<T> | null;
  item: T;
}

export function cons<T>(rest: Cons<T> | null, item: T): Cons<T> {
  return { rest, item };
}

export function listOf<T>(list: Cons<T> | null): T[] {
  const out: T[] = [];
  for (let c = list; c; c = c.rest) out.push(c.item);
  return out.reverse();
}

export function lead(): Prefix {
  return { number: null, lead: true };
}


export function stamp(kind: "clock" | "epoch" | "date", tok: Token, clock?: Token): Timestamp {
  if (kind === "epoch") return { kind, text: tok.text, seconds: Number(tok.text) };
  if (kind === "date" && clock) {
    const [y, mo, d] = tok.text.split("-").map(Number);
    const day = Date.UTC(y!, mo! - 1, d!) / 1000;
    return { kind, text: `${tok.text} ${clock.text}`, seconds: day + clockSeconds(clock.text) };
  }
  return { kind: "clock", text: tok.text, seconds: clockSeconds(tok.text) };
}

export function iface(name: Token, direction: Token): LinkInfo {
  return { iface: name.text, direction: direction.text, ether: null };
}

/** A link-level header kept as printed, without the trailing ": ". */
export function etherText(d: Tree): string {
  return flat(d).replace(/:\s*$/, "");
}

export function link(ifaceInfo: LinkInfo | null, etherText: string): LinkInfo {
  return { iface: ifaceInfo?.iface ?? null, direction: ifaceInfo?.direction ?? null, ether: etherText };
}

// --- packet lines ---------------------------------------------------------------

interface NetworkPart {
  network: "IP" | "IP6" | null;
  ipHeader: string | null;
  flow: Flow | null;
}

export function ipBody(header: string | null, flow: Flow | null): Omit<NetworkPart, "network"> {
  return { ipHeader: header, flow };
}

export function network(proto: "IP" | "IP6" | null, body: Omit<NetworkPart, "network">): NetworkPart {
  return { network: proto, ...body };
}

function timestampOf(prefix: Prefix | null, ts: Timestamp | null): Timestamp | null {
  if (ts && prefix?.lead && ts.kind === "clock") return { ...ts, kind: "relative" };
  return ts;
}

export function packet(
  prefix: Prefix | null,
  ts: Timestamp | null,
  linkInfo: LinkInfo | null,
  net: NetworkPart,
): PacketLine {
  return {
    record: "packet",
    number: prefix?.number ?? null,
    timestamp: timestampOf(prefix, ts),
    link: linkInfo,
    network: net.network,
    ipHeader: net.ipHeader,
    flow: net.flow,
    text: null,
  };
}

/** Protocols tcpdump names first on a line; without a timestamp (-t) only these start a packet. */
const LINE_PROTOCOLS = new Set([
  "ARP", "RARP", "STP", "LLDP", "CDPv1", "CDPv2", "IS-IS", "EAPOL", "LACPv1", "PPPoE",
  "VRRPv2", "VRRPv3", "IGMP", "IPX", "NHRP", "vlan", "MPLS", "LOOP", "llc",
]);

const DIRECTIONS = new Set(["In", "Out", "B", "M", "P"]);
const ENDPOINT_TYPES = new Set(["ip4", "ip6", "word", "redacted"]);

function firstSignificant(tokens: readonly Token[]): number {
  let i = 0;
  while (i < tokens.length && tokens[i]!.type === "ws") i++;
  return i;
}

/** True when the tokens start a "src > dst" flow. */
function startsFlow(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  return (
    t !== undefined &&
    ENDPOINT_TYPES.has(t.type ?? "") &&
    tokens[i + 1]?.type === "ws" &&
    tokens[i + 2]?.text === ">"
  );
}

/** Index after the balanced group that starts at i, or -1. */
function afterGroup(tokens: readonly Token[], i: number): number {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j]!.text;
    if (t === "(" || t === "[" || t === "{") depth++;
    else if (t === ")" || t === "]" || t === "}") {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Tokens that the network alternative owns: IP/IP6, a flow, or a -v header with a flow. */
function ownedByNetwork(rest: Span, i: number): boolean {
  const tokens = rest.head;
  const t = tokens[i];
  if (!t) return false;
  if ((t.text === "IP" || t.text === "IP6") && t.type === "kw") return true;
  if (startsFlow(tokens, i)) return true;
  if (t.text === "(") {
    const end = afterGroup(tokens, i);
    return end === rest.count || (end > 0 && tokens[end]?.type === "ws" && startsFlow(tokens, end + 1));
  }
  return false;
}

export function linkOnly(
  prefix: Prefix | null,
  ts: Timestamp | null,
  linkInfo: LinkInfo | null,
  reject: object,
): PacketLine | object {
  if (!linkInfo?.ether) return reject;
  return { ...packet(prefix, ts, linkInfo, { network: null, ipHeader: null, flow: null }) };
}

/** "vlan 165, p 0, ethertype IPv4 (0x0800), a > b: ..." belongs to the ether/vlan rule. */
function vlanWithFlow(tokens: readonly Token[]): boolean {
  if (tokens[0]?.text !== "vlan") return false;
  const close = tokens.findIndex((t) => t.text === ")");
  return close > 0 && tokens[close + 1]?.text === "," && startsFlow(tokens, close + 3);
}

export function otherPacket(
  prefix: Prefix | null,
  ts: Timestamp | null,
  linkInfo: LinkInfo | null,
  rest: Span,
  reject: object,
): PacketLine | object {
  const tokens = rest.head;
  const first = tokens[0]!;
  if (first.type === "ws" || first.type === "pktnum" || first.type === "lead" || first.type === "indent") {
    return reject;
  }
  if (!ts && (first.type === "clock" || first.type === "decimal" || first.type === "date")) return reject;
  // owned by the link alternatives (-e headers)
  if (first.type === "mac" && !linkInfo?.ether) return reject;
  if (first.text === "ifindex" && first.type === "kw") return reject;
  if (!linkInfo) {
    if (DIRECTIONS.has(first.text) && first.type === "kw") return reject;
    if (first.text === "AF" || (first.text === "ip" && tokens[1]?.text === ":")) return reject;
    if (tokens[1]?.type === "ws" && DIRECTIONS.has(tokens[2]?.text ?? "") && first.type === "word") {
      return reject;
    }
  }
  if (ownedByNetwork(rest, 0) || vlanWithFlow(tokens)) return reject;
  if (!ts && !linkInfo && !LINE_PROTOCOLS.has(first.text)) return reject;
  return {
    record: "packet",
    number: prefix?.number ?? null,
    timestamp: timestampOf(prefix, ts),
    link: linkInfo,
    network: null,
    ipHeader: null,
    flow: null,
    text: rest as unknown as string,
  } satisfies PacketLine;
}

// --- flows and payloads ------------------------------------------------------

/** Splits "127.0.0.1.60632", "::1.http", "localhost.43498" into host and port. */
export function endpoint(tok: Token, withPort: boolean | "always"): Endpoint {
  const raw = tok.text;
  const dot = raw.lastIndexOf(".");
  const portless = { ip: raw, port: null };
  if (!withPort || dot < 0) return portless;
  if (tok.type === "ip4" && raw.split(".").length === 4) return portless;
  if (tok.type === "redacted" && /^(?:[\dxX]{1,3}|\*)(?:\.(?:[\dxX]{1,3}|\*)){3}$/.test(raw)) return portless;
  if (tok.type === "ip6" && !raw.includes(".")) return portless;
  const host = raw.slice(0, dot);
  const portText = raw.slice(dot + 1);
  const port = portNumber(portText);
  if (/^\d+$/.test(portText)) return { ip: host, port };
  // a redacted port (<port>, xxxxx): the endpoint stays, its port is unknown
  if (tok.type === "redacted") return { ip: host, port: null };
  // A name: TCP flows always print a port, so the last part is one even
  // when this table does not know it; elsewhere only a known service is.
  if (port === null && withPort !== "always") return portless;
  return { ip: host, port, service: portText };
}

export function flow(src: Token, dst: Token, payload: Payload): Flow {
  // TCP and UDP flows print ports; ICMP and other protocols print bare hosts.
  const withPort = payload.kind === "tcp" ? "always" : payload.kind === "other";
  return { src: endpoint(src, withPort), dst: endpoint(dst, withPort), payload };
}

/** Other traffic: the text after "src > dst:" (null when nothing follows the colon). */
export function otherPayload(rest: Span | null): OtherPayload {
  return { kind: "other", text: rest as unknown as string };
}

/**
 * A TCP segment's text right after a number in what would be other traffic
 * ("127.0.0.1:12345: Flags [S]", the port after a colon): a damaged TCP line,
 * reported as unparsed rather than counted as other traffic (its SYN would be
 * lost without a word). `head`: the texts of the first tokens.
 */
export function damagedTcp(head: readonly string[]): boolean {
  // "12345", ":", " ", "Flags", " ", "[": a port cut off its address, then a segment (Geneve's "Flags [C]" follows a word)
  const flags = head.indexOf("Flags");
  return /^\d+$/.test(head[0] ?? "") && flags > 0 && flags < 6 && head[flags + 2] === "[";
}

/** Other traffic after "src > dst:", unless a TCP or ICMP unreachable alternative owns it. */
export function otherPayloadChecked(rest: Span, reject: object): OtherPayload | object {
  const tokens = rest.head;
  const i = firstSignificant(tokens);
  const t = tokens[i];
  if (t?.text === "Flags" && t.type === "kw") return reject;
  if (t?.text === "tcp" && tokens[i + 1]?.type === "ws" && tokens[i + 2]?.type === "number") return reject;
  const head = tokens.slice(i, i + 12).map((x) => x.text);
  if (damagedTcp(head)) return reject;
  if ((head.includes("ICMP") || head.includes("ICMP6")) && rest.flagged) return reject;
  return otherPayload(rest);
}

// --- TCP ------------------------------------------------------------------------

interface Field {
  name: string;
  value: unknown;
  extra?: string;
}

export function field(name: string, value: unknown, extra?: string): Field {
  return { name, value, extra };
}

interface Tail {
  length: number | null;
  appText: string | null;
  elided: boolean;
}

export function tail(length: number | null, appText: string | null, elided: boolean): Tail {
  return { length, appText, elided };
}

const FLAG_LETTERS = /^(?:[FSRPUWEe.]+|none)$/;

function segment(flags: string, end: Tail, quiet: boolean): TcpSegment {
  return {
    kind: "tcp",
    flags,
    seq: null,
    seqEnd: null,
    ack: null,
    win: null,
    urg: null,
    options: null,
    length: end.length,
    appText: end.appText,
    cksum: null,
    elided: end.elided,
    quiet,
  };
}

export function tcpSegment(flags: string, fields: Field[], end: Tail): TcpSegment | object {
  const seg = segment(flags, end, false);
  for (const f of fields) {
    if (f.name === "seq") {
      const v = f.value as { start: number | null; end: number | null };
      seg.seq = v.start;
      seg.seqEnd = v.end;
    } else if (f.name === "ack") seg.ack = f.value as number | null;
    else if (f.name === "win") seg.win = f.value as number | null;
    else if (f.name === "urg") seg.urg = f.value as number | null;
    else if (f.name === "options") seg.options = f.value as string[];
    else if (f.name === "cksum") seg.cksum = `${f.value as string} ${f.extra ?? ""}`;
  }
  return seg;
}

export function tcpFlags(d: Token[], reject: object): string | object {
  const flags = d.map((t) => t.text).join("");
  return FLAG_LETTERS.test(flags) ? flags : reject;
}

export function quietTcp(length: Token, appText: string | null): TcpSegment {
  return segment("", tail(num(length), appText, false), true);
}

// --- ICMP -----------------------------------------------------------------------

type Unreach = Omit<IcmpUnreachable, "kind" | "length">;

export function unreach(
  code: UnreachableCode,
  host: Token,
  protocol: string | null,
  port: Token | null,
  detail: string | null = null,
): Unreach {
  return {
    code,
    host: host.text,
    protocol,
    port: port ? portNumber(port.text) : null,
    detail,
  };
}

export function icmpUnreachable(body: Unreach, length: number | null): IcmpUnreachable {
  return { kind: "icmp-unreachable", ...body, length };
}

// --- continuation and banner lines ----------------------------------------------------

export function contNetwork(net: NetworkPart): ContinuationLine | object {
  return { record: "continuation", ...net, text: null, hex: false } satisfies ContinuationLine;
}

/** "[|BGP Update]": tcpdump ran out of captured bytes while decoding the packet above. */
export function truncation(d: Tree): ContinuationLine {
  return { record: "continuation", network: null, ipHeader: null, flow: null, text: text(d), hex: false };
}

export function contHex(d: Tree): ContinuationLine {
  return { record: "continuation", network: null, ipHeader: null, flow: null, text: text(d), hex: true };
}

export function contText(rest: Span, reject: object): ContinuationLine | object {
  const tokens = rest.head;
  const first = tokens[0]!;
  if (first.type === "hex" && tokens[1]?.text === ":") return reject;
  // a timestamp first: an indented packet line
  if ((first.type === "clock" || first.type === "decimal" || first.type === "date") && tokens[1]?.type === "ws") {
    return reject;
  }
  if (ownedByNetwork(rest, 0)) return reject;
  return { record: "continuation", network: null, ipHeader: null, flow: null, text: rest as unknown as string, hex: false };
}

export function continuation(c: ContinuationLine): ContinuationLine {
  return c;
}

export function indentedPacket(p: PacketLine, reject: object): PacketLine | object {
  return p.timestamp ? p : reject;
}

export function banner(kind: "message" | "listening" | "reading", d: Tree): BannerLine {
  return { record: "banner", kind, text: text(d), count: null };
}

export function counter(d: Tree[]): BannerLine {
  const line = flat(d);
  // "dropped by kernel" lowers confidence in a missing answer; "dropped by
  // interface" (newer libpcap) is kept as a plain counter
  const kind = /captured/.test(line)
    ? "captured"
    : /received/.test(line)
      ? "received"
      : /dropped by kernel/.test(line)
        ? "dropped"
        : "counter";
  return { record: "banner", kind, text: line, count: num(d[0] as Token) };
}
