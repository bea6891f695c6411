// The analyzer: events in (from any format module), an Analysis out.
import type { Analysis } from "../analysis.js";
import type { AnalyzerEvent } from "../events.js";
import { fromConnect, withConnect } from "./application.js";
import { assess } from "./assess.js";
import { correlate } from "./correlate.js";
import { diagnose } from "./diagnose.js";
import { applyClientRuns } from "./client-evidence.js";
import { applyFirewall } from "./firewall-evidence.js";
import { applySettings } from "./settings-evidence.js";
import { applySocketRows } from "./socket-evidence.js";
import { AttemptTracker } from "./tracker.js";

export class Analyzer {
  private readonly tracker = new AttemptTracker();
  private readonly notes: { input: string; text: string }[] = [];

  feed(event: AnalyzerEvent): void {
    this.tracker.feed(event);
  }

  /** Something about an input as a whole that the report should say. */
  note(input: string, text: string): void {
    this.notes.push({ input, text });
  }

  finish(): Analysis {
    const { attempts: states, facts, connects, socketRows, firewall, settings, clientRuns } = this.tracker.finish();
    const { joined, unjoined, notes } = correlate(states, connects);
    const attempts = states.map((s) => {
      const report = assess(s, facts.get(s.input));
      const call = joined.get(s.id);
      return call ? withConnect(report, call) : report;
    });
    let next = states.reduce((m, s) => Math.max(m, s.id), 0) + 1;
    for (const call of unjoined) attempts.push(fromConnect(next++, call));
    const withRows = applySocketRows(attempts, socketRows, next);
    // clients' words first: they may add attempts or make one an application timeout, which the rules then explain
    const withClients = applyClientRuns(withRows.reports, clientRuns, withRows.next);
    const withRules = applyFirewall(withClients.reports, firewall.chains, firewall.rules);
    const settingFindings = applySettings(withRules.reports, settings);
    const byId = new Map(states.map((s) => [s.id, s]));
    const findings = [...withRows.findings, ...withClients.findings, ...withRules.findings, ...settingFindings];
    return {
      attempts: withRules.reports,
      diagnoses: diagnose(withRules.reports, byId, facts, this.notes, notes, findings),
    };
  }
}
