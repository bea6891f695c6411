// One attempt's JSON text, written field by field: the same JSON as
// JSON.stringify(report) (test/attempt-json.test.ts compares the two on every
// fixture), in about half the time on Node 20, whose JSON.stringify has no
// fast path for plain objects. A report of the short-connection benchmark
// spends a sixth of its time here.
import type { AttemptReport } from "../analysis.js";
import type { Evidence } from "../events.js";

/** Every field of AttemptReport, in the order written: the compiler checks that none is left out. */
const FIELDS = [
  "id", "family", "client", "server", "outcome", "errno", "errnoSource", "syn", "synAck", "durationSeconds",
  "process", "firewall", "inferred", "start", "summary", "answer", "sources", "icmpMayBeFiltered", "application",
] as const;
type Unwritten = Exclude<keyof AttemptReport, (typeof FIELDS)[number]>;
const everyFieldWritten: [Unwritten] extends [never] ? true : never = true;
void everyFieldWritten;

/** Characters JSON.stringify escapes (quote, backslash, controls, lone surrogates): such a string goes to it. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string | null): string {
  if (s === null) return "null";
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Input names repeat on every piece of evidence: each is checked once. */
let lastInput = "";
let lastInputJson = '""';
function input(s: string): string {
  if (s !== lastInput) {
    lastInput = s;
    lastInputJson = str(s);
  }
  return lastInputJson;
}

/** As JSON.stringify writes a number: NaN and the infinities are null. */
function num(n: number | null): string {
  return n === null || !Number.isFinite(n) ? "null" : String(n);
}

function address(a: { ip: string; port: number | null } | null): string {
  return a === null ? "null" : `{"ip":${str(a.ip)},"port":${num(a.port)}}`;
}

function evidence(e: Evidence): string {
  return `{"input":${input(e.input)},"line":${num(e.line)}}`;
}

function numbers(xs: number[]): string {
  let out = "[";
  for (let i = 0; i < xs.length; i++) out += (i === 0 ? "" : ",") + num(xs[i]!);
  return `${out}]`;
}

function inferred(i: AttemptReport["inferred"]): string {
  return (
    `{"tcpSynRetries":${num(i.tcpSynRetries)},"linearTimeouts":${num(i.linearTimeouts)},` +
    `"timeoutSeconds":${num(i.timeoutSeconds)},"initialRtoSeconds":${num(i.initialRtoSeconds)},` +
    `"schedule":${str(i.schedule)},"cap":${str(i.cap)},"alternatives":${i.alternatives.length === 0 ? "[]" : JSON.stringify(i.alternatives)}}`
  );
}

/** The report as JSON.stringify(report) writes it. */
export function attemptJson(r: AttemptReport): string {
  let out =
    `{"id":${num(r.id)},"family":${str(r.family)},"client":${address(r.client)},"server":${address(r.server)},` +
    `"outcome":${str(r.outcome)},"errno":${str(r.errno)},"errnoSource":${str(r.errnoSource)},` +
    `"syn":{"sent":${num(r.syn.sent)},"retransmits":${num(r.syn.retransmits)},"intervals":${numbers(r.syn.intervals)}},` +
    `"synAck":{"sent":${num(r.synAck.sent)},"retransmits":${num(r.synAck.retransmits)}},` +
    `"durationSeconds":${num(r.durationSeconds)},` +
    // rarer and nested: as JSON.stringify writes them
    `"process":${JSON.stringify(r.process)},"firewall":${JSON.stringify(r.firewall)},` +
    `"inferred":${inferred(r.inferred)},` +
    `"start":{"input":${input(r.start.input)},"line":${num(r.start.line)},"timestamp":${str(r.start.timestamp)}},` +
    `"summary":${str(r.summary)},${r.answer === undefined ? "" : `"answer":${JSON.stringify(r.answer)},`}"sources":[`;
  for (let i = 0; i < r.sources.length; i++) out += (i === 0 ? "" : ",") + evidence(r.sources[i]!);
  out += "]";
  if (r.icmpMayBeFiltered !== undefined) out += `,"icmpMayBeFiltered":${JSON.stringify(r.icmpMayBeFiltered)}`;
  if (r.application !== undefined) out += `,"application":${JSON.stringify(r.application)}`;
  return `${out}}`;
}
