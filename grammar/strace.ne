# strace output, one line at a time.
#
# A line is: an optional pid prefix ("[pid  123] " on stderr with -f, "123 "
# with -f -o), an optional timestamp (-t, -tt, -ttt, -r), then one of:
#   a syscall         name(args) = ret [ERRNO (text)] [(detail)] [<duration>]
#   its first half    name(args <unfinished ...>
#   its second half   <... name resumed>args) = ret ...
#   a signal          --- SIGINT {si_signo=SIGINT, ...} ---
#   an exit           +++ exited with 1 +++ / +++ killed by SIGINT +++
#   strace's own line strace: Process 123 attached
#   a -k stack frame   > /lib/libc.so.6(connect+0x14) [0x11e3a4]
# and, without prefix or timestamp, what the traced program printed itself.
#
# Arguments are parsed as balanced values: strings with escapes and "..."
# truncation, {structs}, [arrays], calls like htons(80), flags A|B, /* comments */
# and -y/-yy fd decorations 3<TCP:[1.2.3.4:5->6.7.8.9:80]>. src/strace/ reads
# the values of the network calls from that tree.
#
# Reference: strace(1) and the output of strace 6.1 in ../shared/corpus/strace.

@preprocessor typescript

@{%
import moo from "moo";
import * as b from "../strace/build.js";

const mooLexer = moo.compile({
  bracketpid: /^\[pid +\d+\] ?/,
  pidnum: /^\d+ +(?=\S)/,
  leadws: /^ +/,
  ws: /[ \t]+/,
  duration: /<\d+\.\d+>/,
  unfinished: /<unfinished \.\.\.>/,
  resumed: /<\.\.\. [\w]+ resumed>/,
  unavailable: /<unavailable>/,
  decor: /<(?:->|<[^<>]*>|[^<>])*>/,
  string: /"(?:[^"\\]|\\.)*"(?:\.\.\.)?/,
  comment: /\/\*.*?\*\//,
  clock: /\d{2}:\d{2}:\d{2}(?:\.\d+)?/,
  decimal: /\d+\.\d+/,
  hex: /0x[0-9a-fA-F]+/,
  number: /\d+/,
  rule: /^-{6}(?: +-+)+ *$/,
  dashes: "---",
  pluses: "+++",
  ellipsis: "...",
  ident: /[A-Za-z_][\w]*/,
  punct: /[(){}\[\],=|&~*:<>+\-\/.!?@#$%^;'`\\]/,
  other: /[^\s]/,
});

// moo's has() answers true for every name; answer for the real types only,
// so that %anyToken resolves to the test below.
const tokenTypes = new Set([
  "bracketpid", "pidnum", "leadws", "rule", "ws", "duration", "unfinished", "resumed", "unavailable",
  "decor", "string", "comment", "clock", "decimal", "hex", "number", "dashes", "pluses",
  "ellipsis", "ident", "punct", "other",
]);
mooLexer.has = (type: string) => tokenTypes.has(type);
const lexer = mooLexer;
b.readsLineFrom(mooLexer);
const anyToken = { test: () => true };
%}

@lexer lexer

line ->
    prefix stamp event _                          {% (d) => b.line(d[0], d[1], d[2]) %}
  | %leadws ">" __ rest                           {% (d) => b.stackFrame(d) %}
  # The end of a call whose line was cut by another process's output or by
  # strace's own "Process N attached": ") = 11 <0.000014>", ", arg) = 0",
  # " <unfinished ...>".
  | ")" _ "=" _ result _                          {% (d) => b.tail([b.EMPTY_RUN], d[4]) %}
  | "," args ")" _ "=" _ result _                 {% (d) => b.tail(d[1], d[6]) %}
  | %leadws %unfinished _                         {% () => b.unfinishedMarker() %}
  # strace -c: the summary table
  | "%" __ "time" rest                            {% (d) => b.summary(d) %}
  | %rule                                         {% (d) => b.summary(d) %}
  | summary_row                                   {% (d) => b.summary(d) %}
  | rest1                                         {% (d, _, reject) => b.programOutput(d[0], reject) %}

prefix ->
    null                                          {% () => null %}
  | %pidnum                                       {% (d) => b.pid(d[0]) %}
  | %bracketpid                                   {% (d) => b.pid(d[0]) %}

stamp ->
    null                                          {% () => null %}
  | %clock __                                     {% (d) => b.stamp("clock", d[0]) %}
  | %decimal __                                   {% (d) => b.stamp("decimal", d[0]) %}
  | %leadws %decimal __                           {% (d) => b.stamp("decimal", d[1]) %}

