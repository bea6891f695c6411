// Turns an nft rule's words into the fields `iptables -L -n` prints, so one
// evaluator serves both. Matches with no -L counterpart are passed on as
// words the evaluator does not know, so it says "cannot evaluate".
import type { ListedForm } from "./rulespec.js";

const set = (w: string) => w.replace(/^\{\s*|\s*\}$/g, "").replace(/\s+/g, "").replace(/-/g, ":");

export function nftListedForm(words: string[], family: string): ListedForm & { pkts: number | null } {
  const any = family === "ip6" ? "::/0" : "0.0.0.0/0";
  const out: ListedForm & { pkts: number | null } = {
    target: null, prot: "all", source: any, destination: any, in: "*", out: "*", options: null, pkts: null,
  };
  const options: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = () => words[++i] ?? "";
    const unquote = (x: string) => x.replace(/^"|"$/g, "");
    if (w === "iifname" || w === "iif") out.in = unquote(next());
    else if (w === "oifname" || w === "oif") out.out = unquote(next());
    else if ((w === "ip" || w === "ip6") && ["saddr", "daddr"].includes(words[i + 1] ?? "")) {
      const which = next();
      const value = next();
      if (which === "saddr") out.source = value;
      else out.destination = value;
    } else if ((w === "tcp" || w === "udp") && ["dport", "sport"].includes(words[i + 1] ?? "")) {
      out.prot = w;
      const which = next();
      const value = set(next());
      options.push(`${which === "dport" ? "dpt" : "spt"}${value.includes(":") ? "s" : ""}:${value}`);
    } else if (w === "tcp" && words[i + 1] === "flags") {
      i++;
      const parts: string[] = [];
      while (i + 1 < words.length && !["tcp", "counter", "accept", "drop", "reject", "ct", "meta"].includes(words[i + 1]!)) parts.push(next());
      const [comp, mask] = parts.join(" ").split("/").map((x) => x.trim().toUpperCase());
      out.prot = "tcp";
      options.push(`flags:${mask ?? "FIN,SYN,RST,ACK"}/${comp}`);
    } else if (w === "meta" && words[i + 1] === "l4proto") {
      i++;
      out.prot = next();
    } else if (w === "ct" && words[i + 1] === "state") {
      i++;
      options.push(`ctstate ${next().toUpperCase()}`);
    } else if (w === "numgen" && words[i + 1] === "inc" && words[i + 2] === "mod") {
      // numgen inc mod N P: iptables-nft's form of statistic mode nth every N packet P
      i += 2;
      const every = next();
      const packet = next();
      options.push(`statistic mode nth every ${every} packet ${packet}`);
    } else if (w === "counter") {
      if (words[i + 1] === "packets") {
        out.pkts = Number(words[i + 2]);
        i += 4;
      }
    } else if (w === "accept" || w === "drop" || w === "return") out.target = w.toUpperCase();
    else if (w === "reject") {
      out.target = "REJECT";
      if (words[i + 1] === "with") {
        i++;
        const kind = next();
        const detail = kind === "tcp" ? `tcp-${next()}` : `${kind === "icmpv6" ? "icmp6" : "icmp"}-${(next(), next())}`;
        options.push(`reject-with ${detail}`);
      }
    } else if (w === "jump" || w === "goto") out.target = next();
    else if (w === "log" || w === "limit") {
      // a log statement with its parameters decides nothing
      out.target ??= "LOG";
      break;
    } else options.push(`nft:${w}`); // not modelled
  }
  out.options = options.length ? options.join(" ") : null;
  return out;
}
