// The fast path for tcpdump's packet lines: a hand-written scanner that
// returns exactly the record grammar/tcpdump.ne returns for the line shapes
// that make up nearly all real captures, or declines (null) and leaves the
// line to the grammar. test/fast-path.test.ts proves the two agree on every
// line of fixtures/, of the corpus and of mutations of them.
//
// Shapes taken: [-# number] [timestamp of any mode] [-i any interface and
// direction | -e Ethernet header] [IP|IP6] [-v header] flow, and the -v
// continuation line that carries a flow; payloads: TCP segments, -q's "tcp
// N", ICMP/ICMPv6 unreachable messages, and other traffic. Anything else
// (banners, hex dumps, decode text, ARP, VLAN headers, redacted values, any
// byte outside printable ASCII) is declined.
//
// It scans into its own fields first, so that a caller that needs only a few
// of them (the analyzer on a busy capture) builds no record at all.
import { SEGMENT_FLAG } from "../events.js";
import { keyPrint, keyPrintAt } from "../tuple-key.js";
import { portNumber } from "../ports.js";
import { KEYWORDS, TOKEN_RULES, type TokenType } from "./lexer.js";
import { damagedTcp } from "./build.js";
import type {
  ContinuationLine,
  Endpoint,
  IcmpUnreachable,
  LinkInfo,
  PacketLine,
  Payload,
  TcpdumpLine,
  TcpSegment,
  Timestamp,
  TimestampKind,
  UnreachableCode,
} from "./records.js";

const KW = new Set(KEYWORDS);

// --- characters -----------------------------------------------------------------

const TAB = 9, SP = 32, COMMA = 44, DASH = 45, DOT = 46, COLON = 58, GT = 62;
const LBRACK = 91, RBRACK = 93, LPAREN = 40, RPAREN = 41, LBRACE = 123, RBRACE = 125;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWs = (c: number) => c === SP || c === TAB;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isWordStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isWordChar = (c: number) => isWordStart(c) || isDigit(c) || c === DOT || c === DASH;
/** The characters of ip4's optional suffix ("[A-Za-z0-9][A-Za-z0-9-]*"). */
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** A character that is not printable ASCII or a tab: the lexer may read such lines otherwise. */
const NOT_PLAIN = /[^\t\x20-\x7e]/;

function skipWs(s: string, i: number): number {
  while (isWs(s.charCodeAt(i))) i++;
  return i;
}

