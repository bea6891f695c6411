# tcpdump text output, one line at a time.
#
# This grammar is the definition of what tcpdump prints around TCP: the packet
# line (any timestamp mode, -#, -i any interface/direction, -e link header,
# -v/-vv IP header), TCP segments (flags, seq, ack, win, urg, options, length,
# application text), quiet mode (-q "tcp N"), ICMP/ICMP6 unreachable messages,
# other traffic (kept as text), continuation lines of -v decodes and hex dumps,
# and tcpdump's own banner and trailer lines.
#
# References: tcpdump(1) "Output Format" and print-tcp.c / print-icmp.c /
# print-icmp6.c of the-tcpdump-group/tcpdump (4.99.x).
#
# Where an alternative is "anything else" (other traffic, decode text) the
# postprocessor rejects the token runs that a more specific alternative owns,
# so that every line has exactly one parse (test/grammar-ambiguity.test.ts).

@preprocessor typescript

@{%
import { lexer } from "../tcpdump/lexer.js";
import * as b from "../tcpdump/build.js";

b.readsLineFrom(lexer);
const anyToken = { test: () => true };
%}

@lexer lexer

line ->
    packet_line                                  {% id %}
  | "[" "|" rest1                                {% (d) => b.truncation(d) %}
  | %indent continuation                         {% (d) => b.continuation(d[1]) %}
  # a whole packet line pasted with an indent (markdown, mail): it has a timestamp
  | %indent packet_line                           {% (d, _, reject) => b.indentedPacket(d[1], reject) %}
  | banner                                       {% id %}

# --- tcpdump's own lines (stderr banner and trailer, read-file banner) -------

banner ->
    "tcpdump" ":" rest                           {% (d) => b.banner("message", d) %}
  | "listening" _ "on" rest                      {% (d) => b.banner("listening", d) %}
  | "reading" _ "from" rest                      {% (d) => b.banner("reading", d) %}
  | %number __ packets rest                      {% (d) => b.counter(d) %}

packets -> "packets" {% id %} | "packet" {% id %}

# --- a packet line ----------------------------------------------------------

packet_line ->
    prefix stamp link network                    {% (d) => b.packet(d[0], d[1], d[2], d[3]) %}
  | prefix stamp link rest1                      {% (d, _, reject) => b.otherPacket(d[0], d[1], d[2], d[3], reject) %}
  # -e with nothing decoded after the link header ("ethertype Unknown (0x3030), length 60: ")
  | prefix stamp link                            {% (d, _, reject) => b.linkOnly(d[0], d[1], d[2], reject) %}

prefix ->
    null                                         {% () => null %}
  | %pktnum                                      {% (d) => b.pktnum(d[0]) %}
  | %pktnum __                                   {% (d) => b.pktnum(d[0], true) %}
  | %lead                                        {% () => b.lead() %}

stamp ->
    null                                         {% () => null %}
  | %clock __                                    {% (d) => b.stamp("clock", d[0]) %}
  | %decimal __                                  {% (d) => b.stamp("epoch", d[0]) %}
  | %date __ %clock __                           {% (d) => b.stamp("date", d[0], d[2]) %}

# -i any (LINUX_SLL2): "lo    In  IP ...", "eth0  Out IP ..."; -e adds the
# link-level header before the network protocol.
link ->
    null                                         {% () => null %}
  | iface                                        {% id %}
  | iface ether                                  {% (d) => b.link(d[0], d[1]) %}
  | ether                                        {% (d) => b.link(null, d[0]) %}

iface -> %word __ direction __                   {% (d) => b.iface(d[0], d[2]) %}
       | %word __ direction __ "ifindex" __ %number __  {% (d) => b.iface(d[0], d[2]) %}

direction -> "In" {% id %} | "Out" {% id %} | "B" {% id %} | "M" {% id %} | "P" {% id %}

