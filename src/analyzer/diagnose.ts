// The catalogue of diagnoses: each code has a severity and a message a
// person understands, with the attempts and input lines it rests on.
// Attempts to the same server with the same finding share one diagnosis.
import type { AttemptReport, Diagnosis, Severity } from "../analysis.js";
import type { Evidence, UnreachableReason } from "../events.js";
import type { AttemptState } from "./attempt.js";
import type { FirewallFinding } from "./firewall-evidence.js";
import type { SocketFinding } from "./socket-evidence.js";
import type { ClientFinding } from "./client-evidence.js";
import type { SettingFinding } from "./settings-evidence.js";
import type { InputFacts } from "./tracker.js";
import { synAcksIgnored } from "./assess.js";
import { describeAddress, describeTuple } from "./words.js";
import { detach } from "../strings.js";

/** A finding made outside the per-attempt catalogue (socket tables, firewall listings). */
export type OtherFinding = SocketFinding | FirewallFinding | ClientFinding | SettingFinding;

/** What the packets showed of an attempt beyond its report, kept when its state is freed. */
export interface PacketFacts {
  /** Refused by a RST (not by an ICMP port unreachable). */
  refusedByRst: boolean;
  lastIcmpReason: UnreachableReason | null;
  synAcksIgnored: boolean;
  reusedPortOf: number | null;
  /** ICMP errors its input held when it was decided (none: the capture filter may have left them out). */
  icmpErrorsInInput: number;
}

export function packetFacts(a: AttemptState, input: InputFacts): PacketFacts {
  return {
    icmpErrorsInInput: input.icmpErrors,
    refusedByRst: a.refusedBy !== null,
    lastIcmpReason: a.icmps[a.icmps.length - 1]?.event.reason ?? null,
    synAcksIgnored: a.synAcks.length > 0 && synAcksIgnored(a),
    reusedPortOf: a.reusedPortOf,
  };
}

export const DIAGNOSIS_CODES = {
  SYN_TIMEOUT: "error",
  CONNECTION_REFUSED: "error",
  PORT_UNREACHABLE: "error",
  HOST_UNREACHABLE: "error",
  NET_UNREACHABLE: "error",
  ADMIN_PROHIBITED: "error",
  APP_GAVE_UP: "warning",
  ICMP_MAY_BE_FILTERED: "warning",
  CAPTURE_ENDS_DURING_RETRIES: "warning",
  SLOW_HANDSHAKE: "warning",
  SYNACK_RETRANSMITS: "warning",
  SYNACK_IGNORED: "error",
  CONNECTION_RESET: "warning",
  CAPTURE_DROPPED_PACKETS: "warning",
  SPACING_FITS_NO_KERNEL: "info",
  PORT_REUSED: "info",
  NO_TCP_FLAGS: "info",
  INPUT_NOTE: "info",
  INPUTS_FROM_DIFFERENT_RUNS: "warning",
  CLOCKS_NOT_ALIGNED: "info",
  SYN_SENT_SNAPSHOT: "warning",
  LISTENING_BUT_REFUSED: "error",
  NOTHING_LISTENS: "error",
  LISTEN_QUEUE_FULL: "warning",
  FIREWALL_RULE: "error",
  FIREWALL_CONTRADICTS: "warning",
  FIREWALL_CANNOT_EVALUATE: "info",
  CLIENT_REPORTS: "info",
  CLIENT_CONTRADICTS: "warning",
  SYSCTL_CONSISTENT: "info",
  SYSCTL_DIFFERS: "warning",
} as const satisfies Record<string, Severity>;

export type DiagnosisCode = keyof typeof DIAGNOSIS_CODES;

/** Evidence lines a diagnosis keeps: the first attempts' (a busy capture has thousands of diagnoses, each with thousands of lines). */
const MAX_EVIDENCE = 10;

interface Finding {
  code: DiagnosisCode;
  attempt: AttemptReport;
  /** Made only for the first attempt of a diagnosis: the others share it. */
  message: () => string;
}

