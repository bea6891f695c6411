// What the reports for people keep of the attempts as they are decided:
// counts per outcome, and a bounded list to show (those that did not simply
// connect, else the first ones). Memory stays bounded by that list, not by
// the input: the HTML and Markdown pages of a capture of a hundred thousand
// connections list the ones that matter.
import type { AttemptReport, Outcome } from "../analysis.js";

/** Attempts a page lists at most, and ladders it draws at most. */
export const MAX_LISTED = 200;
export const MAX_LADDERS = 50;

/** Diagnoses of one code a page shows at most (a capture of many servers has one per server): the rest are counted. */
export const MAX_DIAGNOSES_PER_CODE = 20;

/** The diagnoses a page shows, and how many of each code it leaves out. */
export function shownDiagnoses<D extends { code: string }>(all: readonly D[]): { shown: D[]; hidden: Map<string, number> } {
  const seen = new Map<string, number>();
  const hidden = new Map<string, number>();
  const shown = all.filter((d) => {
    const n = seen.get(d.code) ?? 0;
    seen.set(d.code, n + 1);
    if (n < MAX_DIAGNOSES_PER_CODE) return true;
    hidden.set(d.code, (hidden.get(d.code) ?? 0) + 1);
    return false;
  });
  return { shown, hidden };
}

/** Established at the first SYN, answered at the first SYN-ACK: nothing to look at. */
export function connectedCleanly(a: AttemptReport): boolean {
  return a.outcome === "established" && a.syn.retransmits === 0 && a.synAck.retransmits === 0;
}

export class PageAttempts {
  readonly counts = new Map<Outcome, number>();
  total = 0;
  /** Attempts that need attention, how many in all. */
  troubled = 0;
  private readonly kept: AttemptReport[] = [];
  private readonly clean: AttemptReport[] = [];

  add(a: AttemptReport): void {
    this.total++;
    this.counts.set(a.outcome, (this.counts.get(a.outcome) ?? 0) + 1);
    if (!connectedCleanly(a)) {
      this.troubled++;
      if (this.kept.length < MAX_LISTED) this.kept.push(a);
    } else if (this.clean.length < MAX_LISTED) {
      this.clean.push(a);
    }
  }

  /** What a page lists, by id: the attempts that need attention, or the first ones when none does. */
  get listed(): AttemptReport[] {
    return [...(this.troubled > 0 ? this.kept : this.clean)].sort((x, y) => x.id - y.id);
  }

  /** How many of the kind listed are not. */
  get unlisted(): number {
    return (this.troubled > 0 ? this.troubled : this.total) - this.listed.length;
  }
}