function skipDigits(s: string, i: number): number {
  while (isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** The word token at i ([A-Za-z_][\w.-]*): its end, or -1. */
function wordEnd(s: string, i: number): number {
  if (!isWordStart(s.charCodeAt(i))) return -1;
  i++;
  while (isWordChar(s.charCodeAt(i))) i++;
  return i;
}

/** Is the word token at i exactly this keyword? Returns the index after it, or -1. */
function keyword(s: string, i: number, kw: string): number {
  if (!s.startsWith(kw, i)) return -1;
  const end = i + kw.length;
  return isWordChar(s.charCodeAt(end)) ? -1 : end;
}

/** Keyword then at least one blank; the index after the blanks, or -1. */
function keywordWs(s: string, i: number, kw: string): number {
  const end = keyword(s, i, kw);
  return end > 0 && isWs(s.charCodeAt(end)) ? skipWs(s, end) : -1;
}

/**
 * A run of digits that the lexer reads as one number token: it must not go
 * on into a decimal, an address, a clock, a date or a hex value. The value
 * (as Number() reads it) goes to `scannedNumber`; returns its end, or -1.
 */
let scannedNumber = 0;
function numberToken(s: string, i: number): number {
  const end = skipDigits(s, i);
  if (end === i) return -1;
  const c = s.charCodeAt(end);
  if (c === DOT || c === DASH || isWordChar(c)) return -1;
  if (c === COLON) {
    const d = s.charCodeAt(end + 1);
    if (isHex(d) || d === COLON) return -1;
  }
  scannedNumber = end - i <= 15 ? digitsValue(s, i, end) : Number(s.slice(i, end));
  return end;
}

function digitsValue(s: string, i: number, end: number): number {
  let v = 0;
  for (; i < end; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v;
}

/** "I.F" as Number() reads it: one division of exact integers rounds as the parse does. */
function decimalValue(s: string, i: number, dot: number, end: number): number {
  const digits = end - i - 1;
  if (digits > 15) return Number(s.slice(i, end));
  const whole = digitsValue(s, i, dot);
  const frac = digitsValue(s, dot + 1, end);
  const scale = POW10[end - dot - 1]!;
  return (whole * scale + frac) / scale;
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

// --- tokens the scanner cannot tell by hand ---------------------------------------------

const sticky = (re: RegExp) => new RegExp(re.source, "y");
const MAC = sticky(TOKEN_RULES.mac);
const IP6 = sticky(TOKEN_RULES.ip6);
const REDACTED = sticky(TOKEN_RULES.redacted);

function matchAt(re: RegExp, s: string, i: number): number {
  re.lastIndex = i;
  return re.test(s) ? re.lastIndex : -1;
}

/** The lexer's rules after the line-start ones, as one sticky pattern: tokens in mid-line. */
const MIDLINE_TYPES = (Object.keys(TOKEN_RULES) as (keyof typeof TOKEN_RULES)[]).filter(
  (t) => t !== "pktnum" && t !== "lead" && t !== "indent",
);
const MIDLINE = new RegExp(
  MIDLINE_TYPES.map((t) => {
    const rule = TOKEN_RULES[t];
    return `(${typeof rule === "string" ? rule.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : rule.source})`;
  }).join("|"),
  "y",
);

interface MidToken {
  type: TokenType;
  text: string;
}

/** The tokens of s from i (mid-line), as the lexer reads them; at most `limit` of them plus whether `watch` is one. */
function midlineTokens(s: string, i: number, limit: number, watch: string): { tokens: MidToken[]; watched: boolean } {
  const tokens: MidToken[] = [];
  let watched = false;
  MIDLINE.lastIndex = i;
  while (MIDLINE.lastIndex < s.length) {
    const m = MIDLINE.exec(s);
    if (!m) break;
    let g = 1;
    while (m[g] === undefined) g++;
    const text = m[0];
    let type: TokenType = MIDLINE_TYPES[g - 1]!;
    if (type === "word" && KW.has(text)) type = "kw";
    if (text === watch) watched = true;
    if (tokens.length < limit) tokens.push({ type, text });
  }
  return { tokens, watched };
}

// --- the express lane -------------------------------------------------------------

// One pattern for the shape most of a capture has: a time (of day, -tt,
// -ttt/-ttttt, -tttt), an optional -i any interface and direction, IP or
// IP6, two IPv4 endpoints with numeric ports, and a TCP segment with the
// usual fields in tcpdump's order. Every piece is one the lexer reads as the
// grammar expects (numbers end at "," or " ", options hold no brackets), so
// a match needs only the checks in express() below. It is built twice: a
// test without groups for the analyzer's hot path, and with groups for the
// record.
const IP4 = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}";
/** A port without a leading zero: the text is then the analyzer's key for it (see plainKey). */
const PORT = "(?:0|[1-9]\\d{0,4})";
/** Options without brackets of any kind or "|", none empty: 0x20-0x7e but ( ) , [ ] { | } (the general path reads the rest). */
const OPTION = "[\\x20-\\x27\\x2a\\x2b\\x2d-\\x5a\\x5c\\x5e-\\x7a\\x7e]+";
const OPTION_TEXT = `(?:${OPTION}(?:,${OPTION})*)?`;
/** What tcpdump decoded after "length N": the rest of the line. */
const APP_TEXT = "[\\t\\x20-\\x7e]*";

function expressPattern(group: (x: string) => string): RegExp {
  return new RegExp(
    [
      `^${group(" ?")}`,
      `(?:${group("\\d{4}")}-${group("\\d\\d")}-${group("\\d\\d")} )?`,
      `(?:${group("\\d{2,}")}:${group("\\d\\d")}:${group("\\d\\d(?:\\.\\d+)?")}|${group("\\d+\\.\\d+")}) `,
      `(?:${group("[A-Za-z_][\\w.-]*")} +${group("In|Out|B|M|P")} +)?`,
      `${group("IP6?")} `,
      `${group(`${group(IP4)}\\.${group(PORT)} > ${group(IP4)}\\.${group(PORT)}`)}: Flags \\[${group("[A-Za-z.]{1,12}")}\\]`,
      `(?:, seq ${group("\\d+")}(?::${group("\\d+")})?)?(?:, ack ${group("\\d+")})?(?:, win ${group("\\d+")})?(?:, urg ${group("\\d+")})?`,
      `(?:, options \\[${group(OPTION_TEXT)}\\])?`,
      `, length ${group("\\d+")}`,
      `(?:(?::(?![0-9a-fA-F:])|[ \\t])${group(APP_TEXT)})?$`,
    ].join(""),
  );
}
const EXPRESS = expressPattern((x) => `(?:${x})`);
const EXPRESS_GROUPS = expressPattern((x) => `(${x})`);

// the groups of EXPRESS_GROUPS
const X_LEAD = 1, X_YEAR = 2, X_MONTH = 3, X_DAY = 4, X_H = 5, X_M = 6, X_S = 7, X_EPOCH = 8;
const X_IFACE = 9, X_DIR = 10, X_SRC = 13, X_SPORT = 14, X_DST = 15, X_DPORT = 16;
const X_FLAGS = 17, X_SEQ = 18, X_SEQEND = 19, X_ACK = 20, X_WIN = 21, X_URG = 22, X_OPTIONS = 23, X_LENGTH = 24, X_APP = 25;

// --- the scanner ------------------------------------------------------------------

const enum Kind {
  None,
  Packet,
  Continuation,
}

const enum PayloadKind {
  None,
  Tcp,
  Quiet,
  Icmp,
  Other,
}

/** Endpoint token types the flow takes. */
const enum EndpointType {
  Ip4,
  Ip6,
  Word,
}

/** An express line's TCP segment, as the analyzer's event carries it (see expressSegment). */
export interface ExpressSegment {
  src: { ip: string; port: number };
  dst: { ip: string; port: number };
  flags: string;
  seq: number | null;
  ack: number | null;
  /** As printed. */
  timestamp: string;
}

const { SYN: FLAG_SYN, ACK: FLAG_ACK, RST: FLAG_RST, FIN: FLAG_FIN } = SEGMENT_FLAG;

const FLAG_LETTERS = /^(?:[FSRPUWEe.]+|none)$/;

export class TcpdumpScanner {
  line = "";
  kind = Kind.None;
  number: number | null = null;
  lead = false;
  // timestamp: its kind, where it is, and its value
  tsKind: TimestampKind | null = null;
  tsStart = 0;
  tsEnd = 0;
  /** -tttt: where the clock part starts (text is "DATE CLOCK" with one space). */
  tsClock = 0;
  tsSeconds = 0;
  // link: -i any interface and direction, or -e header
  ifaceStart = -1;
  ifaceEnd = 0;
  dirStart = 0;
  dirEnd = 0;
  etherStart = -1;
  etherEnd = 0;
  network: "IP" | "IP6" | null = null;
  headerStart = -1;
  headerEnd = 0;
  // flow
  hasFlow = false;
  srcStart = 0;
  srcEnd = 0;
  srcType = EndpointType.Ip4;
  dstStart = 0;
  dstEnd = 0;
  dstType = EndpointType.Ip4;
  /** " > " exactly between the endpoints. */
  plainArrow = false;
  payload = PayloadKind.None;
  // TCP
  flagsStart = 0;
  flagsEnd = 0;
  flagBits = 0;
  seq: number | null = null;
  seqEnd: number | null = null;
  ack: number | null = null;
  win: number | null = null;
  urg: number | null = null;
  /** Option boundaries, start/end pairs; -1 count when the line has no options field. */
  optionCount = -1;
  private options: number[] = [];
  length: number | null = null;
  appStart = -1;
  elided = false;
  cksumStart = -1;
  cksumHexEnd = 0;
  cksumParenStart = 0;
  cksumEnd = 0;
  // ICMP
  icmpCode: UnreachableCode = "other";
  icmpHostStart = 0;
  icmpHostEnd = 0;
  icmpProtocol: string | null = null;
  icmpPortStart = -1;
  icmpPortEnd = 0;
  icmpDetailStart = -1;
  icmpDetailEnd = 0;
  icmpLength: number | null = null;
  // other traffic
  otherStart = -1;

  /** The express lane took the line: the fields below are set from it, the rest comes from EXPRESS_GROUPS. */
  private expressed = false;
  /** Express lane: where "src > dst" is, and the ports' leading digits. */
  private keyStart = 0;
  private keyEnd = 0;

  /** Reads the line into the fields; false when it is not a shape this path takes. */
  scan(s: string): boolean {
    this.line = s;
    if (EXPRESS.test(s) && this.express(s)) return true;
    this.reset(s);
    if (s.length === 0 || NOT_PLAIN.test(s)) return false;
    const c0 = s.charCodeAt(0);
    let i = 0;
    if (c0 === SP || c0 === TAB) {
      // "-#" number, -ttt's single space, or a continuation line's indent
      i = this.prefix(s);
      if (i < 0) return false;
      if (this.kind === Kind.Continuation) return this.networkPart(s, i);
    } else if (isDigit(c0)) {
      i = this.prefix(s);
      if (i < 0) return false;
    }
    this.kind = Kind.Packet;
    i = this.stamp(s, i);
    if (i < 0) return false;
    // a line that had a prefix but no time is not one this path takes
    if ((this.lead || this.number !== null) && this.tsKind === null) return false;
    i = this.link(s, i);
    if (i < 0) return false;
    return this.networkPart(s, i);
  }

  private reset(s: string): void {
    this.line = s;
    this.expressed = false;
    this.kind = Kind.None;
    this.number = null;
    this.lead = false;
    this.tsKind = null;
    this.ifaceStart = -1;
    this.etherStart = -1;
    this.network = null;
    this.headerStart = -1;
    this.hasFlow = false;
    this.plainArrow = false;
    this.payload = PayloadKind.None;
    this.flagBits = 0;
    this.seq = this.seqEnd = this.ack = this.win = this.urg = null;
    this.optionCount = -1;
    this.options.length = 0;
    this.length = null;
    this.appStart = -1;
    this.elided = false;
    this.cksumStart = -1;
    this.icmpProtocol = null;
    this.icmpPortStart = -1;
    this.icmpDetailStart = -1;
    this.icmpLength = null;
    this.otherStart = -1;
  }

  /**
   * The checks a line that EXPRESS matched still needs, reading its pieces
   * by position (the pattern fixed where each one is); fills the fields the
   * analyzer reads without a record.
   */
  private express(s: string): boolean {
    let i = s.charCodeAt(0) === SP ? 1 : 0;
    const lead = i === 1;
    let date = -1;
    if (s.charCodeAt(i + 4) === DASH) {
      date = i;
      i += 11;
    }
    const end = this.expressTime(s, i);
    // the grammar's -tttt stamp is a date and a clock
    if (end < 0 || (date >= 0 && this.tsKind === "epoch")) return false;
    this.tsStart = date >= 0 ? date : i;
    this.tsEnd = end;
    if (date >= 0) {
      this.tsKind = "date";
      this.tsSeconds += Date.UTC(digitsValue(s, date, date + 4), digitsValue(s, date + 5, date + 7) - 1, digitsValue(s, date + 8, date + 10)) / 1000;
    } else if (lead && this.tsKind === "clock") this.tsKind = "relative";
    let j = end + 1;
    if (s.charCodeAt(j) !== 73 || s.charCodeAt(j + 1) !== 80 || !isDigit(s.charCodeAt(s.charCodeAt(j + 2) === SP ? j + 3 : j + 4))) {
      // -i any: "lo    In  IP ..."
      const ifaceEnd = s.indexOf(" ", j);
      const iface = s.slice(j, ifaceEnd);
      if (KW.has(iface) || /^[xX]|\.[xX]/.test(iface)) return false;
      j = s.indexOf("IP", ifaceEnd);
    }
    const six = s.charCodeAt(j + 2) === 54;
    this.keyStart = j + (six ? 4 : 3);
    this.keyEnd = s.indexOf(": Flags [", this.keyStart);
    const bits = expressFlags(s, this.keyEnd + 9);
    if (bits < 0) return false;
    this.flagBits = bits;
    this.network = six ? "IP6" : "IP";
    this.expressed = true;
    this.kind = Kind.Packet;
    this.payload = PayloadKind.Tcp;
    this.hasFlow = true;
    return true;
  }

  /** The time EXPRESS matched at i: a clock or epoch seconds, into tsKind and tsSeconds; its end. */
  private expressTime(s: string, i: number): number {
    let k = i;
    let whole = 0;
    for (let c = s.charCodeAt(k); isDigit(c); c = s.charCodeAt(++k)) whole = whole * 10 + c - 48;
    if (s.charCodeAt(k) === DOT) {
      // -tt: epoch seconds
      const end = s.indexOf(" ", k);
      this.tsKind = "epoch";
      this.tsSeconds = end - i > 16 ? Number(s.slice(i, end)) : decimalValue(s, i, k, end);
      return end;
    }
    const m = k + 1;
    const sec = k + 4;
    let end = sec + 2;
    let seconds = (s.charCodeAt(sec) - 48) * 10 + s.charCodeAt(sec + 1) - 48;
    if (s.charCodeAt(end) === DOT) {
      end = s.indexOf(" ", end);
      seconds = end - sec > 16 ? Number(s.slice(sec, end)) : decimalValue(s, sec, sec + 2, end);
    }
    this.tsKind = "clock";
    this.tsSeconds = whole * 3600 + ((s.charCodeAt(m) - 48) * 10 + s.charCodeAt(m + 1) - 48) * 60 + seconds;
    return end;
  }

  /**
   * The TCP segment of an express line as an event's fields, without its
   * record: what expressRecord() puts in the record's flow and payload, read
   * by position (the pattern fixed the order and form of every piece).
   */
  expressSegment(): ExpressSegment {
    const s = this.line;
    const { keyStart, keyEnd } = this;
    const flagsEnd = s.indexOf("]", keyEnd + 9);
    let i = flagsEnd + 1;
    let seq: number | null = null;
    let ack: number | null = null;
    if (s.startsWith(", seq ", i)) {
      i = skipDigits(s, i + 6);
      seq = scannedValue(s, i);
      if (s.charCodeAt(i) === COLON) i = skipDigits(s, i + 1);
    }
    if (s.startsWith(", ack ", i)) {
      i = skipDigits(s, i + 6);
      ack = scannedValue(s, i);
    }
    // the ports are the digits before " > " and before the key's end
    const dstPort = portStart(s, keyEnd);
    const arrow = s.indexOf(" > ", keyStart);
    const srcPort = portStart(s, arrow);
    return {
      src: { ip: s.slice(keyStart, srcPort - 1), port: digitsValue(s, srcPort, arrow) },
      dst: { ip: s.slice(arrow + 3, dstPort - 1), port: digitsValue(s, dstPort, keyEnd) },
      flags: s.slice(keyEnd + 9, flagsEnd),
      seq,
      ack,
      timestamp: s.slice(this.tsStart, this.tsEnd),
    };
  }

  private expressRecord(m: RegExpExecArray): PacketLine {
    const clock = m[X_EPOCH] ?? `${m[X_H]}:${m[X_M]}:${m[X_S]}`;
    const text = m[X_YEAR] === undefined ? clock : `${m[X_YEAR]}-${m[X_MONTH]}-${m[X_DAY]} ${clock}`;
    const seq = m[X_SEQ] === undefined ? null : Number(m[X_SEQ]);
    const options = m[X_OPTIONS];
    const app = m[X_APP];
    return {
      record: "packet",
      number: null,
      timestamp: { kind: this.tsKind!, text, seconds: this.tsSeconds },
      link: m[X_IFACE] === undefined ? null : { iface: m[X_IFACE], direction: m[X_DIR]!, ether: null },
      network: this.network,
      ipHeader: null,
      flow: {
        src: { ip: m[X_SRC]!, port: Number(m[X_SPORT]) },
        dst: { ip: m[X_DST]!, port: Number(m[X_DPORT]) },
        payload: {
          kind: "tcp",
          flags: m[X_FLAGS]!,
          seq,
          seqEnd: m[X_SEQEND] === undefined ? seq : Number(m[X_SEQEND]),
          ack: m[X_ACK] === undefined ? null : Number(m[X_ACK]),
          win: m[X_WIN] === undefined ? null : Number(m[X_WIN]),
          urg: m[X_URG] === undefined ? null : Number(m[X_URG]),
          options: options === undefined ? null : options === "" ? [] : options.split(","),
          length: Number(m[X_LENGTH]),
          appText: app === undefined ? null : app.trim() || null,
          cksum: null,
          elided: false,
          quiet: false,
        },
      },
      text: null,
    };
  }

  // The line-start tokens, in the lexer's order: pktnum (" *\d+  "), lead
  // (" " before a digit), indent (a tab, or two or more spaces).
  private prefix(s: string): number {
    const spaces = (() => {
      let j = 0;
      while (s.charCodeAt(j) === SP) j++;
      return j;
    })();
    const digitsEnd = skipDigits(s, spaces);
    if (digitsEnd > spaces && s.charCodeAt(digitsEnd) === SP && s.charCodeAt(digitsEnd + 1) === SP) {
      this.number = digitsValue(s, spaces, digitsEnd);
      const after = digitsEnd + 2;
      if (isWs(s.charCodeAt(after))) {
        this.lead = true;
        return skipWs(s, after);
      }
      return after;
    }
    if (s.charCodeAt(0) === SP && isDigit(s.charCodeAt(1))) {
      this.lead = true;
      return 1;
    }
    if (s.charCodeAt(0) === TAB || spaces >= 2) {
      this.kind = Kind.Continuation;
      const after = s.charCodeAt(0) === TAB ? 1 : spaces;
      // blanks after the indent make it decode text
      return isWs(s.charCodeAt(after)) ? -1 : after;
    }
    return isDigit(s.charCodeAt(0)) ? 0 : -1;
  }

  private stamp(s: string, i: number): number {
    if (!isDigit(s.charCodeAt(i))) return i;
    const digitsEnd = skipDigits(s, i);
    const c = s.charCodeAt(digitsEnd);
    if (c === DASH) {
      // -tttt: "2015-11-22 17:58:11.400170"
      if (digitsEnd - i !== 4 || !this.dateShape(s, i) || s.charCodeAt(i + 10) !== SP) return -1;
      const clockAt = skipWs(s, i + 10);
      const end = this.clock(s, clockAt);
      if (end < 0) return -1;
      const y = digitsValue(s, i, i + 4);
      const mo = digitsValue(s, i + 5, i + 7);
      const d = digitsValue(s, i + 8, i + 10);
      this.tsKind = "date";
      this.tsStart = i;
      this.tsClock = clockAt;
      this.tsEnd = end;
      this.tsSeconds = Date.UTC(y, mo - 1, d) / 1000 + this.tsSeconds;
      return this.afterStamp(s, end);
    }
    if (c === COLON) {
      const end = this.clock(s, i);
      if (end < 0) return -1;
      this.tsKind = this.lead ? "relative" : "clock";
      this.tsStart = i;
      this.tsEnd = end;
      return this.afterStamp(s, end);
    }
    if (c === DOT) {
      // -tt: epoch seconds
      const end = skipDigits(s, digitsEnd + 1);
      if (end === digitsEnd + 1 || !isWs(s.charCodeAt(end))) return -1;
      this.tsKind = "epoch";
      this.tsStart = i;
      this.tsEnd = end;
      this.tsSeconds = decimalValue(s, i, digitsEnd, end);
      return this.afterStamp(s, end);
    }
    return -1;
  }

  private dateShape(s: string, i: number): boolean {
    return (
      s.charCodeAt(i + 4) === DASH &&
      isDigit(s.charCodeAt(i + 5)) &&
      isDigit(s.charCodeAt(i + 6)) &&
      s.charCodeAt(i + 7) === DASH &&
      isDigit(s.charCodeAt(i + 8)) &&
      isDigit(s.charCodeAt(i + 9))
    );
  }

  /** HH:MM:SS[.frac] (the hours may have more digits); sets tsSeconds as clockSeconds() computes it. */
  private clock(s: string, i: number): number {
    const h = skipDigits(s, i);
    if (h - i < 2 || s.charCodeAt(h) !== COLON) return -1;
    if (!isDigit(s.charCodeAt(h + 1)) || !isDigit(s.charCodeAt(h + 2)) || s.charCodeAt(h + 3) !== COLON) return -1;
    if (!isDigit(s.charCodeAt(h + 4)) || !isDigit(s.charCodeAt(h + 5))) return -1;
    let end = h + 6;
    let seconds = digitsValue(s, h + 4, end);
    if (s.charCodeAt(end) === DOT && isDigit(s.charCodeAt(end + 1))) {
      const fracEnd = skipDigits(s, end + 1);
      seconds = decimalValue(s, h + 4, end, fracEnd);
      end = fracEnd;
    }
    if (!isWs(s.charCodeAt(end))) return -1;
    this.tsSeconds = digitsValue(s, i, h) * 3600 + digitsValue(s, h + 1, h + 3) * 60 + seconds;
    return end;
  }

  private afterStamp(s: string, end: number): number {
    return skipWs(s, end);
  }

  // -i any: "lo    In  IP ..."; -e: "MAC > MAC, ethertype IPv4 (0x0800), length 74: "
  private link(s: string, i: number): number {
    if (keywordWs(s, i, "IP") > 0 || keywordWs(s, i, "IP6") > 0) return i;
    const c = s.charCodeAt(i);
    if (isHex(c) && matchAt(MAC, s, i) > 0) return this.ether(s, i);
    if (isWordStart(c)) {
      const end = wordEnd(s, i);
      if (end < 0 || !isWs(s.charCodeAt(end)) || KW.has(s.slice(i, end)) || this.redactedAt(s, i, end)) return -1;
      const dir = skipWs(s, end);
      const dirEnd = wordEnd(s, dir);
      if (dirEnd < 0 || !isWs(s.charCodeAt(dirEnd))) return -1;
      const d = s.slice(dir, dirEnd);
      if (d !== "In" && d !== "Out" && d !== "B" && d !== "M" && d !== "P") return -1;
      this.ifaceStart = i;
      this.ifaceEnd = end;
      this.dirStart = dir;
      this.dirEnd = dirEnd;
      const next = skipWs(s, dirEnd);
      // "ifindex N" and an -e header after the interface are left to the grammar
      return keywordWs(s, next, "IP") > 0 || keywordWs(s, next, "IP6") > 0 ? next : -1;
    }
    return i;
  }

  private ether(s: string, i: number): number {
    let j = matchAt(MAC, s, i);
    if (j < 0 || !isWs(s.charCodeAt(j))) return -1;
    j = skipWs(s, j);
    if (s.charCodeAt(j) !== GT || !isWs(s.charCodeAt(j + 1))) return -1;
    j = skipWs(s, j + 1);
    j = matchAt(MAC, s, j);
    if (j < 0 || s.charCodeAt(j) !== COMMA || !isWs(s.charCodeAt(j + 1))) return -1;
    j = keywordWs(s, skipWs(s, j + 1), "ethertype");
    if (j < 0) return -1;
    // "IPv4 (0x0800)" / "IPv6 (0x86dd)"
    const name = wordEnd(s, j);
    if (name < 0 || !isWs(s.charCodeAt(name)) || KW.has(s.slice(j, name))) return -1;
    j = skipWs(s, name);
    if (s.charCodeAt(j) !== LPAREN || !s.startsWith("0x", j + 1)) return -1;
    let k = j + 3;
    while (isHex(s.charCodeAt(k))) k++;
    if (k === j + 3 || s.charCodeAt(k) !== RPAREN || s.charCodeAt(k + 1) !== COMMA || !isWs(s.charCodeAt(k + 2))) return -1;
    j = keywordWs(s, skipWs(s, k + 2), "length");
    if (j < 0) return -1;
    const n = numberToken(s, j);
    if (n < 0 || s.charCodeAt(n) !== COLON || !isWs(s.charCodeAt(n + 1))) return -1;
    this.etherStart = i;
    this.etherEnd = n;
    const next = skipWs(s, n + 1);
    // vlan tags and "IP" after an -e header are left to the grammar
    if (keyword(s, next, "vlan") > 0 || keyword(s, next, "IP") > 0 || keyword(s, next, "IP6") > 0) return -1;
    return next;
  }

  /** A word the lexer would read as a redacted address ("host.xxxxx") instead. */
  private redactedAt(s: string, i: number, end: number): boolean {
    const c = s.charCodeAt(i);
    if (c !== 120 && c !== 88 && !/\.[xX<]/.test(s.slice(i, end + 1))) return false;
    return matchAt(REDACTED, s, i) > 0;
  }

  // "IP " / "IP6 " (optional), a -v header "(...)", then the flow.
  private networkPart(s: string, i: number): boolean {
    let j = keywordWs(s, i, "IP");
    if (j > 0) this.network = "IP";
    else if ((j = keywordWs(s, i, "IP6")) > 0) this.network = "IP6";
    else j = i;
    if (s.charCodeAt(j) === LPAREN) {
      const close = balancedEnd(s, j);
      if (close < 0) return false;
      this.headerStart = j;
      this.headerEnd = close;
      if (close === s.length) return this.kind === Kind.Packet || this.kind === Kind.Continuation;
      if (!isWs(s.charCodeAt(close))) return false;
      j = skipWs(s, close);
      if (s.charCodeAt(j) === LBRACK) return false;
    }
    return this.flow(s, j);
  }

  private flow(s: string, i: number): boolean {
    const src = this.endpointEnd(s, i);
    if (src < 0 || !isWs(s.charCodeAt(src))) return false;
    const srcType = this.lastEndpointType;
    const gt = skipWs(s, src);
    if (s.charCodeAt(gt) !== GT || !isWs(s.charCodeAt(gt + 1))) return false;
    const dst = skipWs(s, gt + 1);
    const dstEnd = this.endpointEnd(s, dst);
    // "::" after the address would be an IPv6 token, not the colon
    if (dstEnd < 0 || s.charCodeAt(dstEnd) !== COLON || s.charCodeAt(dstEnd + 1) === COLON) return false;
    this.srcStart = i;
    this.srcEnd = src;
    this.srcType = srcType;
    this.dstStart = dst;
    this.dstEnd = dstEnd;
    this.dstType = this.lastEndpointType;
    this.plainArrow = gt === src + 1 && dst === gt + 2 && s.charCodeAt(src) === SP && s.charCodeAt(gt + 1) === SP;
    this.hasFlow = true;
    return this.payloadPart(s, dstEnd + 1);
  }

  private lastEndpointType = EndpointType.Ip4;

  /** The end of the endpoint token at i (an IPv4 or IPv6 address, or a name, with its port), or -1. */
  private endpointEnd(s: string, i: number): number {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      const end = ip4End(s, i);
      if (end > 0) {
        this.lastEndpointType = EndpointType.Ip4;
        return end;
      }
    }
    if (isHex(c) || c === COLON) {
      if (matchAt(MAC, s, i) > 0) return -1;
      const end = matchAt(IP6, s, i);
      if (end > 0) {
        this.lastEndpointType = EndpointType.Ip6;
        return end;
      }
      if (!isWordStart(c)) return -1;
    }
    if (isWordStart(c)) {
      const end = wordEnd(s, i);
      if (KW.has(s.slice(i, end)) || this.redactedAt(s, i, end)) return -1;
      this.lastEndpointType = EndpointType.Word;
      return end;
    }
    return -1;
  }

  private payloadPart(s: string, i: number): boolean {
    if (i === s.length) {
      this.payload = PayloadKind.Other;
      return true;
    }
    if (isWs(s.charCodeAt(i))) {
      const j = skipWs(s, i);
      let k = keywordWs(s, j, "Flags");
      if (k > 0) return this.tcp(s, k);
      k = keywordWs(s, j, "tcp");
      if (k > 0 && isDigit(s.charCodeAt(k))) return this.quiet(s, k);
      k = keywordWs(s, j, "ICMP");
      if (k > 0 && this.icmp(s, k)) return true;
      if (s.startsWith("ICMP6,", j) || s.startsWith("[icmp6 sum", j)) {
        if (this.icmp6(s, j)) return true;
      }
    }
    return this.other(s, i);
  }

  // --- TCP --------------------------------------------------------------------------

  private tcp(s: string, i: number): boolean {
    if (s.charCodeAt(i) !== LBRACK) return false;
    const close = s.indexOf("]", i + 1);
    if (close < 0 || !this.flags(s, i + 1, close)) return false;
    this.payload = PayloadKind.Tcp;
    let j = close + 1;
    for (;;) {
      if (j === s.length) return true;
      const c = s.charCodeAt(j);
      if (isWs(c)) return skipWs(s, j) === s.length;
      if (c !== COMMA || !isWs(s.charCodeAt(j + 1))) return false;
      const k = skipWs(s, j + 1);
      const next = this.field(s, k);
      if (next === -2) return true; // the tail took the rest of the line
      if (next < 0) return false;
      j = next;
    }
  }

  /** "[S.]": the flags as the grammar's tcp_flags reads them. */
  private flags(s: string, from: number, to: number): boolean {
    const text = s.slice(from, to);
    if (!FLAG_LETTERS.test(text)) return false;
    if (text !== ".") {
      // a word, or "." then a word; never a keyword ("[P]" lexes as the keyword P)
      const word = text.charCodeAt(0) === DOT ? text.slice(1) : text;
      if (!isWordStart(word.charCodeAt(0)) || KW.has(word)) return false;
    }
    this.flagsStart = from;
    this.flagsEnd = to;
    this.flagBits = flagBits(text);
    return true;
  }

  /** One ", name value" of a segment: the index after it, -2 when the tail ended the line, -1 when not taken. */
  private field(s: string, i: number): number {
    switch (s.charCodeAt(i)) {
      case 115: {
        // seq N or seq N:M
        const j = keywordWs(s, i, "seq");
        if (j < 0) return -1;
        const a = skipDigits(s, j);
        if (a === j) return -1;
        if (s.charCodeAt(a) === COLON) {
          const b = skipDigits(s, a + 1);
          if (b === a + 1 || !this.valueEnds(s, b)) return -1;
          this.seq = digitsValueOrNumber(s, j, a);
          this.seqEnd = digitsValueOrNumber(s, a + 1, b);
          return b;
        }
        const end = numberToken(s, j);
        if (end < 0 || !this.valueEnds(s, end)) return -1;
        this.seq = this.seqEnd = scannedNumber;
        return end;
      }
      case 97: {
        const j = keywordWs(s, i, "ack");
        const end = j < 0 ? -1 : numberToken(s, j);
        if (end < 0 || !this.valueEnds(s, end)) return -1;
        this.ack = scannedNumber;
        return end;
      }
      case 119: {
        const j = keywordWs(s, i, "win");
        const end = j < 0 ? -1 : numberToken(s, j);
        if (end < 0 || !this.valueEnds(s, end)) return -1;
        this.win = scannedNumber;
        return end;
      }
      case 117: {
        const j = keywordWs(s, i, "urg");
        const end = j < 0 ? -1 : numberToken(s, j);
        if (end < 0 || !this.valueEnds(s, end)) return -1;
        this.urg = scannedNumber;
        return end;
      }
      case 111:
        return this.optionsField(s, i);
      case 99:
        return this.cksumField(s, i);
      case 108: {
        // ", length N" and what tcpdump decoded after it: the rest of the line
        const j = keywordWs(s, i, "length");
        const end = j < 0 ? -1 : numberToken(s, j);
        if (end < 0) return -1;
        this.length = scannedNumber;
        return this.appText(s, end) ? -2 : -1;
      }
      case DOT:
        // ", ..." where whoever pasted the log cut it short
        if (!s.startsWith("...", i) || s.charCodeAt(i + 3) === DOT || skipWs(s, i + 3) !== s.length) return -1;
        this.elided = true;
        return -2;
      default:
        return -1;
    }
  }

  /** A field's value ends at ",", blanks or the end of the line. */
  private valueEnds(s: string, i: number): boolean {
    const c = s.charCodeAt(i);
    return i === s.length || c === COMMA || isWs(c);
  }

  /** After "length N": nothing, ": text" or " text". */
  private appText(s: string, i: number): boolean {
    if (i === s.length) return true;
    const c = s.charCodeAt(i);
    if (c === COLON) {
      this.appStart = i + 1;
      return true;
    }
    if (isWs(c)) {
      this.appStart = i;
      return true;
    }
    return false;
  }

  private optionsField(s: string, i: number): number {
    const j = keywordWs(s, i, "options");
    if (j < 0 || s.charCodeAt(j) !== LBRACK) return -1;
    const opts = this.options;
    opts.length = 0; // a second options field replaces the first, as in the grammar
    let start = j + 1;
    // top level: "(" and ")" are plain tokens; inside [] and {} every bracket pairs
    const stack: number[] = [];
    for (let k = j + 1; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 124) return -1; // "[|tcp]": cut by the snapshot length
      if (stack.length === 0) {
        if (c === COMMA || c === RBRACK) {
          if (k === start) {
            // an empty option; only "[]" as a whole is an empty list
            if (!(c === RBRACK && opts.length === 0)) return -1;
          } else opts.push(start, k);
          if (c === RBRACK) {
            this.optionCount = opts.length / 2;
            return this.valueEnds(s, k + 1) ? k + 1 : -1;
          }
          start = k + 1;
        } else if (c === LBRACK || c === LBRACE) stack.push(c === LBRACK ? RBRACK : RBRACE);
        else if (c === RBRACE) return -1;
      } else if (c === LBRACK || c === LBRACE || c === LPAREN) {
        stack.push(c === LBRACK ? RBRACK : c === LBRACE ? RBRACE : RPAREN);
      } else if (c === RBRACK || c === RBRACE || c === RPAREN) {
        if (stack.pop() !== c) return -1;
      }
    }
    return -1;
  }

  /** "cksum 0x4d61 (correct)", "cksum 0xfe30 (incorrect -> 0xb8cc)". */
  private cksumField(s: string, i: number): number {
    const j = keywordWs(s, i, "cksum");
    if (j < 0 || !s.startsWith("0x", j)) return -1;
    let k = j + 2;
    while (isHex(s.charCodeAt(k))) k++;
    if (k === j + 2 || !isWs(s.charCodeAt(k))) return -1;
    const paren = skipWs(s, k);
    if (s.charCodeAt(paren) !== LPAREN) return -1;
    const close = balancedEnd(s, paren);
    if (close < 0 || !this.valueEnds(s, close)) return -1;
    this.cksumStart = j;
    this.cksumHexEnd = k;
    this.cksumParenStart = paren;
    this.cksumEnd = close;
    return close;
  }

  // -q: "tcp 0"
  private quiet(s: string, i: number): boolean {
    const end = numberToken(s, i);
    if (end < 0) return false;
    this.length = scannedNumber;
    if (!this.appText(s, end)) return false;
    this.payload = PayloadKind.Quiet;
    return true;
  }

  // --- ICMP ---------------------------------------------------------------------------

  // "ICMP 10.0.0.2 tcp port 12345 unreachable, length 68", "ICMP host 10.0.0.2
  // unreachable - admin prohibited filter, length 68", "ICMP net ... unreachable"
  private icmp(s: string, i: number): boolean {
    let j: number;
    if ((j = keywordWs(s, i, "host")) > 0 || (j = keywordWs(s, i, "net")) > 0) {
      this.icmpCode = s.charCodeAt(i) === 104 ? "host" : "net";
      const host = this.endpointEnd(s, j);
      if (host < 0 || !isWs(s.charCodeAt(host))) return false;
      this.icmpHostStart = j;
      this.icmpHostEnd = host;
      const k = keyword(s, skipWs(s, host), "unreachable");
      if (k < 0) return false;
      const detail = this.icmpDetail(s, k);
      return detail >= 0 && this.icmpLengthPart(s, detail);
    }
    const host = this.endpointEnd(s, i);
    if (host < 0 || !isWs(s.charCodeAt(host))) return false;
    this.icmpHostStart = i;
    this.icmpHostEnd = host;
    j = skipWs(s, host);
    let k: number;
    if ((k = keywordWs(s, j, "tcp")) > 0 || (k = keywordWs(s, j, "udp")) > 0) {
      this.icmpProtocol = s.charCodeAt(j) === 116 ? "tcp" : "udp";
      const p = keywordWs(s, k, "port");
      const portEnd = p < 0 ? -1 : this.portNameEnd(s, p);
      if (portEnd < 0 || !isWs(s.charCodeAt(portEnd))) return false;
      this.icmpPortStart = p;
      this.icmpPortEnd = portEnd;
      const u = keyword(s, skipWs(s, portEnd), "unreachable");
      this.icmpCode = "port";
      return u > 0 && this.icmpLengthPart(s, u);
    }
    return false;
  }

  /** After "unreachable": nothing, or " - words" (the reason). */
  private icmpDetail(s: string, i: number): number {
    if (!isWs(s.charCodeAt(i))) return i;
    const dash = skipWs(s, i);
    if (s.charCodeAt(dash) !== DASH || !isWs(s.charCodeAt(dash + 1))) return i;
    let j = skipWs(s, dash + 1);
    const start = j;
    let end = -1;
    for (;;) {
      const c = s.charCodeAt(j);
      let e: number;
      if (c === LPAREN || c === RPAREN) e = j + 1;
      else if (isDigit(c)) e = numberToken(s, j);
      else e = wordEnd(s, j);
      if (e < 0) break;
      end = e;
      if (!isWs(s.charCodeAt(e))) break;
      const next = skipWs(s, e);
      const d = s.charCodeAt(next);
      if (!(d === LPAREN || d === RPAREN || isDigit(d) || isWordStart(d))) break;
      j = next;
    }
    if (end < 0) return -1;
    this.icmpDetailStart = start;
    this.icmpDetailEnd = end;
    return end;
  }

  /** ", length N" and anything after it, or the end of the line. */
  private icmpLengthPart(s: string, i: number): boolean {
    if (i === s.length) {
      this.payload = PayloadKind.Icmp;
      return true;
    }
    if (s.charCodeAt(i) !== COMMA || !isWs(s.charCodeAt(i + 1))) return false;
    const j = keywordWs(s, skipWs(s, i + 1), "length");
    const end = j < 0 ? -1 : numberToken(s, j);
    if (end < 0) return false;
    this.icmpLength = scannedNumber;
    this.payload = PayloadKind.Icmp;
    return true;
  }

  /** port_name: a number, a word or a keyword. */
  private portNameEnd(s: string, i: number): number {
    return isDigit(s.charCodeAt(i)) ? numberToken(s, i) : wordEnd(s, i);
  }

  // "[icmp6 sum ok] ICMP6, destination unreachable, unreachable port, ::1 tcp port 12345, length 88"
  private icmp6(s: string, i: number): boolean {
    let j = i;
    if (s.charCodeAt(j) === LBRACK) {
      const close = balancedEnd(s, j);
      if (close < 0 || !isWs(s.charCodeAt(close))) return false;
      j = skipWs(s, close);
    }
    if (!s.startsWith("ICMP6,", j) || !isWs(s.charCodeAt(j + 6))) return false;
    j = keywordWs(s, skipWs(s, j + 6), "destination");
    if (j < 0) return false;
    j = keyword(s, j, "unreachable");
    if (j < 0 || s.charCodeAt(j) !== COMMA || !isWs(s.charCodeAt(j + 1))) return false;
    j = keywordWs(s, skipWs(s, j + 1), "unreachable");
    if (j < 0) return false;
    let k: number;
    if ((k = keyword(s, j, "port")) > 0) {
      if (s.charCodeAt(k) !== COMMA || !isWs(s.charCodeAt(k + 1))) return false;
      const h = skipWs(s, k + 1);
      const host = this.endpointEnd(s, h);
      if (host < 0 || !isWs(s.charCodeAt(host))) return false;
      const p = skipWs(s, host);
      let q: number;
      if ((q = keywordWs(s, p, "tcp")) < 0 && (q = keywordWs(s, p, "udp")) < 0) return false;
      const port = keywordWs(s, q, "port");
      const portEnd = port < 0 ? -1 : this.portNameEnd(s, port);
      if (portEnd < 0) return false;
      this.icmpCode = "port";
      this.icmpProtocol = s.charCodeAt(p) === 116 ? "tcp" : "udp";
      this.icmpHostStart = h;
      this.icmpHostEnd = host;
      this.icmpPortStart = port;
      this.icmpPortEnd = portEnd;
      return this.icmpLengthPart(s, portEnd);
    }
    const codes: [string, UnreachableCode][] = [["prohibited", "admin"], ["route", "net"], ["address", "host"]];
    for (const [word, code] of codes) {
      const h = keywordWs(s, j, word);
      if (h < 0) continue;
      const host = this.endpointEnd(s, h);
      if (host < 0) return false;
      this.icmpCode = code;
      this.icmpHostStart = h;
      this.icmpHostEnd = host;
      return this.icmpLengthPart(s, host);
    }
    return false;
  }

  // --- other traffic --------------------------------------------------------------------

  /** What the grammar's catch-all takes: not owned by the TCP or ICMP alternatives. */
  private other(s: string, i: number): boolean {
    const { tokens, watched } = midlineTokens(s, i, 14, "unreachable");
    let f = 0;
    while (tokens[f]?.type === "ws") f++;
    const t = tokens[f];
    if (!t) {
      // blanks only: the grammar's text is then null as well
      this.otherStart = i;
      this.payload = PayloadKind.Other;
      return true;
    }
    if (t.type === "kw" && t.text === "Flags") return false;
    if (t.text === "tcp" && tokens[f + 1]?.type === "ws" && tokens[f + 2]?.type === "number") return false;
    const head = tokens.slice(f, f + 12).map((x) => x.text);
    if (damagedTcp(head)) return false;
    if ((head.includes("ICMP") || head.includes("ICMP6")) && watched) return false;
    this.otherStart = i;
    this.payload = PayloadKind.Other;
    return true;
  }

  // --- records ----------------------------------------------------------------------------

  /** The record the grammar returns for the scanned line. */
  record(): TcpdumpLine {
    if (this.expressed) return this.expressRecord(EXPRESS_GROUPS.exec(this.line)!);
    const s = this.line;
    if (this.kind === Kind.Continuation) {
      return {
        record: "continuation",
        network: this.network,
        ipHeader: this.headerStart < 0 ? null : s.slice(this.headerStart, this.headerEnd),
        flow: this.hasFlow ? this.flowRecord() : null,
        text: null,
        hex: false,
      } satisfies ContinuationLine;
    }
    return {
      record: "packet",
      number: this.number,
      timestamp: this.timestamp(),
      link: this.linkRecord(),
      network: this.network,
      ipHeader: this.headerStart < 0 ? null : s.slice(this.headerStart, this.headerEnd),
      flow: this.hasFlow ? this.flowRecord() : null,
      text: null,
    } satisfies PacketLine;
  }

  timestamp(): Timestamp | null {
    if (this.tsKind === null) return null;
    const s = this.line;
    const text =
      this.tsKind === "date"
        ? `${s.slice(this.tsStart, this.tsStart + 10)} ${s.slice(this.tsClock, this.tsEnd)}`
        : s.slice(this.tsStart, this.tsEnd);
    return { kind: this.tsKind, text, seconds: this.tsSeconds };
  }

  private linkRecord(): LinkInfo | null {
    const s = this.line;
    if (this.ifaceStart >= 0) {
      return { iface: s.slice(this.ifaceStart, this.ifaceEnd), direction: s.slice(this.dirStart, this.dirEnd), ether: null };
    }
    if (this.etherStart >= 0) return { iface: null, direction: null, ether: s.slice(this.etherStart, this.etherEnd) };
    return null;
  }

  private flowRecord(): { src: Endpoint; dst: Endpoint; payload: Payload } {
    const withPort = this.payload === PayloadKind.Tcp || this.payload === PayloadKind.Quiet ? "always" : this.payload === PayloadKind.Other;
    return {
      src: endpointRecord(this.line.slice(this.srcStart, this.srcEnd), this.srcType, withPort),
      dst: endpointRecord(this.line.slice(this.dstStart, this.dstEnd), this.dstType, withPort),
      payload: this.payloadRecord(),
    };
  }

  private payloadRecord(): Payload {
    const s = this.line;
    switch (this.payload) {
      case PayloadKind.Tcp:
      case PayloadKind.Quiet:
        return this.segment();
      case PayloadKind.Icmp:
        return {
          kind: "icmp-unreachable",
          code: this.icmpCode,
          host: s.slice(this.icmpHostStart, this.icmpHostEnd),
          protocol: this.icmpProtocol,
          port: this.icmpPortStart < 0 ? null : portNumber(s.slice(this.icmpPortStart, this.icmpPortEnd)),
          detail: this.icmpDetailStart < 0 ? null : s.slice(this.icmpDetailStart, this.icmpDetailEnd),
          length: this.icmpLength,
        } satisfies IcmpUnreachable;
      default:
        return { kind: "other", text: this.otherStart < 0 ? null : s.slice(this.otherStart).trim() || null };
    }
  }

  private segment(): TcpSegment {
    const s = this.line;
    const quiet = this.payload === PayloadKind.Quiet;
    let options: string[] | null = null;
    if (this.optionCount >= 0) {
      options = [];
      for (let k = 0; k < this.options.length; k += 2) options.push(s.slice(this.options[k], this.options[k + 1]));
    }
    return {
      kind: "tcp",
      flags: quiet ? "" : s.slice(this.flagsStart, this.flagsEnd),
      seq: this.seq,
      seqEnd: this.seqEnd,
      ack: this.ack,
      win: this.win,
      urg: this.urg,
      options,
      length: this.length,
      appText: this.appStart < 0 ? null : s.slice(this.appStart).trim() || null,
      cksum: this.cksumStart < 0 ? null : `${s.slice(this.cksumStart, this.cksumHexEnd)} ${s.slice(this.cksumParenStart, this.cksumEnd)}`,
      elided: this.elided,
      quiet,
    };
  }

  // --- what the analyzer reads without a record ----------------------------------------------

  /** The express lane took the line (expressSegment() may be read). */
  get isExpress(): boolean {
    return this.expressed;
  }

  /** A one-line TCP packet with its flags (not -q), as most of a capture is. */
  get isTcpPacket(): boolean {
    return this.kind === Kind.Packet && this.payload === PayloadKind.Tcp;
  }

  /**
   * "src.port > dst.port" as the analyzer keys a 4-tuple (see tupleKey), read
   * straight from the line when it is printed that way (numeric ports, no
   * leading zeros, " > "); null otherwise.
   */
  /** The print of plainKey() (see src/tuple-key.ts), without making the key; -1 when there is no plain key. */
  plainKeyPrint(): number {
    if (this.expressed) return keyPrintAt(this.line, this.keyStart, this.keyEnd);
    const key = this.plainKey();
    return key === null ? -1 : keyPrint(key);
  }

  plainKey(): string | null {
    if (this.expressed) return this.line.slice(this.keyStart, this.keyEnd);
    if (!this.plainArrow || this.srcType === EndpointType.Word || this.dstType === EndpointType.Word) return null;
    if (!numericPort(this.line, this.srcStart, this.srcEnd) || !numericPort(this.line, this.dstStart, this.dstEnd)) return null;
    return this.line.slice(this.srcStart, this.dstEnd);
  }
}

/**
 * The flags of an express line, from i to "]": letters tcpdump prints, as
 * the grammar's tcp_flags reads them (".", a word, or "." then a word; a
 * lone P, B or M is a keyword); their bits, or -1.
 */
function expressFlags(s: string, i: number): number {
  let bits = 0;
  let k = i;
  for (let c = s.charCodeAt(k); c !== RBRACK; c = s.charCodeAt(++k)) {
    switch (c) {
      case 83: bits |= FLAG_SYN; break; // S
      case DOT: bits |= FLAG_ACK; break;
      case 82: bits |= FLAG_RST; break; // R
      case 70: bits |= FLAG_FIN; break; // F
      case 80: case 85: case 87: case 69: case 101: break; // P U W E e
      default: return -1;
    }
  }
  const n = k - i;
  if (n === 0) return -1;
  // "." then more: the rest must be a word (a letter first); a lone P is the keyword
  if (s.charCodeAt(i) === DOT && n > 1 && !isWordStart(s.charCodeAt(i + 1))) return -1;
  if (n === 1 && s.charCodeAt(i) === 80) return -1;
  if (n === 2 && s.charCodeAt(i) === DOT && s.charCodeAt(i + 1) === 80) return -1;
  return bits;
}

function flagBits(text: string): number {
  let bits = 0;
  if (text.includes("S")) bits |= FLAG_SYN;
  if (text.includes(".")) bits |= FLAG_ACK;
  if (text.includes("R")) bits |= FLAG_RST;
  if (text.includes("F")) bits |= FLAG_FIN;
  return bits;
}

/** The endpoint ends in ".PORT", decimal digits without a leading zero. */
function numericPort(s: string, start: number, end: number): boolean {
  let i = end - 1;
  while (i > start && isDigit(s.charCodeAt(i))) i--;
  if (s.charCodeAt(i) !== DOT || i === end - 1) return false;
  return s.charCodeAt(i + 1) !== 48 || i + 2 === end;
}

/** Where the digits of a port that ends at `end` begin. */
function portStart(s: string, end: number): number {
  let i = end;
  while (isDigit(s.charCodeAt(i - 1))) i--;
  return i;
}

/** The number whose digits end at `end` (they start after the blank, ":" or "." before them), as Number() reads it. */
function scannedValue(s: string, end: number): number {
  let start = end;
  while (isDigit(s.charCodeAt(start - 1))) start--;
  return end - start <= 15 ? digitsValue(s, start, end) : Number(s.slice(start, end));
}

function digitsValueOrNumber(s: string, i: number, end: number): number {
  return end - i <= 15 ? digitsValue(s, i, end) : Number(s.slice(i, end));
}

/** The end of the ip4 token at i: four groups of 1-3 digits, then an optional ".suffix"; -1 if the lexer reads otherwise. */
function ip4End(s: string, i: number): number {
  let j = i;
  for (let g = 0; g < 4; g++) {
    if (g > 0) {
      if (s.charCodeAt(j) !== DOT) return -1;
      j++;
    }
    const e = skipDigits(s, j);
    if (e === j || e - j > 3) return -1;
    j = e;
  }
  if (s.charCodeAt(j) === DOT && isAlnum(s.charCodeAt(j + 1))) {
    const a = s.charCodeAt(j + 1);
    const b = s.charCodeAt(j + 2);
    // ".xx..." is a redacted port to the lexer
    if ((a === 120 || a === 88) && (b === 120 || b === 88)) return -1;
    j += 2;
    while (isAlnum(s.charCodeAt(j)) || s.charCodeAt(j) === DASH) j++;
  }
  return j;
}

/** The index after the bracket group that opens at i (every bracket inside pairs), or -1. */
function balancedEnd(s: string, i: number): number {
  const stack: number[] = [];
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === LBRACK || c === LBRACE || c === LPAREN) stack.push(c === LBRACK ? RBRACK : c === LBRACE ? RBRACE : RPAREN);
    else if (c === RBRACK || c === RBRACE || c === RPAREN) {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return k + 1;
    }
  }
  return -1;
}

