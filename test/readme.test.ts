// The README's library example runs as written (its vitest calls and its
// import of "tcpdiag" given to it here), on the fixture it names.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as tcpdiag from "../src/index.js";
import { ROOT } from "./helpers/paths.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const example = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('from "vitest"'))!;

describe("the README's vitest example", () => {
  it("passes", async () => {
    expect(example).toContain('from "tcpdiag"');
    const body = example.replace(/^import .*$/gm, "");
    const tests: (() => Promise<void>)[] = [];
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    const run = new AsyncFunction("describe", "it", "expect", "analyzeFiles", body);
    await run((_: string, f: () => void) => f(), (_: string, f: () => Promise<void>) => tests.push(f), expect, tcpdiag.analyzeFiles);
    expect(tests).toHaveLength(1);
    for (const t of tests) await t();
  });
});

describe("the README's sample output", () => {
  it("is what the quick start's command prints (100 columns)", async () => {
    const section = readme.slice(readme.indexOf("## What it prints"));
    const sample = /```\n([\s\S]*?)```/.exec(section)![1]!;
    const { runCli } = await import("./helpers/cli.js");
    const r = await runCli(["analyze", "fixtures/drop-exp-r5/tcpdump-nn.txt"], undefined, 100);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(sample);
  });
});
