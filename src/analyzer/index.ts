// The analyzer: events in (from any format module), decided attempts and
// diagnoses out, as soon as each is final.
//
// Packets go to one tracker per input, which decides each attempt when the
// input shows its end. What follows a decision (decisions.ts) is released
// at once unless evidence that could still join it may come: connect()
// calls (strace) or a client's words (a terminal session). The Analyzer
// says which, and gives out the attempt ids; a DecisionPort does the rest,
// on this thread or on another (remote.ts).
import type { Diagnosis } from "../analysis.js";
import type { AnalyzerEvent, ConnectEvent, PacketEvent } from "../events.js";
import { predict, type Prediction } from "./assess.js";
import { Decisions, type AttemptSink, type DecisionPort } from "./decisions.js";
import type { AttemptState } from "./attempt.js";
import { PacketTracker, type InputFacts, type LiveHooks } from "./tracker.js";

export type { Prediction, AttemptSink, DecisionPort };

/** What inputs may still bring: connect() calls (strace), clients' words (sessions), packets. */
export interface Outlook {
  connects: boolean;
  clients: boolean;
  packets: boolean;
}

export class Analyzer {
  private readonly trackers = new Map<string, PacketTracker>();
  private readonly facts = new Map<string, InputFacts>();
  private lastId = 0;
  /** What inputs still to be read (or the one being read) may bring: see outlook(). */
  private expected: Outlook = { connects: true, clients: true, packets: true };
  /** Attempts seen in packets so far (held or released). */
  private packetAttempts = 0;
  /** connect() calls held to be joined, and clients' runs seen: while there are any, decided attempts are held too. */
  private heldConnects = 0;
  private clientRuns = 0;
  private readonly back: DecisionPort;

  /** Live: the watcher of a running capture, told of predictions before verdicts; trackers decide by silence. */
  private readonly live: LiveHooks | null;

  constructor(
    sink: AttemptSink = () => undefined,
    watch?: { prediction(p: Prediction): void },
    /** Where decided attempts go: by default a Decisions on this thread, handing reports to `sink`. */
    back?: DecisionPort,
  ) {
    this.back = back ?? new Decisions(sink);
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
      case "client-run":
        this.clientRuns++;
        return this.back.context(event);
      case "socket":
      case "firewall-chain":
      case "firewall-rule":
      case "setting":
        return this.back.context(event);
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
    this.back.note(input, text);
  }

  /** Everything is read: held attempts are joined and released; returns the diagnoses. */
  finish(): Diagnosis[] | Promise<Diagnosis[]> {
    this.endInputs();
    return this.back.finish(this.lastId, this.facts);
  }

  /** A decided connect() call: an attempt of its own at once when no packets or clients' words can join it. */
  private connect(c: ConnectEvent): void {
    const e = this.expected;
    if (e.packets || e.clients || this.packetAttempts > 0 || this.trackers.size > 0 || this.clientRuns > 0) {
      this.heldConnects++;
      this.back.context(c);
      return;
    }
    this.back.connectAttempt(++this.lastId, c);
  }

  private decided(a: AttemptState, facts: InputFacts): void {
    this.packetAttempts++;
    const e = this.expected;
    this.back.decided(a, facts, e.connects || e.clients || this.heldConnects > 0 || this.clientRuns > 0);
  }
}
