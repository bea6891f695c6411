// Per rendered corpus file, the TCP segments tcpdiag finds equal tshark's count.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeFiles } from "../src/index.js";
import { CORPUS_TCPDUMP } from "./helpers/paths.js";

const RENDERED = join(CORPUS_TCPDUMP, "rendered");
const TSHARK = join(CORPUS_TCPDUMP, "tshark");

function tsharkSegments(name: string): number {
  const rows = readFileSync(join(TSHARK, `${name}.segments.tsv`), "utf8").split("\n").filter(Boolean);
  return rows.length - 1; // header
}

const flagsets = readdirSync(RENDERED, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe.each(flagsets)("rendered/%s", (flagset) => {
  it("finds as many TCP segments as tshark in every file", async () => {
    const files = readdirSync(join(RENDERED, flagset)).filter((f) => f.endsWith(".txt"));
    expect(files.length).toBeGreaterThan(70);
    const mismatches: string[] = [];
    for (const file of files) {
      const name = file.replace(/\.txt$/, "");
      if (!existsSync(join(TSHARK, `${name}.segments.tsv`))) continue;
      let tcp = 0;
      const result = await analyzeFiles([join(RENDERED, flagset, file)], {
        onRecord: (_input, format, _line, r) => {
          if (format === "tcpdump" && r.type === "tcp") tcp++;
        },
      });
      expect(result.inputs[0]!.unparsed).toBe(0);
      const want = tsharkSegments(name);
      if (tcp !== want) mismatches.push(`${file}: ${tcp} vs tshark ${want}`);
    }
    expect(mismatches).toEqual([]);
  });
});
