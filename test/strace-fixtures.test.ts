// Real strace + tcpdump captures of the same runs (fixtures/strace-*, made by
// scripts/capture/capture-strace.sh): each trace alone and together with its
// capture gives the attempts of expected.json.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeFiles, type AttemptReport } from "../src/index.js";
import { FIXTURES, scenarios } from "./helpers/paths.js";

interface Expected {
  client: { ip: string; port: number } | null;
  server: { ip: string; port: number };
  outcome: string;
  errno: string | null;
  synSent: number;
  durationSeconds: number | null;
  process: { pid: number | null; command: string | null };
  tcpSynRetries: number | null;
  timeoutSeconds: number | null;
  strace: { file: string };
  tcpdump: string;
}

interface Run {
  straceFiles: string[];
  tcpdump: string;
  attempts: Expected[];
}

function runs(scenario: string): Run[] {
  const dir = join(FIXTURES, scenario);
  const all = (JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as { attempts: Expected[] }).attempts;
  const ff = join(dir, "strace-ff");
  if (existsSync(ff)) {
    // strace -ff: one file per process, read together
    const files = readdirSync(ff).map((f) => join(ff, f));
    return [{ straceFiles: files, tcpdump: join(dir, all[0]!.tcpdump), attempts: all }];
  }
  const byFile = new Map<string, Run>();
  for (const e of all) {
    const run = byFile.get(e.strace.file) ?? { straceFiles: [join(dir, e.strace.file)], tcpdump: join(dir, e.tcpdump), attempts: [] };
    run.attempts.push(e);
    byFile.set(e.strace.file, run);
  }
  return [...byFile.values()];
}

function find(attempts: AttemptReport[], e: Expected): AttemptReport | undefined {
  return attempts.find(
    (a) =>
      a.server.port === e.server.port &&
      (!a.client?.port || !e.client || a.client.port === e.client.port) &&
      (a.process?.pid == null || e.process.pid === null || a.process.pid === e.process.pid),
  );
}

describe.each(scenarios("strace"))("%s", (scenario) => {
  for (const run of runs(scenario)) {
    const name = run.straceFiles.length > 1 ? "strace-ff/*" : run.straceFiles[0]!.split("/").pop()!;
    for (const withCapture of [false, true]) {
      it(`${name}${withCapture ? " + tcpdump" : " alone"}`, async () => {
        const r = await analyzeFiles(withCapture ? [run.tcpdump, ...run.straceFiles] : run.straceFiles);
        for (const input of r.inputs) expect(input.unparsed, input.name).toBe(0);
        expect(r.inputs.filter((i) => i.format === "strace")).toHaveLength(run.straceFiles.length);
        expect(r.attempts).toHaveLength(run.attempts.length);
        for (const e of run.attempts) {
          const a = find(r.attempts, e);
          expect(a, `attempt ${e.client?.port} -> ${e.server.port}`).toBeDefined();
          expect(a!.outcome).toBe(e.outcome);
          expect(a!.errno).toBe(e.errno);
          if (e.errno) expect(a!.errnoSource).toBe("strace");
          if (e.durationSeconds !== null) expect(a!.durationSeconds).toBeCloseTo(e.durationSeconds, 5);
          else if (!withCapture) expect(a!.durationSeconds).toBeNull();
          if (a!.process?.pid != null) expect(a!.process.pid).toBe(e.process.pid);
          if (a!.process?.command != null) expect(a!.process.command).toBe(e.process.command);
          if (withCapture) {
            expect(a!.syn.sent).toBe(e.synSent);
            expect(a!.sources.some((s) => s.input === run.tcpdump)).toBe(true);
          }
          if (e.tcpSynRetries !== null) {
            expect(a!.inferred.tcpSynRetries).toBe(e.tcpSynRetries);
            expect(a!.inferred.timeoutSeconds).toBe(e.timeoutSeconds);
          }
        }
      });
    }
  }
});

