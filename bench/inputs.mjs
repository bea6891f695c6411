// The benchmark's inputs, made once and kept in a cache folder:
// - the busy and short-connection mixes of ../shared/bench/synth_pcap.py,
//   rendered by the real `tcpdump -nn -r`;
// - a strace log of 1M lines, the corpus's real traces one after another;
// - for the doubling runs: SYN-only captures, ICMP errors without -v, and a
//   capture with the strace of the same connect() calls, at N and 2N attempts.
//   These are written as pcaps by pcap.mjs and rendered by tcpdump too; the
//   strace lines are made in strace -f -tt -T's form (no tool can be made to
//   print 20,000 timed connects here within a benchmark's time).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { icmpOnlyPcap, joinPcap, synOnlyPcap } from "./pcap.mjs";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SHARED = join(ROOT, "..", "shared");

export function have(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** tcpdump -nn -r PCAP > TXT, once. */
async function renderStreaming(pcap, txt) {
  if (existsSync(txt)) return;
  const out = createWriteStream(txt);
  const p = spawn("tcpdump", ["-nn", "-r", pcap], { stdio: ["ignore", "pipe", "ignore"] });
  p.stdout.pipe(out);
  const [code] = await Promise.all([new Promise((r) => p.on("close", r)), new Promise((r) => out.on("finish", r))]);
  if (code !== 0) throw new Error(`tcpdump -nn -r ${pcap}: exit ${code}`);
}

export async function mixes(dir) {
  const out = {};
  for (const [name, exchanges] of [["busy", 300], ["short", 6]]) {
    const pcap = join(dir, `${name}.pcap`);
    if (!existsSync(pcap)) execFileSync("python3", [join(SHARED, "bench", "synth_pcap.py"), pcap, "1000000", "1", String(exchanges)]);
    const txt = join(dir, `${name}.txt`);
    await renderStreaming(pcap, txt);
    out[name] = { pcap, txt };
  }
  return out;
}

/** The busy mix five times over: 5M lines. */
export function busyFive(dir, busyTxt) {
  const file = join(dir, "busy-5x.txt");
  if (!existsSync(file)) {
    const text = readFileSync(busyTxt);
    const fd = createWriteStream(file);
    for (let k = 0; k < 5; k++) fd.write(text);
    fd.end();
    return new Promise((resolve) => fd.on("finish", () => resolve(file)));
  }
  return Promise.resolve(file);
}

/** Every real strace log of the corpus and the fixtures, one after another until 1M lines. */
export function straceMillion(dir) {
  const file = join(dir, "strace-1m.txt");
  if (existsSync(file)) return file;
  const sources = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.(license|ini|json|md)$/.test(e.name)) sources.push(p);
    }
  };
  walk(join(SHARED, "corpus", "strace"));
  for (const d of readdirSync(join(ROOT, "fixtures"))) {
    const p = join(ROOT, "fixtures", d);
    if (statSync(p).isDirectory()) for (const f of readdirSync(p)) if (/^strace.*\.txt$/.test(f)) sources.push(join(p, f));
  }
  sources.sort();
  const lines = sources.flatMap((f) => readFileSync(f, "utf8").split("\n").filter((l) => l !== ""));
  const out = [];
  while (out.length < 1_000_000) out.push(...lines.slice(0, 1_000_000 - out.length));
  writeFileSync(file, `${out.join("\n")}\n`);
  return file;
}

/** The doubling runs' inputs at n attempts. */
export async function doubling(dir, n) {
  const syn = join(dir, `syn-only-${n}.pcap`);
  const icmp = join(dir, `icmp-${n}.pcap`);
  const join_ = join(dir, `join-${n}.pcap`);
  if (!existsSync(syn)) writeFileSync(syn, synOnlyPcap(n));
  if (!existsSync(icmp)) writeFileSync(icmp, icmpOnlyPcap(n));
  const straceFile = join(dir, `join-${n}.strace.txt`);
  if (!existsSync(join_)) {
    const { pcap, strace } = joinPcap(n);
    writeFileSync(join_, pcap);
    writeFileSync(straceFile, strace);
  }
  for (const p of [syn, icmp, join_]) await renderStreaming(p, p.replace(/\.pcap$/, ".txt"));
  return {
    synOnly: [syn.replace(/\.pcap$/, ".txt")],
    icmp: [icmp.replace(/\.pcap$/, ".txt")],
    join: [join_.replace(/\.pcap$/, ".txt"), straceFile],
  };
}

export function cacheDir() {
  const dir = join(ROOT, "bench", ".data");
  mkdirSync(dir, { recursive: true });
  return dir;
}
