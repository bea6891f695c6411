// How a TCP 4-tuple is keyed: "src.port > dst.port", the text tcpdump -n
// prints between the protocol and the colon. The fast path reads it straight
// off the line; the analyzer makes it from addresses. Both also take a small
// number from it (keyPrint): equal keys give equal prints, so an input's
// hot path can skip a lookup when no key of interest has the line's print.
import type { Address } from "./events.js";

export function tupleKey(src: Address, dst: Address): string {
  return `${src.ip}.${src.port} > ${dst.ip}.${dst.port}`;
}

/** Prints fall in 0..KEY_PRINTS-1. */
export const KEY_PRINTS = 4096;

/** The print of the key s.slice(start, end), without making the string: its length and the last digits of both ports. */
export function keyPrintAt(s: string, start: number, end: number): number {
  const arrow = s.lastIndexOf(" > ", end);
  const c = (i: number) => (i >= start && i < end ? s.charCodeAt(i) : 0);
  return ((end - start) * 131 + c(end - 1) * 31 + c(end - 2) * 17 + c(arrow - 1) * 7 + c(arrow - 2) * 3 + c(arrow - 3)) & (KEY_PRINTS - 1);
}

export function keyPrint(key: string): number {
  return keyPrintAt(key, 0, key.length);
}
