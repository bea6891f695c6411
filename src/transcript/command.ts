// What a command typed at a prompt tells: which tool prints the output that
// follows, and for clients and traced programs, which server they connect to.
import type { ToolFormat } from "../formats/detect.js";
import { portNumber } from "../ports.js";

export interface CommandMeaning {
  /** The format of what the command prints; null when it is no tool tcpdiag reads. */
  format: ToolFormat | null;
  /** The program that connects: a client run directly or under strace. */
  program: string | null;
  /** Where that program connects, when its arguments say. */
  server: { host: string; port: number | null } | null;
  /** sysctl -n KEY / cat /proc/sys/...: the keys whose values follow, in order. */
  keys: string[];
  /** iptables -t TABLE: the table the listing shows (-L and -S do not print it). */
  table?: string;
  /** ss ... state STATE: the one state the rows are in (ss then prints no State column). */
  state?: string;
  /** Wrapped in `time`: its real/user/sys lines belong to this command. */
  timed: boolean;
  /** The client's own connect timeout, when its options set one (nc -w 3, curl --connect-timeout 2). */
  timeoutSeconds: number | null;
}

/** Options that set a client's connect timeout, in seconds. */
const TIMEOUT_OPTIONS: Record<string, string[]> = {
  nc: ["-w"], ncat: ["-w"], netcat: ["-w"],
  curl: ["--connect-timeout", "-m", "--max-time"],
  wget: ["-T", "--timeout", "--connect-timeout"],
  ssh: ["ConnectTimeout"],
};

function clientTimeout(program: string, args: string[]): number | null {
  for (const option of TIMEOUT_OPTIONS[program] ?? []) {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const value = a === option ? args[i + 1] : a.startsWith(`${option}=`) ? a.slice(option.length + 1) : a.startsWith(option) && /^-\w$/.test(option) ? a.slice(2) : undefined;
      if (value !== undefined && /^\d+(?:\.\d+)?$/.test(value)) return Number(value);
    }
  }
  return null;
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

/** Options that take a value, per client (so that the value is not taken for the host). */
const OPTION_VALUES: Record<string, Set<string>> = {
  nc: new Set(["-w", "-s", "-p", "-i", "-q", "-X", "-x", "-T", "-O", "-I", "-V", "-M", "-m", "-e", "-c"]),
  telnet: new Set(["-b", "-e", "-l", "-n", "-S", "-X", "-k"]),
  ssh: new Set(["-i", "-o", "-p", "-l", "-F", "-J", "-b", "-c", "-D", "-E", "-e", "-I", "-L", "-m", "-O", "-Q", "-R", "-S", "-W", "-w", "-B"]),
  curl: new Set([
    "-o", "-H", "-d", "-u", "-X", "-A", "-e", "-x", "-m", "-w", "-T", "-b", "-c", "-F", "-r", "-y", "-Y", "-z", "-E", "-K", "-U", "-C", "-P", "-Q", "-t",
    "--connect-timeout", "--max-time", "--output", "--header", "--data", "--user", "--request", "--user-agent", "--proxy", "--resolve",
    "--connect-to", "--interface", "--retry", "--write-out", "--cacert", "--cert", "--key", "--data-raw", "--data-binary", "--url",
  ]),
  wget: new Set(["-O", "-o", "-T", "-t", "-P", "-U", "--timeout", "--tries", "--output-document", "--connect-timeout", "--header"]),
};

