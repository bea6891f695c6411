// Detection counts tcpdump's common packet lines (the fast path's express
// lane) for tcpdump without trying the other formats' proofs on them: no
// other format proves such a line, nor is it a shell prompt. Shown here on
// every such line of the fixtures and the corpus, and on mutations of them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isPrompt } from "../src/formats/detect.js";
import { TOOL_FORMATS } from "../src/formats/registry.js";
import { isExpressLine } from "../src/tcpdump/fast.js";
import { mutations } from "./helpers/mutate.js";
import { CORPUS_TCPDUMP, FIXTURES } from "./helpers/paths.js";

const filesUnder = (dir: string, test: (f: string) => boolean): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && test(e.name))
    .map((e) => join(e.parentPath, e.name));

describe("detection's shortcut for tcpdump's common packet lines", () => {
  it("no other format proves an express line, and none is a prompt", () => {
    const files = [
      ...filesUnder(FIXTURES, (f) => /^tcpdump-.*\.txt$/.test(f)),
      ...filesUnder(join(CORPUS_TCPDUMP, "rendered"), (f) => f.endsWith(".txt")).filter((_, i) => i % 3 === 0),
    ];
    const lines = files.flatMap((f) => readFileSync(f, "utf8").split("\n")).filter((l) => l.trim() !== "");
    const others = TOOL_FORMATS.filter((f) => f.name !== "tcpdump");
    let express = 0;
    const wrong: string[] = [];
    for (const line of [...lines, ...mutations(lines, 20_000, 17)]) {
      if (!isExpressLine(line)) continue;
      express++;
      for (const f of others) if (f.proves(line)) wrong.push(`${f.name}: ${line}`);
      if (isPrompt(line)) wrong.push(`prompt: ${line}`);
    }
    expect(wrong).toEqual([]);
    expect(express).toBeGreaterThan(10_000);
  });
});
