// The answers a run gives, in a compact form that does not depend on wording:
// the inputs' counts, each attempt's facts and each diagnosis's code and
// attempts. test/baseline.test.ts compares them with test/baseline/answers.json,
// recorded before the streaming engine (issue 9) by record.mjs.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SHARED = join(ROOT, "..", "shared");

function filesUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

const LONGEST = 65536;
const TEXT = /\.(txt|log|out|ini)$|^[^.]+$|\.\d+$/;

/** Every case: each text file of fixtures/ and of the corpus alone, and each fixture folder whole. */
export function cases() {
  const out = [];
  const fixtures = join(ROOT, "fixtures");
  for (const f of filesUnder(fixtures)) if (f.endsWith(".txt") && !f.endsWith("versions.txt")) out.push([f]);
  for (const d of readdirSync(fixtures)) {
    const p = join(fixtures, d);
    if (statSync(p).isDirectory()) out.push([p]);
    if (existsSync(join(p, "files"))) out.push([join(p, "files")]);
  }
  const corpus = join(SHARED, "corpus");
  for (const sub of ["tcpdump/rendered", "tcpdump/out", "strace", "jc", "local"]) {
    for (const f of filesUnder(join(corpus, sub))) {
      const base = f.split("/").pop();
      if (base.endsWith(".json") || base.endsWith(".license") || base.endsWith(".tsv") || base.endsWith(".md")) continue;
      if (!TEXT.test(base)) continue;
      // the code before issue 9 could not read lines this long at all (issue 11): no answer to keep
      if (readFileSync(f, "latin1").split("\n").some((l) => l.length > LONGEST)) continue;
      out.push([f]);
    }
  }
  return out;
}

export function caseName(paths) {
  return paths.map((p) => relative(ROOT, p)).join(" ");
}

const pick = (o, keys) => (o ? Object.fromEntries(keys.map((k) => [k, o[k] ?? null])) : null);

/** The facts of a PipelineResult that must not change when only speed does. */
export function answers(result) {
  return {
    inputs: result.inputs.map((i) => [i.name.startsWith(ROOT) ? relative(ROOT, i.name) : relative(ROOT, i.name), i.format, i.lines, i.parsed, i.unparsed, i.blank, i.text]),
    attempts: result.attempts.map((a) => ({
      id: a.id,
      family: a.family,
      client: a.client,
      server: a.server,
      outcome: a.outcome,
      errno: a.errno,
      errnoSource: a.errnoSource,
      syn: [a.syn.sent, a.syn.retransmits, a.syn.intervals],
      synAck: [a.synAck.sent, a.synAck.retransmits],
      duration: a.durationSeconds,
      process: a.process,
      firewall: pick(a.firewall, ["table", "chain", "rule", "target"]),
      inferred: pick(a.inferred, ["tcpSynRetries", "linearTimeouts", "timeoutSeconds", "initialRtoSeconds", "schedule", "cap"]),
      start: [relative(ROOT, a.start.input), a.start.line, a.start.timestamp],
      application: a.application ? [a.application.program, a.application.result, a.application.errno] : null,
    })),
    diagnoses: result.diagnoses
      .map((d) => [d.code, d.severity, [...d.attempts].sort((x, y) => x - y)])
      .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    unparsed: result.unparsed.length,
    errors: result.errors.length,
  };
}

/** Answers of more than this many characters are kept as a digest and their counts (the file stays small). */
const KEEP_WHOLE = 6000;

const histogram = (xs) => Object.fromEntries([...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map())].sort());

/** What the baseline keeps of a case's answers. */
export function kept(a) {
  const text = JSON.stringify(a);
  if (text.length <= KEEP_WHOLE) return a;
  return {
    digest: createHash("sha256").update(text).digest("hex"),
    inputs: a.inputs,
    outcomes: histogram(a.attempts.map((x) => x.outcome)),
    synsSent: a.attempts.reduce((n, x) => n + x.syn[0], 0),
    diagnoses: histogram(a.diagnoses.map((d) => d[0])),
  };
}
