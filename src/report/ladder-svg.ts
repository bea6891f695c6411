// A ladder (ladder.ts) as SVG: time runs down, the client on the left, the
// server on the right. Every mark carries its time in data-t, so that a test
// (or a reader's tool) can read the figure back.
import { ladderTime, ruleName, type Ladder } from "./ladder.js";

const WIDTH = 640;
const CLIENT_X = 150;
const SERVER_X = 510;
/** Where SYNs that a rule took end: short of the server. */
const RULE_X = 420;
const TOP = 70;
/** The time axis's length for the longest ladder, and the least room between two marks (their labels). */
const AXIS = 560;
const MIN_STEP = 24;

/** Text in HTML and SVG: the characters markup gives a meaning to, escaped. */
export const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** y for each time: proportional, but never closer than MIN_STEP to the mark before. */
function scale(times: number[]): (t: number) => number {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const k = AXIS / Math.max(1, sorted[sorted.length - 1]!);
  const ys = new Map<number, number>();
  let last = -Infinity;
  for (const t of sorted) {
    const y = Math.max(TOP + k * t, last + MIN_STEP);
    ys.set(t, y);
    last = y;
  }
  return (t) => Math.round(ys.get(t)!);
}

export function ladderSvg(l: Ladder, id: string): string {
  const times = [...l.syns, ...(l.answer ? [l.answer.at] : []), ...(l.end ? [l.end.at] : [])];
  const y = scale(times);
  const bottom = Math.max(...times.map(y)) + 50;
  const taken = l.rule !== null && (l.answer === null || l.answer.kind === "icmp");
  const synEnd = taken ? RULE_X : SERVER_X;
  const out: string[] = [];
  out.push(
    `<svg class="ladder" id="${id}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${bottom}" viewBox="0 0 ${WIDTH} ${bottom}" role="img" aria-label="SYNs from ${esc(l.client)} to ${esc(l.server)}">`,
    `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>`,
    `<text class="host" x="${CLIENT_X}" y="24" text-anchor="middle">client ${esc(l.client)}</text>`,
    `<text class="host" x="${SERVER_X}" y="24" text-anchor="middle">server ${esc(l.server)}</text>`,
    `<line class="lifeline" x1="${CLIENT_X}" y1="36" x2="${CLIENT_X}" y2="${bottom - 10}"/>`,
    `<line class="lifeline" x1="${SERVER_X}" y1="36" x2="${SERVER_X}" y2="${bottom - 10}"/>`,
  );
  if (l.rule && taken) {
    out.push(
      `<g class="rule" data-target="${esc(l.rule.target)}"><line x1="${RULE_X + 8}" y1="${TOP - 20}" x2="${RULE_X + 8}" y2="${bottom - 20}"/>` +
        `<text x="${RULE_X + 14}" y="${TOP - 26}">${esc(ruleName(l.rule))}</text></g>`,
    );
  }
  l.syns.forEach((t, i) => {
    const yy = y(t);
    out.push(
      `<g class="syn" data-t="${t}"><line x1="${CLIENT_X}" y1="${yy}" x2="${synEnd}" y2="${yy + 8}" marker-end="url(#${id}-arrow)"/>` +
        `<text x="${(CLIENT_X + synEnd) / 2}" y="${yy - 4}" text-anchor="middle">SYN${i === 0 ? "" : " (retransmitted)"} at ${ladderTime(t)}</text>` +
        (taken ? `<text class="lost" x="${synEnd + 2}" y="${yy + 12}">\u2715</text>` : "") +
        `</g>`,
    );
    if (i > 0) {
      const gap = Math.round((t - l.syns[i - 1]!) * 1e6) / 1e6;
      out.push(`<text class="gap" data-gap="${gap}" x="${CLIENT_X - 12}" y="${(y(l.syns[i - 1]!) + yy) / 2 + 4}" text-anchor="end">+${ladderTime(gap)}</text>`);
    }
  });
  if (l.answer) {
    const yy = y(l.answer.at);
    const from = l.answer.kind === "icmp" && taken ? RULE_X : SERVER_X;
    const name = { "syn-ack": "SYN-ACK", rst: "RST", icmp: "ICMP unreachable" }[l.answer.kind];
    out.push(
      `<g class="answer" data-kind="${l.answer.kind}" data-t="${l.answer.at}"><line x1="${from}" y1="${yy}" x2="${CLIENT_X}" y2="${yy + 8}" marker-end="url(#${id}-arrow)"/>` +
        `<text x="${(CLIENT_X + from) / 2}" y="${yy - 4}" text-anchor="middle">${name}${l.answer.from ? ` from ${esc(l.answer.from)}` : ""} at ${ladderTime(l.answer.at)}</text></g>`,
    );
  }
  if (l.end) {
    const yy = y(l.end.at) + (l.answer && l.end.at === l.answer.at ? 22 : 0);
    const who = l.end.by === "kernel" ? "connect() returns" : "the application gives up";
    out.push(
      `<g class="give-up" data-t="${l.end.at}" data-errno="${esc(l.end.errno ?? "")}"><line x1="${CLIENT_X - 60}" y1="${yy}" x2="${CLIENT_X + 60}" y2="${yy}"/>` +
        `<text x="${CLIENT_X + 66}" y="${yy + 4}">${who} ${esc(l.end.errno ?? "")} at ~${ladderTime(l.end.at)}</text></g>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}