describe("what the strace fixtures show in detail", () => {
  const expectedOf = (scenario: string) =>
    (JSON.parse(readFileSync(join(FIXTURES, scenario, "expected.json"), "utf8")) as { attempts: Expected[] }).attempts[0]!;

  it("telnet (no execve traced) is named by its own message", async () => {
    const r = await analyzeFiles([join(FIXTURES, "strace-telnet-drop", "strace-Ttt-e-trace-network.txt")]);
    const took = Number(expectedOf("strace-telnet-drop").durationSeconds!.toFixed(2));
    expect(r.attempts[0]!.process?.command).toBe("telnet");
    expect(r.attempts[0]!.summary).toContain(`connect() returned ETIMEDOUT after ${took} s, which fits tcp_syn_retries=5`);
  });

  it("curl --connect-timeout 2: gave up after ~2 s while the kernel would have retried for 131 s", async () => {
    const dir = join(FIXTURES, "strace-curl-connect-timeout");
    const r = await analyzeFiles([join(dir, "tcpdump-nn.txt"), join(dir, "strace-f-tt-T.txt")]);
    const took = Number(expectedOf("strace-curl-connect-timeout").durationSeconds!.toFixed(2));
    expect(r.attempts[0]!.summary).toContain(`curl gave up after ${took} s`);
    expect(r.attempts[0]!.summary).toContain("the kernel would have retried for 131 s");
    expect(r.diagnoses[0]!.code).toBe("APP_GAVE_UP");
  });

  it("20 concurrent connects to one server are joined one to one with their SYN series", async () => {
    const dir = join(FIXTURES, "strace-concurrent-20");
    const r = await analyzeFiles([join(dir, "tcpdump-nn.f-tt-T.txt"), join(dir, "strace-f-tt-T.txt")]);
    expect(r.attempts).toHaveLength(20);
    const pids = new Set(r.attempts.map((a) => a.process?.pid));
    expect(pids.size).toBe(20);
    expect(r.attempts.every((a) => a.syn.sent === 3 && a.errnoSource === "strace")).toBe(true);
  });
});

describe("clocks with no common origin", () => {
  it("a -r trace (times since the previous line) is aligned with the capture by its connect() calls", async () => {
    // The -tt trace of strace-concurrent-20 rewritten as strace -r prints it
    // ("PID  <seconds since the previous line>"): the same run, relative times.
    const dir = join(FIXTURES, "strace-concurrent-20");
    let previous: number | null = null;
    const relative = readFileSync(join(dir, "strace-f-tt-T.txt"), "utf8")
      .split("\n")
      .map((line) => {
        const m = /^(\d+) (\d\d):(\d\d):(\d\d\.\d+) (.*)$/.exec(line);
        if (!m) return line;
        const t = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
        const delta = previous === null ? 0 : t - previous;
        previous = t;
        return `${m[1]} ${delta.toFixed(6).padStart(13)} ${m[5]}`;
      })
      .join("\n");
    const { runPipeline } = await import("../src/pipeline.js");
    const { Readable } = await import("node:stream");
    const { fileSource } = await import("../src/input.js");
    const r = await runPipeline([
      fileSource(join(dir, "tcpdump-nn.f-tt-T.txt")),
      { name: "strace-r", open: async () => Readable.from([Buffer.from(relative)]) },
    ]);
    expect(r.inputs[1]!.format).toBe("strace");
    expect(r.attempts).toHaveLength(20);
    expect(r.attempts.every((a) => a.syn.sent === 3 && a.process?.pid)).toBe(true);
    // the same pairs as with the -tt times
    const tt = await analyzeFiles([join(dir, "tcpdump-nn.f-tt-T.txt"), join(dir, "strace-f-tt-T.txt")]);
    const pairs = (x: typeof r) => Object.fromEntries(x.attempts.map((a) => [a.client?.port, a.process?.pid]));
    expect(pairs(r)).toEqual(pairs(tt));
    expect(r.diagnoses.find((d) => d.code === "CLOCKS_NOT_ALIGNED")?.message).toContain("aligned by matching connect() calls");
  });
});
