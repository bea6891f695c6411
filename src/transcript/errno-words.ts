// The words programs print for a failed connect, and the errno behind them
// (strerror(3) texts, Python's exception names, curl's exit codes).

const BY_TEXT: [RegExp, string][] = [
  [/Connection timed out|Operation timed out|\[Errno 110\]|ETIMEDOUT/i, "ETIMEDOUT"],
  [/Connection refused|\[Errno 111\]|ConnectionRefusedError|ECONNREFUSED/i, "ECONNREFUSED"],
  [/No route to host|\[Errno 113\]|EHOSTUNREACH/i, "EHOSTUNREACH"],
  [/Network is unreachable|\[Errno 101\]|ENETUNREACH/i, "ENETUNREACH"],
  [/Connection reset by peer|\[Errno 104\]|ConnectionResetError|ECONNRESET/i, "ECONNRESET"],
  [/Permission denied|\[Errno 13\]|EACCES/i, "EACCES"],
  [/Operation not permitted|\[Errno 1\]|EPERM/i, "EPERM"],
];

/** The errno a client's message stands for, or null when it names none. */
export function errnoFromWords(text: string): string | null {
  for (const [re, errno] of BY_TEXT) if (re.test(text)) return errno;
  return null;
}
