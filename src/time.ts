/** "HH:MM:SS[.frac]" as seconds since midnight. */
export function clockSeconds(clock: string): number {
  const [h, m, s] = clock.split(":");
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}