ether -> mac __ ">" __ mac "," __ "ethertype" __ ethertype "," __ "length" __ %number ":" __
                                                 {% (d) => b.etherText(d) %}
       | mac __ ">" __ mac "," __ "ethertype" __ ethertype "," __ "length" __ %number ":" __ vlan
                                                 {% (d) => b.etherText(d) %}
       | mac __ "ethertype" __ ethertype "," __ "length" __ %number ":" __
                                                 {% (d) => b.etherText(d) %}
       # -e with -q: "00:00:00:00:00:00 > 00:00:00:00:00:00, IPv4, length 74: "
       | mac __ ">" __ mac "," __ %word "," __ "length" __ %number ":" __
                                                 {% (d) => b.etherText(d) %}
       # Linux cooked v1 (-i any before tcpdump 4.99.5): " In 00:11:.. ethertype IPv4 (0x0800), length 76: "
       | direction __ mac __ "ethertype" __ ethertype "," __ "length" __ %number ":" __
                                                 {% (d) => b.etherText(d) %}
       | direction __ "ethertype" __ ethertype "," __ "length" __ %number ":" __
                                                 {% (d) => b.etherText(d) %}
       # BSD loopback "AF IPv4 (2), length 52: " and raw IP "ip: "
       | "AF" __ ethertype "," __ "length" __ %number ":" __
                                                 {% (d) => b.etherText(d) %}
       | "ip" ":" __                             {% (d) => b.etherText(d) %}

# Without -n a MAC address is followed by its vendor: "(oui Ethernet)".
mac -> %mac {% id %} | %mac __ "(" "oui" __ oui_words ")" {% id %}
oui_words -> word_or_kw | oui_words __ word_or_kw

ethertype -> ethertype_name "(" %hex ")"        {% (d) => b.flat(d) %}
           | ethertype_name "(" %number ")"     {% (d) => b.flat(d) %}
ethertype_name -> ethertype_part | ethertype_name ethertype_part
ethertype_part -> %word | %kw | %number | %decimal | %ws

# 802.1Q: "vlan 165, p 0, ethertype IPv4 (0x0800), " before the IP packet.
vlan -> vlan_tag | vlan vlan_tag
vlan_tag -> "vlan" __ %number "," __ "p" __ %number vlan_flags "," __ "ethertype" __ ethertype "," __
vlan_flags -> null | "," __ %word

# The network layer: IPv4 or IPv6, or (with -e) an IP packet without the
# "IP " word, since the ethertype already named it.
network ->
    "IP" __ ip_body                              {% (d) => b.network("IP", d[2]) %}
  | "IP6" __ ip_body                             {% (d) => b.network("IP6", d[2]) %}
  | ip_body                                      {% (d) => b.network(null, d[0]) %}

ip_body ->
    flow                                         {% (d) => b.ipBody(null, d[0]) %}
  | ip_header                                    {% (d) => b.ipBody(d[0], null) %}
  | ip_header __ flow                            {% (d) => b.ipBody(d[0], d[2]) %}
  | ip_header __ "[" nested "]"                  {% (d) => b.ipBody(b.flat(d), null) %}
  | ip_header __ "[" nested "]" __ flow          {% (d) => b.ipBody(b.flat(d.slice(0, 5)), d[6]) %}

# -v: "(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60)"
ip_header -> "(" nested ")"                      {% (d) => b.flat(d) %}


# --- a flow: "src > dst: payload" -------------------------------------------

flow -> endpoint __ ">" __ endpoint ":" payload  {% (d) => b.flow(d[0], d[4], d[6]) %}
      | endpoint __ ">" __ endpoint ":"          {% (d) => b.flow(d[0], d[4], b.otherPayload(null)) %}

endpoint -> %ip4 {% id %} | %ip6 {% id %} | %word {% id %} | %redacted {% id %}

payload ->
    __ tcp_segment                               {% (d) => d[1] %}
  | __ quiet_tcp                                 {% (d) => d[1] %}
  | __ icmp_unreachable                          {% (d) => d[1] %}
  | __ icmp6_unreachable                         {% (d) => d[1] %}
  | rest1                                        {% (d, _, reject) => b.otherPayloadChecked(d[0], reject) %}

# --- TCP -------------------------------------------------------------------

tcp_segment -> "Flags" __ "[" tcp_flags "]" tcp_fields tcp_tail
                                                 {% (d) => b.tcpSegment(d[3], d[5], d[6]) %}