function why(report: AttemptReport, state: PacketFacts | undefined): Finding[] {
  const where = () => describeTuple(report.client, report.server);
  const f = (code: DiagnosisCode, message: string | (() => string)): Finding => ({
    code,
    attempt: report,
    message: typeof message === "string" ? () => message : message,
  });
  const out: Finding[] = [];
  switch (report.outcome) {
    case "timeout":
      out.push(
        // spacing that fits no schedule needs two SYNs (a client's words alone show none)
        report.inferred.schedule === "no-fit" && report.syn.sent > 1
          ? f("SPACING_FITS_NO_KERNEL", () => `${where()}: ${report.summary}`)
          : f("SYN_TIMEOUT", () => `${where()}: ${report.summary}. Nothing answered the SYNs: a firewall DROP rule, a filtering router or a host that is down discards them silently.`,
            ),
      );
      break;
    case "refused":
      out.push(
        !state || state.refusedByRst
          ? f("CONNECTION_REFUSED", () => `${where()}: ${report.summary}. Nothing listens on port ${report.server.port} of ${report.server.ip}, or a firewall rejects with tcp-reset.`,
            )
          : f("PORT_UNREACHABLE", () => `${where()}: ${report.summary}. A closed TCP port answers with RST, not ICMP: an ICMP port unreachable usually comes from a firewall REJECT rule (its default reject-with).`,
            ),
      );
      break;
    case "unreachable":
      out.push(unreachableFinding(report, state, where));
      break;
    case "unknown":
      if (report.icmpMayBeFiltered) out.push(f("ICMP_MAY_BE_FILTERED", () => `${where()}: ${report.summary}.`));
      break;
    case "app-timeout":
      out.push(f("APP_GAVE_UP", () => `${where()}: ${report.summary}.`));
      break;
    case "in-progress":
      // a socket-table row alone is said by SYN_SENT_SNAPSHOT
      if (report.syn.sent === 0) break;
      out.push(f("CAPTURE_ENDS_DURING_RETRIES", () => `${where()}: ${report.summary}; capture for longer to see how it ends.`));
      break;
    case "reset":
      out.push(f("CONNECTION_RESET", () => `${where()}: ${report.summary}.`));
      break;
    default:
      break;
  }
  if ((report.outcome === "established" || report.outcome === "reset") && report.syn.retransmits > 0) {
    out.push(
      f("SLOW_HANDSHAKE", () => `${where()}: ${report.summary}: SYNs or their SYN-ACKs were lost or dropped before one got through (a firewall rule that changed, a full listen queue, or packet loss).`,
      ),
    );
  }
  if (state?.synAcksIgnored) {
    out.push(
      f("SYNACK_IGNORED", () => `${where()}: the server answered with SYN-ACKs, but the client kept retransmitting its SYN: the SYN-ACKs were dropped on the client's side (a firewall on the client host, or a wrong route back).`,
      ),
    );
  } else if (report.synAck.retransmits > 0) {
    out.push(
      f("SYNACK_RETRANSMITS", () => `${where()}: the server sent its SYN-ACK ${report.synAck.sent} times: the client's ACK did not reach it (dropped on the way or by a firewall on the server), or the server's accept queue was full.`,
      ),
    );
  }
  if (state && state.reusedPortOf !== null) {
    out.push(
      f("PORT_REUSED", () => `${where()}: a new SYN with another sequence number reuses the 4-tuple of attempt ${state.reusedPortOf}.`),
    );
  }
  return out;
}

const REASON_OF_ERRNO: Record<string, string> = { EACCES: "admin-prohibited-v6", ENETUNREACH: "net" };

function unreachableFinding(report: AttemptReport, state: PacketFacts | undefined, where: () => string): Finding {
  const reason = state?.lastIcmpReason ?? REASON_OF_ERRNO[report.errno ?? ""];
  const firewall =
    "A firewall REJECT rule sends this (icmp-host-prohibited, icmp-admin-prohibited or icmp6-adm-prohibited).";
  const message = (code: DiagnosisCode, extra: string): Finding => ({
    code,
    attempt: report,
    message: () => `${where()}: ${report.summary}. ${extra}`,
  });
  switch (reason) {
    case "host-prohibited":
    case "net-prohibited":
    case "admin-prohibited-v6":
      return message("ADMIN_PROHIBITED", firewall);
    case "net":
      return message("NET_UNREACHABLE", "A router (or a REJECT --reject-with icmp-net-unreachable rule) has no route to that network.");
    default:
      return message(
        "HOST_UNREACHABLE",
        "The host did not answer ARP/neighbour discovery, a router cannot reach it, or a REJECT rule sends icmp-host-unreachable.",
      );
  }
}

