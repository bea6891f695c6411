// What happens to an attempt once its tracker has decided it: it is
// assessed, completed with the socket rows, firewall rules and settings,
// diagnosed and handed to the reporters; or held, when evidence that may
// join it is still to come, and joined at the end.
//
// The Analyzer (index.ts) routes to a DecisionPort: this class on the same
// thread, or, for a large --json run, the same class on a second thread
// (remote.ts), so that deciding and writing attempts, 40 % of a run of short
// connections, no longer waits for the reading.
import type { AttemptReport, Diagnosis } from "../analysis.js";
import type { ClientRunEvent, ConnectEvent, FirewallChainEvent, FirewallRuleEvent, SettingEvent, SocketRowEvent } from "../events.js";
import { fromConnect, withConnect } from "./application.js";
import { assess } from "./assess.js";
import type { AttemptState } from "./attempt.js";
import { applyClientRuns } from "./client-evidence.js";
import { correlate, type Correlation, type JoinCandidate } from "./correlate.js";
import { Diagnoser, packetFacts, type OtherFinding, type PacketFacts } from "./diagnose.js";
import { FirewallRules } from "./firewall-evidence.js";
import { icmpDoubt } from "./icmp-doubt.js";
import { Settings } from "./settings-evidence.js";
import { SocketRows } from "./socket-evidence.js";
import type { InputFacts } from "./tracker.js";

/** Where decided attempts go (reporters), in the order they are decided. */
export type AttemptSink = (report: AttemptReport) => void;

/** Evidence other than packets: it completes or joins the attempts. */
export type ContextEvent = ConnectEvent | SocketRowEvent | FirewallChainEvent | FirewallRuleEvent | SettingEvent | ClientRunEvent;

/** What the Analyzer hands on, in input order. */
export interface DecisionPort {
  /** Context, and connect() calls held to be joined with packets. */
  context(event: ContextEvent): void;
  /** A decided attempt, with its input's facts as they are now: released at once, or held to be joined at the end. */
  decided(a: AttemptState, facts: InputFacts, hold: boolean): void;
  /** A connect() call that is an attempt of its own at once (nothing can join it): its id. */
  connectAttempt(id: number, call: ConnectEvent): void;
  /** Something about an input as a whole that the report should say. */
  note(input: string, text: string): void;
  /** Everything is read (the last attempt id given out, each input's facts): held attempts are joined and released; the diagnoses. */
  finish(lastId: number, facts: ReadonlyMap<string, InputFacts>): Diagnosis[] | Promise<Diagnosis[]>;
}

interface Held {
  report: AttemptReport;
  facts: PacketFacts | undefined;
  join: JoinCandidate;
}

export class Decisions implements DecisionPort {
  private readonly notes: { input: string; text: string }[] = [];
  private readonly connects: ConnectEvent[] = [];
  private readonly socketRows: SocketRowEvent[] = [];
  private readonly chains: FirewallChainEvent[] = [];
  private readonly rules: FirewallRuleEvent[] = [];
  private readonly settingEvents: SettingEvent[] = [];
  private readonly clientRuns: ClientRunEvent[] = [];
  private readonly held: Held[] = [];
  private readonly diagnoser = new Diagnoser();
  /** Built from the context read so far, when the first attempt is released. */
  private ctx: { rows: SocketRows; firewall: FirewallRules; settings: Settings } | null = null;

  constructor(private readonly sink: AttemptSink) {}

  context(event: ContextEvent): void {
    switch (event.type) {
      case "connect":
        return void this.connects.push(event);
      case "socket":
        return void this.socketRows.push(event);
      case "firewall-chain":
        return void this.chains.push(event);
      case "firewall-rule":
        return void this.rules.push(event);
      case "setting":
        return void this.settingEvents.push(event);
      case "client-run":
        return void this.clientRuns.push(event);
    }
  }

  decided(a: AttemptState, facts: InputFacts, hold: boolean): void {
    const report = assess(a, facts);
    const pf = packetFacts(a, facts);
    if (hold) {
      const first = a.firstSyn;
      this.held.push({ report, facts: pf, join: { id: a.id, input: a.input, client: a.client, server: a.server, firstSyn: { seconds: first.seconds, clock: first.clock } } });
      return;
    }
    const ctx = this.contextNow();
    this.release(ctx, ctx.rows.complete(report), pf);
  }

  connectAttempt(id: number, call: ConnectEvent): void {
    const ctx = this.contextNow();
    this.release(ctx, ctx.rows.complete(fromConnect(id, call)), undefined);
  }

  note(input: string, text: string): void {
    this.notes.push({ input, text });
  }

  finish(lastId: number, facts: ReadonlyMap<string, InputFacts>): Diagnosis[] {
    const ctx = this.contextNow();
    const held = this.held.splice(0).sort((x, y) => x.report.id - y.report.id);
    const { joined, unjoined, notes } = this.join(held);
    let next = lastId + 1;
    const byId = new Map(held.map((h) => [h.report.id, h.facts]));
    let reports = held.map((h) => {
      const call = joined.get(h.report.id);
      return ctx.rows.complete(call ? withConnect(h.report, call) : h.report);
    });
    for (const call of unjoined) reports.push(ctx.rows.complete(fromConnect(next++, call)));
    const fromRows = ctx.rows.unusedSynSent(next);
    next += fromRows.length;
    reports.push(...fromRows);
    // clients' words first: they may add attempts or make one an application timeout, which the rules then explain
    const withClients = applyClientRuns(reports, this.clientRuns, next);
    reports = withClients.reports;
    for (const report of reports) this.release(ctx, report, byId.get(report.id));
    const findings: OtherFinding[] = [
      ...ctx.rows.findings,
      ...ctx.rows.queueFindings(),
      ...withClients.findings,
      ...ctx.firewall.findings,
      ...ctx.settings.findings,
    ];
    return this.diagnoser.finish(facts, this.notes, notes, findings);
  }

  private join(held: Held[]): Correlation {
    if (this.connects.length === 0) return { joined: new Map(), unjoined: [], notes: [] };
    return correlate(
      held.map((h) => h.join),
      this.connects,
    );
  }

  /** The socket rows, rules and settings read so far; the context is complete before the first attempt is released. */
  private contextNow(): NonNullable<Decisions["ctx"]> {
    this.ctx ??= {
      rows: new SocketRows(this.socketRows),
      firewall: new FirewallRules(this.chains, this.rules),
      settings: new Settings(this.settingEvents),
    };
    return this.ctx;
  }

  private release(ctx: NonNullable<Decisions["ctx"]>, report: AttemptReport, facts: PacketFacts | undefined): void {
    const done = icmpDoubt(ctx.firewall.complete(report), facts);
    ctx.settings.compare(done);
    this.diagnoser.add(done, facts);
    this.sink(done);
  }
}
