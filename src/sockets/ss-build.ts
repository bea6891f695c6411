// Postprocessors of grammar/ss.ne: matched tokens -> the records of ./records.ts.
import type { Token } from "moo";
import { lineSpans, Span, type Tree } from "../grammar-support.js";
import { endpoint, headerColumns, normaliseState, otherLine } from "./netstat-build.js";
import type { SocketLine, SocketTableLine, SocketUser, TcpInfoLine, UnixSocketLine } from "./records.js";

const spans = lineSpans();
export const { readsLineFrom, emptySpan, span, extend, flat } = spans;

export function row(netid: Token | null, state: Token | null, recvQ: Token, sendQ: Token, local: Token, peer: Token, tail: Span) {
  return {
    raw: "row",
    proto: netid?.text ?? null,
    state: state?.text ?? null,
    recvQ: recvQ.text,
    sendQ: sendQ.text,
    local: local.text,
    peer: peer.text,
    tail,
  };
}

export function unixRow(
  netid: Token, state: Token | null, recvQ: Token, sendQ: Token,
  localPath: Token, localInode: Token, peerPath: Token, peerInode: Token, tail: Span,
) {
  return {
    raw: "unix",
    proto: netid.text,
    state: state?.text ?? null,
    recvQ: recvQ.text,
    sendQ: sendQ.text,
    path: localPath.text,
    inode: localInode.text,
    peerPath: peerPath.text,
    peerInode: peerInode.text,
    tail,
  };
}

export function tcpInfo(rest: Span) {
  return { raw: "tcp-info", text: rest };
}

export function header(d: Tree) {
  return { raw: "header", text: spans.text(d) };
}

/** Any other line, unless it starts like a row, a -i line or a header (those alternatives own it). */
export function other(rest: Span, reject: object) {
  const a = rest.head[0]!;
  if (["tab", "unixnetid", "netid", "state", "number"].includes(a.type!)) return reject;
  if (["Netid", "State", "Recv-Q"].includes(a.text)) return reject;
  return { raw: "other", text: rest };
}

// --- after the parse -------------------------------------------------------------

/** "1.2s", "55sec", "119min", "2.812ms", "1h2min"? -> seconds */
export function ssDuration(text: string): number | null {
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|sec|s|min|h|d)/g)) {
    matched = true;
    const n = Number(m[1]);
    total += m[2] === "ms" ? n / 1000 : m[2] === "min" ? n * 60 : m[2] === "h" ? n * 3600 : m[2] === "d" ? n * 86400 : n;
  }
  if (!matched && /^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  return matched ? Math.round(total * 1e6) / 1e6 : null;
}

function users(text: string): SocketUser[] {
  const out: SocketUser[] = [];
  for (const m of text.matchAll(/\("((?:[^"\\]|\\.)*)"((?:,\w+=[^,()]*)*)\)/g)) {
    const pid = /,pid=(\d+)/.exec(m[2]!);
    const fd = /,fd=(\d+)/.exec(m[2]!);
    out.push({ program: m[1]!, pid: pid ? Number(pid[1]) : null, fd: fd ? Number(fd[1]) : null });
  }
  return out;
}

type Options = Pick<SocketLine, "users" | "timer" | "user" | "inode" | "sk" | "cgroup" | "extra">;

/** users:((...)) timer:(on,1.2s,3) uid:112 ino:25147 sk:2 cgroup:/x <-> */
function options(tail: string): Options {
  const o: Options = { users: [], timer: null, user: null, inode: null, sk: null, cgroup: null, extra: null };
  const extra: string[] = [];
  let t = tail;
  const u = /users:\((\(.*?\))\)(?=\s|$)/.exec(t);
  if (u) {
    o.users = users(u[1]!);
    t = t.slice(0, u.index) + t.slice(u.index + u[0].length);
  }
  for (const part of t.split(/\s+/).filter((x) => x !== "")) {
    let m: RegExpExecArray | null;
    if ((m = /^timer:\((\w+),([^,]*),(\d+)\)$/.exec(part))) {
      o.timer = { name: m[1]!, expires: ssDuration(m[2]!) ?? 0, retransmits: Number(m[3]), probes: null };
    } else if ((m = /^ino:(\d+)$/.exec(part))) o.inode = Number(m[1]);
    else if ((m = /^uid:(\d+)$/.exec(part))) o.user = m[1]!;
    else if ((m = /^sk:(\S+)$/.exec(part))) o.sk = m[1]!;
    else if ((m = /^cgroup:(\S+)$/.exec(part))) o.cgroup = m[1]!;
    else extra.push(part);
  }
  o.extra = extra.join(" ") || null;
  return o;
}