/** Evidence without repeats, in its order. */
function unique(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.input}\n${e.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One diagnosis in the making: the attempts with the same finding at the same server. */
interface Group {
  code: DiagnosisCode;
  first: string;
  attempts: number[];
  evidence: Evidence[];
}

/**
 * The diagnoses of a run, built as attempts are decided: attempts to the
 * same server with the same finding share one diagnosis, which keeps the
 * first attempt's message and the first MAX_EVIDENCE lines of evidence.
 */
export class Diagnoser {
  private readonly groups = new Map<string, Group>();
  /** Per input: the attempts whose outcome a missing answer decides, and how many attempts it had. */
  private readonly perInput = new Map<string, { silent: number[]; attempts: number }>();

  add(report: AttemptReport, facts: PacketFacts | undefined): void {
    const input = this.perInput.get(report.start.input) ?? this.perInput.set(report.start.input, { silent: [], attempts: 0 }).get(report.start.input)!;
    input.attempts++;
    if (SILENT.has(report.outcome)) input.silent.push(report.id);
    for (const finding of why(report, facts)) {
      const key = `${finding.code}|${describeAddress(report.server)}`;
      let group = this.groups.get(key);
      if (!group) this.groups.set(detach(key), (group = { code: finding.code, first: detach(finding.message()), attempts: [], evidence: [] }));
      group.attempts.push(report.id);
      for (const e of report.sources) {
        if (group.evidence.length >= MAX_EVIDENCE) break;
        // attempts of one group often rest on the same line (a socket row, a rule): it is listed once
        if (!group.evidence.some((x) => x.line === e.line && x.input === e.input)) group.evidence.push(e);
      }
    }
  }

  finish(
    facts: Map<string, InputFacts>,
    notes: { input: string; text: string }[],
    correlation: { code: "INPUTS_FROM_DIFFERENT_RUNS" | "CLOCKS_NOT_ALIGNED"; message: string }[],
    findings: OtherFinding[],
  ): Diagnosis[] {
    const out: Diagnosis[] = [...this.groups.values()].map(grouped);
    out.push(...this.inputDiagnoses(facts, notes));
    for (const f of findings) {
      out.push({ code: f.code, severity: DIAGNOSIS_CODES[f.code], attempts: f.attempts, message: f.message, evidence: unique(f.evidence) });
    }
    for (const c of correlation) {
      out.push({ code: c.code, severity: DIAGNOSIS_CODES[c.code], attempts: [], message: c.message, evidence: [] });
    }
    const order = { error: 0, warning: 1, info: 2 };
    return out.sort((a, b) => order[a.severity] - order[b.severity]);
  }

  private inputDiagnoses(facts: Map<string, InputFacts>, notes: { input: string; text: string }[]): Diagnosis[] {
    const out: Diagnosis[] = [];
    for (const [input, f] of facts) {
      const seen = this.perInput.get(input);
      if (f.droppedByKernel > 0) {
        out.push({
          code: "CAPTURE_DROPPED_PACKETS",
          severity: "warning",
          attempts: seen?.silent ?? [],
          message: `${input}: tcpdump reports ${f.droppedByKernel} packets dropped by the kernel: an answer (SYN-ACK, RST, ICMP) may be missing from the capture, so "no answer" verdicts are less certain.`,
          evidence: [],
        });
      }
      if (f.quietSegments > 0 && !seen?.attempts) {
        out.push({
          code: "NO_TCP_FLAGS",
          severity: "info",
          attempts: [],
          message: `${input}: ${f.quietSegments} TCP segments printed with -q, which hides the flags: SYNs and answers cannot be told apart; capture without -q.`,
          evidence: [],
        });
      }
    }
    for (const note of notes) {
      out.push({ code: "INPUT_NOTE", severity: "info", attempts: [], message: `${note.input}: ${note.text}`, evidence: [] });
    }
    return out;
  }
}

/** Outcomes a missing answer decides: a capture that dropped packets makes them less certain. */
const SILENT = new Set(["timeout", "in-progress", "app-timeout"]);

function grouped(g: Group): Diagnosis {
  const more = g.attempts.length - 1;
  const message = more > 0 ? `${g.first} (and ${more} more attempt${more === 1 ? "" : "s"} like it)` : g.first;
  return { code: g.code, severity: DIAGNOSIS_CODES[g.code], attempts: g.attempts, message, evidence: g.evidence };
}

