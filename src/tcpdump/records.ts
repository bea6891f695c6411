// What the tcpdump grammar returns for one line. These are line-level records:
// src/tcpdump/packets.ts joins them into packets (a -v IP header line and
// its indented TCP line, decode lines that belong to the packet above).

/** A host and port exactly as tcpdump printed them, plus the port as a number. */
export interface Endpoint {
  /** The address or host name as printed ("127.0.0.1", "::1", "localhost"). */
  ip: string;
  /** The port as a number; service names ("http-alt") are mapped to numbers. */
  port: number | null;
  /** The port as printed, when it was a name. */
  service?: string;
}

export type TimestampKind =
  | "clock" // HH:MM:SS.frac: time of day (default), or relative with -ttt/-ttttt
  | "relative" // " HH:MM:SS.frac" after a leading space: -ttt (delta) or -ttttt (since first)
  | "epoch" // -tt
  | "date"; // -tttt

export interface Timestamp {
  kind: TimestampKind;
  /** As printed, e.g. "17:37:32.908573". */
  text: string;
  /** Seconds: since midnight (clock), since the epoch (epoch, date), or the relative value. */
  seconds: number;
}

export interface TcpSegment {
  kind: "tcp";
  /** Flag letters as printed between the brackets: "S", "S.", "R.", "none", "" with -q. */
  flags: string;
  seq: number | null;
  seqEnd: number | null;
  ack: number | null;
  win: number | null;
  urg: number | null;
  /** Options as printed, one string per option; null when the line has none. */
  options: string[] | null;
  length: number | null;
  /** What tcpdump decoded of the payload ("HTTP: GET / HTTP/1.1"), as printed. */
  appText: string | null;
  /** -v checksum note, e.g. "0xfe30 (incorrect -> 0x5d4e)". */
  cksum: string | null;
  /** true when the line was shortened with "..." by whoever pasted it. */
  elided: boolean;
  /** true for -q ("tcp 0"): flags, seq and ack are unknown. */
  quiet: boolean;
}

export type UnreachableCode =
  | "port" // ICMP port unreachable / ICMP6 port unreachable
  | "protocol"
  | "net"
  | "host"
  | "admin" // ICMP6 administratively prohibited
  | "other";

export interface IcmpUnreachable {
  kind: "icmp-unreachable";
  code: UnreachableCode;
  /** Host named in the message: the original destination. */
  host: string;
  /** "tcp" or "udp" for port unreachable. */
  protocol: string | null;
  /** Original destination port (port unreachable only). */
  port: number | null;
  /** Text after " - ", e.g. "admin prohibited filter". */
  detail: string | null;
  length: number | null;
}

export interface OtherPayload {
  kind: "other";
  /** The rest of the line as printed; null when nothing follows "src > dst:". */
  text: string | null;
}

export type Payload = TcpSegment | IcmpUnreachable | OtherPayload;

export interface Flow {
  src: Endpoint;
  dst: Endpoint;
  payload: Payload;
}

export interface LinkInfo {
  /** -i any: interface name and direction (In, Out, B, M, P). */
  iface: string | null;
  direction: string | null;
  /** -e: link-level header as printed. */
  ether: string | null;
}

export interface PacketLine {
  record: "packet";
  number: number | null;
  timestamp: Timestamp | null;
  link: LinkInfo | null;
  /** "IP", "IP6", or null when -e named the protocol or it is other traffic. */
  network: "IP" | "IP6" | null;
  /** -v IP header "(tos 0x0, ttl 64, ...)"; the flow may follow on the next line. */
  ipHeader: string | null;
  flow: Flow | null;
  /** Other traffic (ARP, STP, ...): the rest of the line as printed. */
  text: string | null;
}

export interface ContinuationLine {
  record: "continuation";
  /** A quoted or -v packet on the indented line. */
  network: "IP" | "IP6" | null;
  ipHeader: string | null;
  flow: Flow | null;
  /** Decode text or hex dump, as printed. */
  text: string | null;
  hex: boolean;
}

export interface BannerLine {
  record: "banner";
  kind: "message" | "listening" | "reading" | "captured" | "received" | "dropped" | "counter";
  text: string;
  /** For counters ("6 packets captured"): the number. */
  count: number | null;
}

export type TcpdumpLine = PacketLine | ContinuationLine | BannerLine;
