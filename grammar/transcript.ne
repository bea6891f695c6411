# The lines of a pasted terminal session that are neither tool output nor
# prose: shell prompts with their command, what `time` prints, what clients
# say about a connect, Ctrl+C, and elisions.
#
#   prompts       $ cmd   # cmd   % cmd   user@host:~$ cmd   [root@host ~]# cmd   $ (alone)
#                 user@host:~/src (main)$ cmd   (venv) user@host:~$ cmd   user@Mac ~ % cmd
#                 Mac:~ user$ cmd   bash-5.1$ cmd
#   time          real 1m3.005s   user 0m0.001s   sys 0m0.002s   (bash; x for redacted digits)
#                 telnet 127.0.0.1 12345  0.00s user 0.00s system 0% cpu 1:03.02 total   (zsh)
#   clients       Trying 127.0.0.1...   telnet: connect to address 127.0.0.1: Connection timed out
#                 Connected to localhost.   telnet: Unable to connect to remote host: Connection refused
#                 curl: (7) Failed to connect to 127.0.0.1 port 12345 after 0 ms: Connection refused
#                 nc: connect to 127.0.0.1 port 12345 (tcp) failed: Connection refused
#                 Connection to 127.0.0.1 12345 port [tcp/*] succeeded!
#                 ConnectionRefusedError: [Errno 111] Connection refused   TimeoutError: ...
#                 ssh: connect to host 127.0.0.1 port 22: Connection timed out
#                 Connecting to 127.0.0.1:8081... failed: Connection refused.   (wget)
#   interrupts    ^C
#   jobs          [1] 4242   [1]+  Done   sudo tcpdump -nn -i lo port 12345
#   elisions      ...   (alone on a line)
#
# A `# ` prompt is told from a comment by the command after it: only a
# command this tool knows, or a shell's usual ones, make it a prompt.
# What the command is (tcpdump, strace, sysctl, telnet, ...) is read from
# the command text by src/transcript/command.ts.

@preprocessor typescript

@{%
import moo from "moo";
import * as b from "../transcript/build.js";

const mooLexer = moo.compile({
  ws: /[ \t]+/,
  // [root@host ~]#   user@host:~/src (main)$   (venv) user@host:~$   user@Mac ~ %
  // Mac:~ user$   bash-5.1$   and the bare $, # and %
  prompt: /(?:\([\w.-]+\)[ \t]?)?(?:\[[^\]\n]*\][$#%]|[\w.-]+@[\w.-]+(?::[^\s$#%]*)?(?:[ \t][~\/][^\s$#%]*)?(?:[ \t]\([^)\s]*\))?[ \t]?[$#%]|[\w.-]+:[~\/][^\s$#%]*[ \t][\w.-]+[$#]|(?:bash|sh|zsh|ksh|dash)-\d+(?:\.\d+)*[$#]|[$%#])(?=[ \t]|$)/,
  interrupt: /\^C/,
  word: /[^\s]+/,
});

const tokenTypes = new Set(["ws", "prompt", "interrupt", "word"]);
mooLexer.has = (type: string) => tokenTypes.has(type);
const lexer = mooLexer;
b.readsLineFrom(mooLexer);
const anyToken = { test: () => true };
const clientWord = { test: (t: { value: string }) => b.CLIENT_PREFIXES.has(t.value) };
const exceptionWord = { test: (t: { value: string }) => b.isExceptionName(t.value) };
const duration = { test: (t: { value: string }) => b.isBashDuration(t.value) };
const elision = { test: (t: { value: string }) => /^(?:\.\.\.|…)$/.test(t.value) };
// the shell's job control: "[1] 4242", "[1]+  Done  tcpdump -nn ..."
const job = { test: (t: { value: string }) => /^\[\d+\][+-]?$/.test(t.value) };
%}

@lexer lexer

line ->
    _ %prompt _                                    {% (d, _, reject) => b.prompt(d[1], null, reject) %}
  | _ %prompt __ rest1                             {% (d, _, reject) => b.prompt(d[1], d[3], reject) %}
  | _ time_word __ %duration _                     {% (d) => b.time(d[1], d[3]) %}
  | rest1 __ zsh_time                              {% (d) => b.zshTime(d[0], d[2]) %}
  | _ %clientWord __ rest1                         {% (d) => b.client(d[1], d[3]) %}
  | _ "Trying" __ %word _                          {% (d) => b.trying(d[3]) %}
  | _ "Connected" __ "to" __ %word _               {% (d) => b.connected(d[5]) %}
  | _ "Connection" __ "to" __ %word __ %word __ "port" __ rest1
                                                   {% (d) => b.ncSucceeded(d[5], d[7], d[11]) %}
  | _ "Escape" __ "character" __ "is" __ rest1     {% (d) => b.telnetEscape(d[7]) %}
  | _ "Connecting" __ "to" __ rest1                {% (d) => b.wgetConnecting(d[5]) %}
  | _ %exceptionWord _                             {% (d) => b.exception(d[1], null) %}
  | _ %exceptionWord __ rest1                      {% (d) => b.exception(d[1], d[3]) %}
  | _ %interrupt _                                 {% () => b.interrupt() %}
  | _ %job __ rest1                                {% () => b.job() %}
  | _ %elision _                                   {% () => b.elision() %}

time_word -> "real" {% id %} | "user" {% id %} | "sys" {% id %}

# zsh's `time`: ... 0.00s user 0.00s system 0% cpu 1:03.02 total
zsh_time -> %word __ "user" __ %word __ "system" __ %word __ "cpu" __ %word __ "total" _
                                                   {% (d) => d[12] %}

rest1 -> any_token {% (d) => b.span(d[0]) %} | rest1 any_token {% (d) => b.extend(d[0], d[1]) %}
any_token -> %anyToken {% id %}

_ -> null | %ws
__ -> %ws
