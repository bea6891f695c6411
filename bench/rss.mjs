// Loaded with --import into a benchmarked node process: reports its peak RSS (KiB) on stderr as it exits.
//
// Linux keeps getrusage's maxrss across execve, so a process spawned by a
// large parent (the benchmark itself) would report the parent's size; the
// peak of this process's own memory since exec is /proc/self/status's VmHWM.
import { readFileSync, writeSync } from "node:fs";

function peakKiB() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

process.on("exit", () => writeSync(2, `TCPDIAG_BENCH_RSS ${peakKiB()}\n`));
