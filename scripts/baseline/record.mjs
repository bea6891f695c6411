// Records the answers of every case (see answers.mjs) into
// test/baseline/answers.json. Run it only when answers change on purpose,
// and say why in the commit.  Usage: npm run build && node scripts/baseline/record.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeFiles } from "../../dist/index.js";
import { answers, caseName, cases, kept, ROOT } from "./answers.mjs";

const out = {};
for (const paths of cases()) {
  out[caseName(paths)] = kept(answers(await analyzeFiles(paths)));
}
mkdirSync(join(ROOT, "test", "baseline"), { recursive: true });
const lines = Object.entries(out).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
writeFileSync(join(ROOT, "test", "baseline", "answers.json"), `{\n${lines.join(",\n")}\n}\n`);
console.log(`${lines.length} cases`);
