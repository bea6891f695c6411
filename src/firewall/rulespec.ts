// Turns an iptables rule spec (iptables-save, iptables -S) into the fields
// `iptables -L -n -v` prints, so one evaluator serves both forms.

export interface ListedForm {
  target: string | null;
  prot: string;
  source: string;
  destination: string;
  in: string;
  out: string;
  /** The match text as -L prints it ("tcp dpt:12345 reject-with tcp-reset"). */
  options: string | null;
}

const VALUE_OPTIONS: Record<string, (v: string) => string> = {
  "--dport": (v) => (v.includes(":") ? `dpts:${v}` : `dpt:${v}`),
  "--destination-port": (v) => (v.includes(":") ? `dpts:${v}` : `dpt:${v}`),
  "--sport": (v) => (v.includes(":") ? `spts:${v}` : `spt:${v}`),
  "--source-port": (v) => (v.includes(":") ? `spts:${v}` : `spt:${v}`),
  "--dports": (v) => `multiport dports ${v}`,
  "--sports": (v) => `multiport sports ${v}`,
  "--ports": (v) => `multiport ports ${v}`,
  "--state": (v) => `state ${v}`,
  "--ctstate": (v) => `ctstate ${v}`,
  "--reject-with": (v) => `reject-with ${v}`,
};

/** Options that only shape a non-deciding target's output, or a comment. */
const IGNORED_WITH_VALUE = new Set(["--comment", "--log-prefix", "--log-level", "--set-xmark", "--set-mark", "--limit", "--limit-burst"]);

export function listedForm(args: string[]): ListedForm {
  const out: ListedForm = { target: null, prot: "all", source: "0.0.0.0/0", destination: "0.0.0.0/0", in: "*", out: "*", options: null };
  const options: string[] = [];
  let negate = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => args[++i] ?? "";
    const neg = (v: string) => (negate ? `!${v}` : v);
    if (a === "!") {
      negate = true;
      continue;
    }
    if (a === "-p" || a === "--protocol") out.prot = neg(next());
    else if (a === "-s" || a === "--source") out.source = neg(next());
    else if (a === "-d" || a === "--destination") out.destination = neg(next());
    else if (a === "-i" || a === "--in-interface") out.in = neg(next());
    else if (a === "-o" || a === "--out-interface") out.out = neg(next());
    else if (a === "-j" || a === "--jump" || a === "-g" || a === "--goto") out.target = next();
    else if (a === "-m" || a === "--match") {
      const m = next();
      if (m === "statistic") options.push("statistic");
    } else if (a === "--tcp-flags") {
      const mask = next();
      options.push(`flags:${mask}/${next()}`);
    } else if (a === "--syn") options.push("flags:FIN,SYN,RST,ACK/SYN");
    else if (a === "--mode" || a === "--probability" || a === "--every" || a === "--packet") options.push(`${a.slice(2)} ${next()}`);
    // (iptables -L prints "statistic mode nth every 3 packet 2": the same words)
    else if (VALUE_OPTIONS[a]) options.push(VALUE_OPTIONS[a](next()));
    else if (IGNORED_WITH_VALUE.has(a)) next();
    else options.push(a); // not modelled: the evaluator will say so
    negate = false;
  }
  out.options = options.length ? options.join(" ") : null;
  return out;
}
