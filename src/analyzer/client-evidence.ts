// What client programs said in a terminal session (telnet's "Connection
// timed out", curl's exit message, `time`'s real seconds): the
// application's view of an attempt. It completes the attempt to the server
// it names, or stands for an attempt of its own when nothing else shows one.
import type { AttemptReport, Outcome } from "../analysis.js";
import type { ClientRunEvent } from "../events.js";
import { describeAddress } from "./words.js";

export interface ClientFinding {
  code: "CLIENT_REPORTS" | "CLIENT_CONTRADICTS";
  attempts: number[];
  message: string;
  evidence: { input: string; line: number }[];
}

const LOCALHOST = new Set(["localhost", "127.0.0.1", "::1", "ip6-localhost"]);

function sameHost(host: string, ip: string): boolean {
  return host === ip || (LOCALHOST.has(host) && LOCALHOST.has(ip));
}

/** The outcomes a client's words agree with (null: the words claim nothing, e.g. only `time`'s lines). */
function agreeing(run: ClientRunEvent): Outcome[] | null {
  switch (run.result) {
    case "connected":
      return ["established", "reset"];
    case "gave-up":
    case "interrupted":
      return ["app-timeout", "in-progress", "timeout"];
    case "failed":
      if (run.errno === "ETIMEDOUT") return ["timeout"];
      if (run.errno === "ECONNREFUSED") return ["refused"];
      if (run.errno === "ECONNRESET") return ["reset", "refused"];
      if (run.errno === null) return ["refused", "unreachable", "timeout"]; // curl's "Couldn't connect to server"
      return ["unreachable"];
    default:
      return null;
  }
}

function outcomeOf(run: ClientRunEvent): Outcome {
  if (run.result === "gave-up" || run.result === "interrupted") return "app-timeout";
  if (run.result === "failed" && run.errno === null) return "unknown";
  return agreeing(run)?.[0] ?? "unknown";
}

function said(run: ClientRunEvent): string {
  const who = run.program ?? "the client";
  const what =
    run.result === "connected"
      ? "connected"
      : run.result === "gave-up"
        ? "gave up (its own timeout)"
        : run.result === "interrupted"
          ? "was interrupted (Ctrl+C) while it waited"
          : run.result === "failed"
            ? `failed${run.errno ? ` with ${run.errno}` : ""}`
            : "ended";
  const took = run.realSeconds !== null ? ` after ${run.approximate ? "about " : ""}${run.realSeconds} s (time: real)` : "";
  return `${who} ${what}${took}`;
}

export function applyClientRuns(
  reports: AttemptReport[],
  runs: ClientRunEvent[],
  nextId: number,
): { reports: AttemptReport[]; findings: ClientFinding[] } {
  const out = [...reports];
  const findings: ClientFinding[] = [];
  for (const run of runs) {
    // a run that names no server (a server program stopped with ^C, a bare
    // Python traceback) is tied to no attempt: it may be about anything
    if (!run.server) continue;
    const server = run.server;
    const there = out.filter((a) => sameHost(server.host, a.server.ip) && (server.port === null || server.port === a.server.port));
    const agrees = agreeing(run);
    const agree = agrees === null ? there : there.filter((a) => agrees.includes(a.outcome));
    const target = agree.length === 1 ? agree[0] : there.length === 1 ? there[0] : undefined;
    if (target) {
      const i = out.indexOf(target);
      const base = gaveUp(target, run);
      const fits = agrees === null || agrees.includes(base.outcome);
      out[i] = {
        ...base,
        process: target.process ?? (run.program ? { pid: null, command: run.program } : null),
        sources: [...target.sources, ...run.evidence],
        application: { program: run.program, result: run.result, errno: run.errno, realSeconds: run.realSeconds, approximate: run.approximate },
      };
      findings.push({
        code: fits ? "CLIENT_REPORTS" : "CLIENT_CONTRADICTS",
        attempts: [target.id],
        message: fits
          ? `${said(run)}: the client's own words agree with what the other inputs show for ${describeAddress(base.server)} (${base.outcome})`
          : `${said(run)}, but the other inputs show ${base.outcome} for ${describeAddress(base.server)}: the client's message is from another run or another connection`,
        evidence: run.evidence,
      });
    } else if (there.length > 1) {
      // several attempts to that server (another run under strace, say): the words fit them all, attach to none
      findings.push({
        code: agree.length > 0 ? "CLIENT_REPORTS" : "CLIENT_CONTRADICTS",
        attempts: there.map((a) => a.id),
        message: `${said(run)} connecting to ${describeAddress(there[0]!.server)}; ${there.length} attempts to it are shown, so it is not tied to one`,
        evidence: run.evidence,
      });
    } else if (there.length === 0 && server.port !== null && (run.result === "failed" || run.result === "connected" || run.result === "gave-up")) {
      const report = fromClientRun(nextId++, run);
      out.push(report);
      findings.push({ code: "CLIENT_REPORTS", attempts: [report.id], message: `${said(run)} connecting to ${describeAddress(report.server)}`, evidence: run.evidence });
    }
  }
  return { reports: out, findings };
}

/**
 * A client that says it gave up (its own timeout, Ctrl+C) stopped the SYNs,
 * not the kernel: a series that looked like a whole short schedule is an
 * application timeout (unless strace shows the kernel's ETIMEDOUT).
 */
function gaveUp(report: AttemptReport, run: ClientRunEvent): AttemptReport {
  if (run.result !== "gave-up" && run.result !== "interrupted") return report;
  if (!["timeout", "in-progress"].includes(report.outcome) || report.errnoSource === "strace") return report;
  return {
    ...report,
    outcome: "app-timeout",
    errno: null,
    errnoSource: null,
    inferred: { ...report.inferred, tcpSynRetries: null, linearTimeouts: null, timeoutSeconds: null, schedule: "stopped-early", cap: null, alternatives: [] },
    summary: `${report.syn.sent} SYN${report.syn.sent === 1 ? "" : "s"}, no answer; ${said(run)}, so the SYNs stopped because the application gave up, not the kernel`,
  };
}

/** An attempt that only a client's own words show. */
function fromClientRun(id: number, run: ClientRunEvent): AttemptReport {
  const server = { ip: run.server!.host, port: run.server!.port ?? 0 };
  return {
    id,
    family: server.ip.includes(":") ? "ipv6" : "ipv4",
    client: null,
    server,
    outcome: outcomeOf(run),
    errno: run.errno,
    errnoSource: null,
    syn: { sent: 0, retransmits: 0, intervals: [] },
    synAck: { sent: 0, retransmits: 0 },
    durationSeconds: run.approximate ? null : run.realSeconds,
    process: run.program ? { pid: null, command: run.program } : null,
    firewall: null,
    inferred: { tcpSynRetries: null, linearTimeouts: null, timeoutSeconds: null, initialRtoSeconds: null, schedule: "no-fit", cap: null, alternatives: [] },
    start: { input: run.at.input, line: run.at.line, timestamp: null },
    summary: said(run),
    sources: run.evidence,
    application: { program: run.program, result: run.result, errno: run.errno, realSeconds: run.realSeconds, approximate: run.approximate },
  };
}
