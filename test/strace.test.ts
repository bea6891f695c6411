// strace: the grammar over every real trace in ../shared/corpus/strace, and
// what connect() calls add to (or make of) attempts.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeFiles, analyzeText } from "../src/index.js";
import { straceGrammar, straceLineParser } from "../src/strace/grammar.js";
import { CORPUS_TCPDUMP, SHARED } from "./helpers/paths.js";

const CORPUS = join(SHARED, "corpus", "strace");
const LOCAL = join(CORPUS, "local");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ini|license)$/.test(f) ? [] : [p];
  });
}

describe("strace grammar over real traces", () => {
  it("parses every line of the corpus exactly once", () => {
    const problems: string[] = [];
    const kinds = new Map<string, number>();
    let lines = 0;
    for (const file of files(CORPUS)) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (line.trim() === "") return;
          lines++;
          const all = straceGrammar.parseAll(line);
          if (all.length !== 1) problems.push(`${file}:${i + 1} (${all.length} parses): ${line.slice(0, 100)}`);
          else kinds.set(all[0]!.record, (kinds.get(all[0]!.record) ?? 0) + 1);
        });
    }
    expect(lines).toBeGreaterThan(50_000);
    expect(problems).toEqual([]);
    expect(kinds.get("syscall")).toBeGreaterThan(45_000);
    expect(kinds.get("unfinished")).toBeGreaterThan(2400);
    expect(kinds.get("resumed")).toBeGreaterThan(2400);
    expect(kinds.get("exit")).toBeGreaterThan(50);
    expect(kinds.get("signal")).toBeGreaterThan(50);
    // lines the traced programs printed themselves, not strace's
    expect(kinds.get("program-output")).toBeLessThan(40);
  });

  it("analyzes every corpus trace without an error or an unparsed line", async () => {
    for (const file of files(CORPUS)) {
      const r = await analyzeFiles([file]);
      expect(r.errors, file).toEqual([]);
      expect(r.inputs[0]!.format, file).toBe("strace");
      expect(r.inputs[0]!.unparsed, file).toBe(0);
    }
  });

  it("reads a connect() with its errno, detail and -T duration", () => {
    const r = straceLineParser.parse(
      '03:45:49.328038 connect(3, {sa_family=AF_INET, sin_port=htons(12345), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ETIMEDOUT (Connection timed out) <63.023684>',
    );
    expect(r.ok && r.value).toMatchObject({
      record: "syscall",
      name: "connect",
      args: [{ text: "3" }, { text: '{sa_family=AF_INET, sin_port=htons(12345), sin_addr=inet_addr("127.0.0.1")}' }, { text: "16" }],
      result: { value: -1, errno: "ETIMEDOUT", detail: "Connection timed out" },
      duration: 63.023684,
      timestamp: { text: "03:45:49.328038" },
    });
  });

  it("reads strace's message spliced into a half-printed call", () => {
    const r = straceLineParser.parse("11:12:29.858373 vfork(strace: Process 20597 attached");
    expect(r.ok && r.value).toMatchObject({ record: "unfinished", name: "vfork", cut: true, message: { pid: 20597, state: "attached" } });
  });

  it("reads -yy decorations, pid prefixes and resumed halves", () => {
    const r = straceLineParser.parse(
      "[pid 20669] 11:12:31.503080 <... getsockopt resumed>5<TCPv6:[[::1]:33826->[::1]:12347]>, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0 <0.000008>",
    );
    expect(r.ok && r.value).toMatchObject({ record: "resumed", name: "getsockopt", pid: 20669, result: { value: 0 } });
  });
});

const analyze = (...names: string[]) => analyzeFiles(names);

