#!/usr/bin/env bash
# capture-session.sh -- capture REAL terminal sessions like the seed
# article's, and the same commands' outputs as separate files, in one run.
#
# Run (as root, from anywhere):  scripts/capture/capture-session.sh [CASE...]
# Cases (default: all):
#   drop-r2        fixtures/session-drop-r2: an iptables DROP of
#                  127.0.0.1:12345, tcp_syn_retries=2, tcp_syn_linear_timeouts=0
#                  (connect gives up after 7 s); `time telnet`, then telnet
#                  under strace; ss and netstat while the first telnet waits;
#                  root prompt `[root@tcpdiag ~]#`.
#   reject-sudo    fixtures/session-reject-sudo: a user's prompt
#                  `tcpdiag@box:~$` and `sudo` before the tools; REJECT
#                  --reject-with icmp-host-prohibited of 127.0.0.1:12348 and a
#                  DROP of 127.0.0.1:12345 (kernel default retries); curl to
#                  12348, `nc -v -w 3` to 12345 (nc gives up after 3 s), ss -tanpo
#                  and netstat -tanpo while nc waits, tcpdump -i any -tttt, nc
#                  again under `strace -f -tt`.
# Each writes:
#   session.txt       what a person would paste: for each command a prompt
#                     line `PROMPT COMMAND` (the prompt is written by this
#                     script, as a shell would print it) followed by the
#                     command's real stdout+stderr. tcpdump runs in the
#                     background (another terminal): its prompt and output
#                     come after the clients', as people paste them.
#   files/NAME.txt    each command's output alone (the same bytes as in
#                     session.txt): what the same person would upload as files
#   versions.txt      kernel, tool versions, sysctls
#
# SAFETY: every iptables/sysctl -w runs as `ip netns exec NS CMD` inside the
# namespace this script creates; traffic stays on its loopback; every wait
# is bounded; a trap deletes the namespace.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
NS=tcpdiag-session

# shellcheck source=one-netns.sh
source "$SCRIPT_DIR/one-netns.sh"

# run NAME COMMAND: print the prompt and the command, run it in the
# namespace with bash (so `time` is bash's), keep its output as files/NAME.txt
run() {
  local name=$1 cmd=$2
  printf '%s %s\n' "$PROMPT" "$cmd" >> "$OUT/session.txt"
  ip netns exec "$NS" timeout 60 bash -c "$cmd" > "$OUT/files/$name.txt" 2>&1 < /dev/null || true
  cat "$OUT/files/$name.txt" >> "$OUT/session.txt"
}

# client_with_snapshots NAME COMMAND SS-CMD NETSTAT-CMD: the client in the
# background, the socket tables 1.5 s later while it waits
client_with_snapshots() {
  local name=$1 cmd=$2 sscmd=$3 nscmd=$4 client
  printf '%s %s\n' "$PROMPT" "$cmd" >> "$OUT/session.txt"
  ip netns exec "$NS" timeout 60 bash -c "$cmd" > "$OUT/files/$name.txt" 2>&1 < /dev/null &
  client=$!
  sleep 1.5
  ip netns exec "$NS" bash -c "$sscmd" > "$WORK/ss.txt" 2>&1
  ip netns exec "$NS" bash -c "$nscmd" > "$WORK/netstat.txt" 2>&1
  wait "$client" || true
  cat "$OUT/files/$name.txt" >> "$OUT/session.txt"
  printf '%s %s\n' "$PROMPT" "$sscmd" >> "$OUT/session.txt"
  cp "$WORK/ss.txt" "$OUT/files/ss.txt"
  cat "$WORK/ss.txt" >> "$OUT/session.txt"
  printf '%s %s\n' "$PROMPT" "$nscmd" >> "$OUT/session.txt"
  cp "$WORK/netstat.txt" "$OUT/files/netstat.txt"
  cat "$WORK/netstat.txt" >> "$OUT/session.txt"
}

