// The result of an analysis: what reporters format. Field names follow
// ../shared/spec/report.schema.json; fields beyond it are additions.
import type { Address, Evidence, Family } from "./events.js";

export type Outcome =
  | "established"
  | "refused"
  | "unreachable"
  | "timeout"
  | "app-timeout"
  | "reset"
  | "in-progress"
  | "unknown";

/** How much of the kernel's SYN schedule the inputs show. */
export type ScheduleEvidence =
  | "complete" // the capture runs past the point where the kernel gave up
  | "assumed-complete" // the SYNs form a whole schedule; nothing shows the capture ran longer
  | "truncated" // the capture ends while the kernel would still retry
  | "stopped-early" // the capture ran on, but the SYNs stopped before the schedule's end
  | "no-fit"; // the spacing fits no kernel schedule (or no timestamps)

export interface Inferred {
  tcpSynRetries: number | null;
  linearTimeouts: number | null;
  /** When the kernel gives up (ETIMEDOUT), seconds after the first SYN. */
  timeoutSeconds: number | null;
  /** 1 s since Linux 3.1, 3 s before. */
  initialRtoSeconds: number | null;
  schedule: ScheduleEvidence;
  /** Which cap ends the schedule: the retransmission count or model(N) time. */
  cap: "count" | "time" | null;
  /** Other (N, L, R) settings that fit the same SYNs equally well. */
  alternatives: { tcpSynRetries: number; linearTimeouts: number; initialRtoSeconds: number }[];
}

export interface AttemptReport {
  id: number;
  family: Family;
  client: Address | null;
  server: { ip: string; port: number };
  outcome: Outcome;
  errno: string | null;
  errnoSource: "strace" | "inferred" | null;
  syn: { sent: number; retransmits: number; intervals: number[] };
  synAck: { sent: number; retransmits: number };
  durationSeconds: number | null;
  process: { pid: number | null; command: string | null } | null;
  /** The first listed firewall rule that decides this attempt's SYN (null when no listing was given). */
  firewall: {
    table: string | null;
    chain: string;
    /** 1-based position in the chain; null for the chain's policy. */
    rule: number | null;
    target: string;
    text: string;
  } | null;
  inferred: Inferred;
  /** The first SYN: where and when, as printed. */
  start: Evidence & { timestamp: string | null };
  /** One sentence in plain words. */
  summary: string;
  /**
   * What came back from the server's side, and when (seconds after the
   * first SYN; null without timestamps): the SYN-ACK the client took, the RST
   * that refused it, or the last ICMP error. Absent when nothing came back
   * or the packets were not seen.
   */
  answer?: { kind: "syn-ack" | "rst" | "icmp"; seconds: number | null; from?: string };
  sources: Evidence[];
  /**
   * The SYNs stopped as an ICMP error would stop them, and the capture holds
   * no ICMP error at all: its filter may have left the answer out.
   */
  icmpMayBeFiltered?: true;
  /** What the client program itself printed (a terminal session's telnet/curl/nc message, `time`). */
  application?: {
    program: string | null;
    result: "connected" | "failed" | "gave-up" | "interrupted" | null;
    errno: string | null;
    realSeconds: number | null;
    /** realSeconds read from redacted digits (1m3.xxxs). */
    approximate: boolean;
  };
}

export type Severity = "error" | "warning" | "info";

export interface Diagnosis {
  code: string;
  severity: Severity;
  attempts: number[];
  message: string;
  evidence: Evidence[];
}

export interface Analysis {
  attempts: AttemptReport[];
  diagnoses: Diagnosis[];
}