/** As src/tcpdump/build.ts endpoint() splits a token into host and port. */
function endpointRecord(raw: string, type: EndpointType, withPort: boolean | "always"): Endpoint {
  const dot = raw.lastIndexOf(".");
  if (!withPort || dot < 0) return { ip: raw, port: null };
  // an IPv4 address without a port has exactly three dots
  if (type === EndpointType.Ip4 && dotCount(raw) === 3) return { ip: raw, port: null };
  const host = raw.slice(0, dot);
  if (skipDigits(raw, dot + 1) === raw.length && raw.length > dot + 1) return { ip: host, port: Number(raw.slice(dot + 1)) };
  const portText = raw.slice(dot + 1);
  const port = portNumber(portText);
  if (port === null && withPort !== "always") return { ip: raw, port: null };
  return { ip: host, port, service: portText };
}

function dotCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf("."); i >= 0; i = s.indexOf(".", i + 1)) n++;
  return n;
}

const scanner = new TcpdumpScanner();

/**
 * A line in the express lane's shape: a TCP packet line as tcpdump prints it
 * by default. No other tool's lines look like it (test/detect.test.ts shows
 * no other format's proof takes one), so detection counts it for tcpdump alone.
 */
export function isExpressLine(line: string): boolean {
  return scanner.scan(line) && scanner.isExpress;
}

/** The fast path as a function: the grammar's record for the line, or null. */
export function fastTcpdumpLine(line: string): TcpdumpLine | null {
  return scanner.scan(line) ? scanner.record() : null;
}