/** The words that are not options or option values. */
function operands(program: string, args: string[]): string[] {
  const takesValue = OPTION_VALUES[program === "ncat" || program === "netcat" ? "nc" : program] ?? new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("-") && a.length > 1) {
      // "-w3" and "--opt=value" carry their value; "-w 3" takes the next word
      if (takesValue.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const portOf = (text: string | undefined) => (text === undefined ? null : /^\d+$/.test(text) ? Number(text) : portNumber(text));

/** The server a client's arguments name (telnet HOST PORT, nc HOST PORT, curl URL, ssh [-p P] HOST). */
function clientServer(program: string, args: string[]): CommandMeaning["server"] {
  const plain = operands(program, args);
  switch (program) {
    case "telnet":
      return plain[0] ? { host: strip(plain[0]), port: plain[1] !== undefined ? portOf(plain[1]) : 23 } : null;
    case "nc":
    case "ncat":
    case "netcat":
      // nc -l PORT listens: a server, not a client; a port range (20-30) names no one port
      if (args.some((a) => /^-[a-zA-Z]*l/.test(a))) return null;
      return plain[0] ? { host: strip(plain[0]), port: plain[1] !== undefined ? portOf(plain[1]) : null } : null;
    case "curl":
    case "wget": {
      const url = plain.find((a) => a.includes("://")) ?? plain[0];
      return url ? fromUrl(url) : null;
    }
    case "ssh": {
      const p = args.indexOf("-p");
      return plain[0] ? { host: strip(plain[0].replace(/^.*@/, "")), port: p >= 0 ? portOf(args[p + 1]) : 22 } : null;
    }
    default: {
      // python3 -c '...create_connection(("127.0.0.1", 12345))' / .connect(("::1", 80)); servers (-m http.server) name none
      if (args.includes("-m")) return null;
      const m = /\(\s*["']([^"']+)["']\s*,\s*(\d+)\s*\)/.exec(args.join(" "));
      return m ? hostPort(m[1], m[2]) : null;
    }
  }
}

const strip = (host: string) => host.replace(/^\[|\]$/g, "");

/** The traced command: what follows strace's options ("-fp 1234" attaches to a pid: no command). */
function straceTarget(args: string[]): string[] {
  let i = 0;
  while (i < args.length && args[i]!.startsWith("-")) {
    const a = args[i]!;
    if (a === "--") return args.slice(i + 1);
    // a cluster takes a value when its last letter does (-fo FILE, -fp PID)
    const last = /^-[a-zA-Z]+$/.test(a) ? `-${a.slice(-1)}` : a;
    if (last === "-p" || a.startsWith("--attach")) return [];
    i += STRACE_OPTIONS_WITH_VALUE.has(last) ? 2 : 1;
  }
  return args.slice(i);
}

function tableOption(args: string[]): { table?: string } {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((a === "-t" || a === "--table") && args[i + 1]) return { table: args[i + 1]! };
    const m = /^(?:-t|--table=)(\w+)$/.exec(a);
    if (m) return { table: m[1]! };
  }
  return {};
}

function iptablesFormat(args: string[]): CommandMeaning["format"] {
  if (args.some((a) => a === "-S" || a === "--list-rules" || /^-[a-zA-Z]*S$/.test(a))) return "iptables-save";
  if (args.some((a) => a === "-L" || a === "--list" || /^-[a-zA-Z]*L[a-zA-Z]*$/.test(a))) return "iptables";
  return null;
}

/** What a command line means for the output that follows it. */
export function commandMeaning(command: string): CommandMeaning {
  const { words, timed } = unwrap(shellWords(command));
  const none: CommandMeaning = { format: null, program: null, server: null, keys: [], timed, timeoutSeconds: null };
  const program = words[0] ? base(words[0]) : null;
  if (!program) return none;
  const args = words.slice(1);
  switch (program) {
    case "tcpdump":
      return { ...none, format: "tcpdump" };
    case "strace": {
      const target = straceTarget(args);
      const traced = target[0] ? base(target[0]) : null;
      const server = traced ? clientServer(traced, target.slice(1)) : null;
      // -o FILE: the trace goes to the file, the terminal shows the program's own output
      if (args.some((a) => /^-[a-zA-Z]*o$/.test(a) || a.startsWith("--output"))) {
        return { ...none, program: traced && CLIENTS.has(traced) ? traced : null, server };
      }
      return { ...none, format: "strace", program: traced, server };
    }
    case "netstat":
      return { ...none, format: "netstat" };
    case "ss": {
      const i = args.findIndex((a) => a === "state" || a === "--state");
      const state = i >= 0 ? args[i + 1] : undefined;
      return { ...none, format: "ss", ...(state && !["all", "connected", "synchronized", "bucket", "big"].includes(state) ? { state } : {}) };
    }
    case "iptables":
    case "ip6tables":
    case "iptables-legacy":
    case "ip6tables-legacy":
    case "iptables-nft":
    case "ip6tables-nft":
      return { ...none, format: iptablesFormat(args), ...tableOption(args) };
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
      return CLIENTS.has(program) ? { ...none, program, server: clientServer(program, args), timeoutSeconds: clientTimeout(program, args) } : none;
  }
}
