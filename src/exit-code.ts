// The exit code: a pure function of the analysis and of how the run went
// (as arethetypeswrong decides its own), documented in the README.
import type { InputSummary, PipelineResult } from "./pipeline.js";
import { SKIPPED_BINARY } from "./pipeline.js";
import type { Diagnosis, Outcome } from "./analysis.js";
import { caseFailed, type CaseResult } from "./check.js";

/**
 * 0 the analysis is done; 1 what was asked to fail the run was found
 * (--fail-on, a failed check), or an internal error; 2 a usage error; 3 no
 * readable input; 4 --strict and a line was not parsed; 130 interrupted
 * (Ctrl-C, SIGTERM), as a shell reports a command killed by SIGINT (128 + 2).
 */
export const EXIT = { OK: 0, FAILED: 1, INTERNAL: 1, USAGE: 2, UNREADABLE: 3, STRICT: 4, INTERRUPTED: 130 } as const;

/** --fail-on: diagnoses of this severity or worse, or attempts with these outcomes, fail the run. */
export interface FailOn {
  severity: "error" | "warning" | null;
  outcomes: ReadonlySet<Outcome>;
}

export interface RunFacts {
  interrupted: boolean;
  /** --strict: an unparsed line fails the run. */
  strict: boolean;
  failOn?: FailOn;
  /** The outcomes of the attempts reported (the report streams them: the result keeps none). */
  outcomes?: ReadonlySet<Outcome>;
}

/** Every outcome, once: the compiler holds the keys to the Outcome type, so --fail-on takes each new one. */
const EVERY_OUTCOME: Record<Outcome, true> = {
  established: true,
  refused: true,
  unreachable: true,
  timeout: true,
  "app-timeout": true,
  reset: true,
  "in-progress": true,
  unknown: true,
};
const OUTCOMES = Object.keys(EVERY_OUTCOME) as Outcome[];

/** --fail-on's value: error, warning and outcomes, separated by commas; null when a word is none of these. */
export function parseFailOn(text: string): FailOn | null {
  const words = text.split(",").map((w) => w.trim());
  const outcomes = words.filter((w) => w !== "error" && w !== "warning");
  if (outcomes.some((w) => !(OUTCOMES as readonly string[]).includes(w))) return null;
  const severity = words.includes("warning") ? "warning" : words.includes("error") ? "error" : null;
  return { severity, outcomes: new Set(outcomes as Outcome[]) };
}

export const FAIL_ON_VALUES = `error, warning or outcomes, separated by commas (${OUTCOMES.join(", ")})`;

function failOnMatches(diagnoses: readonly Diagnosis[], outcomes: ReadonlySet<Outcome>, failOn: FailOn): boolean {
  const severities = failOn.severity === "error" ? ["error"] : failOn.severity === "warning" ? ["error", "warning"] : [];
  if (diagnoses.some((d) => severities.includes(d.severity))) return true;
  for (const o of failOn.outcomes) if (outcomes.has(o)) return true;
  return false;
}

/** Folders named whose files held no tool output at all (only binaries, notes, empty files). */
export function uselessFolders(inputs: readonly InputSummary[]): string[] {
  const read = new Map<string, boolean>();
  for (const i of inputs) {
    if (i.folder) read.set(i.folder, (read.get(i.folder) ?? false) || (!i.noToolOutput && i.formatReason !== SKIPPED_BINARY));
  }
  return [...read].filter(([, ok]) => !ok).map(([folder]) => folder);
}

export function exitCode(result: Pick<PipelineResult, "errors" | "inputs"> & Partial<Pick<PipelineResult, "diagnoses">>, run: RunFacts): number {
  if (run.interrupted) return EXIT.INTERRUPTED;
  // a notes file among a folder's logs is no failure; a folder of nothing but such files is
  const unreadable =
    result.errors.length > 0 || result.inputs.some((i) => i.noToolOutput && !i.folder) || uselessFolders(result.inputs).length > 0;
  if (unreadable) return EXIT.UNREADABLE;
  if (run.strict && result.inputs.some((i) => i.unparsed > 0)) return EXIT.STRICT;
  if (run.failOn && failOnMatches(result.diagnoses ?? [], run.outcomes ?? new Set(), run.failOn)) return EXIT.FAILED;
  return EXIT.OK;
}

/** tcpdiag check: 3 when no case was found, 1 when one failed. */
export function checkExitCode(results: readonly CaseResult[], interrupted: boolean): number {
  if (interrupted) return EXIT.INTERRUPTED;
  if (results.length === 0) return EXIT.UNREADABLE;
  return results.some(caseFailed) ? EXIT.FAILED : EXIT.OK;
}
