// The analyzer: events in (from any format module), decided attempts and
// diagnoses out, as soon as each is final.
//
// Packets go to one tracker per input, which decides each attempt when the
// input shows its end. A decided attempt is assessed and released at once
// (completed with the socket rows, firewall rules and settings read before
// it) unless evidence that could still join it may come: connect() calls
// (strace) or a client's words (a terminal session). Those attempts are
// held, as small reports, and joined at the end.
import type { AttemptReport, Diagnosis } from "../analysis.js";
import type {
  AnalyzerEvent,
  ClientRunEvent,
  ConnectEvent,
  FirewallChainEvent,
  FirewallRuleEvent,
  PacketEvent,
  SettingEvent,
  SocketRowEvent,
} from "../events.js";
import { fromConnect, withConnect } from "./application.js";
import { assess, predict, type Prediction } from "./assess.js";
import type { AttemptState } from "./attempt.js";
import { applyClientRuns } from "./client-evidence.js";
import { correlate, type Correlation, type JoinCandidate } from "./correlate.js";
import { Diagnoser, packetFacts, type OtherFinding, type PacketFacts } from "./diagnose.js";
import { FirewallRules } from "./firewall-evidence.js";
import { icmpDoubt } from "./icmp-doubt.js";
import { Settings } from "./settings-evidence.js";
import { SocketRows } from "./socket-evidence.js";
import { PacketTracker, type InputFacts, type LiveHooks } from "./tracker.js";

export type { Prediction };

/** Where decided attempts go (reporters), in the order they are decided. */
export type AttemptSink = (report: AttemptReport) => void;

/** What inputs may still bring: connect() calls (strace), clients' words (sessions), packets. */
export interface Outlook {
  connects: boolean;
  clients: boolean;
  packets: boolean;
}

interface Held {
  report: AttemptReport;
  facts: PacketFacts | undefined;
  join: JoinCandidate;
}

export class Analyzer {
  private readonly trackers = new Map<string, PacketTracker>();
  private readonly facts = new Map<string, InputFacts>();
  private readonly notes: { input: string; text: string }[] = [];
  private readonly connects: ConnectEvent[] = [];
  private readonly socketRows: SocketRowEvent[] = [];
  private readonly chains: FirewallChainEvent[] = [];
  private readonly rules: FirewallRuleEvent[] = [];
  private readonly settingEvents: SettingEvent[] = [];
  private readonly clientRuns: ClientRunEvent[] = [];
  private readonly held: Held[] = [];
  private readonly diagnoser = new Diagnoser();
  private lastId = 0;
  /** Built from the context read so far, when the first attempt is released. */
  private context: { rows: SocketRows; firewall: FirewallRules; settings: Settings } | null = null;
  /** What inputs still to be read (or the one being read) may bring: see outlook(). */
  private expected: Outlook = { connects: true, clients: true, packets: true };
  /** Attempts seen in packets so far (held or released). */
  private packetAttempts = 0;

  /** Live: the watcher of a running capture, told of predictions before verdicts; trackers decide by silence. */
  private readonly live: LiveHooks | null;

  constructor(
    private readonly sink: AttemptSink = () => undefined,
    watch?: { prediction(p: Prediction): void },
  ) {
    this.live = watch
      ? {
          retransmit: (a, facts) => {
            const p = predict(a, facts);
            if (p) watch.prediction(p);
          },
        }
      : null;
  }

  /** Live: the input's clock has reached `seconds` (read off the wall clock while the input is silent). */
  advance(input: string, seconds: number): void {
    this.trackers.get(input)?.advance(seconds);
  }

  /** Live: the latest time each input's lines showed. */
  clocks(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [input, t] of this.trackers) if (t.facts.lastSeconds !== null) out.set(input, t.facts.lastSeconds);
    return out;
  }

  /**
   * What inputs still to be read, or the one being read, may bring. While
   * any of it could join what is decided now, that is held.
   */
  outlook(o: Outlook): void {
    this.expected = o;
  }

  feed(event: AnalyzerEvent): void {
    switch (event.type) {
      case "connect":
        return this.connect(event);
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
      default:
        this.packets(event.at.input).feed(event as PacketEvent);
    }
  }

  /** The tracker of one input's packets (the tcpdump reader feeds it directly). */
  packets(input: string): PacketTracker {
    let t = this.trackers.get(input);
    if (!t) {
      t = new PacketTracker(input, () => ++this.lastId, (a, facts) => this.decided(a, facts), this.live);
      this.trackers.set(input, t);
      this.facts.set(input, t.facts);
    }
    return t;
  }

  /** The input (with its sections) is read: its attempts still open are decided now. */
  endInputs(): void {
    for (const t of [...this.trackers.values()]) t.end();
    this.trackers.clear();
  }

  /** Something about an input as a whole that the report should say. */
  note(input: string, text: string): void {
    this.notes.push({ input, text });
  }

  /** Everything is read: held attempts are joined and released; returns the diagnoses. */
  finish(): Diagnosis[] {
    this.endInputs();
    const ctx = this.contextNow();
    const held = this.held.splice(0).sort((x, y) => x.report.id - y.report.id);
    const { joined, unjoined, notes } = this.join(held);
    let next = this.lastId + 1;
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
    return this.diagnoser.finish(this.facts, this.notes, notes, findings);
  }

  private join(held: Held[]): Correlation {
    if (this.connects.length === 0) return { joined: new Map(), unjoined: [], notes: [] };
    return correlate(
      held.map((h) => h.join),
      this.connects,
    );
  }

  /** A decided connect() call: an attempt of its own at once when no packets or clients' words can join it. */
  private connect(c: ConnectEvent): void {
    const e = this.expected;
    if (e.packets || e.clients || this.packetAttempts > 0 || this.trackers.size > 0 || this.clientRuns.length > 0) {
      this.connects.push(c);
      return;
    }
    const ctx = this.contextNow();
    this.release(ctx, ctx.rows.complete(fromConnect(++this.lastId, c)), undefined);
  }

  private decided(a: AttemptState, facts: InputFacts): void {
    this.packetAttempts++;
    const report = assess(a, facts);
    const pf = packetFacts(a, facts);
    const e = this.expected;
    if (e.connects || e.clients || this.connects.length > 0 || this.clientRuns.length > 0) {
      const first = a.firstSyn;
      this.held.push({ report, facts: pf, join: { id: a.id, input: a.input, client: a.client, server: a.server, firstSyn: { seconds: first.seconds, clock: first.clock } } });
      return;
    }
    const ctx = this.contextNow();
    this.release(ctx, ctx.rows.complete(report), pf);
  }

  /** The socket rows, rules and settings read so far; the context is complete before the first attempt is released. */
  private contextNow(): NonNullable<Analyzer["context"]> {
    this.context ??= {
      rows: new SocketRows(this.socketRows),
      firewall: new FirewallRules(this.chains, this.rules),
      settings: new Settings(this.settingEvents),
    };
    return this.context;
  }

  private release(ctx: NonNullable<Analyzer["context"]>, report: AttemptReport, facts: PacketFacts | undefined): void {
    const done = icmpDoubt(ctx.firewall.complete(report), facts);
    ctx.settings.compare(done);
    this.diagnoser.add(done, facts);
    this.sink(done);
  }
}
