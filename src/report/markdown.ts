// The report as Markdown, for pasting into a ticket: what was read, the
// attempts that need attention in a table, and the diagnoses with their lines.
import { shownDiagnoses, type PageAttempts } from "./page-attempts.js";
import type { PipelineResult } from "../pipeline.js";
import { lineKey, type LineTexts } from "./html.js";
import { describeTuple } from "../analyzer/words.js";
import { docsPath, docsUrl } from "../docs.js";

/** Table cells hold no pipe and no line break. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
export function markdownReport(result: PipelineResult, attempts: PageAttempts, texts: LineTexts): string {
  const listed = attempts.listed;
  const out: string[] = ["# tcpdiag report", ""];
  for (const i of result.inputs) out.push(`- \`${i.name}\`: ${i.format ?? "no tool output"}, ${i.lines} lines, ${i.parsed} parsed, ${i.unparsed} unparsed`);
  const counts = attempts.counts;
  out.push("", `${attempts.total} attempt${attempts.total === 1 ? "" : "s"}${counts.size ? `: ${[...counts].map(([o, n]) => `${n} ${o}`).join(", ")}` : ""}.`, "");
  if (listed.length > 0) {
    out.push("| # | connection | outcome | errno | SYNs | rule | what happened |", "| --- | --- | --- | --- | --- | --- | --- |");
    for (const a of listed) {
      const rule = a.firewall ? `${a.firewall.target} ${a.firewall.chain}${a.firewall.rule === null ? " policy" : ` #${a.firewall.rule}`}` : "";
      out.push(`| ${a.id} | ${cell(describeTuple(a.client, a.server))} | ${a.outcome} | ${a.errno ?? ""} | ${a.syn.sent} | ${cell(rule)} | ${cell(a.summary)} |`);
    }
    if (attempts.unlisted > 0) out.push("", `(${attempts.unlisted} more attempts like these are not listed: --json lists every attempt)`);
    out.push("");
  }
  out.push("## Diagnoses", "");
  if (result.diagnoses.length === 0) out.push("None.", "");
  const { shown, hidden } = shownDiagnoses(result.diagnoses);
  for (const d of shown) {
    out.push(`### ${d.code} (${d.severity})`, "", d.message, "", `What it means and what to check: [${docsPath(d.code)}](${docsUrl(d.code)})`, "");
    for (const e of d.evidence) {
      const text = texts.get(lineKey(e));
      out.push(`- \`${e.input}:${e.line}\``);
      if (text !== undefined) out.push("", "  ```", `  ${text.replace(/`/g, "\u02cb")}`, "  ```");
    }
    if (d.evidence.length > 0) out.push("");
  }
  for (const [code, n] of hidden) out.push(`${n} more ${code} diagnoses (--json lists them).`, "");
  return `${out.join("\n").trimEnd()}\n`;
}
