#!/usr/bin/env bash
# capture-tables.sh -- capture REAL outputs of one scenario whose SYNs are
# decided outside the filter table: raw and mangle DROP rules and a nat
# DNAT, next to an ordinary filter rule, all on loopback in one namespace.
#
# Run (as root, from anywhere):  sudo scripts/capture/capture-tables.sh
# Writes fixtures/tables-raw-mangle-nat/:
#   tcpdump-nn.txt         `tcpdump -l -nn -i lo` while the four clients ran
#   clients.txt            each client's command and its verdict line
#   iptables-all-tables.txt  `iptables -t T -n -v -L --line-numbers` for
#                          T = filter, nat, mangle, raw, one after another
#                          (-L does not print the table: tcpdiag tells it
#                          from the chains)
#   iptables-save-c.txt    `iptables-save -c`
#   nft-ruleset.txt        `nft list ruleset` (when nft is installed)
#   versions.txt           kernel, tcpdump, iptables, nft versions, sysctls
# and fixtures/nft-native/ (see the end of this script): a native nft table
# with a nat prerouting chain beside a filter input chain that drops.
#
# The four attempts (tcp_syn_retries=1, tcp_syn_linear_timeouts=0: a dropped
# connect gives up after 3 s):
#   127.0.0.1:12361  raw PREROUTING rule 1 DROP  -> timeout
#   127.0.0.1:12362  mangle PREROUTING rule 1 DROP -> timeout (a DROP on the
#                    way out, in OUTPUT, would hide the SYNs from tcpdump)
#   127.0.0.1:12363  nat OUTPUT rule 1 DNAT to 127.0.0.1:12365; the SYNs on
#                    lo go to 12365 (lo sees them after NAT), where filter
#                    INPUT rule 1 DROPs them -> timeout
#   127.0.0.1:12364  no rule: nothing listens -> refused (RST)
#
# SAFETY: every iptables/sysctl -w runs as `ip netns exec tcpdiag-tables
# CMD` in the namespace this script creates; traffic stays on its loopback;
# every wait is bounded; a trap deletes the namespace.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT=$REPO_ROOT/fixtures/tables-raw-mangle-nat
NS=tcpdiag-tables
PY=${PYTHON:-python3}

# shellcheck source=one-netns.sh
source "$SCRIPT_DIR/one-netns.sh"
one_netns iptables iptables-save tcpdump timeout "$PY"
in_ns() { ip netns exec "$NS" "$@"; }
in_ns sysctl -qw net.ipv4.tcp_syn_retries=1
in_ns sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0 2>/dev/null || true

in_ns iptables -t raw -A PREROUTING -p tcp -d 127.0.0.1 --dport 12361 -j DROP
in_ns iptables -t mangle -A PREROUTING -p tcp -d 127.0.0.1 --dport 12362 -j DROP
in_ns iptables -t nat -A OUTPUT -p tcp -d 127.0.0.1 --dport 12363 -j DNAT --to-destination 127.0.0.1:12365
in_ns iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12365 -j DROP

mkdir -p "$OUT"
ip netns exec "$NS" timeout -s INT 30 tcpdump -l -nn --immediate-mode -i lo 'tcp portrange 12361-12365' > "$OUT/tcpdump-nn.txt" 2>/dev/null &
TCPDUMP=$!
sleep 1
: > "$OUT/clients.txt"
for port in 12361 12362 12363 12364; do
  echo "\$ $PY scripts/capture/client.py 127.0.0.1 $port" >> "$OUT/clients.txt"
  in_ns timeout 20 "$PY" "$SCRIPT_DIR/client.py" 127.0.0.1 "$port" 2>&1 | head -1 >> "$OUT/clients.txt" || true
done
sleep 0.5
kill -INT "$TCPDUMP" 2>/dev/null || true
wait "$TCPDUMP" 2>/dev/null || true

for t in filter nat mangle raw; do in_ns iptables -t "$t" -n -v -L --line-numbers; done > "$OUT/iptables-all-tables.txt"
in_ns iptables-save -c > "$OUT/iptables-save-c.txt"
if command -v nft >/dev/null; then in_ns nft list ruleset > "$OUT/nft-ruleset.txt"; fi
{
  echo "kernel=$(uname -r)"
  echo "tcpdump=$(tcpdump --version 2>&1 | head -1)"
  echo "iptables=$(iptables --version)"
  command -v nft >/dev/null && echo "nft=$(nft --version)"
  in_ns sysctl net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts 2>/dev/null
} > "$OUT/versions.txt"
echo "wrote $OUT"

# --- a native nft ruleset (no iptables): one table whose base chains are of
# two types, a nat prerouting chain and a filter input chain that drops
# 127.0.0.1:12366 -> fixtures/nft-native/ (tcpdump-nn.txt, nft-ruleset.txt)
command -v nft >/dev/null || { echo "nft not installed: fixtures/nft-native skipped" >&2; exit 0; }
one_netns_cleanup   # the first namespace: the trap follows $NS from here on
OUT=$REPO_ROOT/fixtures/nft-native
NS=tcpdiag-nft
one_netns nft
in_ns sysctl -qw net.ipv4.tcp_syn_retries=1
in_ns sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0 2>/dev/null || true
in_ns nft add table inet fw
in_ns nft add chain inet fw pre '{ type nat hook prerouting priority dstnat; policy accept; }'
in_ns nft add chain inet fw input '{ type filter hook input priority filter; policy accept; }'
in_ns nft add rule inet fw input tcp dport 12366 counter drop
mkdir -p "$OUT"
ip netns exec "$NS" timeout -s INT 30 tcpdump -l -nn --immediate-mode -i lo 'tcp port 12366' > "$OUT/tcpdump-nn.txt" 2>/dev/null &
TCPDUMP=$!
sleep 1
{ echo "\$ $PY scripts/capture/client.py 127.0.0.1 12366"; in_ns timeout 20 "$PY" "$SCRIPT_DIR/client.py" 127.0.0.1 12366 2>&1 | head -1 || true; } > "$OUT/clients.txt"
sleep 0.5
kill -INT "$TCPDUMP" 2>/dev/null || true
wait "$TCPDUMP" 2>/dev/null || true
in_ns nft list ruleset > "$OUT/nft-ruleset.txt"
{ echo "kernel=$(uname -r)"; echo "tcpdump=$(tcpdump --version 2>&1 | head -1)"; echo "nft=$(nft --version)"; in_ns sysctl net.ipv4.tcp_syn_retries; } > "$OUT/versions.txt"
echo "wrote $OUT"