# Letters as tcpdump prints them: S F R P U W E e and "." for ACK; "[.E]"
# lexes as "." then a word.
tcp_flags -> %word {% (d, _, reject) => b.tcpFlags(d, reject) %}
           | "." {% (d, _, reject) => b.tcpFlags(d, reject) %}
           | "." %word {% (d, _, reject) => b.tcpFlags(d, reject) %}

tcp_fields -> null {% () => [] %} | tcp_fields "," __ tcp_field {% (d) => [...d[0], d[3]] %}

tcp_field ->
    "cksum" __ %hex __ "(" nested ")"            {% (d) => b.field("cksum", d[2].text, b.flat(d.slice(4))) %}
  | "seq" __ seq_value                           {% (d) => b.field("seq", d[2]) %}
  | "ack" __ number_value                        {% (d) => b.field("ack", d[2]) %}
  | "win" __ number_value                        {% (d) => b.field("win", d[2]) %}
  | "urg" __ number_value                        {% (d) => b.field("urg", d[2]) %}
  | "options" __ "[" tcp_options "]"             {% (d) => b.field("options", b.listOf(d[3])) %}
  | "options" __ "[" tcp_options "[" "|" %kw "]"  {% (d) => b.field("options", b.listOf(d[3])) %}
  # cut by the snapshot length: "options [mss 65495,sackOK,TS [|tcp]>"
  | "options" __ "[" tcp_options "[" "|" %kw "]" ">" {% (d) => b.field("options", b.listOf(d[3])) %}
  | "[" nested "]"                               {% (d) => b.field("note", b.flat(d)) %}

# The segment ends with "length N" and what tcpdump decoded of the payload,
# or, in logs that people shortened before they pasted them, with "...".
tcp_tail ->
    "," __ "length" __ number_value app_text     {% (d) => b.tail(d[4], d[5], false) %}
  | "," __ "..." _                               {% (d) => b.tail(null, null, true) %}
  | _                                            {% () => b.tail(null, null, false) %}

app_text -> null {% () => null %} | ":" rest {% (d) => b.text(d[1]) %} | __ rest {% (d) => b.text(d[1]) %}

seq_value ->
    number_value                                 {% (d) => ({ start: d[0], end: d[0] }) %}
  | %number ":" %number                          {% (d) => ({ start: b.num(d[0]), end: b.num(d[2]) }) %}

# A number, or a value replaced by the person who pasted the log.
number_value ->
    %number                                      {% (d) => b.num(d[0]) %}
  | redacted                                     {% () => null %}

redacted -> "<" redacted_words ">" {% id %} | "..." {% id %}
redacted_words -> word_or_kw | redacted_words __ word_or_kw

# Options: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7", nested "[H]" and
# "{...}" groups (mptcp, sack blocks), unknown options printed as they are.
tcp_options -> null {% () => null %} | tcp_option {% (d) => b.cons(null, d[0]) %}
             | tcp_options "," tcp_option {% (d) => b.cons(d[0], d[2]) %}
tcp_option -> option_part:+ {% (d) => b.flat(d) %}
option_part -> option_token {% id %} | "[" nested "]" {% (d) => d %} | "{" nested "}" {% (d) => d %}
option_token -> flat_token {% (d, _, reject) => (d[0].text === "," ? reject : d[0]) %}
              | "(" {% id %} | ")" {% id %}

# -q: "IP a.1 > b.2: tcp 0"
quiet_tcp -> "tcp" __ %number app_text           {% (d) => b.quietTcp(d[2], d[3]) %}

# --- ICMP and ICMP6 destination unreachable ----------------------------------

icmp_unreachable -> "ICMP" __ icmp_unreach_body icmp_length
                                                 {% (d) => b.icmpUnreachable(d[2], d[3]) %}

icmp_unreach_body ->
    endpoint __ "tcp" __ "port" __ port_name __ "unreachable"   {% (d) => b.unreach("port", d[0], "tcp", d[6]) %}
  | endpoint __ "udp" __ "port" __ port_name __ "unreachable"   {% (d) => b.unreach("port", d[0], "udp", d[6]) %}
  | endpoint __ "protocol" __ %number __ "unreachable"          {% (d) => b.unreach("protocol", d[0], null, null) %}
  | "net" __ endpoint __ "unreachable" unreach_detail           {% (d) => b.unreach("net", d[2], null, null, d[5]) %}
  | "host" __ endpoint __ "unreachable" unreach_detail          {% (d) => b.unreach("host", d[2], null, null, d[5]) %}
  | endpoint __ "unreachable" __ "-" __ detail_words             {% (d) => b.unreach("other", d[0], null, null, b.flat(d[6])) %}

