// Postprocessors of grammar/netstat.ne: matched tokens -> the records of ./records.ts.
import type { Token } from "moo";
import { lineSpans, Span, type Tree } from "../grammar-support.js";
import type { Endpoint, HeaderLine, OtherLine, SocketLine, SocketTableLine, SocketTimer, TcpState, UnixSocketLine } from "./records.js";

const spans = lineSpans();
export const { readsLineFrom, emptySpan, span, extend, flat } = spans;

type Cons = [Token, Cons] | null;

export function flags(list: Cons): string[] {
  const out: string[] = [];
  for (let c = list; c; c = c[1]) out.unshift(c[0].text);
  return out;
}

/** An Internet row; the columns after the addresses are decoded by finish(). */
export function inetRow(proto: Token, counters: Token[], local: Token, remote: Token, tail: Span) {
  return { record: "socket", proto: proto.text, counters: counters.map((t) => t.text), local: local.text, remote: remote.text, tail, raw: "inet" };
}

/**
 * FreeBSD -T prints no counters for UDP: `udp4  *.syslog  *.*`. Only that:
 * a UDP protocol and two BSD host.port addresses (prose that starts with
 * "tcp" is not a row).
 */
export function uncountedRow(proto: Token, local: Token, remote: Token, tail: Span, reject: object) {
  if (!isUncountedRow(proto.text, local.text, remote.text)) return reject;
  return inetRow(proto, [], local, remote, tail);
}

const isUncountedRow = (proto: string, local: string, remote: string) =>
  /^udp(?:4|6|46)?$/.test(proto) && [local, remote].every((a) => /^(?:\*|[\w:.%-]+)\.(?:\*|[\w-]+)$/.test(a));

/** A BSD UNIX socket row: Address Type Recv-Q Send-Q Inode Conn Refs Nextref [Addr]. */
export function bsdUnixRow(type: Token, recvQ: Token, sendQ: Token, inode: Token, conn: Token, refs: Token, nextref: Token, tail: Span) {
  return {
    record: "unix-socket", type: type.text, recvQ: recvQ.text, sendQ: sendQ.text,
    inode: inode.text, conn: conn.text, refs: refs.text, nextref: nextref.text, tail, raw: "bsd-unix",
  };
}

export function unixRow(proto: Token, refCnt: Token, flagList: string[], tail: Span) {
  return { record: "unix-socket", proto: proto.text, refCnt: refCnt.text, flags: flagList, tail, raw: "unix" };
}

export function header(d: Tree, columns: boolean) {
  return { record: "header", text: spans.text(d), columns, raw: "header" };
}

/** Any other line, unless it starts like a row or a header (those alternatives own it). */
export function other(rest: Span, reject: object) {
  const a = rest.head[0]!;
  if (HEADER_WORDS.has(a.text) || startsLikeRow(rest.head)) return reject;
  return { record: "other", text: rest, indented: a.type === "ws", raw: "other" };
}

const HEADER_WORDS = new Set(["Proto", "Active", "Tcpcb", "Socket", "Address", "Proto/ID"]);
const BSD_UNIX_TYPES = new Set(["stream", "dgram", "seqpac", "seqpacket"]);

/** The shapes the row alternatives own (see grammar/netstat.ne); kept in step with them. */
function startsLikeRow(head: Token[]): boolean {
  const tokens = head.filter((t) => t.type !== "ws");
  const types = tokens.map((t) => t.type);
  if (types[0] === "pcb" && BSD_UNIX_TYPES.has(tokens[1]?.text ?? "")) {
    return types.slice(2, 4).every((t) => t === "number") && types.slice(4, 8).every((t) => t === "number" || t === "pcb") && types.length >= 8;
  }
  let i = types[0] === "pcb" ? 1 : 0;
  if (i === 1 && /^[0-9a-f]{1,8}$/.test(tokens[1]?.text ?? "") && types[2] === "inetproto") i = 2;
  if (types[i] === "unixproto") return types[i + 1] === "number" && types[i + 2] === "flagsopen";
  if (types[i] !== "inetproto") return false;
  let j = i + 1;
  while (types[j] === "number" && j - i <= 3) j++;
  const counters = j - i - 1;
  if (types[j] !== "word" || types[j + 1] !== "word") return false;
  if (counters === 0) return isUncountedRow(tokens[i]!.text, tokens[j]!.text, tokens[j + 1]!.text);
  return counters === 2 || counters === 3;
}

