// npm run bench [-- --rounds N] [-- --no-tshark]: every figure of the README's
// "Speed and memory" section, measured on this machine.
//
// For each input: `tcpdiag analyze --json` (and the table for the short mix)
// against Node's bare readline loop over the same file, run alternately, N
// rounds (5 unless told): the best time of each, the ratio of the best times,
// and the median ratio beside it (a shared VM only ever adds time, so the
// best run is the closest to the work's own cost; the median shows the
// noise); peak RSS of tcpdiag's process; tshark's retransmission analysis of
// the same packets where tshark is installed. Then 5M lines, and the
// doubling runs that show no step is quadratic.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { busyFive, cacheDir, doubling, have, mixes, ROOT, straceMillion } from "./inputs.mjs";

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 5;
const tshark = !args.includes("--no-tshark") && have("tshark");
const BIN = join(ROOT, "bin", "tcpdiag.js");
const RSS = join(ROOT, "bench", "rss.mjs");
const READLINE = join(ROOT, "bench", "readline.mjs");

/** Runs a command; wall seconds, and the peak RSS (MiB) a node process reports through rss.mjs. */
function run(cmd, argv, { node = true } = {}) {
  const env = node ? { ...process.env, NODE_OPTIONS: `--import=${RSS}` } : process.env;
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")}: exit ${r.status}\n${r.stderr}`);
  const rss = /TCPDIAG_BENCH_RSS (\d+)/.exec(String(r.stderr))?.[1];
  return { seconds, rss: rss ? Number(rss) / 1024 : null };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs) => Math.min(...xs);
const lineCount = (file) => {
  const b = readFileSync(file);
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
};

/** tcpdiag and readline on one file, alternately. */
function compare(file, tcpdiagArgs) {
  const ours = [];
  const bare = [];
  let rss = 0;
  for (let k = 0; k < rounds; k++) {
    bare.push(run(process.execPath, [READLINE, file], { node: false }).seconds);
    const r = run(process.execPath, [BIN, ...tcpdiagArgs, file]);
    ours.push(r.seconds);
    rss = Math.max(rss, r.rss ?? 0);
  }
  return { seconds: best(ours), readline: best(bare), medianRatio: median(ours.map((t, k) => t / bare[k])), rss };
}

const rows = [];
const report = (name, lines, m, extra = "") => {
  rows.push(
    `| ${name} | ${(lines / 1e6).toFixed(2)}M | ${m.seconds.toFixed(2)} s | ${Math.round(lines / m.seconds).toLocaleString("en")} | ${(m.seconds / m.readline).toFixed(2)}x (${m.readline.toFixed(2)} s) | ${m.medianRatio.toFixed(2)}x | ${m.rss.toFixed(0)} MiB | ${extra} |`,
  );
  console.error(rows[rows.length - 1]);
};

const dir = cacheDir();
console.error(`inputs in ${dir} (made once)`);
const mix = await mixes(dir);

for (const [name, m] of Object.entries(mix)) {
  const lines = lineCount(m.txt);
  let extra = "";
  if (tshark) {
    const t = run("tshark", ["-r", m.pcap, "-Y", "tcp.analysis.retransmission"], { node: false }).seconds;
    const ours = compare(m.txt, ["analyze", "--json"]);
    extra = `tshark ${t.toFixed(1)} s: ${(t / ours.seconds).toFixed(0)}x less`;
    report(`${name} mix, analyze --json`, lines, ours, extra);
  } else report(`${name} mix, analyze --json`, lines, compare(m.txt, ["analyze", "--json"]), "tshark not installed");
}
report("short mix, analyze (table)", lineCount(mix.short.txt), compare(mix.short.txt, ["analyze"]));
const strace = straceMillion(dir);
report("strace, analyze --json", lineCount(strace), compare(strace, ["analyze", "--json"]));
const five = await busyFive(dir, mix.busy.txt);
const fiveRun = run(process.execPath, [BIN, "analyze", "--json", five]);
rows.push(`| busy mix x5, analyze --json | ${(lineCount(five) / 1e6).toFixed(2)}M | ${fiveRun.seconds.toFixed(2)} s | ${Math.round(lineCount(five) / fiveRun.seconds).toLocaleString("en")} | | | ${fiveRun.rss.toFixed(0)} MiB | |`);
console.error(rows[rows.length - 1]);

// twice the attempts, at most twice the time: no step is quadratic in attempts
const doubled = [];
const n = 10_000;
const [small, large] = [await doubling(dir, n), await doubling(dir, 2 * n)];
for (const kind of ["synOnly", "icmp", "join"]) {
  const t1 = best(Array.from({ length: rounds }, () => run(process.execPath, [BIN, "analyze", "--json", ...small[kind]]).seconds));
  const t2 = best(Array.from({ length: rounds }, () => run(process.execPath, [BIN, "analyze", "--json", ...large[kind]]).seconds));
  doubled.push(`| ${{ synOnly: "SYN only, no answer", icmp: "ICMP errors without -v", join: "strace joined with tcpdump" }[kind]} | ${t1.toFixed(2)} s | ${t2.toFixed(2)} s | ${(t2 / t1).toFixed(2)} |`);
  console.error(doubled[doubled.length - 1]);
}

console.log(`| input | lines | analyze (best of ${rounds}) | lines/s | vs readline (best) | median ratio | peak RSS | |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

| ${n.toLocaleString("en")} attempts, then ${(2 * n).toLocaleString("en")} | ${n / 1000}k | ${(2 * n) / 1000}k | ratio |
| --- | --- | --- | --- |
${doubled.join("\n")}`);