describe("connect() outcomes from real traces", () => {
  it.each([
    ["s01_v4_closed_port.f-tt-T.txt", "refused", "ECONNREFUSED"],
    ["s05_v4_reject_icmp_host_prohibited.f-tt-T.txt", "unreachable", "EHOSTUNREACH"],
    ["s15_v6_reject_icmp6_adm_prohibited.f-tt-T.txt", "unreachable", "EACCES"],
    ["s06_v4_http_ok.f-tt-T.txt", "established", null],
    ["s02_v4_syn_timeout_drop.f-tt-T.txt", "app-timeout", null],
  ])("%s: %s %s", async (file, outcome, errno) => {
    const r = await analyze(join(LOCAL, file));
    expect(r.inputs[0]!.format).toBe("strace");
    expect(r.inputs[0]!.unparsed).toBe(0);
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ outcome, errno, errnoSource: errno ? "strace" : null });
  });

  it("curl's non-blocking connect: EINPROGRESS, then SO_ERROR [ECONNREFUSED] 1.02 s later", async () => {
    const r = await analyze(join(LOCAL, "s14_v6_reject_icmp6_port_unreachable.f-tt-T.txt"));
    expect(r.attempts[0]).toMatchObject({ outcome: "refused", errno: "ECONNREFUSED", durationSeconds: 1.022321, family: "ipv6" });
  });

  it("curl --connect-timeout: the application gave up after 8 s", async () => {
    const r = await analyze(join(LOCAL, "s02_v4_syn_timeout_drop.f-tt-T.txt"));
    expect(r.attempts[0]!.durationSeconds).toBeCloseTo(8.0008, 4);
    expect(r.diagnoses[0]!.code).toBe("APP_GAVE_UP");
  });

  it("SIGINT during connect: app-timeout, and the command from execve", async () => {
    const r = await analyze(join(LOCAL, "s22_sigint_during_connect.f-tt-T.txt"));
    expect(r.attempts[0]).toMatchObject({ outcome: "app-timeout", process: { command: "curl" } });
  });

  it("threads connecting at once (unfinished/resumed) keep their own outcomes", async () => {
    for (const file of ["s20_threads_mixed.f-tt-T.txt", "s20_threads_mixed.f-tt-T.stderr-pid-prefix.txt"]) {
      const r = await analyze(join(LOCAL, file));
      const byPort = Object.fromEntries(r.attempts.map((a) => [a.server.port, a.outcome]));
      expect(byPort).toEqual({ 8080: "established", 8081: "established", 12345: "app-timeout", 12346: "refused", 12347: "refused" });
    }
  });

  it("connected UDP sockets are not TCP attempts", async () => {
    const r = await analyze(join(LOCAL, "s17_udp_port_unreachable.f-tt-T.txt"));
    expect(r.attempts).toEqual([]);
  });

  it("a trace that hides poll/getsockopt (-Z) does not invent an outcome", async () => {
    const r = await analyze(join(LOCAL, "variants", "s04_v4_reject_icmp_port_unreachable.f-tt-T-Z-failed-only.txt"));
    expect(r.attempts[0]!.outcome).toBe("unknown");
  });

  it.each(["r.txt", "t.txt", "ttt-T.txt", "X-verbose.txt", "default.txt", "f-yy-tt-T-s64.txt"])(
    "s01 with strace %s: refused",
    async (variant) => {
      const r = await analyze(join(LOCAL, "variants", `s01_v4_closed_port.${variant}`));
      expect(r.attempts.map((a) => [a.outcome, a.errno])).toEqual([["refused", "ECONNREFUSED"]]);
    },
  );
});

describe("strace and tcpdump together", () => {
  const rendered = (flags: string, name: string) => join(CORPUS_TCPDUMP, "rendered", flags, `local__${name}.txt`);

  it.each(["nn", "nn-tt", "nn-tttt"])("joins connect() with its SYNs (tcpdump %s)", async (flags) => {
    const r = await analyze(rendered(flags, "s02_v4_syn_timeout_drop"), join(LOCAL, "s02_v4_syn_timeout_drop.f-tt-T.txt"));
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ outcome: "app-timeout", syn: { sent: 7 }, process: { pid: 20427 } });
    expect(r.attempts[0]!.summary).toContain("the kernel would have retried for 131 s");
  });

  it("joins five concurrent attempts one to one", async () => {
    const r = await analyze(rendered("nn", "s20_threads_mixed"), join(LOCAL, "s20_threads_mixed.f-tt-T.txt"));
    expect(r.attempts).toHaveLength(5);
    expect(r.attempts.every((a) => a.syn.sent > 0 && a.process?.pid)).toBe(true);
  });

  const seed = readFileSync(join(SHARED, "seed", "000_883c01d3c7a55c22.txt"), "utf8").split("\n");
  const strace = seed.slice(seed.findIndex((l) => l.startsWith("$ strace -Ttt")) + 1).join("\n").split("\n$ ")[0]!;
  const tcpdump = seed.filter((l) => /^17:3[78]:/.test(l)).join("\n");

  it("the seed's strace block: connect() timed out after 63.023684 s, fits tcp_syn_retries=5", async () => {
    const r = await analyzeText(strace, "seed-strace");
    expect(r.inputs[0]).toMatchObject({ format: "strace", unparsed: 0 });
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({
      server: { ip: "127.0.0.1", port: 12345 },
      outcome: "timeout",
      errno: "ETIMEDOUT",
      errnoSource: "strace",
      durationSeconds: 63.023684,
      process: { command: "telnet" },
      inferred: { tcpSynRetries: 5, timeoutSeconds: 63 },
    });
  });

  it("the seed's tcpdump (17:37) and strace (03:45) are different runs and stay apart", async () => {
    const { runPipeline } = await import("../src/pipeline.js");
    const { Readable } = await import("node:stream");
    const source = (name: string, text: string) => ({ name, open: async () => Readable.from([Buffer.from(text)]) });
    const r = await runPipeline([source("seed-tcpdump", tcpdump), source("seed-strace", strace)]);
    expect(r.attempts).toHaveLength(2);
    expect(r.attempts.map((a) => a.syn.sent)).toEqual([6, 0]);
    const note = r.diagnoses.find((d) => d.code === "INPUTS_FROM_DIFFERENT_RUNS");
    expect(note?.message).toContain("different runs");
    expect(note?.message).toMatch(/17:37:\d\d.*03:45:\d\d/);
  });
});
