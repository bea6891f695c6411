// Follows each TCP socket of a trace from socket() through connect() to what
// decided it: connect()'s own result, SO_ERROR after EINPROGRESS, or the
// close(), exit or signal that abandoned it. Emits one ConnectEvent per
// connect() to an AF_INET/AF_INET6 address.
import type { Address, ClockKind, ConnectEvent, EventTime, Evidence, Family } from "../events.js";
import type { CallSink, ProcessEnd, Syscall } from "./calls.js";
import type { Arg } from "./records.js";

/** Linux errno numbers strace may print instead of names (SO_ERROR as [111]). */
const ERRNO_NAMES: Record<number, string> = {
  4: "EINTR",
  13: "EACCES",
  64: "ENONET",
  71: "EPROTO",
  92: "ENOPROTOOPT",
  99: "EADDRNOTAVAIL",
  101: "ENETUNREACH",
  104: "ECONNRESET",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED",
  112: "EHOSTDOWN",
  113: "EHOSTUNREACH",
  115: "EINPROGRESS",
};

/** Results that mean the call did not finish: the process was interrupted. */
const INTERRUPTED = new Set(["EINTR", "ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ERESTART_RESTARTBLOCK"]);

interface Pending {
  event: ConnectEvent;
  start: number | null;
}

interface SocketInfo {
  nonBlocking: boolean;
  /** SOCK_DGRAM and others: connect() on them sends nothing. */
  stream: boolean;
}

/** Calls an application waits for a non-blocking connect with. */
const WAITS = new Set(["poll", "ppoll", "select", "pselect6", "_newselect", "epoll_wait", "epoll_pwait", "epoll_pwait2", "getsockopt"]);

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** "3", "3<TCP:[127.0.0.1:35058->127.0.0.1:12345]>" -> fd and the local address if shown. */
export function fdArg(arg: Arg | undefined): { fd: number; local: Address | null } | null {
  const m = /^(\d+)(?:<(.*)>)?$/.exec(arg?.text ?? "");
  if (!m) return null;
  const conn = /^TCP(?:v6)?:\[(.+)->(.+)\]$/.exec(m[2] ?? "");
  return { fd: Number(m[1]), local: conn ? hostPort(conn[1]!) : null };
}

function hostPort(text: string): Address | null {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(text);
  return m ? { ip: m[1]!, port: Number(m[2]) } : null;
}

