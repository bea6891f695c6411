#!/usr/bin/env bash
# live-demo.sh -- the README's live example, for real: tcpdump -l in a network
# namespace piped into tcpdiag while telnet connects to a DROP rule
# (tcp_syn_retries=2, tcp_syn_linear_timeouts=0), a REJECT with
# icmp-port-unreachable and nothing listening; the capture filter keeps ICMP.
# Prints what tcpdiag printed. Root; touches nothing outside the namespace.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
NS=tcpdiag-live-demo
# shellcheck source=one-netns.sh
source "$SCRIPT_DIR/one-netns.sh"
one_netns tcpdump iptables telnet timeout node
in_ns() { ip netns exec "$NS" "$@"; }
in_ns sysctl -qw net.ipv4.tcp_syn_retries=2
in_ns sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0 2>/dev/null || true
in_ns iptables -A INPUT -p tcp --dport 12345 -j DROP
in_ns iptables -A INPUT -p tcp --dport 12347 -j REJECT --reject-with icmp-port-unreachable

OUT=$(mktemp)
( in_ns timeout -s INT 14 tcpdump -l -nn -i lo 'port 12345 or port 12347 or port 12348 or icmp' 2>&1 \
    | COLUMNS=80 node "$REPO_ROOT/bin/tcpdiag.js" analyze > "$OUT" ) &
PIPE=$!
sleep 1.5
in_ns timeout 20 telnet 127.0.0.1 12345 < /dev/null > /dev/null 2>&1 &
sleep 0.5
in_ns timeout 20 telnet 127.0.0.1 12347 < /dev/null > /dev/null 2>&1 || true
in_ns timeout 20 telnet 127.0.0.1 12348 < /dev/null > /dev/null 2>&1 || true
wait "$PIPE" || true
cat "$OUT"
rm -f "$OUT"
