// The exit code: a pure function of the analysis and of how the run went
// (as arethetypeswrong decides its own), documented in the README.
import type { InputSummary, PipelineResult } from "./pipeline.js";
import { SKIPPED_BINARY } from "./pipeline.js";

/**
 * 0 the analysis is done; 1 an internal error; 2 a usage error; 3 no
 * readable input; 4 --strict and a line was not parsed; 130 interrupted
 * (Ctrl-C, SIGTERM), as a shell reports a command killed by SIGINT (128 + 2).
 */
export const EXIT = { OK: 0, INTERNAL: 1, USAGE: 2, UNREADABLE: 3, STRICT: 4, INTERRUPTED: 130 } as const;

export interface RunFacts {
  interrupted: boolean;
  /** --strict: an unparsed line fails the run. */
  strict: boolean;
}

/** Folders named whose files held no tool output at all (only binaries, notes, empty files). */
export function uselessFolders(inputs: readonly InputSummary[]): string[] {
  const read = new Map<string, boolean>();
  for (const i of inputs) {
    if (i.folder) read.set(i.folder, (read.get(i.folder) ?? false) || (!i.noToolOutput && i.formatReason !== SKIPPED_BINARY));
  }
  return [...read].filter(([, ok]) => !ok).map(([folder]) => folder);
}

export function exitCode(result: Pick<PipelineResult, "errors" | "inputs">, run: RunFacts): number {
  if (run.interrupted) return EXIT.INTERRUPTED;
  // a notes file among a folder's logs is no failure; a folder of nothing but such files is
  const unreadable =
    result.errors.length > 0 || result.inputs.some((i) => i.noToolOutput && !i.folder) || uselessFolders(result.inputs).length > 0;
  if (unreadable) return EXIT.UNREADABLE;
  if (run.strict && result.inputs.some((i) => i.unparsed > 0)) return EXIT.STRICT;
  return EXIT.OK;
}