event ->
    %ident "(" args ")" _ "=" _ result            {% (d) => b.syscall(d[0], d[2], d[7]) %}
  | %ident "(" args %unfinished                   {% (d) => b.unfinished(d[0], d[2]) %}
  # a call cut at the end of the line (its end follows on a later line)
  | %ident "(" args                               {% (d, _, reject) => b.cut(d[0], d[2], reject) %}
  | %ident "(" args "strace" ":" rest             {% (d) => b.splicedMessage(d[0], d[2], d.slice(3)) %}
  | %resumed args ")" _ "=" _ result              {% (d) => b.resumed(d[0], d[1], d[6]) %}
  | %dashes __ balanced_text __ %dashes           {% (d) => b.signal(d[2]) %}
  | %pluses __ "exited" __ "with" __ %number __ %pluses
                                                  {% (d) => b.exit("exited", d[6]) %}
  | %pluses __ "killed" __ "by" __ %ident killed_note __ %pluses
                                                  {% (d) => b.exit("killed", d[6]) %}
  | "strace" ":" rest                             {% (d) => b.straceMessage(d) %}

summary_row -> summary_lead %decimal __ %decimal __ %number __ %number summary_errors __ %ident _
summary_lead -> null | %leadws
summary_errors -> null | __ %number

killed_note -> null | __ "(" "core" __ "dumped" ")"

# The return value and what strace adds after it.
result -> return_value result_notes duration      {% (d) => b.result(d[0], d[1], d[2]) %}

return_value ->
    %number                                       {% (d) => b.retNumber(d[0], false) %}
  | "-" %number                                   {% (d) => b.retNumber(d[1], true) %}
  | %hex                                          {% (d) => b.retHex(d[0]) %}
  | %number %decor                                {% (d) => b.retNumber(d[0], false, d[1]) %}
  | "?"                                           {% () => b.retUnknown() %}

result_notes -> null {% () => [] %} | result_notes __ result_note {% (d) => [...d[0], d[2]] %}

result_note ->
    %ident                                        {% (d) => b.note("errno", d[0]) %}
  | "(" balanced_text ")"                         {% (d) => b.note("detail", d) %}
  | %unavailable                                  {% (d) => b.note("unavailable", d[0]) %}

duration -> null {% () => null %} | __ %duration {% (d) => b.duration(d[1]) %}

# --- arguments: comma-separated balanced values ----------------------------------

# A value is a Run (build.ts): nearley extends it at every token, so it is
# extended in O(1) and never copied; Earley shares a run between the states
# that extend it, so runs are never changed in place. (Arguments, a few per
# call, are a list, copied.)
args -> value {% (d) => [d[0]] %} | args "," value {% (d) => [...d[0], d[2]] %}

value -> null {% () => b.EMPTY_RUN %} | value piece {% (d) => b.more(d[0], d[1]) %}

piece ->
    flat_token                                    {% id %}
  | "(" inner ")"                                 {% (d) => b.group(d[0], d[1], d[2]) %}
  | "[" inner "]"                                 {% (d) => b.group(d[0], d[1], d[2]) %}
  | "{" inner "}"                                 {% (d) => b.group(d[0], d[1], d[2]) %}

# Inside a group commas are items separators, kept as tokens.
inner -> null {% () => b.EMPTY_RUN %} | inner inner_piece {% (d) => b.more(d[0], d[1]) %}
inner_piece -> piece {% id %} | "," {% id %}

flat_token -> %ident {% id %} | %number {% id %} | %hex {% id %} | %decimal {% id %} | %string {% id %}
            | %comment {% id %} | %decor {% id %} | %ws {% id %} | %ellipsis {% id %} | %clock {% id %}
            | %other {% id %}
            | "=" {% id %} | "|" {% id %} | "&" {% id %} | "~" {% id %} | "*" {% id %} | ":" {% id %}
            | "<" {% id %} | ">" {% id %} | "+" {% id %} | "-" {% id %} | "/" {% id %} | "." {% id %}
            | "!" {% id %} | "?" {% id %} | "@" {% id %} | "#" {% id %} | "$" {% id %} | "%" {% id %}
            | "^" {% id %} | ";" {% id %} | "'" {% id %} | "`" {% id %} | "\\" {% id %}

# Text with balanced brackets (signal bodies, result details).
balanced_text -> inner {% id %}

# The rest of the line, any tokens (rest1: at least one), kept as a span.
rest -> null {% () => b.emptySpan() %} | rest1 {% id %}
rest1 -> any_token {% (d) => b.span(d[0]) %} | rest1 any_token {% (d) => b.extend(d[0], d[1]) %}
any_token -> %anyToken {% id %}

_ -> null | %ws
__ -> %ws
