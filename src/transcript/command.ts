// What a command typed at a prompt tells: which tool prints the output that
// follows, and for clients and traced programs, which server they connect to.
import type { ToolFormat } from "../formats/detect.js";

export interface CommandMeaning {
  /** The format of what the command prints; null when it is no tool tcpdiag reads. */
  format: ToolFormat | null;
  /** The program that connects: a client run directly or under strace. */
  program: string | null;
  /** Where that program connects, when its arguments say. */
  server: { host: string; port: number | null } | null;
  /** sysctl -n KEY / cat /proc/sys/...: the keys whose values follow, in order. */
  keys: string[];
  /** Wrapped in `time`: its real/user/sys lines belong to this command. */
  timed: boolean;
}

const WRAPPERS = new Set(["sudo", "doas", "time", "nohup", "exec", "command", "builtin"]);
/** Options of wrappers that take a value (sudo -u root, timeout -s INT 10). */
const WRAPPER_OPTIONS_WITH_VALUE = new Set(["-u", "-g", "-C", "-h", "-p", "-s", "-k", "--signal", "--kill-after"]);
const CLIENTS = new Set(["telnet", "nc", "ncat", "netcat", "curl", "wget", "ssh", "socat", "python", "python3", "python2", "node", "psql", "mysql", "redis-cli"]);
/** strace options that take a value. */
const STRACE_OPTIONS_WITH_VALUE = new Set(["-e", "-o", "-p", "-s", "-P", "-I", "-b", "-a", "-X", "-u", "-E", "-S", "-O", "-U"]);

/** Splits a command line into words, minding quotes; stops at the first |, ;, && or ||. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  const re = /\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|(\|\||&&|[|;])|((?:[^\s'"|;&]|&(?!&))+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(command))) {
    if (m[3]) break;
    words.push(m[1] ?? m[2] ?? m[4] ?? "");
  }
  return words;
}

function unwrap(words: string[]): { words: string[]; timed: boolean } {
  let i = 0;
  let timed = false;
  while (i < words.length) {
    const w = words[i]!;
    if (WRAPPERS.has(w)) {
      if (w === "time") timed = true;
      i++;
      while (words[i]?.startsWith("-")) i += WRAPPER_OPTIONS_WITH_VALUE.has(words[i]!) ? 2 : 1;
    } else if (w === "env") {
      i++;
      while (words[i] && (words[i]!.includes("=") || words[i]!.startsWith("-"))) i++;
    } else if (w === "timeout") {
      i++;
      while (words[i]?.startsWith("-")) i += WRAPPER_OPTIONS_WITH_VALUE.has(words[i]!) ? 2 : 1;
      i++; // the duration
    } else if (w === "ip" && words[i + 1] === "netns" && words[i + 2] === "exec") i += 4;
    else if (/^\w+=/.test(w)) i++; // VAR=value before the command
    else break;
  }
  return { words: words.slice(i), timed };
}

const base = (path: string) => path.slice(path.lastIndexOf("/") + 1);

function hostPort(host: string | undefined, port: string | undefined): CommandMeaning["server"] {
  if (!host) return null;
  return { host: host.replace(/^\[|\]$/g, ""), port: port && /^\d+$/.test(port) ? Number(port) : null };
}

const SCHEME_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21 };

function fromUrl(url: string): CommandMeaning["server"] {
  const m = /^(?:(\w+):\/\/)?(\[[^\]]+\]|[^/:?#\s]+)(?::(\d+))?/.exec(url);
  if (!m) return null;
  const port = m[3] ? Number(m[3]) : m[1] ? (SCHEME_PORTS[m[1].toLowerCase()] ?? null) : null;
  return { host: m[2]!.replace(/^\[|\]$/g, ""), port };
}

/** The server a client's arguments name (telnet HOST PORT, nc HOST PORT, curl URL, ssh [-p P] HOST). */
function clientServer(program: string, args: string[]): CommandMeaning["server"] {
  const plain = args.filter((a) => !a.startsWith("-"));
  switch (program) {
    case "telnet":
    case "nc":
    case "ncat":
    case "netcat": {
      // nc -w 3 HOST PORT: option values are plain words too; the last two are host and port
      const n = plain.length;
      return n >= 2 && /^\d+$/.test(plain[n - 1]!) ? hostPort(plain[n - 2], plain[n - 1]) : hostPort(plain[n - 1], program === "telnet" ? "23" : undefined);
    }
    case "curl":
    case "wget": {
      const url = plain.find((a) => /^(?:\w+:\/\/)|^[\w.-]+(?::\d+)?(?:\/|$)/.test(a) && !/^\d+$/.test(a));
      return url ? fromUrl(url) : null;
    }
    case "ssh": {
      const p = args.indexOf("-p");
      const host = plain.find((a, i) => a !== args[p + 1] || i < 0);
      const server = host ? hostPort(host.replace(/^.*@/, ""), p >= 0 ? args[p + 1] : "22") : null;
      return server;
    }
    default: {
      // python3 -c '...create_connection(("127.0.0.1", 12345))' / .connect(("::1", 80))
      const m = /\(\s*["']([^"']+)["']\s*,\s*(\d+)\s*\)/.exec(args.join(" "));
      return m ? hostPort(m[1], m[2]) : null;
    }
  }
}

