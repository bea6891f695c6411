// Strings kept for long (an open attempt's keys and addresses, evidence
// times, a diagnosis's message) are copied: a substring of a line, or text
// built from such substrings, otherwise keeps the whole line alive for as
// long as it is kept.

/** Strings shorter than this are copied when cut (V8's SlicedString::kMinLength): they hold nothing. */
const COPIED_WHEN_CUT = 13;

/** A copy of s that holds none of the strings it was cut or built from. */
export function detach(s: string): string {
  if (s.length < COPIED_WHEN_CUT) return s;
  // V8 flattens the concatenation into a new string; the slice then refers to that one only
  return (" " + s).slice(1);
}