// --- after the parse -------------------------------------------------------------

const STATE_WORD = /^[A-Z][A-Z0-9_]+$/;

function inet(raw: Record<string, unknown>): SocketLine {
  const proto = raw.proto as string;
  const localText = raw.local as string;
  const remoteText = raw.remote as string;
  // BSD prints host.port: the port follows the last dot, after any colon.
  const bsd = /(?:4|46)$/.test(proto) || [localText, remoteText].some((t) => t.lastIndexOf(".") > t.lastIndexOf(":"));
  let tail = ((raw.tail as string | null) ?? "").trim();
  let timer = null;
  const tm = /(?:^|\s)(\w+) \(([\d.]+)\/(\d+)\/(\d+)\)$/.exec(tail);
  if (tm) {
    timer = decodeNetstatTimer(tm[1]!, tm[2]!, tm[3]!, tm[4]!);
    tail = tail.slice(0, tm.index).trim();
  }
  const cols = splitColumns(tail);
  let stateText: string | null = null;
  if (cols.length && (STATE_WORD.test(cols[0]!) || (/^raw/.test(proto) && /^\d+$/.test(cols[0]!)))) stateText = cols.shift()!;
  let pid: number | null = null;
  let program: string | null = null;
  const p = cols.findIndex((c) => /^(?:\d+|<PID>|<pid>)\/|^-$/.test(c));
  let rest: string[] = cols;
  if (p >= 0 && !bsd) {
    const prog = cols.slice(p).join(" ");
    rest = cols.slice(0, p);
    const m = /^(\d+|<\w+>)\/(.*)$/.exec(prog);
    if (m) {
      pid = intOrNull(m[1]!);
      program = m[2]!.trim() || null;
    }
  }
  let user: string | null = null;
  let inode: number | null = null;
  let extra: string | null = null;
  if (!bsd && rest.length === 2 && /^\d+$/.test(rest[1]!)) {
    user = rest[0]!;
    inode = Number(rest[1]);
  } else if (rest.length) extra = rest.join(" ");
  // FreeBSD -T prints Rexmit OOORcv 0-win where the queues would be, and no counters for UDP
  const counters = (raw.counters as string[]).map(Number);
  const queues = counters.length === 2;
  return {
    record: "socket",
    tool: "netstat",
    form: bsd ? "bsd" : "linux",
    proto,
    recvQ: queues ? counters[0]! : null,
    sendQ: queues ? counters[1]! : null,
    rexmit: counters.length === 3 ? { rexmit: counters[0]!, ooorcv: counters[1]!, zeroWin: counters[2]! } : null,
    local: endpoint(localText, bsd ? "." : ":"),
    remote: endpoint(remoteText, bsd ? "." : ":"),
    state: normaliseState(stateText),
    stateText,
    pid,
    program,
    users: program !== null ? [{ program, pid, fd: null }] : [],
    timer,
    user,
    inode,
    sk: null,
    cgroup: null,
    extra,
  };
}

const UNIX_TYPES = new Set(["STREAM", "DGRAM", "SEQPACKET", "RAW", "RDM", "PACKET", "UNKNOWN"]);
const UNIX_STATES = new Set(["FREE", "LISTENING", "CONNECTING", "CONNECTED", "DISCONNECTING", "UNKNOWN"]);

function unix(raw: Record<string, unknown>): UnixSocketLine {
  const cols = splitColumns(((raw.tail as string | null) ?? "").trim());
  const type = cols.length && UNIX_TYPES.has(cols[0]!) ? cols.shift()! : null;
  const state = cols.length && UNIX_STATES.has(cols[0]!) ? cols.shift()! : null;
  const inode = cols.length && /^\d+$/.test(cols[0]!) ? Number(cols.shift()) : null;
  let pid: number | null = null;
  let program: string | null = null;
  if (cols.length && /^(?:\d+\/\S*|-)$/.test(cols[0]!)) {
    const m = /^(\d+)\/(.*)$/.exec(cols.shift()!);
    if (m) {
      pid = Number(m[1]);
      program = m[2] || null;
    }
  }
  return {
    record: "unix-socket",
    tool: "netstat",
    proto: raw.proto as string,
    refCnt: Number(raw.refCnt),
    flags: raw.flags as string[],
    type,
    state,
    inode,
    pid,
    program,
    path: cols.join(" ") || null,
    peerInode: null,
    recvQ: null,
    sendQ: null,
  };
}

