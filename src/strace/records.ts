// What the strace grammar returns for one line.

export interface StraceTimestamp {
  /** "clock": -t/-tt time of day; "decimal": -ttt epoch seconds or -r seconds since the previous line. */
  kind: "clock" | "decimal";
  text: string;
  seconds: number;
}

/** One argument: its text as printed (the grammar checks that its brackets pair). */
export interface Arg {
  text: string;
}

export interface SyscallResult {
  /** The number returned; null for "?" or a pointer-sized hex value. */
  value: number | null;
  /** As printed ("-1", "0x7f...", "?"). */
  text: string;
  /** ENOENT, ETIMEDOUT, ERESTARTSYS, ... */
  errno: string | null;
  /** "(Connection timed out)", "(Timeout)", "([{fd=3, revents=POLLOUT}])": the text inside. */
  detail: string | null;
  /** "3</etc/ld.so.cache>": the -y decoration of a returned fd. */
  decoration: string | null;
  unavailable: boolean;
}

interface Located {
  pid: number | null;
  timestamp: StraceTimestamp | null;
}

export interface SyscallLine extends Located {
  record: "syscall";
  name: string;
  args: Arg[];
  result: SyscallResult;
  duration: number | null;
}

export interface UnfinishedLine extends Located {
  record: "unfinished";
  name: string;
  args: Arg[];
  /**
   * The line ended inside the call without "<unfinished ...>": another
   * process's output or strace's own message cut it; its end follows later
   * on a line of its own.
   */
  cut: boolean;
  /** strace's message spliced into the call ("Process 124 attached"). */
  message: { pid: number; state: string } | null;
}

export interface ResumedLine extends Located {
  record: "resumed";
  /** null for the bare end of a cut call (") = 11"). */
  name: string | null;
  args: Arg[];
  result: SyscallResult;
  duration: number | null;
}

export interface SignalLine extends Located {
  record: "signal";
  signal: string | null;
  text: string;
}

export interface ExitLine extends Located {
  record: "exit";
  kind: "exited" | "killed";
  code: number | null;
  signal: string | null;
}

export interface StraceMessageLine extends Located {
  record: "strace-message";
  text: string;
  /** "Process 123 attached" / "detached". */
  process: { pid: number; state: string } | null;
}

export interface StackFrameLine {
  record: "stack-frame";
  pid: null;
  timestamp: null;
  text: string;
}

export interface ProgramOutputLine {
  record: "program-output";
  pid: null;
  timestamp: null;
  text: string;
}

/** A line that carries nothing of its own: " <unfinished ...>" after a cut call, strace -c's summary table. */
export interface OtherStraceLine {
  record: "unfinished-marker" | "summary";
  pid: null;
  timestamp: null;
  text: string;
}

export type StraceLine =
  | OtherStraceLine
  | SyscallLine
  | UnfinishedLine
  | ResumedLine
  | SignalLine
  | ExitLine
  | StraceMessageLine
  | StackFrameLine
  | ProgramOutputLine;
