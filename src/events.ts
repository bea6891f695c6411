// Events: what the format modules hand to the analyzer. They carry values and
// where they came from (input name and line), never the text they came from.

export type Family = "ipv4" | "ipv6";

export interface Evidence {
  input: string;
  /** 1-based line number of the first line of the record. */
  line: number;
}

export interface Address {
  ip: string;
  port: number | null;
}

export interface EventTime {
  /** As printed, e.g. "17:37:32.908573". */
  text: string;
  /**
   * Seconds on the input's own clock: time of day (with midnight rollovers
   * added), epoch seconds, or seconds since the first packet for relative
   * timestamps. Comparable within one input only.
   */
  seconds: number;
  /** What the seconds count from; times of two inputs compare only on comparable clocks. */
  clock: ClockKind;
}

/** A segment's flags as bits, for the paths that read a segment without its event (the tcpdump fast path and the tracker). */
export const SEGMENT_FLAG = { SYN: 1, ACK: 2, RST: 4, FIN: 8 } as const;

export interface TcpSegmentEvent {
  type: "tcp";
  at: Evidence;
  time: EventTime | null;
  family: Family;
  src: Address;
  dst: Address;
  /** As printed: "S", "S.", "R.", "P.", ...; "" with -q (flags unknown). */
  flags: string;
  syn: boolean;
  ackFlag: boolean;
  rst: boolean;
  fin: boolean;
  seq: number | null;
  ack: number | null;
  /** -q prints no flags: such segments cannot open or answer an attempt. */
  quiet: boolean;
}

/** How an ICMP or ICMPv6 "destination unreachable" names its reason. */
export type UnreachableReason =
  | "port" // ICMP port unreachable (iptables REJECT's default), ICMPv6 port unreachable
  | "protocol"
  | "net"
  | "host"
  | "host-prohibited" // "host X unreachable - admin prohibited[ filter]"
  | "net-prohibited"
  | "admin-prohibited-v6" // ICMPv6 code 1, administratively prohibited
  | "other";

export interface IcmpUnreachableEvent {
  type: "icmp-unreachable";
  at: Evidence;
  time: EventTime | null;
  family: Family;
  /** Who sent the ICMP message and to whom (the client that sent the SYN). */
  from: string;
  to: string;
  reason: UnreachableReason;
  /** The original destination the message is about. */
  target: Address;
  /** "tcp", "udp" or null when the message does not say. */
  protocol: string | null;
  /** The quoted packet that caused it, when -v printed it. */
  quoted: { src: Address; dst: Address } | null;
}

export interface CaptureStatsEvent {
  type: "capture-stats";
  at: Evidence;
  kind: "captured" | "received" | "dropped";
  count: number;
}

/** Any other packet: not evidence for an attempt, but proof that the capture was running then. */
export interface OtherPacketEvent {
  type: "other-packet";
  at: Evidence;
  time: EventTime | null;
}

export type PacketEvent = TcpSegmentEvent | IcmpUnreachableEvent | CaptureStatsEvent | OtherPacketEvent;

/** tcpdump's own lines ("listening on ...", "tcpdump: ..."): kept for `tcpdiag parse`. */
export interface BannerEvent {
  type: "banner";
  at: Evidence;
  text: string;
}

export type TcpdumpEvent = PacketEvent | BannerEvent;

/** How an input's times can be compared with another input's. */
export type ClockKind = "time-of-day" | "epoch" | "relative" | null;

/** What a connect() call (strace) says about one attempt, from the application's side. */
export interface ConnectEvent {
  type: "connect";
  at: Evidence;
  time: EventTime | null;
  clock: ClockKind;
  family: Family;
  pid: number | null;
  command: string | null;
  fd: number;
  server: Address;
  /** The local address, when -yy or getsockname() shows it. */
  client: Address | null;
  nonBlocking: boolean;
  /**
   * connected: connect() (or SO_ERROR after EINPROGRESS) said 0; failed: an
   * error; abandoned: the application closed the socket, exited or was killed
   * while the connect was pending; pending: the trace ends first; unknown:
   * the socket was closed but the trace hides every call that would tell how
   * the connect ended (-e trace=connect, -Z).
   */
  result: "connected" | "failed" | "abandoned" | "pending" | "unknown";
  errno: string | null;
  /** From connect() to its result (or to what abandoned it), in seconds. */
  durationSeconds: number | null;
  abandonedBy: "close" | "exit" | "signal" | null;
  /** Every line that is evidence: socket(), connect(), poll/getsockopt, close/exit. */
  evidence: Evidence[];
}

/** Everything the analyzer takes. */
export type AnalyzerEvent =
  | PacketEvent
  | ConnectEvent
  | SocketRowEvent
  | FirewallRuleEvent
  | FirewallChainEvent
  | SettingEvent
  | ClientRunEvent;

/** A kernel setting as printed (sysctl, /proc/sys). */
export interface SettingEvent {
  type: "setting";
  at: Evidence;
  /** Dotted: net.ipv4.tcp_syn_retries. */
  key: string;
  value: string;
}

/** What a client program run at a prompt said about its connect (telnet, curl, nc, Python...). */
export interface ClientRunEvent {
  type: "client-run";
  /** The command line, or the first message when no command was seen. */
  at: Evidence;
  program: string | null;
  /** From the command's arguments or the message; port null when neither says. */
  server: { host: string; port: number | null } | null;
  /**
   * connected; failed (with errno when the words name one); gave-up: the
   * program's own timeout; interrupted: Ctrl+C while it waited; null: it
   * said nothing about the outcome.
   */
  result: "connected" | "failed" | "gave-up" | "interrupted" | null;
  errno: string | null;
  /** `time`'s real seconds; digits redacted as x count as 0 (approximate). */
  realSeconds: number | null;
  approximate: boolean;
  evidence: Evidence[];
}

/** A row of a socket table (netstat, ss): a snapshot of one socket. */
export interface SocketRowEvent {
  type: "socket";
  at: Evidence;
  tool: "netstat" | "ss";
  proto: string | null;
  /** The kernel's state name (SYN_SENT, LISTEN, ...) or null. */
  state: string | null;
  /** ip null for "*"; port null for "*" or a placeholder ("<port>"). */
  local: { ip: string | null; port: number | null };
  remote: { ip: string | null; port: number | null };
  recvQ: number | null;
  sendQ: number | null;
  pid: number | null;
  program: string | null;
  /** netstat -o / ss -o: the retransmission timer ("on") with its count so far. */
  timer: { name: string; expires: number; retransmits: number } | null;
}

/** Where a chain or rule was listed: which table of which listing. */
export interface FirewallPlace {
  /** As listed (iptables-save "*nat", nft "table ip nat"); null where the listing does not say (iptables -L). */
  table: string | null;
  /** For nft tables not named like iptables' ones: what their base chains do ("filter", "nat", "route"). */
  chainType?: string | null;
  /** Numbers the listings of one input: a new one starts where iptables -L's built-in chains start over, or at a new table. */
  listing: number;
}

/** A rule of a firewall listing (iptables -L), in its chain, in listing order. */
export interface FirewallRuleEvent extends FirewallPlace {
  type: "firewall-rule";
  at: Evidence;
  chain: string;
  /** 1-based position in the chain. */
  position: number;
  target: string | null;
  prot: string;
  source: string;
  destination: string;
  in: string | null;
  out: string | null;
  options: string | null;
  pkts: number | null;
  text: string;
}

/** A chain header of a firewall listing. */
export interface FirewallChainEvent extends FirewallPlace {
  type: "firewall-chain";
  at: Evidence;
  chain: string;
  policy: string | null;
}