/** {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")} and the AF_INET6 / -X verbose forms. */
export function sockaddr(arg: Arg | undefined): { family: Family | "other"; address: Address | null } {
  const text = arg?.text ?? "";
  const family = /AF_INET6|PF_INET6/.test(text) ? "ipv6" : /AF_INET|PF_INET/.test(text) ? "ipv4" : "other";
  if (family === "other") return { family, address: null };
  const port = /htons\((\d+)\)/.exec(text)?.[1];
  const ip = /inet_addr\("([^"]+)"\)/.exec(text)?.[1] ?? /inet_pton\(AF_INET6,\s*"([^"]+)"/.exec(text)?.[1];
  return { family, address: ip !== undefined && port !== undefined ? { ip, port: Number(port) } : null };
}

function errnoName(text: string): string | null {
  // -X verbose: "[111 /* ECONNREFUSED */]"
  const named = /\/\*\s*(E[A-Z0-9]+)\s*\*\//.exec(text);
  if (named) return named[1]!;
  const inner = text.replace(/^\[|\]$/g, "").trim();
  if (/^\d+$/.test(inner)) return inner === "0" ? null : (ERRNO_NAMES[Number(inner)] ?? `errno ${inner}`);
  return inner || null;
}

export class SocketTracker implements CallSink {
  private readonly sockets = new Map<string, SocketInfo>();
  private readonly pending = new Map<string, Pending>();
  private readonly commands = new Map<number | null, string>();
  private lastTime: EventTime | null = null;
  /**
   * Decided connects not yet handed on, in order: one whose program is not
   * known yet waits (a later line may name it), and the ones after it with it.
   */
  private readonly decided: ConnectEvent[] = [];
  private printedName: string | null = null;

  constructor(
    private readonly out: (e: ConnectEvent) => void,
    private readonly clockOf: () => ClockKind,
    /** The command when the trace shows no execve (-ff file names, or unknown). */
    private readonly defaultCommand: string | null = null,
  ) {}

  /** Whether the trace shows any waiting call at all (-e trace= may hide them). */
  private sawWaits = false;

  call(c: Syscall): void {
    this.passed(c.name, c.time);
    if (this.wants(c.name)) this.handlers[c.name]!(c);
  }

  /** Whether a call of this name can tell anything about a socket (else passed() is all it takes). */
  wants(name: string): boolean {
    return Object.hasOwn(this.handlers, name);
  }

  /**
   * Whether a close() of this fd (its first argument's number; null when it
   * has none) by this pid can tell anything: only when the fd holds a socket
   * or a pending connect. Most closes in a trace are of files.
   */
  wantsClose(pid: number | null, fd: number | null): boolean {
    if (fd === null) return false;
    const key = this.key(pid, fd);
    return this.sockets.has(key) || this.pending.has(key);
  }

  /** A call that tells nothing about sockets: only its time, and whether it waits, count. */
  passed(name: string, time: EventTime | null): void {
    if (time) this.lastTime = time;
    if (WAITS.has(name)) this.sawWaits = true;
  }

  private readonly handlers: Record<string, (c: Syscall) => void> = {
    execve: (c) => {
      if (c.result.value !== 0) return;
      const path = /^"(.*)"$/.exec(c.args[0]?.text ?? "")?.[1];
      if (path) this.commands.set(c.pid, path.split("/").pop()!);
    },
    clone: (c) => this.inherit(c),
    clone3: (c) => this.inherit(c),
    fork: (c) => this.inherit(c),
    vfork: (c) => this.inherit(c),
    socket: (c) => {
      if (c.result.value === null || c.result.value < 0) return;
      const type = c.args[1]?.text ?? "";
      this.sockets.set(this.key(c.pid, c.result.value), {
        nonBlocking: /SOCK_NONBLOCK/.test(type),
        stream: !/SOCK_DGRAM|SOCK_RAW|SOCK_SEQPACKET/.test(type),
      });
    },
    fcntl: (c) => {
      const fd = fdArg(c.args[0]);
      if (fd && /F_SETFL/.test(c.args[1]?.text ?? "") && /O_NONBLOCK/.test(c.args[2]?.text ?? "")) {
        const s = this.sockets.get(this.key(c.pid, fd.fd));
        if (s) s.nonBlocking = true;
      }
    },
    connect: (c) => this.connect(c),
    dup2: (c) => this.dup(c),
    dup3: (c) => this.dup(c),
    getsockopt: (c) => {
      const fd = fdArg(c.args[0]);
      if (!fd || !/SO_ERROR/.test(c.args[2]?.text ?? "") || c.result.value !== 0) return;
      const p = this.findPending(c.pid, fd.fd);
      if (!p) return;
      if (fd.local) p.event.client = fd.local;
      const errno = errnoName(c.args[3]?.text ?? "");
      if (errno === "EINPROGRESS") return;
      this.decide(p, errno ? "failed" : "connected", errno, c.time, c.at);
    },
    getsockname: (c) => {
      const fd = fdArg(c.args[0]);
      const p = fd && this.findPending(c.pid, fd.fd);
      if (p && c.result.value === 0) p.event.client = sockaddr(c.args[1]).address ?? p.event.client;
    },
    close: (c) => {
      const fd = fdArg(c.args[0]);
      if (!fd) return;
      const p = this.findPending(c.pid, fd.fd);
      this.sockets.delete(this.key(c.pid, fd.fd));
      // closing one of two fds of a socket (after dup2) does not close it
      const stillOpen = p && [...this.pending.entries()].some(([k, o]) => o === p && k !== this.key(c.pid, fd.fd));
      if (p && stillOpen) this.pending.delete(this.key(c.pid, fd.fd));
      else if (p) this.abandon(p, "close", c.time, c.at);
    },
  };

  processEnd(e: ProcessEnd): void {
    for (const [key, p] of this.pending) {
      if (p.event.pid === e.pid) {
        this.abandon(p, e.kind === "killed" ? "signal" : "exit", e.time, e.at);
        this.pending.delete(key);
      }
    }
  }

  signal(): void {
    // A signal alone decides nothing: the process may handle it and go on.
  }

  /**
   * A line the traced program printed ("telnet: connect to address ...: ...")
   * names it when no execve() in the trace does.
   */
  programOutput(text: string): void {
    const m = /^([A-Za-z][\w.+-]*): /.exec(text);
    if (m && m[1] !== "strace" && !this.printedName) {
      this.printedName = m[1]!;
      this.flush(true);
    }
  }

  /** The trace ended: connects still pending are reported as such. */
  end(): void {
    for (const p of this.pending.values()) this.decided.push(p.event);
    this.pending.clear();
    this.flush(true);
  }

  private emit(e: ConnectEvent): void {
    this.decided.push(e);
    this.flush(false);
  }

  /** Hands on the decided connects up to the first whose program is unknown (all of them when `all`). */
  private flush(all: boolean): void {
    let n = 0;
    for (const e of this.decided) {
      e.command ??= this.printedName;
      if (!all && e.command === null) break;
      this.out(e);
      n++;
    }
    this.decided.splice(0, n);
  }

  private inherit(c: Syscall): void {
    const child = c.result.value;
    if (child === null || child <= 0) return;
    const command = this.commands.get(c.pid) ?? this.defaultCommand;
    if (command) this.commands.set(child, command);
    if (c.args.some((a) => a.text.includes("CLONE_THREAD"))) this.process.set(child, this.process.get(c.pid) ?? c.pid);
  }

  /** thread id -> the process (thread group) whose fds it shares. */
  private readonly process = new Map<number | null, number | null>();

  // Threads share their process's fds but strace shows their own tids: a
  // socket is keyed by the process's id and the fd.
  private key(pid: number | null, fd: number): string {
    return `${this.process.get(pid) ?? pid}:${fd}`;
  }

  /** dup2(old, new): the socket (and a pending connect) is reachable by the new fd too. */
  private dup(c: Syscall): void {
    const from = fdArg(c.args[0]);
    const to = c.result.value;
    if (!from || to === null || to < 0) return;
    const socket = this.sockets.get(this.key(c.pid, from.fd));
    if (socket) this.sockets.set(this.key(c.pid, to), socket);
    const p = this.findPending(c.pid, from.fd);
    if (p) this.pending.set(this.key(c.pid, to), p);
  }

  private findPending(pid: number | null, fd: number): Pending | undefined {
    return this.pending.get(this.key(pid, fd));
  }

  private connect(c: Syscall): void {
    const fd = fdArg(c.args[0]);
    const addr = sockaddr(c.args[1]);
    if (!fd || addr.family === "other" || !addr.address) return;
    const key = this.key(c.pid, fd.fd);
    const socket = this.sockets.get(key);
    if (socket && !socket.stream) return;
    const event: ConnectEvent = {
      type: "connect",
      at: c.at,
      time: c.time,
      clock: this.clockOf(),
      family: addr.family,
      pid: c.pid,
      command: this.commands.get(c.pid) ?? this.defaultCommand,
      fd: fd.fd,
      server: addr.address,
      client: fd.local,
      nonBlocking: socket?.nonBlocking ?? false,
      result: "pending",
      errno: null,
      durationSeconds: c.duration,
      abandonedBy: null,
      evidence: [c.at, ...(c.endAt ? [c.endAt] : [])],
    };
    const p: Pending = { event, start: c.time?.seconds ?? null };
    const errno = c.result.errno;
    if (c.result.value === 0) this.finish(p, "connected", null);
    else if (errno === "EINPROGRESS" || errno === "EALREADY") this.pending.set(key, p);
    else if (c.result.text === "?" || (errno && INTERRUPTED.has(errno))) {
      // interrupted by a signal: the process decides what happens next
      this.pending.set(key, p);
    } else this.finish(p, "failed", errno);
  }

  /** Seconds between two times, when both are precise (-t prints whole seconds). */
  private between(start: Pending, end: EventTime | null): number | null {
    if (!end || start.start === null || !end.text.includes(".") || !start.event.time?.text.includes(".")) return null;
    return round6(end.seconds - start.start);
  }

  private decide(p: Pending, result: "connected" | "failed", errno: string | null, time: EventTime | null, at: Evidence): void {
    p.event.durationSeconds = this.between(p, time) ?? p.event.durationSeconds;
    p.event.evidence.push(at);
    this.pending.delete(this.key(p.event.pid, p.event.fd));
    this.finish(p, result, errno);
  }

  private abandon(p: Pending, by: "close" | "exit" | "signal", time: EventTime | null, at: Evidence): void {
    // A close or exit after EINPROGRESS in a trace that hides every poll and
    // getsockopt (-e trace=connect, -Z) says nothing of the outcome.
    if (by !== "signal" && !this.sawWaits) {
      p.event.evidence.push(at);
      this.pending.delete(this.key(p.event.pid, p.event.fd));
      this.finish(p, "unknown", null);
      return;
    }
    p.event.durationSeconds = this.between(p, time ?? this.lastTime) ?? p.event.durationSeconds;
    p.event.abandonedBy = by;
    p.event.evidence.push(at);
    this.pending.delete(this.key(p.event.pid, p.event.fd));
    this.finish(p, "abandoned", null);
  }

  private forget(p: Pending): void {
    for (const [key, other] of this.pending) if (other === p) this.pending.delete(key);
  }

  private finish(p: Pending, result: ConnectEvent["result"], errno: string | null): void {
    this.forget(p);
    p.event.result = result;
    p.event.errno = errno;
    this.emit(p.event);
  }
}
