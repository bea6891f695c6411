// Regression cases: a folder holding the tool outputs of one case and an
// expected.json of its attempts (outcome, errno, SYN count, firewall rule,
// and what else the case pins down). `tcpdiag check` analyzes each case and
// compares; the comparison is data here, the words are report/check.ts's.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AttemptReport, Outcome } from "./analysis.js";
import type { Family } from "./events.js";
import { runPipeline, type PipelineOptions, type PipelineResult } from "./pipeline.js";
import { fileSource } from "./input.js";

export const EXPECTED = "expected.json";

/** One attempt as expected.json states it: only the fields given are checked. */
export interface ExpectedAttempt {
  client?: { ip: string; port: number | null } | null;
  server?: { ip: string; port: number | null };
  family?: Family;
  outcome?: Outcome;
  errno?: string | null;
  synSent?: number;
  synRetransmits?: number;
  tcpSynRetries?: number | null;
  linearTimeouts?: number | null;
  timeoutSeconds?: number | null;
  firewall?: { chain: string; rule: number | null; target: string } | null;
}

export interface Expectation {
  /** The case's inputs, relative to its folder; every other file of the folder when not given. */
  inputs?: string[];
  /** In the order of the attempts' ids (the order their first SYN, call or row was seen). */
  attempts: ExpectedAttempt[];
  [other: string]: unknown;
}

/** The fields compared, in the order they are reported. */
const FIELDS = [
  "client", "server", "family", "outcome", "errno", "synSent", "synRetransmits",
  "tcpSynRetries", "linearTimeouts", "timeoutSeconds", "firewall",
] as const satisfies readonly (keyof ExpectedAttempt)[];

/** An attempt report in expected.json's terms. */
export function observed(a: AttemptReport): Required<ExpectedAttempt> {
  return {
    client: a.client ? { ip: a.client.ip, port: a.client.port } : null,
    server: { ip: a.server.ip, port: a.server.port },
    family: a.family,
    outcome: a.outcome,
    errno: a.errno,
    synSent: a.syn.sent,
    synRetransmits: a.syn.retransmits,
    tcpSynRetries: a.inferred.tcpSynRetries,
    linearTimeouts: a.inferred.linearTimeouts,
    timeoutSeconds: a.inferred.timeoutSeconds,
    firewall: a.firewall ? { chain: a.firewall.chain, rule: a.firewall.rule, target: a.firewall.target } : null,
  };
}

/** One difference: an attempt's field (attempt null: the number of attempts). */
export interface Mismatch {
  /** 1-based position in the case's attempts; null for their number. */
  attempt: number | null;
  field: string;
  expected: unknown;
  actual: unknown;
}

export function compare(expected: Expectation, attempts: readonly AttemptReport[]): Mismatch[] {
  const out: Mismatch[] = [];
  const sorted = [...attempts].sort((x, y) => x.id - y.id);
  if (expected.attempts.length !== sorted.length) {
    out.push({ attempt: null, field: "attempts", expected: expected.attempts.length, actual: sorted.length });
  }
  const n = Math.min(expected.attempts.length, sorted.length);
  for (let i = 0; i < n; i++) {
    const want = expected.attempts[i]!;
    const got = observed(sorted[i]!);
    for (const field of FIELDS) {
      if (!(field in want)) continue;
      if (JSON.stringify(want[field] ?? null) !== JSON.stringify(got[field])) out.push({ attempt: i + 1, field, expected: want[field], actual: got[field] });
    }
  }
  return out;
}

export interface CaseResult {
  dir: string;
  /** null: the case could not be run (its expected.json or an input), see problem. */
  mismatches: Mismatch[] | null;
  problem: string | null;
  attempts: number;
  /** --update wrote the case's expected.json anew. */
  updated: boolean;
}

/** The case folders under the folders named: each that holds an expected.json, searched recursively, in path order. */
export function caseDirs(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    if (existsSync(join(dir, EXPECTED))) out.push(dir);
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      if (e.isDirectory() && !e.name.startsWith(".")) visit(join(dir, e.name));
    }
  };
  for (const d of dirs) if (statSync(d, { throwIfNoEntry: false })?.isDirectory()) visit(d);
  return out;
}

/** The case's inputs: as expected.json names them, else every other file of the folder (not its subfolders, other cases). */
function caseInputs(dir: string, expected: Expectation | null): string[] {
  if (expected?.inputs) return expected.inputs.map((f) => join(dir, f));
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== EXPECTED && !e.name.startsWith("."))
    .map((e) => join(dir, e.name))
    .sort();
}

function readExpectation(dir: string): Expectation {
  const parsed = JSON.parse(readFileSync(join(dir, EXPECTED), "utf8")) as Expectation;
  if (!Array.isArray(parsed.attempts)) throw new Error(`${EXPECTED} has no "attempts" list`);
  return parsed;
}

/** Runs one case; with update, writes its expected.json from what the analysis finds (keeping its other keys). */
export async function runCase(dir: string, update: boolean, options: PipelineOptions = {}): Promise<CaseResult> {
  let expected: Expectation | null = null;
  try {
    expected = readExpectation(dir);
  } catch (err) {
    if (!update) return { dir, mismatches: null, problem: `${EXPECTED}: ${(err as Error).message}`, attempts: 0, updated: false };
  }
  const result: PipelineResult = await runPipeline(caseInputs(dir, expected).map(fileSource), options);
  const unreadable = result.errors[0]?.message ?? null;
  if (unreadable) return { dir, mismatches: null, problem: unreadable, attempts: 0, updated: false };
  if (update) {
    const next: Expectation = { ...(expected ?? {}), attempts: [...result.attempts].sort((x, y) => x.id - y.id).map(observed) };
    writeFileSync(join(dir, EXPECTED), `${JSON.stringify(next, null, 2)}\n`);
    return { dir, mismatches: [], problem: null, attempts: result.attempts.length, updated: true };
  }
  return { dir, mismatches: compare(expected!, result.attempts), problem: null, attempts: result.attempts.length, updated: false };
}

export function caseFailed(r: CaseResult): boolean {
  return r.problem !== null || (r.mismatches !== null && r.mismatches.length > 0);
}