/** Kernel addresses are hex, or 0 for none. */
const kernelAddress = (text: unknown) => (text === "0" ? null : (text as string));

function bsdUnix(raw: Record<string, unknown>): UnixSocketLine {
  return {
    record: "unix-socket",
    tool: "netstat",
    proto: "unix",
    refCnt: null,
    flags: [],
    type: (raw.type as string).toUpperCase().replace(/^SEQPAC$/, "SEQPACKET"),
    state: null,
    inode: null,
    pid: null,
    program: null,
    path: ((raw.tail as string | null) ?? "").trim() || null,
    peerInode: null,
    recvQ: Number(raw.recvQ),
    sendQ: Number(raw.sendQ),
    kernel: { vnode: kernelAddress(raw.inode), conn: kernelAddress(raw.conn), refs: kernelAddress(raw.refs), nextref: kernelAddress(raw.nextref) },
  };
}

/** Turns a completed parse into its record (once per line, after nearley is done). */
export function finish(value: SocketTableLine): SocketTableLine {
  const raw = spans.finish(value) as unknown as Record<string, unknown>;
  switch (raw.raw) {
    case "inet":
      return inet(raw);
    case "unix":
      return unix(raw);
    case "bsd-unix":
      return bsdUnix(raw);
    case "header": {
      const text = raw.text as string;
      return { record: "header", text, columns: raw.columns ? headerColumns(text) : null } satisfies HeaderLine;
    }
    default:
      return otherLine("netstat", raw.text as string, raw.indented === true);
  }
}

// --- helpers shared with ./ss-build.ts ------------------------------------------------

export function splitColumns(text: string): string[] {
  return text.split(/\s+/).filter((c) => c !== "");
}

const MULTIWORD = [
  "Local Address:Port", "Peer Address:Port", "Local Address", "Foreign Address", "PID/Program name",
  "Program name", "Security Id",
];

/** A column header's names, with the names that hold a blank kept whole. */
export function headerColumns(text: string): string[] {
  let t = text.replace(/PortProcess/, "Port Process");
  const kept: string[] = [];
  for (const name of MULTIWORD) {
    t = t.split(name).join(`\u0000${kept.length}\u0000`);
    kept.push(name);
  }
  return splitColumns(t).map((c) => c.replace(/\u0000(\d+)\u0000/g, (_, i: string) => kept[Number(i)]!));
}

export function intOrNull(text: string): number | null {
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** "127.0.0.1:8080", "[::1]:8081", "127.0.0.53%lo:53", ":::*", "*:*"; BSD (sep ".") "127.0.0.1.22", "*.*". */
export function endpoint(text: string, sep: ":" | "."): Endpoint {
  let ip: string;
  let portText: string | null;
  let scope: string | null = null;
  const bracket = sep === ":" ? /^\[([^\]]*)\](?:%([^:]+))?(?::(.*))?$/.exec(text) : null;
  if (bracket) {
    ip = bracket[1]!;
    scope = bracket[2] ?? null;
    portText = bracket[3] ?? null;
  } else {
    const i = text.lastIndexOf(sep);
    if (i < 0 || text === "*") {
      ip = text;
      portText = null;
    } else {
      ip = text.slice(0, i);
      portText = text.slice(i + 1);
    }
    const s = /^(.*?)%(.+)$/.exec(ip);
    if (s) {
      ip = s[1]!;
      scope = s[2]!;
    }
  }
  const port = portText !== null && /^\d+$/.test(portText) ? Number(portText) : null;
  const service = portText !== null && port === null && portText !== "*" && !/^<.*>$/.test(portText) ? portText : null;
  return { ip: ip === "" ? null : ip, port, service, scope, text };
}

const STATES: Record<string, TcpState> = {
  ESTABLISHED: "ESTABLISHED", ESTAB: "ESTABLISHED",
  SYN_SENT: "SYN_SENT", "SYN-SENT": "SYN_SENT",
  SYN_RECV: "SYN_RECV", "SYN-RECV": "SYN_RECV", SYN_RCVD: "SYN_RECV",
  FIN_WAIT1: "FIN_WAIT1", "FIN-WAIT-1": "FIN_WAIT1", FIN_WAIT_1: "FIN_WAIT1",
  FIN_WAIT2: "FIN_WAIT2", "FIN-WAIT-2": "FIN_WAIT2", FIN_WAIT_2: "FIN_WAIT2",
  TIME_WAIT: "TIME_WAIT", "TIME-WAIT": "TIME_WAIT",
  CLOSE: "CLOSE", CLOSED: "CLOSE",
  CLOSE_WAIT: "CLOSE_WAIT", "CLOSE-WAIT": "CLOSE_WAIT",
  LAST_ACK: "LAST_ACK", "LAST-ACK": "LAST_ACK",
  LISTEN: "LISTEN",
  CLOSING: "CLOSING",
  NEW_SYN_RECV: "NEW_SYN_RECV", "NEW-SYN-RECV": "NEW_SYN_RECV",
  BOUND: "BOUND",
};

