// Kernel settings given as evidence (sysctl output, /proc/sys) against what
// each attempt's SYN schedule implies.
import type { AttemptReport } from "../analysis.js";
import type { Evidence, SettingEvent } from "../events.js";
import { synSchedule } from "./kernel-model.js";
import { describeAddress } from "./words.js";

export interface SettingFinding {
  code: "SYSCTL_CONSISTENT" | "SYSCTL_DIFFERS";
  attempts: number[];
  message: string;
  evidence: Evidence[];
}

const KEYS = {
  retries: "net.ipv4.tcp_syn_retries",
  linear: "net.ipv4.tcp_syn_linear_timeouts",
} as const;

/** The last value printed for each key (a session may set it and print it again). */
function lastValues(settings: SettingEvent[]): Map<string, SettingEvent> {
  const out = new Map<string, SettingEvent>();
  for (const s of settings) if (/^-?\d+$/.test(s.value.trim())) out.set(s.key.replace(/\//g, "."), s);
  return out;
}

const secondsList = (report: AttemptReport) => {
  let t = 0;
  return [0, ...report.syn.intervals.map((i) => (t += i))].map((x) => Math.round(x * 10) / 10).join(", ");
};

function compare(report: AttemptReport, retries: SettingEvent, linear: SettingEvent | undefined): SettingFinding | null {
  const n = Number(retries.value);
  const l = linear ? Number(linear.value) : null;
  const shown =
    report.syn.sent > 0
      ? `${report.syn.sent} SYN${report.syn.sent === 1 ? "" : "s"} at ${secondsList(report)} s`
      : `connect() returned ${report.errno ?? "its result"} after ${report.durationSeconds} s`;
  const evidence = [retries.at, ...(linear ? [linear.at] : [])];
  const setting = `tcp_syn_retries is ${n}${l !== null ? ` and tcp_syn_linear_timeouts ${l}` : ""} here`;
  const implied = report.inferred.tcpSynRetries;
  if (implied !== null && report.inferred.schedule !== "stopped-early") {
    const same = implied === n && (l === null || report.inferred.linearTimeouts === l);
    const alternative = report.inferred.alternatives.some((a) => a.tcpSynRetries === n && (l === null || a.linearTimeouts === l));
    if (same || alternative) {
      return { code: "SYSCTL_CONSISTENT", attempts: [report.id], message: `${setting}, and ${describeAddress(report.server)} shows ${shown}: consistent`, evidence };
    }
    return {
      code: "SYSCTL_DIFFERS",
      attempts: [report.id],
      message: `${describeAddress(report.server)} (${shown}) implies tcp_syn_retries=${implied}, the sysctl says ${n}: the application sets TCP_SYNCNT, gives up early, or the setting is from another host or moment`,
      evidence,
    };
  }
  // the kernel's own schedule under these settings (linear timeouts: 0 where the key is not printed)
  const kernel = synSchedule(report.inferred.initialRtoSeconds ?? 1, n, l ?? 0);
  if (report.outcome === "app-timeout" && report.syn.sent > 0 && report.syn.sent < kernel.synTimes.length) {
    return {
      code: "SYSCTL_DIFFERS",
      attempts: [report.id],
      message: `${setting}, so the kernel would send ${kernel.synTimes.length} SYNs over ${kernel.giveUpAt} s; ${describeAddress(report.server)} shows ${shown} and then no more: the application gave up early (or sets TCP_SYNCNT)`,
      evidence,
    };
  }
  return null;
}

/** The printed settings of a run, compared with each attempt as it is decided. */
export class Settings {
  readonly findings: SettingFinding[] = [];
  private readonly retries: SettingEvent | undefined;
  private readonly linear: SettingEvent | undefined;

  constructor(settings: SettingEvent[]) {
    const values = lastValues(settings);
    this.retries = values.get(KEYS.retries);
    this.linear = values.get(KEYS.linear);
  }

  compare(report: AttemptReport): void {
    if (!this.retries) return;
    const f = compare(report, this.retries, this.linear);
    if (f) this.findings.push(f);
  }
}