function inet(raw: Record<string, unknown>): SocketLine {
  const o = options((raw.tail as string | null) ?? "");
  const first = o.users[0];
  const stateText = raw.state as string | null;
  return {
    record: "socket",
    tool: "ss",
    form: "linux",
    proto: raw.proto as string | null,
    recvQ: Number(raw.recvQ),
    sendQ: Number(raw.sendQ),
    local: endpoint(raw.local as string, ":"),
    remote: endpoint(raw.peer as string, ":"),
    state: normaliseState(stateText),
    stateText,
    pid: first?.pid ?? null,
    program: first?.program ?? null,
    ...o,
  };
}

function unix(raw: Record<string, unknown>): UnixSocketLine {
  const o = options((raw.tail as string | null) ?? "");
  const first = o.users[0];
  return {
    record: "unix-socket",
    tool: "ss",
    proto: raw.proto as string,
    refCnt: null,
    flags: [],
    type: ({ u_str: "STREAM", u_dgr: "DGRAM", u_seq: "SEQPACKET" } as Record<string, string>)[raw.proto as string] ?? null,
    state: raw.state as string | null,
    inode: Number(raw.inode),
    pid: first?.pid ?? null,
    program: first?.program ?? null,
    path: raw.path === "*" ? null : (raw.path as string),
    peerInode: Number(raw.peerInode),
    recvQ: Number(raw.recvQ),
    sendQ: Number(raw.sendQ),
  };
}

function value(v: string): string | number {
  return /^-?\d+(?:\.\d+)?$/.test(v) ? Number(v) : v;
}

/** "bbr wscale:7,7 rto:204 rtt:0.02/0.01 ... send 11584000000bps ... app_limited retrans:0/4" */
function info(text: string): TcpInfoLine {
  const values: Record<string, string | number | boolean> = {};
  const parts = text.split(/\s+/).filter((x) => x !== "");
  let congestion: string | null = null;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const m = /^([A-Za-z_]+):(.*)$/.exec(p);
    if (m) values[m[1]!] = value(m[2]!);
    else if (/^(?:send|pacing_rate|delivery_rate)$/.test(p) && parts[i + 1]) values[p] = value(parts[++i]!);
    else {
      values[p] = true;
      if (i === 0 || (congestion === null && /^(?:cubic|bbr2?|reno|dctcp|vegas|westwood|htcp|bic|illinois|hybla|scalable|veno|yeah|lp|nv|cdg)$/.test(p))) congestion ??= p;
    }
  }
  const num = (k: string) => (typeof values[k] === "number" ? (values[k] as number) : null);
  const r = typeof values.retrans === "string" ? /^(\d+)\/(\d+)$/.exec(values.retrans) : null;
  return {
    record: "tcp-info",
    values,
    rto: num("rto"),
    backoff: num("backoff"),
    retrans: r ? { current: Number(r[1]), total: Number(r[2]) } : null,
    congestion,
    text,
  };
}

/** Turns a completed parse into its record (once per line, after nearley is done). */
export function finish(value: SocketTableLine): SocketTableLine {
  const raw = spans.finish(value) as unknown as Record<string, unknown>;
  switch (raw.raw) {
    case "row":
      return inet(raw);
    case "unix":
      return unix(raw);
    case "tcp-info":
      return info((raw.text as string | null) ?? "");
    case "header":
      return { record: "header", text: raw.text as string, columns: headerColumns(raw.text as string) };
    default:
      return otherLine("ss", raw.text as string);
  }
}