/** netstat's, ss's and BSD's state names -> the kernel's; UNCONN, "7", "" -> null. */
export function normaliseState(text: string | null | undefined): TcpState | null {
  if (!text) return null;
  return STATES[text] ?? null;
}

export function decodeNetstatTimer(name: string, expires: string, retransmits: string, probes: string): SocketTimer {
  return { name, expires: Number(expires), retransmits: Number(retransmits), probes: Number(probes) };
}

// macOS sections after the sockets: kernel event and control sockets (kevt,
// kctl, with -A a pcb first) and the registered control modules (id flags
// pcbcount rcvbuf sndbuf name; -A adds kctlref and unit before them).
const MACOS_KERNEL_HEADER = /^\s*(?:pcb\s+Proto\s|id\s+flags\s+pcbcount\s|kctlref\s+id\s)/;
const MACOS_KERNEL_ROW =
  /^\s*(?:[0-9a-f]{8,16}\s+)?(?:kevt(?:\s+\d+){5,7}|kctl(?:\s+\d+){4,6}\s+\S+)\s*$|^\s*[0-9a-f]+\s+(?:[0-9a-f]+\s+-?\d+\s+)?(?:\d+\s+){4}[\w.-]+\s*$/;

// netstat -r: Destination Gateway Genmask Flags ... (Linux); Destination
// Gateway Flags Refs Use Netif ... (BSD, macOS)
const LINUX_ROUTE = /^\S+\s+\S+\s+\S+\s+[A-Z!]*[UGHRDMACLWSbcmrI][A-Za-z!]*\s/;
const BSD_ROUTE = /^\S+\s+\S+\s+[A-Z!]*[UGHRDMACLWSbcmrI][A-Za-z!]*\s+(?:\d+\s+\d+\s+)?\S+/;

// netstat -i (BSD, macOS): Name Mtu Network Address Ipkts Ierrs Opkts ...
const BSD_INTERFACE = /^\S+\s+(?:\d+|-)\s+(?:\S+\s+){1,3}\d+\s+(?:\d+|-)\s+(?:\d+|-)/;

/** The kind of a line that is neither a row nor a column header. */
export function classifyOther(tool: "netstat" | "ss", text: string, indented = false): OtherLine["record"] | "header" {
  if (tool === "ss") {
    if (/^(?:Total:|TCP:|Transport\b|(?:RAW|UDP|TCP|INET|FRAG)\s+\d)/.test(text)) return "statistics";
    if (/^(?:Failed|Cannot|RTNETLINK|Error|Netlink|Usage)\b/i.test(text)) return "message";
    return "other";
  }
  if (MACOS_KERNEL_HEADER.test(text)) return "header";
  if (MACOS_KERNEL_ROW.test(text)) return "kernel-control";
  if (/^(?:Kernel|Destination|Iface|Name|Routing tables|Internet6?:|Registered)\b/.test(text)) return "header";
  // netstat -s: "Tcp:" section names, indented counters
  if (/^\w[\w-]*:$/.test(text) || indented || /^\s/.test(text)) return "statistics";
  if (LINUX_ROUTE.test(text) || BSD_ROUTE.test(text) || /^(?:default|\d+\.\d+\.\d+\.\d+)\s/.test(text)) return "route";
  if (/^\S+\s+\d+\s+(?:\d+|<Link#\d+>)/.test(text) || BSD_INTERFACE.test(text)) return "interface";
  if (/^(?:netstat|Cannot|Failed|Error|warning)\b/i.test(text)) return "message";
  return "other";
}

export function otherLine(tool: "netstat" | "ss", text: string, indented = false): OtherLine | HeaderLine {
  const kind = classifyOther(tool, text, indented);
  if (kind === "header") return { record: "header", text, columns: /^(?:Destination|Iface|Name)\b/.test(text) ? headerColumns(text) : null };
  return { record: kind, text };
}
