# netstat output (Linux net-tools, and the FreeBSD/macOS form), one line at a time.
#
#   Internet rows   Proto Recv-Q Send-Q Local Foreign [State] [User Inode] [PID/Program] [Timer]
#                   tcp  0  1 127.0.0.1:52070  127.0.0.1:12345  SYN_SENT  20760/curl  on (0.00/3/0)
#                   tcp4 0  0 127.0.0.1.12345  *.*              LISTEN          (BSD: host.port)
#                   tcp4 3  0  0 192.168.71.163.ssh  192.168.71.1.64330   (FreeBSD -T: Rexmit OOORcv 0-win)
#                   udp4             *.syslog  *.*                        (FreeBSD -T: UDP has no counters)
#                   fffff80003ac3e00 tcp4 0 0 ...                         (FreeBSD -A: pcb first)
#                   7fb03cb94d505aed cedd0cbf tcp4 0 0 ...                (macOS -A: socket, flowhash)
#   UNIX rows       unix  2  [ ACC ]  STREAM  LISTENING  48563  [PID/Program]  [Path]
#                   fffff80003ab6200 stream 0 0 0 fffff80003ab6100 0 0 [Addr]   (BSD)
#   headers         Active Internet connections (...), Proto Recv-Q ..., Tcpcb Proto ..., Socket Flowhash ...,
#                   Address Type Recv-Q ... (BSD UNIX sockets), Kernel IP routing table, ...
#   anything else   netstat -s statistics, -r routes, -i interfaces, macOS kernel
#                   control/event sockets: classified by src/sockets/netstat-build.ts
#
# The columns after the two addresses (state, user, inode, program, timer)
# are read from the rest of the line once the parse is done: a program name
# may hold blanks, and which columns there are depends on the options.
#
# Reference: netstat(8) and the outputs in ../shared/corpus/local/netstat.

@preprocessor typescript

@{%
import moo from "moo";
import * as b from "../sockets/netstat-build.js";

const mooLexer = moo.compile({
  ws: /[ \t]+/,
  inetproto: /(?:tcp|udp|udpl|raw|sctp|icmp|icm|div)(?:4|6|46)?(?=[ \t])/,
  unixproto: /unix(?=[ \t])/,
  number: /\d+(?=[ \t]|$)/,
  pcb: /(?=[0-9a-f]*[a-f])[0-9a-f]{8,16}(?=[ \t]|$)/,
  flagsopen: /\[(?=[ \t])/,
  flagsclose: /\](?=[ \t]|$)/,
  word: /[^\s]+/,
  other: /[^\s]/,
});

// moo's has() answers true for every name; answer for the real types only,
// so that %anyToken resolves to the test below.
const tokenTypes = new Set(["ws", "inetproto", "unixproto", "number", "pcb", "flagsopen", "flagsclose", "word", "other"]);
mooLexer.has = (type: string) => tokenTypes.has(type);
const lexer = mooLexer;
b.readsLineFrom(mooLexer);
const anyToken = { test: () => true };
const hex = { test: (t: { value: string }) => /^[0-9a-f]{1,8}$/.test(t.value) };
%}

@lexer lexer

line ->
    _ inet_row                                    {% (d) => d[1] %}
  | _ %pcb __ inet_row                            {% (d) => d[3] %}
  | _ %pcb __ flowhash __ inet_row                {% (d) => d[5] %}
  | _ %unixproto __ %number __ unix_flags tail    {% (d) => b.unixRow(d[1], d[3], d[5], d[6]) %}
  | _ %pcb __ bsd_unix_type __ %number __ %number __ bsd_ref __ bsd_ref __ bsd_ref __ bsd_ref tail
                                                  {% (d) => b.bsdUnixRow(d[3], d[5], d[7], d[9], d[11], d[13], d[15], d[16]) %}
  | "Proto" rest                                  {% (d) => b.header(d, true) %}
  | "Active" rest                                 {% (d) => b.header(d, false) %}
  | bsd_header rest                               {% (d) => b.header(d, true) %}
  | rest1                                         {% (d, _, reject) => b.other(d[0], reject) %}

# The counters between Proto and the addresses: Recv-Q Send-Q, FreeBSD -T's
# Rexmit OOORcv 0-win, or none (-T prints no counters for UDP).
inet_row ->
    %inetproto __ %number __ %number __ %word __ %word tail
                                                  {% (d) => b.inetRow(d[0], [d[2], d[4]], d[6], d[8], d[9]) %}
  | %inetproto __ %number __ %number __ %number __ %word __ %word tail
                                                  {% (d) => b.inetRow(d[0], [d[2], d[4], d[6]], d[8], d[10], d[11]) %}
  | %inetproto __ %word __ %word tail             {% (d, _, reject) => b.uncountedRow(d[0], d[2], d[4], d[5], reject) %}

# macOS -A: the flow hash, in hex without leading zeros (0, e03584, cedd0cbf)
flowhash -> %hex {% id %}

# BSD UNIX socket rows: Type (seqpac is seqpacket cut to six), then Inode Conn
# Refs Nextref as kernel addresses or 0, then the path when bound.
bsd_unix_type -> "stream" {% id %} | "dgram" {% id %} | "seqpac" {% id %} | "seqpacket" {% id %}
bsd_ref -> %pcb {% id %} | %number {% id %}

# BSD column headers that start with a column other than Proto.
bsd_header -> "Tcpcb" {% id %} | "Socket" {% id %} | "Address" {% id %} | "Proto/ID" {% id %}

unix_flags -> %flagsopen flag_words _ %flagsclose                {% (d) => b.flags(d[1]) %}
flag_words -> null {% () => null %} | flag_words __ %word {% (d) => [d[2], d[0]] %}

# What follows the last fixed column: nothing, blanks, or blanks and text.
tail -> _ {% () => b.emptySpan() %} | __ rest1 {% (d) => d[1] %}

rest -> null {% () => b.emptySpan() %} | rest1 {% id %}
rest1 -> any_token {% (d) => b.span(d[0]) %} | rest1 any_token {% (d) => b.extend(d[0], d[1]) %}
any_token -> %anyToken {% id %}

_ -> null | %ws
__ -> %ws
