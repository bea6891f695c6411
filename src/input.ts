// Reads an input as lines, streaming: memory holds one line at a time.
// Says clearly what it cannot read (binary data, a pcap file) and what it
// had to repair (CRLF line ends, invalid UTF-8, overlong lines).
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";

/** A line longer than this is reported, not parsed (tcpdump's longest real lines are ~300 KB). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string,
    /** The input is binary (a pcap, NUL bytes): in a folder, skipped rather than an error. */
    readonly binary = false,
  ) {
    super(`${input}: ${message}`);
  }
}

export interface InputSource {
  /** As the user named it: a path, or "-" for standard input. */
  name: string;
  open(): Promise<Readable>;
  /** Found in a folder the user named: a binary file there is skipped with a note, not an error. */
  inFolder?: string;
}

export function fileSource(path: string): InputSource {
  return {
    name: path,
    async open() {
      let info;
      try {
        info = await stat(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new InputError(path, code === "ENOENT" ? "no such file" : `cannot read (${code ?? "error"})`);
      }
      if (info.isDirectory()) throw new InputError(path, "is a directory");
      return createReadStream(path);
    },
  };
}

/**
 * The inputs a list of names stands for: "-" is standard input, a folder
 * every file under it (recursively, in path order, hidden entries too), a
 * file itself.
 */
export async function expandSources(names: string[], stdin: () => InputSource): Promise<InputSource[]> {
  const out: InputSource[] = [];
  for (const name of names) {
    if (name === "-") {
      out.push(stdin());
      continue;
    }
    const info = await stat(name).catch(() => null);
    if (!info?.isDirectory()) {
      out.push(fileSource(name));
      continue;
    }
    const entries = (await readdir(name, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
      .sort();
    if (entries.length === 0) out.push({ name, open: async () => { throw new InputError(name, "is an empty folder"); } });
    for (const file of entries) out.push({ ...fileSource(file), inFolder: name });
  }
  return out;
}

export function stdinSource(stream: Readable = process.stdin): InputSource {
  return { name: "-", open: async () => stream };
}

export interface ReadStats {
  lines: number;
  crlfLines: number;
  invalidUtf8Lines: number;
  /** Line numbers of lines over MAX_LINE_BYTES. */
  overlong: number[];
  bytes: number;
}

const PCAP_MAGICS = ["a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1", "0a0d0d0a"];

function binaryReason(head: Buffer): string | null {
  const magic = head.subarray(0, 4).toString("hex");
  if (head.length >= 4 && PCAP_MAGICS.includes(magic)) {
    return "is a binary pcap/pcapng capture, not text: print it with `tcpdump -nn -r FILE` and give tcpdiag that text";
  }
  const sample = head.subarray(0, 4096);
  if (sample.includes(0)) return "is binary data (it has NUL bytes), not tool output";
  return null;
}

/**
 * Calls onLine for every line (1-based numbers, without the line end).
 * Stops early when signal is aborted.
 */
export async function readLines(
  source: InputSource,
  onLine: (line: number, text: string) => void,
  signal?: AbortSignal,
): Promise<ReadStats> {
  const stream = await source.open();
  const decoder = new TextDecoder("utf-8");
  const stats: ReadStats = { lines: 0, crlfLines: 0, invalidUtf8Lines: 0, overlong: [], bytes: 0 };
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false; // inside an overlong line
  let checkedHead = false;

  const emit = (buf: Buffer) => {
    stats.lines++;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 13) {
      end--;
      stats.crlfLines++;
    }
    const text = decoder.decode(buf.subarray(0, end));
    if (text.includes("\uFFFD") && !buf.includes(Buffer.from("\uFFFD"))) stats.invalidUtf8Lines++;
    onLine(stats.lines, text);
  };

  // Ctrl-C while reading a live pipe: stop reading and report what came so far.
  const stop = () => stream.destroy();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      if (signal?.aborted) break;
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      if (!checkedHead) {
        checkedHead = true;
        const reason = binaryReason(buf);
        if (reason) throw new InputError(source.name, reason, true);
      }
      stats.bytes += buf.length;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        if (skipping) {
          skipping = false;
        } else if (carryBytes > 0) {
          carry.push(buf.subarray(start, nl));
          emit(Buffer.concat(carry));
        } else {
          emit(buf.subarray(start, nl));
        }
        carry = [];
        carryBytes = 0;
        start = nl + 1;
      }
      if (start < buf.length && !skipping) {
        carry.push(buf.subarray(start));
        carryBytes += buf.length - start;
        if (carryBytes > MAX_LINE_BYTES) {
          stats.lines++;
          stats.overlong.push(stats.lines);
          carry = [];
          carryBytes = 0;
          skipping = true;
        }
      }
    }
    if (carryBytes > 0 && !skipping) emit(Buffer.concat(carry));
  } catch (err) {
    if (signal?.aborted) return stats;
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // only the stream's own errors mean the input cannot be read
    if (typeof code !== "string") throw err;
    throw new InputError(source.name, `cannot read (${code})`);
  } finally {
    signal?.removeEventListener("abort", stop);
    if (stream !== process.stdin) stream.destroy();
  }
  return stats;
}
