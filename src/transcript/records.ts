// What the transcript grammar returns for one line.

/** A shell prompt and the command typed after it (null for a bare prompt). */
export interface PromptLine {
  record: "prompt";
  prompt: string;
  command: string | null;
}

/** What `time` prints: bash's real/user/sys lines, zsh's one-line summary. */
export interface TimeLine {
  record: "time";
  kind: "real" | "user" | "sys";
  /** Seconds; digits redacted as x (1m3.xxxs) count as 0, see `approximate`. */
  seconds: number;
  approximate: boolean;
}

/** What a client program printed about its connection. */
export interface ClientLine {
  record: "client";
  /** telnet, curl, nc, ssh, python, ... */
  program: string | null;
  /** The address it named, when it named one. */
  host: string | null;
  port: number | null;
  /** The errno its words stand for (Connection timed out -> ETIMEDOUT), or null. */
  errno: string | null;
  /**
   * trying: about to connect; connected; failed: the connect failed (errno
   * when the words name one); gave-up: the program's own timeout ended it
   * (curl's "(28) ... Timeout was reached", Python's socket.timeout); other.
   */
  event: "trying" | "connected" | "failed" | "gave-up" | "other";
}

export interface MarkLine {
  /** interrupt: ^C; elision: "..." standing for lines left out; job: the shell's job control ("[1] 4242"). */
  record: "interrupt" | "elision" | "job";
}

export type TranscriptLine = PromptLine | TimeLine | ClientLine | MarkLine;
