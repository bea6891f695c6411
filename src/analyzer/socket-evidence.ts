// What socket tables (netstat, ss) add: the process behind an attempt and the
// kernel's retransmission count so far (SYN_SENT rows), whether anything
// listens on the server's port (LISTEN rows), and full accept queues.
import type { AttemptReport } from "../analysis.js";
import type { Evidence, SocketRowEvent } from "../events.js";
import { describeAddress } from "./words.js";

export interface SocketFinding {
  code: "SYN_SENT_SNAPSHOT" | "LISTENING_BUT_REFUSED" | "NOTHING_LISTENS" | "LISTEN_QUEUE_FULL";
  attempts: number[];
  message: string;
  evidence: Evidence[];
}

const sameIp = (a: string | null, b: string) => a === null || a === b || a === "*" || a === "0.0.0.0" || a === "::";

function rowsFor(report: AttemptReport, rows: SocketRowEvent[]): SocketRowEvent[] {
  return rows.filter(
    (r) =>
      r.remote.port === report.server.port &&
      r.remote.ip === report.server.ip &&
      (r.local.port === null || report.client?.port == null || r.local.port === report.client.port),
  );
}

const sameSocket = (a: SocketRowEvent, b: SocketRowEvent) =>
  a.local.ip === b.local.ip && a.local.port === b.local.port && a.remote.ip === b.remote.ip && a.remote.port === b.remote.port && a.state === b.state;

/** Snapshots may come from another moment than the capture: 4-tuple first, then the destination. */
function bestRow(report: AttemptReport, rows: SocketRowEvent[]): SocketRowEvent | undefined {
  const candidates = rowsFor(report, rows);
  return (
    candidates.find((r) => r.local.port !== null && r.local.port === report.client?.port) ??
    (candidates.length === 1 ? candidates[0] : undefined)
  );
}

function rowWords(r: SocketRowEvent): string {
  const who = r.program ? ` (${r.program}${r.pid ? `, pid ${r.pid}` : ""})` : "";
  const timer =
    r.timer?.name === "on" ? `; the retransmission timer has fired ${r.timer.retransmits} times so far` : "";
  return `${r.tool} shows ${describeAddress({ ip: r.local.ip ?? "*", port: r.local.port })} -> ${describeAddress({ ip: r.remote.ip ?? "*", port: r.remote.port })} in ${r.state ?? "no state"}${who}${timer}`;
}

/** Completes attempts with the rows that show them; returns findings for the diagnoses. */
export function applySocketRows(reports: AttemptReport[], rows: SocketRowEvent[], nextId: number): {
  reports: AttemptReport[];
  findings: SocketFinding[];
  /** The next free attempt id. */
  next: number;
} {
  const findings: SocketFinding[] = [];
  const used = new Set<SocketRowEvent>();
  const out = reports.map((report) => {
    const row = bestRow(report, rows);
    if (!row) return report;
    used.add(row);
    // another listing's row of the same socket (ss and netstat taken together) is no other attempt
    for (const r of rows) if (sameSocket(r, row)) used.add(r);
    const done = { ...report, sources: [...report.sources, row.at] };
    if (row.program && !report.process?.command) {
      done.process = { pid: report.process?.pid ?? row.pid, command: row.program };
    } else if (row.pid !== null && report.process && report.process.pid === null && report.process.command === row.program) {
      // the trace named the program; the row adds its pid
      done.process = { pid: row.pid, command: report.process.command };
    }
    if (row.state === "SYN_SENT") done.summary = `${report.summary}; ${rowWords(row)}`;
    return done;
  });
  // SYN_SENT rows that no capture or trace shows: attempts of their own
  for (const row of rows) {
    if (used.has(row) || row.state !== "SYN_SENT" || row.remote.ip === null || row.remote.port === null) continue;
    const report = fromRow(nextId++, row);
    out.push(report);
    findings.push({
      code: "SYN_SENT_SNAPSHOT",
      attempts: [report.id],
      message: `${report.summary}: the connect() was waiting for an answer when the listing was taken`,
      evidence: [row.at],
    });
  }
  findings.push(...listenFindings(out, rows));
  return { reports: out, findings, next: nextId };
}

function fromRow(id: number, row: SocketRowEvent): AttemptReport {
  const family = (row.remote.ip ?? "").includes(":") ? "ipv6" : "ipv4";
  return {
    id,
    family,
    client: row.local.ip ? { ip: row.local.ip, port: row.local.port } : null,
    server: { ip: row.remote.ip!, port: row.remote.port! },
    outcome: "in-progress",
    errno: null,
    errnoSource: null,
    syn: { sent: 0, retransmits: 0, intervals: [] },
    synAck: { sent: 0, retransmits: 0 },
    durationSeconds: null,
    process: row.program || row.pid ? { pid: row.pid, command: row.program } : null,
    firewall: null,
    inferred: {
      tcpSynRetries: null,
      linearTimeouts: null,
      timeoutSeconds: null,
      initialRtoSeconds: null,
      schedule: "truncated",
      cap: null,
      alternatives: [],
    },
    start: { input: row.at.input, line: row.at.line, timestamp: null },
    summary: rowWords(row),
    sources: [row.at],
  };
}

function listenFindings(reports: AttemptReport[], rows: SocketRowEvent[]): SocketFinding[] {
  const findings: SocketFinding[] = [];
  const listeners = rows.filter((r) => r.state === "LISTEN");
  if (listeners.length === 0) return findings;
  for (const report of reports.filter((r) => r.outcome === "refused")) {
    const there = listeners.filter((l) => l.local.port === report.server.port && sameIp(l.local.ip, report.server.ip));
    const where = describeAddress(report.server);
    findings.push(
      there.length > 0
        ? {
            code: "LISTENING_BUT_REFUSED",
            attempts: [report.id],
            message: `${where} was refused although ${there[0]!.tool} shows a listener on it${there[0]!.program ? ` (${there[0]!.program})` : ""}: a firewall rule rejects the SYNs (REJECT), it is not a closed port`,
            evidence: [there[0]!.at],
          }
        : {
            code: "NOTHING_LISTENS",
            attempts: [report.id],
            message: `${where} was refused and the listing shows no socket listening on port ${report.server.port}: nothing listens there (if the listing is from the server host)`,
            evidence: [listeners[0]!.at],
          },
    );
  }
  for (const l of listeners.filter((x) => x.sendQ !== null && x.recvQ !== null && x.sendQ > 0 && x.recvQ >= x.sendQ)) {
    const affected = reports.filter((r) => r.server.port === l.local.port);
    findings.push({
      code: "LISTEN_QUEUE_FULL",
      attempts: affected.map((r) => r.id),
      message: `the listener on ${describeAddress({ ip: l.local.ip ?? "*", port: l.local.port })}${l.program ? ` (${l.program})` : ""} has ${l.recvQ} connections waiting for accept() with a backlog of ${l.sendQ}: a full accept queue drops SYNs (or final ACKs) until the server accepts`,
      evidence: [l.at],
    });
  }
  return findings;
}
