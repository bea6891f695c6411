// Throughput and memory of `tcpdiag analyze` end to end (read, parse,
// assemble, analyze), on real tcpdump text: every file tcpdump 4.99.3
// rendered in ../shared/corpus/tcpdump/rendered, repeated to ~300k lines.
// Usage: npm run bench [-- ROUNDS]
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { analyzeFiles, tcpdumpLineParser } from "../dist/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const rendered = join(root, "..", "shared", "corpus", "tcpdump", "rendered");
const rounds = Number(process.argv[2] ?? 5);

const lines = [];
for (const set of readdirSync(rendered, { withFileTypes: true }).filter((d) => d.isDirectory())) {
  for (const f of readdirSync(join(rendered, set.name))) {
    lines.push(...readFileSync(join(rendered, set.name, f), "utf8").split("\n").filter(Boolean));
  }
}
const text = `${lines.join("\n")}\n`;
const file = join(mkdtempSync(join(tmpdir(), "tcpdiag-bench-")), "bench.txt");
writeFileSync(file, text.repeat(rounds));
const total = lines.length * rounds;

let t = process.hrtime.bigint();
for (const l of lines) tcpdumpLineParser.parse(l);
let s = Number(process.hrtime.bigint() - t) / 1e9;
console.log(`grammar only: ${lines.length} lines in ${s.toFixed(2)} s = ${Math.round(lines.length / s)} lines/s`);

t = process.hrtime.bigint();
const result = await analyzeFiles([file]);
s = Number(process.hrtime.bigint() - t) / 1e9;
const mb = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
console.log(
  `analyze end to end: ${total} lines (${(text.length * rounds / 2 ** 20).toFixed(1)} MiB) in ${s.toFixed(2)} s = ${Math.round(total / s)} lines/s; ` +
    `${result.attempts.length} attempts; rss ${mb} MiB`,
);