function straceTarget(args: string[]): string[] {
  let i = 0;
  while (i < args.length && args[i]!.startsWith("-")) {
    const a = args[i]!;
    i += STRACE_OPTIONS_WITH_VALUE.has(a) ? 2 : 1;
  }
  return args.slice(i);
}

function iptablesFormat(args: string[]): CommandMeaning["format"] {
  if (args.some((a) => a === "-S" || a === "--list-rules" || /^-[a-zA-Z]*S$/.test(a))) return "iptables-save";
  if (args.some((a) => a === "-L" || a === "--list" || /^-[a-zA-Z]*L[a-zA-Z]*$/.test(a))) return "iptables";
  return null;
}

/** What a command line means for the output that follows it. */
export function commandMeaning(command: string): CommandMeaning {
  const { words, timed } = unwrap(shellWords(command));
  const none: CommandMeaning = { format: null, program: null, server: null, keys: [], timed };
  const program = words[0] ? base(words[0]) : null;
  if (!program) return none;
  const args = words.slice(1);
  switch (program) {
    case "tcpdump":
      return { ...none, format: "tcpdump" };
    case "strace": {
      const target = straceTarget(args);
      const traced = target[0] ? base(target[0]) : null;
      return { ...none, format: "strace", program: traced, server: traced ? clientServer(traced, target.slice(1)) : null };
    }
    case "netstat":
      return { ...none, format: "netstat" };
    case "ss":
      return { ...none, format: "ss" };
    case "iptables":
    case "ip6tables":
    case "iptables-legacy":
    case "ip6tables-legacy":
    case "iptables-nft":
    case "ip6tables-nft":
      return { ...none, format: iptablesFormat(args) };
    case "iptables-save":
    case "ip6tables-save":
    case "iptables-legacy-save":
    case "iptables-nft-save":
      return { ...none, format: "iptables-save" };
    case "nft":
      return { ...none, format: args.includes("list") ? "nft" : null };
    case "sysctl": {
      const keys = args.filter((a) => !a.startsWith("-")).map((a) => a.replace(/=.*$/, "").replace(/\//g, "."));
      return { ...none, format: "sysctl", keys: args.includes("-n") || args.includes("--values") ? keys : [] };
    }
    case "cat": {
      const paths = args.filter((a) => a.startsWith("/proc/sys/"));
      return paths.length > 0 ? { ...none, format: "sysctl", keys: paths.map((p) => p.slice("/proc/sys/".length).replace(/\//g, ".")) } : none;
    }
    default:
      return CLIENTS.has(program) ? { ...none, program, server: clientServer(program, args) } : none;
  }
}
