// A ladder (ladder.ts) as text for the terminal (--timeline): time runs
// down, one line per event, the SYNs drawn across to the server or to the
// rule that took them.
import type { AttemptReport } from "../analysis.js";
import { ladderOf, ladderTime, ruleName, type Ladder } from "./ladder.js";
import { connectedCleanly, MAX_LADDERS } from "./page-attempts.js";

const ARROW = 34;

/** Lines of the ladder, under a title line. */
export function timelineText(l: Ladder, title: string): string {
  const taken = l.rule !== null && (l.answer === null || l.answer.kind === "icmp");
  const events: { at: number; text: string }[] = [];
  l.syns.forEach((t, i) => {
    const label = i === 0 ? " SYN " : " SYN (again) ";
    const line = `${label}${"-".repeat(ARROW - label.length - 1)}${taken ? "x" : ">"}`;
    events.push({ at: t, text: `|${line}${taken ? ` ${ruleName(l.rule!)}` : "|"}${i > 0 ? `   +${ladderTime(t - l.syns[i - 1]!)}` : ""}` });
  });
  if (l.answer) {
    const name = { "syn-ack": "SYN-ACK", rst: "RST", icmp: "ICMP unreachable" }[l.answer.kind];
    const label = ` ${name}${l.answer.from ? ` from ${l.answer.from}` : ""} `;
    events.push({ at: l.answer.at, text: `|<${label}${"-".repeat(Math.max(2, ARROW - label.length - 1))}|` });
  }
  if (l.end) {
    const who = l.end.by === "kernel" ? "connect() returns" : "the application gives up";
    events.push({ at: l.end.at, text: `=== ${who} ${l.end.errno ?? ""} at ~${ladderTime(l.end.at)}`.trimEnd() });
  }
  events.sort((x, y) => x.at - y.at);
  const width = Math.max(...events.map((e) => ladderTime(e.at).length));
  const out = [title, `${" ".repeat(width + 2)}client ${l.client}  ->  server ${l.server}`];
  for (const e of events) out.push(`${ladderTime(e.at).padStart(width)}  ${e.text}`);
  return `${out.join("\n")}\n`;
}

/** --timeline: keeps the failed attempts' ladders (a few), draws them at the end. */
export class TimelineReport {
  private readonly texts: string[] = [];
  private more = 0;

  attempt(a: AttemptReport): void {
    if (connectedCleanly(a)) return;
    const l = ladderOf(a);
    if (!l) return;
    if (this.texts.length >= MAX_LADDERS) {
      this.more++;
      return;
    }
    this.texts.push(timelineText(l, `attempt ${a.id}: ${a.outcome}${a.errno ? ` (${a.errno})` : ""}`));
  }

  render(): string {
    if (this.texts.length === 0) return "\nno ladder to draw: no attempt failed with its SYNs seen\n";
    return `\n${this.texts.join("\n")}${this.more > 0 ? `\n(${this.more} more attempts not drawn)\n` : ""}`;
  }
}
