# ss output (iproute2), one line at a time.
#
#   socket rows     [Netid] [State] Recv-Q Send-Q Local:Port Peer:Port [Process and options]
#                   tcp ESTAB 0 0 127.0.0.1:51276 127.0.0.1:7000 users:(("curl",pid=5,fd=3)) timer:(on,200ms,0) ino:0 sk:1
#   UNIX rows       u_str ESTAB 0 0 @corpus-ux 48565 * 48564 users:(...)   (path and inode are two columns)
#   -i/-m lines     a tab, then tcp_info / skmem key:value pairs
#   headers         Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
#   anything else   ss -s summary, ss's own messages ("Failed to find cgroup2 mount")
#
# The options after the addresses (users:, timer:, ino:, sk:, cgroup:, uid:)
# are read from the rest of the line once the parse is done.
#
# Reference: ss(8) and the outputs in ../shared/corpus/local/ss.

@preprocessor typescript

@{%
import moo from "moo";
import * as b from "../sockets/ss-build.js";

const mooLexer = moo.compile({
  tab: /^\t/,
  ws: /[ \t]+/,
  unixnetid: /u_(?:str|dgr|seq)(?=[ \t])/,
  netid: /(?:tcp|udp|raw|nl|p_raw|p_dgr|mptcp|sctp|dccp|tipc|xdp|v_str|v_dgr|icmp6|icmp)(?=[ \t])/,
  state: /(?:ESTAB|SYN-SENT|SYN-RECV|FIN-WAIT-1|FIN-WAIT-2|TIME-WAIT|UNCONN|CLOSE-WAIT|LAST-ACK|LISTEN|CLOSING|CLOSED|CLOSE|NEW-SYN-RECV|BOUND|UNKNOWN)(?=[ \t])/,
  number: /\d+(?=[ \t]|$)/,
  word: /[^\s]+/,
});

// moo's has() answers true for every name; answer for the real types only,
// so that %anyToken resolves to the test below.
const tokenTypes = new Set(["tab", "ws", "unixnetid", "netid", "state", "number", "word"]);
mooLexer.has = (type: string) => tokenTypes.has(type);
const lexer = mooLexer;
b.readsLineFrom(mooLexer);
const anyToken = { test: () => true };
%}

@lexer lexer

line ->
    netid state %number __ %number __ address __ address tail
                                                  {% (d) => b.row(d[0], d[1], d[2], d[4], d[6], d[8], d[9]) %}
  | %unixnetid __ state %number __ %number __ address __ %number __ address __ %number tail
                                                  {% (d) => b.unixRow(d[0], d[2], d[3], d[5], d[7], d[9], d[11], d[13], d[14]) %}
  | %tab rest                                     {% (d) => b.tcpInfo(d[1]) %}
  | "Netid" rest                                  {% (d) => b.header(d) %}
  | "State" rest                                  {% (d) => b.header(d) %}
  | "Recv-Q" rest                                 {% (d) => b.header(d) %}
  | rest1                                         {% (d, _, reject) => b.other(d[0], reject) %}

netid -> null {% () => null %} | %netid __ {% (d) => d[0] %}
state -> null {% () => null %} | %state __ {% (d) => d[0] %}

# "Local Address:Port" as one column; a number alone is a unix inode or a
# netlink "0:0" split by nothing, so any word will do.
address -> %word {% id %} | %number {% id %}

# What follows the last fixed column: nothing, blanks, or blanks and text.
tail -> _ {% () => b.emptySpan() %} | __ rest1 {% (d) => d[1] %}

rest -> null {% () => b.emptySpan() %} | rest1 {% id %}
rest1 -> any_token {% (d) => b.span(d[0]) %} | rest1 any_token {% (d) => b.extend(d[0], d[1]) %}
any_token -> %anyToken {% id %}

_ -> null | %ws
__ -> %ws
