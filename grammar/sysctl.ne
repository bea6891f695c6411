# sysctl output and the other ways kernel settings get printed.
#
#   settings   net.ipv4.tcp_syn_retries = 5          (sysctl KEY, sysctl -a, sysctl -w KEY=V)
#              net.ipv4.tcp_syn_retries=5            (/etc/sysctl.conf, sysctl.d)
#              /proc/sys/net/ipv4/tcp_syn_retries:5  (grep . /proc/sys/...)
#   values     5    4096 131072 6291456              (sysctl -n KEY, cat /proc/sys/...: the key is
#                                                      the command's, see src/transcript/command.ts)
#   messages   sysctl: cannot stat /proc/sys/net/ipv4/tcp_syn_linear_timeouts: No such file or directory
#              sysctl: permission denied on key "net.ipv4.tcp_syn_retries"
#              cat: /proc/sys/net/ipv4/tcp_syn_linear_timeouts: No such file or directory

@preprocessor typescript

@{%
import moo from "moo";
import * as b from "../settings/build.js";

const mooLexer = moo.compile({
  ws: /[ \t]+/,
  key: /[a-z][a-z0-9_-]*(?:[./][a-zA-Z0-9_-]+)+(?=[ \t]*=)/,
  procpath: /\/proc\/sys\/[A-Za-z0-9_./-]+(?=:)/,
  eq: "=",
  colon: ":",
  value: /-?\d+/,
  word: /[^\s=:]+/,
});

const tokenTypes = new Set(["ws", "key", "procpath", "eq", "colon", "value", "word"]);
mooLexer.has = (type: string) => tokenTypes.has(type);
const lexer = mooLexer;
b.readsLineFrom(mooLexer);
const anyToken = { test: () => true };
const wordToken = { test: (t: { type: string }) => t.type !== "ws" };
%}

@lexer lexer

line ->
    _ %key _ %eq _                       {% (d) => b.setting(d[1].text, b.emptySpan()) %}
  | _ %key _ %eq _ rest1                 {% (d) => b.setting(d[1].text, d[5]) %}
  | _ %procpath %colon rest              {% (d) => b.setting(b.keyOfPath(d[1].text), d[3]) %}
  | _ values _                           {% (d) => b.value(d[1]) %}
  | _ "sysctl" %colon __ rest1           {% (d) => b.message(d[4]) %}
  | _ "cat" %colon __ rest1              {% (d) => b.message(d[4]) %}

values -> %value {% (d) => [d[0]] %} | values __ %value {% (d) => [...d[0], d[2]] %}

rest -> null {% () => b.emptySpan() %} | rest1 {% id %}
# a run of tokens that starts with a word (the blanks before it belong to _)
rest1 -> %wordToken {% (d) => b.span(d[0]) %} | rest1 any_token {% (d) => b.extend(d[0], d[1]) %}
any_token -> %anyToken {% id %}

_ -> null | %ws
__ -> %ws
