// Small formatting helpers for messages people read.
import type { Address } from "../events.js";

export function describeAddress(a: { ip: string; port: number | null }): string {
  const host = a.ip.includes(":") ? `[${a.ip}]` : a.ip;
  return a.port === null ? host : `${host}:${a.port}`;
}

export function describeTuple(client: Address | null, server: Address): string {
  return client ? `${describeAddress(client)} -> ${describeAddress(server)}` : `-> ${describeAddress(server)}`;
}

/** 0.000042 -> "0.04 ms", 0.2 -> "200 ms", 63.02 -> "63.02 s". */
export function seconds(x: number | null): string {
  if (x === null) return "an unknown time";
  if (x < 1) return `${Number((x * 1000).toPrecision(3))} ms`;
  return `${Number(x.toFixed(2))} s`;
}
