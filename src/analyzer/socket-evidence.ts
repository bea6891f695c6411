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

/**
 * The socket rows of a run, read before the attempts are decided: each
 * attempt is completed with the row that shows it as it is decided; rows no
 * attempt used and the listeners' findings come at the end.
 */
export class SocketRows {
  private readonly used = new Set<SocketRowEvent>();
  private readonly listeners: SocketRowEvent[];
  /** Listeners with a full accept queue, and the attempts to their port. */
  private readonly fullQueues: { listener: SocketRowEvent; attempts: number[] }[];
  readonly findings: SocketFinding[] = [];

  constructor(private readonly rows: SocketRowEvent[]) {
    this.listeners = rows.filter((r) => r.state === "LISTEN");
    this.fullQueues = this.listeners
      .filter((x) => x.sendQ !== null && x.recvQ !== null && x.sendQ > 0 && x.recvQ >= x.sendQ)
      .map((listener) => ({ listener, attempts: [] }));
  }

  /** The attempt with what its row shows (process, retransmissions so far); records the listeners' findings for it. */
  complete(report: AttemptReport): AttemptReport {
    const done = this.withRow(report);
    const finding = this.listenFinding(done);
    if (finding) this.findings.push(finding);
    for (const q of this.fullQueues) if (q.listener.local.port === done.server.port) q.attempts.push(done.id);
    return done;
  }

  private withRow(report: AttemptReport): AttemptReport {
    const row = bestRow(report, this.rows);
    if (!row) return report;
    this.used.add(row);
    // another listing's row of the same socket (ss and netstat taken together) is no other attempt
    for (const r of this.rows) if (sameSocket(r, row)) this.used.add(r);
    const done = { ...report, sources: [...report.sources, row.at] };
    if (row.program && !report.process?.command) {
      done.process = { pid: report.process?.pid ?? row.pid, command: row.program };
    } else if (row.pid !== null && report.process && report.process.pid === null && report.process.command === row.program) {
      // the trace named the program; the row adds its pid
      done.process = { pid: row.pid, command: report.process.command };
    }
    if (row.state === "SYN_SENT") done.summary = `${report.summary}; ${rowWords(row)}`;
    return done;
  }

  /** SYN_SENT rows that no capture or trace shows: attempts of their own, numbered from nextId. */
  unusedSynSent(nextId: number): AttemptReport[] {
    const out: AttemptReport[] = [];
    for (const row of this.rows) {
      if (this.used.has(row) || row.state !== "SYN_SENT" || row.remote.ip === null || row.remote.port === null) continue;
      const report = fromRow(nextId++, row);
      out.push(report);
      for (const q of this.fullQueues) if (q.listener.local.port === report.server.port) q.attempts.push(report.id);
      this.findings.push({
        code: "SYN_SENT_SNAPSHOT",
        attempts: [report.id],
        message: `${report.summary}: the connect() was waiting for an answer when the listing was taken`,
        evidence: [row.at],
      });
    }
    return out;
  }

  /** The findings of full accept queues, once every attempt is known. */
  queueFindings(): SocketFinding[] {
    return this.fullQueues.map(({ listener: l, attempts }) => ({
      code: "LISTEN_QUEUE_FULL" as const,
      attempts,
      message: `the listener on ${describeAddress({ ip: l.local.ip ?? "*", port: l.local.port })}${l.program ? ` (${l.program})` : ""} has ${l.recvQ} connections waiting for accept() with a backlog of ${l.sendQ}: a full accept queue drops SYNs (or final ACKs) until the server accepts`,
      evidence: [l.at],
    }));
  }

  private listenFinding(report: AttemptReport): SocketFinding | null {
    if (this.listeners.length === 0 || report.outcome !== "refused") return null;
    const there = this.listeners.filter((l) => l.local.port === report.server.port && sameIp(l.local.ip, report.server.ip));
    const where = describeAddress(report.server);
    return there.length > 0
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
          evidence: [this.listeners[0]!.at],
        };
  }
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

