#!/usr/bin/env bash
# capture-live.sh -- the live-mode filter trial, for real: a REJECT with
# icmp-port-unreachable in a network namespace, telnet as the client, and two
# live captures of it side by side (tcpdump -l, stderr kept): one with the
# filter `tcp port 12345`, which leaves the ICMP errors out, and one with
# `tcp port 12345 or icmp`. tcp_syn_retries=3 in the namespace.
# Writes fixtures/live-filtered-icmp/. Root; touches nothing outside the
# namespace; every wait is bounded.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
NS=tcpdiag-live-trial
# shellcheck source=one-netns.sh
source "$SCRIPT_DIR/one-netns.sh"
one_netns tcpdump iptables telnet timeout
in_ns() { ip netns exec "$NS" "$@"; }
OUT=$REPO_ROOT/fixtures/live-filtered-icmp
mkdir -p "$OUT"

in_ns sysctl -qw net.ipv4.tcp_syn_retries=3
in_ns sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0 2>/dev/null || true
in_ns iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j REJECT --reject-with icmp-port-unreachable

in_ns timeout -s INT 20 tcpdump -l -nn -i lo 'tcp port 12345' > "$OUT/tcpdump-port-filter.txt" 2>&1 &
A=$!
in_ns timeout -s INT 20 tcpdump -l -nn -i lo 'tcp port 12345 or icmp' > "$OUT/tcpdump-port-or-icmp.txt" 2>&1 &
B=$!
sleep 1.5
{ echo '$ telnet 127.0.0.1 12345'; in_ns timeout 30 telnet 127.0.0.1 12345 < /dev/null 2>&1 || true; } > "$OUT/client.txt"
sleep 3
kill -INT "$A" "$B" 2>/dev/null || true
wait "$A" "$B" 2>/dev/null || true

in_ns iptables -nvL --line-numbers > "$OUT/iptables-nvL-num.txt"
{
  echo "kernel=$(uname -r)"
  echo "tcpdump=$(tcpdump --version 2>&1 | head -1)"
  echo "iptables=$(iptables --version)"
  echo "telnet=$(dpkg-query -W -f '${Package} ${Version}' telnet 2>/dev/null || echo unknown)"
  in_ns sysctl net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts 2>/dev/null
  echo "rule=iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j REJECT --reject-with icmp-port-unreachable"
} > "$OUT/versions.txt"
echo "wrote $OUT"
