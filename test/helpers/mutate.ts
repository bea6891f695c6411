// Mutations of real lines for the tests that compare parsers: truncations,
// insertions and replacements of characters and tokens the formats use,
// repeated pieces. Deterministic: the same seed gives the same lines.

const PIECES = [
  "0", "1", "9", ".", ":", " ", "  ", "\t", "[", "]", "(", ")", "{", "}", ",", "=", "x", "xx", "<", ">", "-", "|", "\"", "\\",
  "/*", "*/", "...", "a", "f", "::", "S", "P", "IP", "IP6", "unreachable", "ICMP", "Flags [S]", "length 0", "tcp 1",
  "<unfinished ...>", "<... connect resumed>", "= -1 ETIMEDOUT", "+++", "---", "\r", "\u0000", "é",
];

/** A small xorshift generator: the same seed, the same sequence. */
export function random(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export function* mutations(lines: string[], count: number, seed: number): Generator<string> {
  const rnd = random(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  for (let k = 0; k < count; k++) {
    let l = pick(lines);
    const ops = 1 + Math.floor(rnd() * 3);
    for (let o = 0; o < ops; o++) {
      const p = Math.floor(rnd() * (l.length + 1));
      const r = rnd();
      if (r < 0.2) l = l.slice(0, p);
      else if (r < 0.5) l = l.slice(0, p) + pick(PIECES) + l.slice(p);
      else if (r < 0.8) l = l.slice(0, p) + pick(PIECES) + l.slice(p + 1 + Math.floor(rnd() * 3));
      else {
        const q = Math.floor(rnd() * l.length);
        l = l.slice(0, p) + l.slice(Math.min(p, q), Math.max(p, q)) + l.slice(p);
      }
    }
    yield l;
  }
}
