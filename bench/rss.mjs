// Loaded with --import into a benchmarked node process: reports its peak RSS (KiB) on stderr as it exits.
import { writeSync } from "node:fs";

process.on("exit", () => writeSync(2, `TCPDIAG_BENCH_RSS ${process.resourceUsage().maxRSS}\n`));
