// The tokens of tcpdump's text output: the moo lexer behind grammar/tcpdump.ne.
// The fast path (./fast.ts) reads the same rules, in the same order, where it
// must tell which token a run of characters is.
import moo from "moo";

const H = "[0-9a-fA-F]{1,4}";

/** The rules, in moo's order: at each position the first rule that matches wins. */
export const TOKEN_RULES = {
  // Line-start tokens: "-#" packet numbers ("%5u  "), the single space that
  // -ttt/-ttttt put before a relative time, and the indentation of
  // continuation lines (a tab, or two or more spaces).
  pktnum: /^ *\d+  /,
  lead: /^ (?=\d)/,
  indent: /^(?:\t| {2,})/,
  ws: /[ \t]+/,
  mac: /[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}(?![0-9a-fA-F:])/,
  ip6: new RegExp(`(?:(?:${H}:){7}${H}|(?:${H}(?::${H}){0,6})?::(?:${H}(?::${H}){0,6})?)(?:\\.[A-Za-z0-9][A-Za-z0-9-]*)?`),
  date: /\d{4}-\d{2}-\d{2}(?= )/,
  clock: /\d{2,}:\d{2}:\d{2}(?:\.\d+)?/,
  // Addresses people redacted before pasting: x.x.x.x, 10.0.0.X, an
  // address or name with <port>/xxxxx for the port (never printed by tcpdump)
  redacted: /(?:(?=(?:\d{1,3}\.){0,3}(?:[xX]{1,3}|\*)(?![\w-]))(?:\d{1,3}|[xX]{1,3}|\*)(?:\.(?:\d{1,3}|[xX]{1,3}|\*)){3}(?:\.(?:\d+|[xX]+|<[\w -]+>|[A-Za-z][\w-]*))?|(?:\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\.(?:<[\w -]+>|[xX]{2,}(?![\w-])))/,
  ip4: /\d{1,3}(?:\.\d{1,3}){3}(?:\.[A-Za-z0-9][A-Za-z0-9-]*)?/,
  decimal: /\d+\.\d+/,
  hex: /0x[0-9a-fA-F]+/,
  number: /\d+/,
  word: /[A-Za-z_][\w.\-]*/,
  ellipsis: "...",
  punct: /[><,:\[\](){}\/=?+*#|"'!@$%&;~`^\\.-]/,
  other: /[^\s]/,
} as const;

/** Words the grammar names; the lexer gives them the type "kw". */
export const KEYWORDS: readonly string[] = [
  "IP", "IP6", "Flags", "tcp", "udp", "ICMP", "ICMP6", "port", "unreachable",
  "net", "host", "protocol", "seq", "ack", "win", "urg", "options", "length",
  "cksum", "In", "Out", "B", "M", "P", "ethertype", "ifindex", "listening",
  "reading", "packets", "packet", "tcpdump", "destination", "route",
  "prohibited", "address",
];

export type TokenType = keyof typeof TOKEN_RULES | "kw";

const mooLexer = moo.compile({
  ...TOKEN_RULES,
  word: { match: TOKEN_RULES.word, type: moo.keywords({ kw: [...KEYWORDS] }) },
});

// moo's has() answers true for every name, which would make nearley treat
// %anyToken as a token type; answer for the real types only, so %anyToken
// resolves to the grammar's test (any token at all).
const tokenTypes = new Set<string>([...Object.keys(TOKEN_RULES), "kw"]);
mooLexer.has = (type: string) => tokenTypes.has(type);

export const lexer = mooLexer;
