// The analyzer: events in (from any format module), an Analysis out.
import type { Analysis } from "../analysis.js";
import type { PacketEvent } from "../events.js";
import { assess } from "./assess.js";
import { diagnose } from "./diagnose.js";
import { AttemptTracker } from "./tracker.js";

export class Analyzer {
  private readonly tracker = new AttemptTracker();
  private readonly notes: { input: string; text: string }[] = [];

  feed(event: PacketEvent): void {
    this.tracker.feed(event);
  }

  /** Something about an input as a whole that the report should say. */
  note(input: string, text: string): void {
    this.notes.push({ input, text });
  }

  finish(): Analysis {
    const { attempts: states, facts } = this.tracker.finish();
    const attempts = states.map((s) => assess(s, facts.get(s.input)));
    const byId = new Map(states.map((s) => [s.id, s]));
    return { attempts, diagnoses: diagnose(attempts, byId, facts, this.notes) };
  }
}
