// The match text of a rule (as `iptables -L` prints it) decoded into values.

export interface DecodedMatch {
  protocol: string | null;
  dports: string[] | null;
  sports: string[] | null;
  states: string[] | null;
  /** REJECT's reject-with (icmp-port-unreachable when REJECT names none). */
  reject: string | null;
  tcpFlags: string | null;
}

const PROTOCOLS: Record<string, string> = { "0": "all", "1": "icmp", "6": "tcp", "17": "udp", "58": "ipv6-icmp" };

export function decodeMatch(prot: string, target: string | null, options: string | null): DecodedMatch {
  const text = options ?? "";
  const ports = (re: RegExp) => {
    const all = [...text.matchAll(re)].flatMap((m) => m[1]!.split(","));
    return all.length ? all : null;
  };
  const states = /(?:ctstate|state) (\S+)/.exec(text)?.[1]?.split(",") ?? null;
  const reject = /reject-with (\S+)/.exec(text)?.[1] ?? (target === "REJECT" ? "icmp-port-unreachable" : null);
  return {
    protocol: PROTOCOLS[prot] ?? prot,
    dports: ports(/\b(?:dpts?:|multiport dports )(\S+)/g),
    sports: ports(/\b(?:spts?:|multiport sports )(\S+)/g),
    states,
    reject,
    tcpFlags: /flags:(\S+)/.exec(text)?.[1] ?? null,
  };
}
