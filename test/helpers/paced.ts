// Feeds a real capture's lines to `tcpdiag analyze` through a pipe at the
// pace their timestamps show, as tcpdump -l would, and notes when each line
// went in and each output line came out (ms after the first line).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.js";

export interface Fed {
  text: string;
  at: number;
}

export interface PacedRun {
  fed: Fed[];
  out: Fed[];
  exitCode: number | null;
}

const clock = (line: string) => {
  const m = /^(\d\d):(\d\d):(\d\d\.\d+) /.exec(line);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
};

/**
 * Runs tcpdiag with `args` on a pipe fed with FILE's lines at their pace; the
 * lines with no time after the packets (tcpdump's statistics) go in when the
 * pipe is about to close, `holdMs` after the last packet or once `until` is
 * true of the output so far, whichever comes first.
 */
export async function paced(file: string, args: string[], holdMs: number, until: (out: Fed[]) => boolean = () => false): Promise<PacedRun> {
  const lines = readFileSync(file, "utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const lastTimed = lines.map(clock).reduce<number>((last, t, i) => (t !== null ? i : last), -1);
  const firstTime = lines.map(clock).find((t) => t !== null)!;
  const child = spawn(process.execPath, [join(ROOT, "bin", "tcpdiag.js"), ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const fed: Fed[] = [];
  const out: Fed[] = [];
  let start = 0;
  const now = () => performance.now() - start;
  let pending = "";
  child.stdout.on("data", (d: Buffer) => {
    pending += d.toString();
    const parts = pending.split("\n");
    pending = parts.pop()!;
    for (const text of parts) out.push({ text, at: now() });
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // tcpdiag is up (node started, modules loaded) before the capture's first line
  await new Promise((r) => setTimeout(r, 400));
  start = performance.now();
  const write = (text: string) => {
    child.stdin.write(`${text}\n`);
    fed.push({ text, at: now() });
  };
  for (const [i, text] of lines.entries()) {
    if (i > lastTimed) break;
    const t = clock(text);
    if (t !== null) {
      const due = (t - firstTime) * 1000;
      while (now() < due) await new Promise((r) => setTimeout(r, Math.min(20, due - now())));
    }
    write(text);
  }
  const closeBy = now() + holdMs;
  while (now() < closeBy && !until(out)) await new Promise((r) => setTimeout(r, 20));
  for (const text of lines.slice(lastTimed + 1)) write(text);
  child.stdin.end();
  const exitCode = await exited;
  return { fed, out, exitCode };
}

/** JSON Lines output: the objects with the time each came out. */
export function events(run: PacedRun): { event: Record<string, any>; at: number }[] {
  return run.out.filter((o) => o.text.startsWith("{")).map((o) => ({ event: JSON.parse(o.text), at: o.at }));
}
