// One page per diagnosis code in docs/codes/, each in the same shape, and
// the reports point to them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DIAGNOSIS_CODES } from "../src/analyzer/diagnose.js";
import { runCli } from "./helpers/cli.js";
import { FIXTURES, ROOT } from "./helpers/paths.js";

const DIR = join(ROOT, "docs", "codes");
const codes = Object.keys(DIAGNOSIS_CODES) as (keyof typeof DIAGNOSIS_CODES)[];
const SECTIONS = ["## What it means", "## Evidence it uses", "## Typical causes", "## What to check next"];

describe("docs/codes", () => {
  it("has a page for every code and none for a code that does not exist", () => {
    const pages = readdirSync(DIR).filter((f) => f.endsWith(".md")).map((f) => f.slice(0, -3)).sort();
    expect(pages).toEqual([...codes].sort());
  });

  it.each(codes)("%s: title, severity and the four sections in order; its links lead to pages", (code) => {
    const text = readFileSync(join(DIR, `${code}.md`), "utf8");
    const lines = text.split("\n");
    expect(lines[0]).toBe(`# ${code}`);
    expect(text).toContain(`\nSeverity: ${DIAGNOSIS_CODES[code]}\n`);
    const at = SECTIONS.map((s) => lines.indexOf(s));
    expect(at.every((i) => i > 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    // every section says something
    at.forEach((i, k) => {
      const end = k + 1 < at.length ? at[k + 1]! : lines.length;
      expect(lines.slice(i + 1, end).join("").trim().length, `${code} ${SECTIONS[k]}`).toBeGreaterThan(40);
    });
    for (const [, target] of text.matchAll(/\]\(([^)]+)\)/g)) {
      if (/^https?:/.test(target!)) continue;
      expect(existsSync(join(DIR, target!)), `${code} links ${target}`).toBe(true);
    }
  });
});

describe("the reports point to the pages", () => {
  const drop = [join(FIXTURES, "drop-exp-r5", "tcpdump-nn.txt"), join(FIXTURES, "drop-exp-r5", "iptables-L.txt")];

  it("--json: each diagnosis has the path of its page in the package", async () => {
    const report = JSON.parse((await runCli(["analyze", "--json", ...drop])).stdout) as { diagnoses: { code: string; docs: string }[] };
    expect(report.diagnoses.length).toBeGreaterThan(0);
    for (const d of report.diagnoses) {
      expect(d.docs).toBe(`docs/codes/${d.code}.md`);
      expect(existsSync(join(ROOT, d.docs))).toBe(true);
    }
  });

  it("HTML: each diagnosis's code links to its page", async () => {
    const page = (await runCli(["analyze", "--format", "html", ...drop])).stdout;
    const links = [...page.matchAll(/<a class="docs" href="([^"]+)">(\w+)<\/a>/g)];
    expect(links.length).toBeGreaterThan(0);
    for (const [, href, code] of links) {
      expect(href).toMatch(new RegExp(`/docs/codes/${code}\\.md$`));
      expect(existsSync(fileURLToPath(href!))).toBe(true);
    }
  });

  it("the table says where the pages are", async () => {
    const out = (await runCli(["analyze", ...drop], undefined, 120)).stdout;
    // the tests run in the repository: the folder is given relative to it
    expect(out).toContain("What each code means and what to check next: docs/codes/<CODE>.md");
  });
});
