// Same answers as before the streaming engine (issue 9): every fixture file,
// fixture folder and corpus file gives the attempts, outcomes, SYN counts,
// inferred settings, rules and diagnoses recorded in test/baseline/answers.json
// by the code before that change (scripts/baseline/record.mjs). Answers
// changed on purpose since are re-recorded, and the commit says why.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeFiles } from "../src/index.js";
// @ts-expect-error: a plain .mjs helper shared with the recording script
import { answers, caseName, cases, kept, ROOT } from "../scripts/baseline/answers.mjs";

const recorded = JSON.parse(readFileSync(join(ROOT, "test", "baseline", "answers.json"), "utf8")) as Record<string, unknown>;
const all = (cases() as string[][]).filter((paths) => caseName(paths) in recorded);

describe("answers recorded before the streaming engine", () => {
  it("covers every case that was recorded", () => {
    expect(all.length).toBe(Object.keys(recorded).length);
  });

  it.each(all.map((paths) => [caseName(paths) as string, paths] as const))("%s", async (_name, paths) => {
    const result = await analyzeFiles(paths);
    expect(kept(answers(result))).toEqual(recorded[caseName(paths)]);
    // every line accounted for (issue 11): parsed, recognised (blank, text) or unparsed, or in a session's sections
    for (const i of result.inputs) expect(i.parsed + i.recognised + i.unparsed + (i.sectionLines ?? 0), i.name).toBe(i.lines);
  });
});
