# `nft list ruleset` (with or without -a), one line at a time:
#
#   table ip filter { # handle 1          a table opens
#   chain INPUT { # handle 4              a chain opens
#   type filter hook input priority filter; policy accept;    a base chain's hook
#   tcp dport 12345 counter packets 28 bytes 1680 drop # handle 5    a rule
#   }                                      a chain or table closes
#   # Warning: table ip filter is managed by iptables-nft, do not touch!
#
# A rule is kept as words (quoted strings and { sets } whole) and decoded by
# src/firewall/nft-rule.ts.
#
# Reference: nft(8), ../shared/corpus/local/nft.

@preprocessor typescript

@{%
import moo from "moo";
import * as b from "../firewall/nft-build.js";

const mooLexer = moo.compile({
  ws: /[ \t]+/,
  handle: /# handle \d+/,
  comment: /#.*/,
  string: /"(?:[^"\\]|\\.)*"/,
  set: /\{[^{}]*\}(?=[ \t]|$)/,
  open: "{",
  close: "}",
  word: /[^\s{}"#]+/,
});
%}

@lexer mooLexer

line ->
    _ %comment                                    {% () => b.comment() %}
  | _ "table" __ %word __ %word __ "{" handle     {% (d) => b.table(d[3], d[5]) %}
  | _ "chain" __ %word __ "{" handle              {% (d) => b.chain(d[3]) %}
  | _ "}" _                                       {% () => b.close() %}
  | _ "type" __ words _                           {% (d) => b.hook(d[3]) %}
  | _ rule_words handle                           {% (d, _, reject) => b.rule(d[1], d[2], reject) %}

handle -> _ {% () => null %} | __ %handle _ {% (d) => d[1] %}

words -> %word {% (d) => [d[0]] %} | words __ %word {% (d) => [...d[0], d[2]] %}
rule_words -> rule_word {% (d) => [d[0]] %} | rule_words __ rule_word {% (d) => [...d[0], d[2]] %}
rule_word -> %word {% id %} | %string {% id %} | %set {% id %}

_ -> null | %ws
__ -> %ws
