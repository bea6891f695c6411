# `iptables -L` / `ip6tables -L` listings, one line at a time, with any of
# -n, -v, -x, --line-numbers, -t TABLE:
#
#   Chain INPUT (policy ACCEPT 0 packets, 0 bytes)      chain header (-v adds counters)
#   Chain CORPUS_LOG_DROP (1 references)                user chain header
#   num   pkts bytes target  prot opt in  out  source  destination     column header
#   1       28  1680 DROP    6    --  lo  *    0.0.0.0/0  0.0.0.0/0  tcp dpt:12345
#   DROP       tcp  --  anywhere  127.0.0.1  tcp dpt:12345               without -v/--line-numbers
#   # Warning: iptables-legacy tables present, use iptables-legacy to see them
#
# Counters take K/M/G suffixes unless -x; the target can be blank; prot is a
# name, or a number with iptables 1.8.9 -n; the match text after the
# addresses is kept as printed and decoded by src/firewall/.
#
# Reference: iptables(8), iptables-extensions(8), ../shared/corpus/local/iptables*.

@preprocessor typescript

@{%
import moo from "moo";
import * as b from "../firewall/build.js";

const mooLexer = moo.compile({
  ws: /[ \t]+/,
  counter: /\d+[KMGTP](?=[ \t]|$)/,
  number: /\d+(?=[ \t]|$)/,
  opt: /(?:--|-f|!f)(?=[ \t])/,
  word: /[^\s]+/,
});

const tokenTypes = new Set(["ws", "counter", "number", "opt", "word"]);
mooLexer.has = (type: string) => tokenTypes.has(type);
const lexer = mooLexer;
b.readsLineFrom(mooLexer);
const anyToken = { test: () => true };
%}

@lexer lexer

line ->
    "Chain" __ %word __ rest1                                   {% (d) => b.chain(d[2], d[4]) %}
  | _ "num" rest                                                {% (d) => b.columns(d) %}
  | _ "pkts" rest                                               {% (d) => b.columns(d) %}
  | _ "target" rest                                             {% (d) => b.columns(d) %}
  | "#" rest                                                    {% (d) => b.warning(d) %}
  | _ num target prot __ opt address __ address options         {% (d, _, reject) => b.rule(d[1], null, d[2], d[3], d[5], null, d[6], d[8], d[9], reject) %}
  | _ num counters target prot __ opt iface __ iface __ address __ address options
                                                                {% (d, _, reject) => b.rule(d[1], d[2], d[3], d[4], d[6], [d[7], d[9]], d[11], d[13], d[14], reject) %}

# The opt column ("--", "-f"; ip6tables 1.8.9 prints "--" too).
opt -> %opt __ {% (d) => d[0] %}

num -> null {% () => null %} | %number __ {% (d) => d[0] %}
counters -> count __ count __ {% (d) => [d[0], d[2]] %}
count -> %number {% id %} | %counter {% id %}

# The target column may be blank; a target is never a number, "--" or a protocol number.
target -> null {% () => null %} | %word __ {% (d) => d[0] %}
prot -> %word {% id %} | %number {% id %}
iface -> %word {% id %}
address -> %word {% id %}

options -> _ {% () => null %} | __ rest1 {% (d) => d[1] %}

rest -> null {% () => b.emptySpan() %} | rest1 {% id %}
rest1 -> any_token {% (d) => b.span(d[0]) %} | rest1 any_token {% (d) => b.extend(d[0], d[1]) %}
any_token -> %anyToken {% id %}

_ -> null | %ws
__ -> %ws
