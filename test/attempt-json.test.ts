// The hand-written attempt serializer writes what JSON.stringify writes: the
// oracle is JSON.stringify itself, run on the reports of every fixture file
// and folder, and on reports with the fields no fixture has.
import { describe, expect, it } from "vitest";
import type { AttemptReport } from "../src/index.js";
import { analyzeFiles } from "../src/index.js";
import { attemptJson } from "../src/report/attempt-json.js";
// @ts-expect-error: a plain .mjs helper shared with the baseline recording script
import { cases, caseName, ROOT } from "../scripts/baseline/answers.mjs";

const fixtureCases = (cases() as string[][]).filter((paths) => paths[0]!.startsWith(`${ROOT}fixtures`) || paths[0]!.startsWith(`${ROOT}/fixtures`));

describe("attemptJson writes what JSON.stringify writes", () => {
  it("on fixtures", () => {
    expect(fixtureCases.length).toBeGreaterThan(100);
  });

  it.each(fixtureCases.map((p) => [caseName(p) as string, p] as const))("%s", async (_name, paths) => {
    const { attempts } = await analyzeFiles(paths);
    for (const a of attempts) expect(JSON.parse(attemptJson(a))).toEqual(JSON.parse(JSON.stringify(a)));
  });

  it("on text that must be escaped, numbers JSON has no form for, and the optional fields", () => {
    const a: AttemptReport = {
      id: 7,
      family: "ipv4",
      client: { ip: "10.0.0.1", port: null },
      server: { ip: "host\"name\\x", port: 80 },
      outcome: "app-timeout",
      errno: null,
      errnoSource: null,
      syn: { sent: 2, retransmits: 1, intervals: [1.000123, Number.NaN, 1e21, -0] },
      synAck: { sent: 0, retransmits: 0 },
      durationSeconds: Infinity,
      process: { pid: 12, command: "tel\tnet \u00e9" },
      firewall: { table: null, chain: "INPUT", rule: 2, target: "DROP", text: "-p tcp --dport 1" },
      inferred: { tcpSynRetries: 2, linearTimeouts: 0, timeoutSeconds: 7, initialRtoSeconds: 1, schedule: "complete", cap: "count", alternatives: [{ tcpSynRetries: 1, linearTimeouts: 1, initialRtoSeconds: 1 }] },
      start: { input: "dir/a \"b\".txt", line: 3, timestamp: "\ud800" },
      summary: "line\nbreak \u0001 and \u2028",
      sources: [{ input: "dir/a \"b\".txt", line: 3 }, { input: "<stdin>", line: 4 }],
      icmpMayBeFiltered: true,
      application: { program: "curl", result: "failed", errno: "ETIMEDOUT", realSeconds: 63.2, approximate: false },
    };
    expect(attemptJson(a)).toBe(JSON.stringify(a));
    const { icmpMayBeFiltered: _i, application: _a, ...plain } = a;
    expect(attemptJson({ ...plain, client: null, process: null, firewall: null })).toBe(JSON.stringify({ ...plain, client: null, process: null, firewall: null }));
  });
});
