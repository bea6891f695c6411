// What the netstat and ss grammars return for one line.

/** The kernel's names for TCP states (as netstat prints them). */
export type TcpState =
  | "ESTABLISHED" | "SYN_SENT" | "SYN_RECV" | "FIN_WAIT1" | "FIN_WAIT2" | "TIME_WAIT"
  | "CLOSE" | "CLOSE_WAIT" | "LAST_ACK" | "LISTEN" | "CLOSING" | "NEW_SYN_RECV" | "BOUND";

export interface Endpoint {
  /** Address without brackets or %scope; "*" for any; the path/name for unix and netlink rows. */
  ip: string | null;
  /** null for "*", a service name, or an unknown placeholder ("<port>"). */
  port: number | null;
  /** The port as a service name, when netstat/ss printed one (without -n). */
  service: string | null;
  /** ss "%lo" / BSD "%lo0" scope suffix. */
  scope: string | null;
  /** As printed. */
  text: string;
}

/** netstat -o "on (25.38/5/0)"; ss -o "timer:(on,1.2s,3)" (probes null). */
export interface SocketTimer {
  name: string;
  /** Seconds. */
  expires: number;
  retransmits: number;
  probes: number | null;
}

/** ss -p users:(("telnet",pid=1234,fd=3),...) */
export interface SocketUser {
  program: string;
  pid: number | null;
  fd: number | null;
}

export interface SocketLine {
  record: "socket";
  tool: "netstat" | "ss";
  /** "linux", or "bsd" for the FreeBSD/macOS netstat form (host.port addresses). */
  form: "linux" | "bsd";
  /** As printed: tcp, tcp6, udp, raw6, tcp4 (BSD); ss: the Netid column, null when absent. */
  proto: string | null;
  /** null where the listing has no queue columns (FreeBSD -T). */
  recvQ: number | null;
  sendQ: number | null;
  /** FreeBSD -T: retransmits, out-of-order segments received, zero-window probes. */
  rexmit?: { rexmit: number; ooorcv: number; zeroWin: number } | null;
  local: Endpoint;
  remote: Endpoint;
  /** Normalised to the kernel's names; null for UNCONN, UDP rows without a state, raw "7". */
  state: TcpState | null;
  /** The state column as printed, or null. */
  stateText: string | null;
  pid: number | null;
  program: string | null;
  users: SocketUser[];
  timer: SocketTimer | null;
  /** netstat -e User / ss uid: */
  user: string | null;
  inode: number | null;
  /** ss sk: cookie */
  sk: string | null;
  cgroup: string | null;
  /** What followed that these fields do not hold (BSD extra columns, ss options not decoded). */
  extra: string | null;
}

export interface UnixSocketLine {
  record: "unix-socket";
  tool: "netstat" | "ss";
  proto: string;
  refCnt: number | null;
  flags: string[];
  type: string | null;
  state: string | null;
  inode: number | null;
  pid: number | null;
  program: string | null;
  path: string | null;
  /** ss: the peer's inode. */
  peerInode: number | null;
  recvQ: number | null;
  sendQ: number | null;
  /** BSD: the kernel addresses of the vnode, the connected socket, and the reference list (null for 0). */
  kernel?: { vnode: string | null; conn: string | null; refs: string | null; nextref: string | null };
}

export interface TcpInfoLine {
  record: "tcp-info";
  /** key:value pairs (numbers where they are numbers), "send 11584000000bps" pairs, and bare flags as true. */
  values: Record<string, string | number | boolean>;
  /** rto in ms. */
  rto: number | null;
  backoff: number | null;
  /** retrans:1/4: segments in flight being retransmitted / total retransmits. */
  retrans: { current: number; total: number } | null;
  congestion: string | null;
  text: string;
}

export interface HeaderLine {
  record: "header";
  text: string;
  /** The column names, for a column header line. */
  columns: string[] | null;
}

export interface OtherLine {
  /**
   * statistics (netstat -s, ss -s), route (-r), interface (-i), message (tool
   * errors), kernel-control (macOS kernel event/control sockets), other.
   */
  record: "statistics" | "route" | "interface" | "message" | "kernel-control" | "other";
  text: string;
}

export type SocketTableLine = SocketLine | UnixSocketLine | TcpInfoLine | HeaderLine | OtherLine;
