import { SERVICE_PORTS } from "./services.js";

/** A port as printed ("12345", "http-alt") as a number; null for an unknown name. */
export function portNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  return SERVICE_PORTS[`${text}/tcp`] ?? SERVICE_PORTS[`${text}/udp`] ?? null;
}
