// The report as one self-contained HTML page: styles inline, no script, no
// fetch. A summary, the attempts that need attention, a ladder diagram of
// each (up to MAX_LADDERS), and the diagnoses with the lines they rest on.
import type { AttemptReport, Diagnosis } from "../analysis.js";
import type { Evidence } from "../events.js";
import type { PipelineResult } from "../pipeline.js";
import { VERSION } from "../version.js";
import { docsUrl } from "../docs.js";
import { ladderOf } from "./ladder.js";
import { esc, ladderSvg } from "./ladder-svg.js";
import { connectedCleanly, MAX_LADDERS, shownDiagnoses, type PageAttempts } from "./page-attempts.js";
import { describeTuple } from "../analyzer/words.js";


/** The text of cited lines, by "input:line" (evidence-text.ts reads them). */
export type LineTexts = ReadonlyMap<string, string>;
export const lineKey = (e: Evidence) => `${e.input}:${e.line}`;

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #1b1b1b; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
.outcome-timeout, .outcome-refused, .outcome-unreachable, .outcome-reset { color: #a40000; font-weight: 600; }
.outcome-established { color: #176b00; }
figure { margin: 1.5em 0; } figcaption { max-width: 44em; }
svg.ladder { color: #333; font-size: 12px; } svg .lifeline { stroke: #888; stroke-width: 2; }
svg .syn line { stroke: #1f4e9c; stroke-width: 1.6; } svg .syn { color: #1f4e9c; } svg .lost { fill: #a40000; font-weight: 700; }
svg .answer line { stroke: #8a4b00; stroke-width: 1.6; } svg .answer { color: #8a4b00; }
svg .rule line { stroke: #a40000; stroke-width: 3; stroke-dasharray: 6 4; } svg .rule text { fill: #a40000; font-weight: 600; }
svg .give-up line { stroke: #a40000; stroke-width: 2; stroke-dasharray: 4 3; } svg .give-up text { fill: #a40000; font-weight: 600; }
svg .gap { fill: #555; } svg .host { font-weight: 600; }
.severity-error h3 { color: #a40000; } .severity-warning h3 { color: #8a4b00; }
.evidence pre { margin: .2em 0 .6em; padding: .4em .6em; background: #f4f4f4; overflow-x: auto; }
`;

function attemptsTable(attempts: readonly AttemptReport[]): string {
  const rows = attempts.map(
    (a) =>
      `<tr id="attempt-${a.id}"><td>${a.id}</td><td>${esc(describeTuple(a.client, a.server))}</td>` +
        `<td class="outcome-${a.outcome}">${esc(a.outcome)}</td><td>${esc(a.errno ?? "")}</td><td>${a.syn.sent}</td>` +
        `<td>${a.firewall ? esc(`${a.firewall.target} ${a.firewall.chain}${a.firewall.rule === null ? " policy" : ` #${a.firewall.rule}`}`) : ""}</td>` +
        `<td>${esc(a.summary)}</td></tr>`,
  );
  return `<table class="attempts"><thead><tr><th>#</th><th>connection</th><th>outcome</th><th>errno</th><th>SYNs</th><th>rule</th><th>what happened</th></tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

function ladders(attempts: readonly AttemptReport[]): string {
  const figures: string[] = [];
  let undrawn = 0;
  for (const a of attempts) {
    if (connectedCleanly(a)) continue;
    const l = ladderOf(a);
    if (!l) continue;
    if (figures.length >= MAX_LADDERS) {
      undrawn++;
      continue;
    }
    figures.push(`<figure class="attempt-ladder" data-attempt="${a.id}">${ladderSvg(l, `ladder-${a.id}`)}<figcaption>Attempt ${a.id}: ${esc(a.summary)}</figcaption></figure>`);
  }
  if (figures.length === 0) return "<p>No attempt to draw: every one connected at its first SYN, or none was seen with its times.</p>";
  return figures.join("\n") + (undrawn > 0 ? `\n<p>${undrawn} more listed attempts are not drawn.</p>` : "");
}

function diagnosesHtml(all: readonly Diagnosis[], texts: LineTexts): string {
  if (all.length === 0) return "<p>No diagnosis.</p>";
  const { shown, hidden } = shownDiagnoses(all);
  const more = [...hidden].map(([code, n]) => `<p>${n} more ${esc(code)} diagnoses (--json lists them).</p>`).join("\n");
  return shown
    .map((d) => {
      const evidence = d.evidence
        .map((e) => {
          const text = texts.get(lineKey(e));
          return `<li><code>${esc(e.input)}:${e.line}</code>${text === undefined ? "" : `<pre>${esc(text)}</pre>`}</li>`;
        })
        .join("");
      return (
        `<article class="diagnosis severity-${d.severity}" data-code="${esc(d.code)}"><h3><a class="docs" href="${esc(docsUrl(d.code))}">${esc(d.code)}</a> <small>(${d.severity}${d.attempts.length ? `; attempts ${d.attempts.join(", ")}` : ""})</small></h3>` +
        `<p>${esc(d.message)}</p>${evidence ? `<ul class="evidence">${evidence}</ul>` : ""}</article>`
      );
    })
    .join("\n") + (more ? `\n${more}` : "");
}

function summary(result: PipelineResult, attempts: PageAttempts): string {
  const outcomes = [...attempts.counts].map(([o, n]) => `${n} ${esc(o)}`).join(", ");
  const inputs = result.inputs
    .map((i) => `<tr><td><code>${esc(i.name)}</code></td><td>${esc(i.format ?? "no tool output")}</td><td>${i.lines}</td><td>${i.parsed}</td><td>${i.unparsed}</td></tr>`)
    .join("\n");
  return (
    `<p class="counts">${attempts.total} attempt${attempts.total === 1 ? "" : "s"}${outcomes ? `: ${outcomes}` : ""}; ${result.diagnoses.length} diagnos${result.diagnoses.length === 1 ? "is" : "es"}.</p>` +
    `<table class="inputs"><thead><tr><th>input</th><th>read as</th><th>lines</th><th>parsed</th><th>unparsed</th></tr></thead><tbody>${inputs}</tbody></table>`
  );
}

export function htmlReport(result: PipelineResult, attempts: PageAttempts, texts: LineTexts): string {
  const listed = attempts.listed;
  const more = attempts.unlisted > 0 ? `<p>${attempts.unlisted} more attempts like these are not listed (--json lists every attempt).</p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tcpdiag ${esc(VERSION)}"><title>tcpdiag: why the connections failed</title><style>${STYLE}</style></head>
<body>
<h1>tcpdiag: why the connections failed</h1>
<section id="summary"><h2>Summary</h2>${summary(result, attempts)}</section>
<section id="attempts"><h2>Attempts</h2>${attemptsTable(listed)}${more}</section>
<section id="ladders"><h2>Ladder diagrams</h2>${ladders(listed)}</section>
<section id="diagnoses"><h2>Diagnoses</h2>${diagnosesHtml(result.diagnoses, texts)}</section>
</body></html>
`;
}
