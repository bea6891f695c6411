#!/usr/bin/env bash
# capture-session.sh -- capture a REAL terminal session like the seed
# article's, and the same commands' outputs as separate files, in one run.
#
# Run (as root, from anywhere):  sudo scripts/capture/capture-session.sh
# Writes fixtures/session-drop-r2/:
#   session.txt       what a person would paste: for each command a prompt
#                     line `PROMPT COMMAND` (the prompt is written by this
#                     script, as a shell would print it) followed by the
#                     command's real stdout+stderr. tcpdump runs in the
#                     background (another terminal): its prompt and output
#                     come after the client's, as people paste them.
#   files/NAME.txt    each command's output alone (the same bytes as in
#                     session.txt): what the same person would upload as files
#   versions.txt      kernel, tool versions, sysctls
#
# The case: an iptables DROP of 127.0.0.1:12345 in a namespace with
# tcp_syn_retries=2 and tcp_syn_linear_timeouts=0 (connect gives up after
# 7 s); telnet run under `time`, then under strace; ss and netstat taken
# while the first telnet waits.
#
# SAFETY: every iptables/sysctl -w runs as `ip netns exec tcpdiag-session
# CMD` inside the namespace this script creates; traffic stays on its
# loopback; every wait is bounded; a trap deletes the namespace.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT=$REPO_ROOT/fixtures/session-drop-r2
NS=tcpdiag-session
PROMPT='[root@tcpdiag ~]#'

# shellcheck source=one-netns.sh
source "$SCRIPT_DIR/one-netns.sh"
one_netns iptables tcpdump strace telnet ss netstat sysctl timeout
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_syn_retries=2
ip netns exec "$NS" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
ip netns exec "$NS" iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j DROP

rm -rf "$OUT"
mkdir -p "$OUT/files"
WORK=$(mktemp -d)

# run NAME COMMAND: print the prompt and the command, run it in the
# namespace with bash (so `time` is bash's), keep its output as files/NAME.txt
run() {
  local name=$1 cmd=$2
  printf '%s %s\n' "$PROMPT" "$cmd" >> "$OUT/session.txt"
  ip netns exec "$NS" timeout 60 bash -c "$cmd" > "$OUT/files/$name.txt" 2>&1 < /dev/null || true
  cat "$OUT/files/$name.txt" >> "$OUT/session.txt"
}

run sysctl "sysctl -n net.ipv4.tcp_syn_retries"
run sysctl-linear "sysctl net.ipv4.tcp_syn_linear_timeouts"
run iptables "iptables -n -L INPUT --line-numbers"

# tcpdump in "another terminal"
ip netns exec "$NS" timeout -s INT 40 tcpdump -l -nn -i lo port 12345 > "$WORK/tcpdump.txt" 2>&1 &
TCPDUMP=$!
sleep 1

# the client under time, with ss and netstat taken while it waits
printf '%s %s\n' "$PROMPT" "time telnet 127.0.0.1 12345" >> "$OUT/session.txt"
ip netns exec "$NS" timeout 30 bash -c "time telnet 127.0.0.1 12345" > "$OUT/files/time-telnet.txt" 2>&1 < /dev/null &
CLIENT=$!
sleep 1.5
ip netns exec "$NS" ss -tanp > "$WORK/ss.txt" 2>&1
ip netns exec "$NS" netstat -tanp > "$WORK/netstat.txt" 2>&1
wait "$CLIENT" || true
cat "$OUT/files/time-telnet.txt" >> "$OUT/session.txt"
for t in ss netstat; do
  printf '%s %s\n' "$PROMPT" "$([[ $t == ss ]] && echo "ss -tanp" || echo "netstat -tanp")" >> "$OUT/session.txt"
  cp "$WORK/$t.txt" "$OUT/files/$t.txt"
  cat "$WORK/$t.txt" >> "$OUT/session.txt"
done

sleep 0.5
kill -INT "$TCPDUMP" 2>/dev/null || true
wait "$TCPDUMP" 2>/dev/null || true
printf '%s %s\n' "$PROMPT" "tcpdump -l -nn -i lo port 12345" >> "$OUT/session.txt"
cp "$WORK/tcpdump.txt" "$OUT/files/tcpdump.txt"
cat "$WORK/tcpdump.txt" >> "$OUT/session.txt"

run strace "strace -Ttt -e trace=network telnet 127.0.0.1 12345"

{
  echo "kernel=$(uname -r)"
  echo "tcpdump=$(tcpdump --version 2>&1 | head -1)"
  echo "strace=$(strace -V | head -1)"
  echo "iptables=$(iptables --version)"
  echo "ss=$(ss -V)"
  echo "netstat=$(netstat -V 2>&1 | head -1)"
  echo "telnet=$(dpkg-query -W -f '${Version}' telnet 2>/dev/null || echo unknown)"
  ip netns exec "$NS" sysctl net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts
} > "$OUT/versions.txt"
rm -rf "$WORK"
echo "wrote $OUT"