# tcpdump_start ARGS / tcpdump_paste ARGS: tcpdump in "another terminal"
tcpdump_start() {
  ip netns exec "$NS" timeout -s INT 60 tcpdump -l $1 > "$WORK/tcpdump.txt" 2>&1 &
  TCPDUMP=$!
  sleep 1
}
tcpdump_paste() {
  sleep 0.5
  kill -INT "$TCPDUMP" 2>/dev/null || true
  wait "$TCPDUMP" 2>/dev/null || true
  printf '%s %s\n' "$PROMPT" "$1 $2" >> "$OUT/session.txt"
  cp "$WORK/tcpdump.txt" "$OUT/files/tcpdump.txt"
  cat "$WORK/tcpdump.txt" >> "$OUT/session.txt"
}

begin() { # CASE-DIR
  OUT=$REPO_ROOT/fixtures/$1
  rm -rf "$OUT"
  mkdir -p "$OUT/files"
  WORK=$(mktemp -d)
  one_netns iptables tcpdump strace telnet ss netstat sysctl timeout curl nc sudo
}

finish() {
  {
    echo "kernel=$(uname -r)"
    echo "tcpdump=$(tcpdump --version 2>&1 | head -1)"
    echo "strace=$(strace -V | head -1)"
    echo "iptables=$(iptables --version)"
    echo "ss=$(ss -V)"
    echo "netstat=$(netstat -V 2>&1 | head -1)"
    echo "telnet=$(dpkg-query -W -f '${Version}' telnet 2>/dev/null || echo unknown)"
    echo "nc=$(dpkg-query -W -f '${Version}' netcat-openbsd 2>/dev/null || echo unknown)"
    echo "curl=$(curl --version | head -1)"
    ip netns exec "$NS" sysctl net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts
  } > "$OUT/versions.txt"
  rm -rf "$WORK"
  one_netns_cleanup
  echo "wrote $OUT"
}

case_drop_r2() {
  PROMPT='[root@tcpdiag ~]#'
  begin session-drop-r2
  ip netns exec "$NS" sysctl -qw net.ipv4.tcp_syn_retries=2
  ip netns exec "$NS" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
  ip netns exec "$NS" iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j DROP
  run sysctl "sysctl -n net.ipv4.tcp_syn_retries"
  run sysctl-linear "sysctl net.ipv4.tcp_syn_linear_timeouts"
  run iptables "iptables -n -L INPUT --line-numbers"
  tcpdump_start "-nn -i lo port 12345"
  client_with_snapshots time-telnet "time telnet 127.0.0.1 12345" "ss -tanp" "netstat -tanp"
  tcpdump_paste tcpdump "-l -nn -i lo port 12345"
  run strace "strace -Ttt -e trace=network telnet 127.0.0.1 12345"
  finish
}

case_reject_sudo() {
  PROMPT='tcpdiag@box:~$'
  begin session-reject-sudo
  ip netns exec "$NS" iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12348 -j REJECT --reject-with icmp-host-prohibited
  ip netns exec "$NS" iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j DROP
  run iptables "sudo iptables -L -n -v --line-numbers"
  run sysctl "sudo sysctl net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts"
  tcpdump_start "-nn -i any -tttt port 12345 or port 12348 or icmp"
  run curl "curl -sS http://127.0.0.1:12348/"
  client_with_snapshots nc "nc -v -w 3 127.0.0.1 12345" "sudo ss -tanpo" "sudo netstat -tanpo"
  tcpdump_paste "sudo tcpdump" "-nn -i any -tttt port 12345 or port 12348 or icmp"
  run strace "sudo strace -f -tt -e trace=network nc -v -w 3 127.0.0.1 12345"
  finish
}

CASES=("$@")
[[ ${#CASES[@]} -eq 0 ]] && CASES=(drop-r2 reject-sudo)
for c in "${CASES[@]}"; do
  case $c in
    drop-r2) case_drop_r2 ;;
    reject-sudo) case_reject_sudo ;;
    *) echo "unknown case: $c (drop-r2, reject-sudo)" >&2; exit 1 ;;
  esac
done
