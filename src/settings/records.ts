// What the sysctl grammar returns for one line.

/** A kernel setting with its key: "net.ipv4.tcp_syn_retries = 5". */
export interface SettingLine {
  record: "setting";
  /** Dotted, as sysctl names it (a /proc/sys path is turned into this form). */
  key: string;
  value: string;
}

/** A value printed without its key (sysctl -n, cat /proc/sys/...). */
export interface ValueLine {
  record: "value";
  value: string;
}

/** sysctl's own errors: "sysctl: cannot stat ...". */
export interface SysctlMessageLine {
  record: "message";
  text: string;
}

export type SysctlLine = SettingLine | ValueLine | SysctlMessageLine;
