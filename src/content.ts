// What an input's bytes are, from its first chunk: text (UTF-8 or Latin-1),
// text to decode first (gzip, UTF-16), or something tcpdiag does not read,
// with the one line that says what to do instead.
import { createGunzip } from "node:zlib";
import { Readable } from "node:stream";

export type Content =
  | { kind: "text" }
  | { kind: "gzip" }
  | { kind: "utf16"; encoding: "utf-16le" | "utf-16be" }
  | { kind: "refused"; reason: string };

const PCAP_MAGICS = ["a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1", "0a0d0d0a"];

/** Compressed formats Node does not decompress by itself: named, with the command that does. */
const COMPRESSED: { magic: string; name: string; command: string }[] = [
  { magic: "425a68", name: "bzip2", command: "bzcat" },
  { magic: "fd377a585a00", name: "xz", command: "xzcat" },
  { magic: "28b52ffd", name: "zstd", command: "zstdcat" },
  { magic: "504b0304", name: "zip", command: "unzip -p" },
];

/**
 * Text has few control characters: tool output none but TAB, CR, LF, ESC
 * (colours) and the odd NUL of a padded log. More than this share of the
 * first bytes (random data: about 12 %) is binary.
 */
const MAX_CONTROL_SHARE = 0.05;
/** How much of the head is looked at. */
const SAMPLE_BYTES = 4096;

export function sniff(head: Buffer): Content {
  const hex = head.subarray(0, 8).toString("hex");
  if (PCAP_MAGICS.some((m) => hex.startsWith(m))) {
    return { kind: "refused", reason: "is a binary capture (pcap/pcapng), not text: run `tcpdump -nn -r FILE | tcpdiag analyze`" };
  }
  if (hex.startsWith("1f8b")) return { kind: "gzip" };
  const packed = COMPRESSED.find((c) => hex.startsWith(c.magic));
  if (packed) return { kind: "refused", reason: `is ${packed.name}-compressed: run \`${packed.command} FILE | tcpdiag analyze\`` };
  const utf16 = utf16Of(head);
  if (utf16) return { kind: "utf16", encoding: utf16 };
  const sample = head.subarray(0, SAMPLE_BYTES);
  let control = 0;
  for (const b of sample) if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 27 && b !== 12) control++;
  const invalid = sample.toString("utf8").split("\uFFFD").length - 1;
  if ((control + invalid) / Math.max(sample.length, 1) > MAX_CONTROL_SHARE) {
    return { kind: "refused", reason: "is binary data, not text: tcpdiag reads what tcpdump, strace, netstat, ss, iptables, nft and sysctl print" };
  }
  return { kind: "text" };
}

/** A byte-order mark, or ASCII text with a NUL beside every character (Windows' redirect writes UTF-16LE). */
function utf16Of(head: Buffer): "utf-16le" | "utf-16be" | null {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  const n = Math.min(head.length, SAMPLE_BYTES) & ~1;
  if (n < 16) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.9 && evenNul < pairs * 0.1) return "utf-16le";
  if (evenNul > pairs * 0.9 && oddNul < pairs * 0.1) return "utf-16be";
  return null;
}

/** The chunks of the stream as text bytes: gzip inflated, UTF-16 made UTF-8; refused content throws. */
export async function* decoded(stream: Readable, refuse: (reason: string) => Error): AsyncGenerator<Buffer> {
  const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = toBuffer(first.value);
  const rest = async function* () {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
  };
  const content = sniff(head);
  switch (content.kind) {
    case "refused":
      throw refuse(content.reason);
    case "gzip":
      // what was compressed is looked at again (a gzipped pcap is still a pcap)
      yield* decoded(Readable.from(rest()).pipe(createGunzip()), refuse);
      return;
    case "utf16": {
      const decoder = new TextDecoder(content.encoding);
      for await (const chunk of rest()) {
        const text = decoder.decode(chunk, { stream: true }).replace(/^\uFEFF/, "");
        if (text) yield Buffer.from(text, "utf8");
      }
      const tail = decoder.decode();
      if (tail) yield Buffer.from(tail, "utf8");
      return;
    }
    default:
      yield* rest();
  }
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}

/**
 * A copy of the chunk with each CR that is not part of a CRLF made a LF (old
 * Mac line ends, some terminals); null when it has none. A CR that ends the
 * chunk is left: the next chunk tells (see readLines).
 */
export function loneCrAsLf(buf: Buffer): { text: Buffer; count: number } | null {
  let copy: Buffer | null = null;
  let count = 0;
  for (let i = buf.indexOf(13); i >= 0 && i + 1 < buf.length; i = buf.indexOf(13, i + 1)) {
    if (buf[i + 1] === 10) continue;
    copy ??= Buffer.from(buf);
    copy[i] = 10;
    count++;
  }
  return copy ? { text: copy, count } : null;
}