unreach_detail -> null {% () => null %} | __ "-" __ detail_words {% (d) => b.flat(d[3]) %}
detail_words -> detail_word | detail_words __ detail_word
detail_word -> word_or_kw {% id %} | "(" {% id %} | ")" {% id %} | %number {% id %}

port_name -> %number {% id %} | %word {% id %} | %kw {% id %}

icmp_length -> null {% () => null %} | "," __ "length" __ %number rest {% (d) => b.num(d[4]) %}

icmp6_unreachable -> icmp6_sum "ICMP6" "," __ "destination" __ "unreachable" "," __ icmp6_body icmp_length
                                                 {% (d) => b.icmpUnreachable(d[9], d[10]) %}

icmp6_sum -> null | "[" nested "]" __

icmp6_body ->
    "unreachable" __ "port" "," __ endpoint __ "tcp" __ "port" __ port_name   {% (d) => b.unreach("port", d[5], "tcp", d[11]) %}
  | "unreachable" __ "port" "," __ endpoint __ "udp" __ "port" __ port_name   {% (d) => b.unreach("port", d[5], "udp", d[11]) %}
  | "unreachable" __ "prohibited" __ endpoint                                {% (d) => b.unreach("admin", d[4], null, null) %}
  | "unreachable" __ "route" __ endpoint                                     {% (d) => b.unreach("net", d[4], null, null) %}
  | "unreachable" __ "address" __ endpoint                                   {% (d) => b.unreach("host", d[4], null, null) %}
  | "beyond" __ "scope" __ "of" __ "source" __ "address" __ endpoint         {% (d) => b.unreach("other", d[10], null, null) %}

# --- continuation lines -------------------------------------------------------

continuation ->
    network                                      {% (d) => b.contNetwork(d[0]) %}
  | %hex ":" rest                                {% (d) => b.contHex(d) %}
  | rest1                                        {% (d, _, reject) => b.contText(d[0], reject) %}

# --- shared pieces --------------------------------------------------------------

word_or_kw -> %word {% id %} | %kw {% id %}

# Balanced text inside (), [] or {}.
# Only the text of a group is kept (from its first to its last token), so
# nothing is built per token.
nested -> null {% () => null %} | nested nested_part {% () => null %}
nested_part -> flat_token {% () => null %} | "(" nested ")" {% () => null %} | "[" nested "]" {% () => null %}
             | "{" nested "}" {% () => null %}

flat_token -> %word {% id %} | %kw {% id %} | %number {% id %} | %ws {% id %} | %hex {% id %}
            | %ip4 {% id %} | %ip6 {% id %} | %decimal {% id %} | %clock {% id %} | %date {% id %} | %redacted {% id %}
            | %mac {% id %} | %ellipsis {% id %} | %other {% id %}
            | "," {% id %} | ":" {% id %} | ">" {% id %} | "<" {% id %} | "/" {% id %} | "=" {% id %}
            | "?" {% id %} | "+" {% id %} | "*" {% id %} | "#" {% id %} | "|" {% id %} | "\"" {% id %}
            | "'" {% id %} | "!" {% id %} | "@" {% id %} | "$" {% id %} | "%" {% id %} | "&" {% id %}
            | ";" {% id %} | "~" {% id %} | "`" {% id %} | "^" {% id %} | "\\" {% id %} | "." {% id %}
            | "-" {% id %}

# The rest of the line, any tokens (rest1: at least one).
# Kept as a span (first tokens, last token) so that long lines stay linear.
rest -> null {% () => b.emptySpan() %} | rest1 {% id %}
rest1 -> any_token {% (d) => b.span(d[0]) %} | rest1 any_token {% (d) => b.extend(d[0], d[1]) %}
any_token -> %anyToken {% id %}

_ -> null | %ws
__ -> %ws
