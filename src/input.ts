// Reads an input as lines, streaming: memory holds one line at a time.
// Says clearly what it cannot read (binary data, a pcap file) and what it
// had to repair (CRLF line ends, invalid UTF-8, overlong lines).
import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { decoded, loneCrAsLf } from "./content.js";

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
  /** As the user named it: a path, or STDIN_NAME for standard input. */
  name: string;
  /** Standard input: its size and first lines cannot be looked at before it is read. */
  stdin?: true;
  open(): Promise<Readable>;
  /** Its size in bytes, once open() knows it (files); for progress. */
  size?: number;
  /** Found in a folder the user named: a binary file there is skipped with a note, not an error. */
  inFolder?: string;
  /** A file that grows as it is read (--follow): its format is found as it is read, like standard input's. */
  growing?: true;
}

export function fileSource(path: string): InputSource {
  return {
    name: path,
    async open(this: InputSource) {
      let info;
      try {
        info = await stat(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new InputError(path, code === "ENOENT" ? "no such file" : `cannot read (${code ?? "error"})`);
      }
      if (info.isDirectory()) throw new InputError(path, "is a directory");
      this.size = info.size;
      // larger reads than the default 64 KiB: fewer chunks to hand over, and few enough bytes in flight
      return createReadStream(path, { highWaterMark: 1 << 18 });
    },
  };
}

/** How often a followed file is looked at for new bytes (tail -f looks once a second; a verdict should not wait that long). */
const FOLLOW_POLL_MS = 100;

/**
 * A file that grows (--follow, like tail -f): read from its start, then each
 * new byte as it is written, until the signal stops it.
 */
export function followSource(path: string, signal: AbortSignal): InputSource {
  return {
    name: path,
    growing: true,
    async open() {
      let handle;
      try {
        handle = await open(path, "r");
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new InputError(path, code === "ENOENT" ? "no such file" : `cannot read (${code ?? "error"})`);
      }
      const fh = handle;
      async function* chunks() {
        const buf = Buffer.alloc(1 << 16);
        let at = 0;
        try {
          while (!signal.aborted) {
            const { bytesRead } = await fh.read(buf, 0, buf.length, at);
            if (bytesRead > 0) {
              at += bytesRead;
              yield Buffer.from(buf.subarray(0, bytesRead));
            } else await pause(FOLLOW_POLL_MS, signal);
          }
        } finally {
          await fh.close();
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    },
  };
}

/** Waits ms, or less when the signal stops the run (never rejects). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
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
    let entries: string[];
    try {
      entries = await folderFiles(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      out.push({ name, open: async () => { throw new InputError(name, `cannot read the folder (${code})`); } });
      continue;
    }
    if (entries.length === 0) out.push({ name, open: async () => { throw new InputError(name, "is an empty folder"); } });
    for (const file of entries) out.push({ ...fileSource(file), inFolder: name });
  }
  return out;
}

/** Every file under a folder, in path order: files, and symbolic links to files (a link to a folder is not followed, so no loop). */
async function folderFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const e of entries) {
    const path = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    if (e.isFile()) files.push(path);
    else if (e.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile()) files.push(path);
  }
  return files.sort();
}

/** Standard input's name in reports ("-" on the command line, as in most tools). */
export const STDIN_NAME = "<stdin>";

export function stdinSource(stream: Readable = process.stdin): InputSource {
  return { name: STDIN_NAME, stdin: true, open: async () => stream };
}

export interface ReadStats {
  lines: number;
  crlfLines: number;
  /** Lines ended by a CR alone (read as line ends). */
  crLines: number;
  /** Lines that held NUL bytes (removed). */
  nulLines: number;
  invalidUtf8Lines: number;
  /** Line numbers of lines over MAX_LINE_BYTES. */
  overlong: number[];
  bytes: number;
}

const REPLACEMENT = Buffer.from("\uFFFD");

/** Buffer's own decoders, which toString(encoding, start, end) calls after checking its arguments: once per line, that check costs. */
type Slicing = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

/**
 * Calls onLine for every line (1-based numbers, without the line end).
 * Stops early when signal is aborted. Each line is decoded from the bytes
 * on its own, so a string kept from it holds that line, never a whole chunk.
 */
export async function readLines(
  source: InputSource,
  onLine: (line: number, text: string) => void,
  signal?: AbortSignal,
  /** Called after each chunk with the bytes and lines read so far (progress). */
  onBytes?: (bytes: number, lines: number) => void,
): Promise<ReadStats> {
  const stream = await source.open();
  const stats: ReadStats = { lines: 0, crlfLines: 0, crLines: 0, nulLines: 0, invalidUtf8Lines: 0, overlong: [], bytes: 0 };
  let carry: Buffer | null = null;
  let skipping = false; // inside an overlong line
  let ascii = true;
  let nul = false; // the chunk holds NUL bytes

  const emit = (buf: Buffer, start: number, end: number) => {
    stats.lines++;
    if (end > start && buf[end - 1] === 13) {
      end--;
      stats.crlfLines++;
    }
    let text = ascii ? (buf as Slicing).latin1Slice(start, end) : (buf as Slicing).utf8Slice(start, end);
    if (!ascii && text.includes("\uFFFD") && buf.subarray(start, end).indexOf(REPLACEMENT) < 0) stats.invalidUtf8Lines++;
    // a log padded or damaged with NUL bytes: the text around them is still read
    if (nul && text.includes("\0")) {
      text = text.replace(/\0+/g, "");
      stats.nulLines++;
    }
    onLine(stats.lines, text);
  };

  // Ctrl-C while reading a live pipe: stop reading and report what came so far.
  const stop = () => stream.destroy();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for await (const chunk of decoded(stream, (reason) => new InputError(source.name, reason, true))) {
      if (signal?.aborted) break;
      let buf = chunk;
      stats.bytes += buf.length;
      // a CR that ended the last chunk ends a line unless this one starts with its LF
      if (carry && carry[carry.length - 1] === 13 && buf[0] !== 10 && !skipping) {
        emit(carry, 0, carry.length);
        stats.crlfLines--;
        stats.crLines++;
        carry = null;
      }
      if (buf.includes(13)) {
        const lone = loneCrAsLf(buf);
        if (lone) {
          buf = lone.text;
          stats.crLines += lone.count;
        }
      }
      nul = buf.includes(0) || (carry !== null && carry.includes(0));
      ascii = isAscii(buf) && (carry === null || isAscii(carry));
      let start = 0;
      if (carry) {
        const nl = buf.indexOf(10);
        if (nl < 0) {
          if (!skipping) carry = Buffer.concat([carry, buf]);
          if (carry.length > MAX_LINE_BYTES) overlong();
          onBytes?.(stats.bytes, stats.lines);
          continue;
        }
        if (!skipping) {
          const joined = Buffer.concat([carry, buf.subarray(0, nl)]);
          emit(joined, 0, joined.length);
        }
        carry = null;
        skipping = false;
        start = nl + 1;
      }
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        emit(buf, start, nl);
        start = nl + 1;
      }
      if (start < buf.length) {
        carry = Buffer.from(buf.subarray(start));
        if (carry.length > MAX_LINE_BYTES) overlong();
      }
      buf = EMPTY;
      onBytes?.(stats.bytes, stats.lines);
    }
    if (carry && !skipping) {
      emit(carry, 0, carry.length);
      // the last line's CR alone, in a file of CR line ends
      if (carry[carry.length - 1] === 13 && stats.crLines > 0) {
        stats.crlfLines--;
        stats.crLines++;
      }
    }
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

  // A line over MAX_LINE_BYTES is counted and reported, not kept: skip to its end.
  function overlong(): void {
    if (!skipping) {
      stats.lines++;
      stats.overlong.push(stats.lines);
    }
    skipping = true;
    carry = Buffer.alloc(0);
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * Whether standard input is a capture still running or a file poured into a
 * pipe (`cat log | tcpdiag`): what arrives within `ms` is held; an input that
 * ends by then, or sends `maxBytes` at once, is a file; one still open is
 * live. The stream returned replays what was held, then the rest.
 */
export async function probeStdin(stream: Readable, ms: number, maxBytes: number): Promise<{ live: boolean; stream: Readable }> {
  const out = new PassThrough();
  let bytes = 0;
  let ended = false;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.pause();
      resolve();
    }
    function onData(chunk: Buffer) {
      out.write(chunk);
      bytes += chunk.length;
      // a file's worth at once: no capture prints that fast
      if (bytes >= maxBytes) done();
    }
    function onEnd() {
      ended = true;
      done();
    }
    stream.on("data", onData);
    stream.once("end", onEnd);
  });
  if (ended) out.end();
  else stream.pipe(out);
  // stopping the reading (Ctrl-C) lets go of standard input
  out.on("close", () => {
    stream.unpipe(out);
    stream.destroy();
  });
  return { live: !ended && bytes < maxBytes, stream: out };
}
