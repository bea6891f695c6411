// The report as Markdown, for pasting into a ticket: what was read, the
// attempts that need attention in a table, and the diagnoses with their lines.
import type { AttemptReport } from "../analysis.js";
import type { PipelineResult } from "../pipeline.js";
import { lineKey, type LineTexts } from "./html.js";
import { describeTuple } from "../analyzer/words.js";
import { docsPath, docsUrl } from "../docs.js";

/** Table cells hold no pipe and no line break. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
/** Listed attempts: those that did not simply connect, unless that is all there is. */
const MAX_LISTED = 200;

export function markdownReport(result: PipelineResult, attempts: readonly AttemptReport[], texts: LineTexts): string {
  const sorted = [...attempts].sort((x, y) => x.id - y.id);
  const notable = sorted.filter((a) => a.outcome !== "established" || a.syn.retransmits > 0);
  const listed = (notable.length > 0 ? notable : sorted).slice(0, MAX_LISTED);
  const out: string[] = ["# tcpdiag report", ""];
  for (const i of result.inputs) out.push(`- \`${i.name}\`: ${i.format ?? "no tool output"}, ${i.lines} lines, ${i.parsed} parsed, ${i.unparsed} unparsed`);
  const counts = new Map<string, number>();
  for (const a of sorted) counts.set(a.outcome, (counts.get(a.outcome) ?? 0) + 1);
  out.push("", `${sorted.length} attempt${sorted.length === 1 ? "" : "s"}${counts.size ? `: ${[...counts].map(([o, n]) => `${n} ${o}`).join(", ")}` : ""}.`, "");
  if (listed.length > 0) {
    out.push("| # | connection | outcome | errno | SYNs | rule | what happened |", "| --- | --- | --- | --- | --- | --- | --- |");
    for (const a of listed) {
      const rule = a.firewall ? `${a.firewall.target} ${a.firewall.chain}${a.firewall.rule === null ? " policy" : ` #${a.firewall.rule}`}` : "";
      out.push(`| ${a.id} | ${cell(describeTuple(a.client, a.server))} | ${a.outcome} | ${a.errno ?? ""} | ${a.syn.sent} | ${cell(rule)} | ${cell(a.summary)} |`);
    }
    if (listed.length < (notable.length > 0 ? notable : sorted).length) out.push("", `(the first ${MAX_LISTED} are listed)`);
    out.push("");
  }
  out.push("## Diagnoses", "");
  if (result.diagnoses.length === 0) out.push("None.", "");
  for (const d of result.diagnoses) {
    out.push(`### ${d.code} (${d.severity})`, "", d.message, "", `What it means and what to check: [${docsPath(d.code)}](${docsUrl(d.code)})`, "");
    for (const e of d.evidence) {
      const text = texts.get(lineKey(e));
      out.push(`- \`${e.input}:${e.line}\``);
      if (text !== undefined) out.push("", "  ```", `  ${text.replace(/`/g, "\u02cb")}`, "  ```");
    }
    if (d.evidence.length > 0) out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
