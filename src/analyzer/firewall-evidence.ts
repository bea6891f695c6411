// What a firewall listing adds to attempts: the rule that decides each SYN,
// and whether the rule agrees with what the packets and calls show.
import type { AttemptReport } from "../analysis.js";
import type { FirewallChainEvent, FirewallRuleEvent } from "../events.js";
import { buildRuleset, evaluate, type Decision, type Ruleset } from "./firewall.js";
import { describeAddress } from "./words.js";

export interface FirewallFinding {
  code: "FIREWALL_RULE" | "FIREWALL_CONTRADICTS" | "FIREWALL_CANNOT_EVALUATE";
  attempts: number[];
  message: string;
  evidence: { input: string; line: number }[];
}

/** What each target does to a SYN, and the outcome it leads to. */
function effect(d: Decision): { words: string; outcomes: string[] } {
  // a rule that takes only every Nth packet lets a retransmitted SYN through
  const some = /\bstatistic mode nth\b/.test(d.options ?? "") ? ["established", "reset", "refused"] : [];
  // a DROP sends nothing back; an ICMP error from a router on the way may still come
  if (d.target === "DROP") return { words: "dropped", outcomes: ["timeout", "in-progress", "app-timeout", "unreachable", ...some] };
  if (d.target === "REJECT") {
    // the -L form of the rule (nft's "reject with icmp type ..." is read into it)
    const how = /reject-with (\S+)/.exec(d.options ?? d.text)?.[1] ?? "icmp-port-unreachable";
    const outcomes = how === "tcp-reset" || how.endsWith("port-unreachable") ? ["refused"] : ["unreachable"];
    return { words: `rejected (${how})`, outcomes };
  }
  return { words: "accepted", outcomes: ["established", "reset"] };
}

function where(d: Decision): string {
  const chain = d.table === "filter" ? d.chain : `${d.table} ${d.chain}`;
  return d.rule === null ? `the ${chain} policy` : `${chain} rule ${d.rule}`;
}

/** The listed rules of a run: each attempt is evaluated as it is decided; attempts decided by the same rule the same way share one finding. */
export class FirewallRules {
  private readonly rs: Ruleset | null;
  /** Findings by what they rest on (code, rule, server, outcome), not by their words: the first attempt's message stands for the rest. */
  private readonly byFact = new Map<string, FirewallFinding>();

  constructor(chains: FirewallChainEvent[], rules: FirewallRuleEvent[]) {
    this.rs = chains.length === 0 && rules.length === 0 ? null : buildRuleset(chains, rules);
  }

  get findings(): FirewallFinding[] {
    return [...this.byFact.values()];
  }

  /** The attempt with the rule that decides its SYN. */
  complete(report: AttemptReport): AttemptReport {
    if (!this.rs) return report;
    const d = evaluate(this.rs, report);
    if (!d) return report;
    const evidence = d.at ? [d.at] : [];
    const attempt = describeAddress(report.server);
    const fact = `${d.table}|${d.chain}|${d.rule}|${attempt}|${report.outcome}`;
    if (d.cannotEvaluate) {
      this.add({
        code: "FIREWALL_CANNOT_EVALUATE",
        attempts: [report.id],
        message: `SYNs to ${attempt}: ${where(d)} (${d.spec}): ${d.cannotEvaluate}; the rules after it were not evaluated`,
        evidence,
      }, fact);
      return report;
    }
    const done: AttemptReport = {
      ...report,
      firewall: { table: d.table, chain: d.chain, rule: d.rule, target: d.target, text: d.text },
      sources: [...report.sources, ...evidence],
    };
    const e = effect(d);
    const syns = report.syn.sent > 0 ? `; this attempt sent ${report.syn.sent} SYN${report.syn.sent === 1 ? "" : "s"}` : "";
    const counted = d.pkts !== null ? ` (its counter shows ${d.pkts} packets${syns})` : "";
    if (d.target !== "ACCEPT") {
      const timeout =
        report.outcome === "timeout" && report.inferred.timeoutSeconds
          ? `: connect() times out after ${report.inferred.timeoutSeconds} s`
          : "";
      this.add({
        code: "FIREWALL_RULE",
        attempts: [report.id],
        message: `SYNs to ${attempt} are ${e.words} by ${where(d)} (${d.spec})${counted}${timeout}`,
        evidence,
      }, fact);
    }
    if (!e.outcomes.includes(report.outcome) && report.outcome !== "unknown") {
      this.add({
        code: "FIREWALL_CONTRADICTS",
        attempts: [report.id],
        message: `${where(d)} (${d.spec}) would leave ${attempt} ${e.words}, but the attempt's outcome is ${report.outcome}: the listing is from another host or another moment`,
        evidence,
      }, fact);
    }
    return done;
  }

  private add(f: FirewallFinding, fact: string): void {
    const key = `${f.code}|${fact}`;
    const seen = this.byFact.get(key);
    if (seen) seen.attempts.push(...f.attempts);
    else this.byFact.set(key, { ...f, attempts: [...f.attempts] });
  }
}
