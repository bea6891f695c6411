# lib.sh -- helpers shared by capture-tcpdump.sh and capture-strace.sh.
# Sourced (not run) by both scripts; bash only. The scripts set, before
# sourcing: nothing; before calling capture_main_init: ALL_SCENARIOS.
#
# SAFETY (same rules as the scripts): every iptables/ip6tables/sysctl -w runs
# as `ip netns exec NS CMD` inside a namespace created here (ns_new); every
# wait is bounded; traps delete every namespace we created and stop every
# process we started (by pid).

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
cd "$REPO_ROOT" || exit 1
SCRIPT_REL=scripts/capture
FIX=${TCPDIAG_FIXTURES:-fixtures}
PY=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}
export PYTHONDONTWRITEBYTECODE=1

# capture_main_init HELP-LAST-LINE ROOT-WHY WORK-PREFIX TOOL... -- ARGS...
#   --list / --help / root and tool checks, scenario selection (SELECTED,
#   MAX_JOBS), work dir (WORK, NS_REG), global cleanup traps.
capture_main_init() {
  local help_end=$1 root_why=$2 prefix=$3 t s
  shift 3
  local -a tools=()
  while [[ $# -gt 0 && $1 != -- ]]; do tools+=("$1"); shift; done
  shift
  if [[ ${1:-} == --list ]]; then printf '%s\n' "${ALL_SCENARIOS[@]}"; exit 0; fi
  if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n "2,${help_end}p" "$0"; exit 0; fi
  if [[ $(id -u) != 0 ]]; then echo "must run as root ($root_why)" >&2; exit 1; fi
  for t in "${tools[@]}" "$PY"; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
  done
  SELECTED=("$@")
  [[ ${#SELECTED[@]} -eq 0 ]] && SELECTED=("${ALL_SCENARIOS[@]}")
  for s in "${SELECTED[@]}"; do
    [[ " ${ALL_SCENARIOS[*]} " == *" $s "* ]] || { echo "unknown scenario: $s (try --list)" >&2; exit 1; }
  done
  MAX_JOBS=${MAX_JOBS:-${#SELECTED[@]}}
  WORK=$(mktemp -d "/tmp/$prefix.XXXXXX")
  NS_REG=$WORK/namespaces.txt
  : > "$NS_REG"
  mkdir -p "$FIX"
  JOB_PIDS=()
  trap main_cleanup EXIT
  trap 'exit 130' INT TERM
}

# ------------------------------------------------------------ global cleanup
ns_kill_del() { # NS -- SIGKILL what runs in it, delete it (quietly)
  local p
  for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  ip netns del "$1" 2>/dev/null
}
ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }
main_cleanup() {
  local p ns
  for p in "${JOB_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${JOB_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  # any namespace one of our scenarios created and did not delete
  while read -r ns; do
    [[ -n $ns ]] || continue
    if ns_exists "$ns"; then ns_kill_del "$ns"; fi
  done < "$NS_REG"
}

# ------------------------------------------------------------ tool versions
pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown; }
tool_versions() { # NAME... -> NAME=VERSION lines
  local t
  for t in "$@"; do
    case $t in
      strace)    echo "strace=$(strace -V 2>&1 | head -1)" ;;
      tcpdump)   echo "tcpdump=$(tcpdump --version 2>&1 | sed -n 's/^tcpdump version //p')" ;;
      libpcap)   echo "libpcap=$(tcpdump --version 2>&1 | sed -n 's/^libpcap version //p')" ;;
      iptables)  echo "iptables=$(iptables --version 2>&1 | sed 's/^iptables //')" ;;
      ip6tables) echo "ip6tables=$(ip6tables --version 2>&1 | sed 's/^ip6tables //')" ;;
      tshark)    echo "tshark=$(tshark --version 2>/dev/null | head -1 | sed 's/^TShark (Wireshark) //')" ;;
      python3)   echo "python3=$("$PY" --version 2>&1 | sed 's/^Python //')" ;;
      iproute2)  echo "iproute2=$(ip -V 2>&1)" ;;
      nft)       echo "nft=$(nft --version 2>&1)" ;;
      net-tools) echo "net-tools=$(netstat --version 2>&1 | head -1) (Debian package net-tools $(pkgver net-tools))" ;;
      curl)      echo "curl=$(curl --version | head -1)" ;;
      telnet)    echo "telnet=$(pkgver telnet) (Debian package telnet)" ;;
      nc)        echo "nc=$(pkgver netcat-openbsd) (Debian package netcat-openbsd)" ;;
      sh)        echo "sh=dash $(pkgver dash) (Debian package dash)" ;;
      bash)      echo "bash=${BASH_VERSION}" ;;
    esac
  done
}
client_tools() { # -> PY_VER CLIENT_TELNET CLIENT_NC CLIENT_CURL
  PY_VER=$("$PY" --version 2>&1)
  CLIENT_TELNET="telnet $(pkgver telnet) (Debian package telnet)"
  CLIENT_NC="nc (Debian package netcat-openbsd $(pkgver netcat-openbsd))"
  CLIENT_CURL="$(curl --version | head -1 | awk '{print $1, $2}')"
}

# =================================================================== helpers
# All of these run inside one scenario's subshell.

begin() { # NAME DESCRIPTION CLIENT-TOOL
  S=$1; D=$FIX/$S; M=$WORK/$S
  rm -rf "$D" "$M"; mkdir -p "$D" "$M/clients"
  : > "$M/commands"
  printf '%s\n' "$2" > "$M/description"
  printf '%s\n' "$3" > "$M/client_tool"
  date -u +%Y-%m-%dT%H:%M:%SZ > "$M/date"
  echo '{}' > "$M/extra.json"
  PIDS=(); NSS=(); NCLIENT=0; P_PCAP=; P_LIVE=
  trap sc_cleanup EXIT
  trap 'exit 130' INT TERM
  echo "[$S] start"
}
sc_cleanup() {
  local p ns
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for ns in "${NSS[@]}"; do ns_kill_del "$ns"; done
}
logc() { printf '%s\n' "$*" >> "$M/commands"; }
run() { logc "$1"; eval "$1"; }                       # logged foreground command
run_bg() { logc "$1 &"; eval "$1 &"; LAST_PID=$!; PIDS+=("$LAST_PID"); }
die() { echo "[$S] ERROR: $*" >&2; echo "$S ERROR: $*" > "$M/summary.txt"; exit 1; }
spec() { cat > "$M/spec.json"; }

ns_new() { # NAME [nolo]
  if ns_exists "$1"; then
    echo "[$S] removing stale namespace $1 from an earlier run"
    for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$1"
  fi
  echo "$1" >> "$NS_REG"; NSS+=("$1")
  run "ip netns add $1" || die "ip netns add $1"
  [[ ${2:-} == nolo ]] || run "ip netns exec $1 ip link set lo up"
}
ns_del() { # NAME -- delete it and forget it (no second delete in sc_cleanup)
  local n; local -a keep=()
  run "ip netns del $1"
  for n in "${NSS[@]}"; do [[ $n == "$1" ]] || keep+=("$n"); done
  NSS=("${keep[@]}")
}
sysctl_set() { run "ip netns exec $1 sysctl -w $2=$3 >/dev/null" || die "sysctl $2"; }
SYSCTL_KEYS=(net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts net.ipv4.tcp_synack_retries
             net.ipv4.tcp_timestamps net.ipv4.tcp_sack net.ipv4.tcp_window_scaling net.ipv4.tcp_ecn
             net.ipv4.tcp_fastopen)
sysctl_readback() { # NS [file]
  local k v f=${2:-$M/sysctls}
  for k in "${SYSCTL_KEYS[@]}"; do
    logc "ip netns exec $1 sysctl -n $k"
    v=$(ip netns exec "$1" sysctl -n "$k") || die "sysctl -n $k"
    echo "$k=$v" >> "$f"
  done
}
netstat_dump() { # NS -- the namespace's kernel SNMP/netstat counters (evidence, e.g. LockDroppedIcmps)
  run "ip netns exec $1 cat /proc/net/netstat /proc/net/snmp /proc/net/snmp6 > $M/netstat.txt"
}
firewall_dump() { # NS [iptables|ip6tables] -- without the second argument: both tables
  if [[ -n ${2:-} ]]; then
    run "ip netns exec $1 $2 -n -v -L --line-numbers > $M/firewall 2>&1"
  else
    run "{ ip netns exec $1 iptables -n -v -L --line-numbers; echo; ip netns exec $1 ip6tables -n -v -L --line-numbers; } > $M/firewall 2>&1"
  fi
}

# listings_dump NS iptables|ip6tables -- the namespace's firewall in every
# listing form, one file each in $D: <tool>-L.txt (`-L`: names from /etc/hosts
# and /etc/services; a DNS lookup fails at once, since no namespace of ours
# has a route off the machine), <tool>-nL.txt, <tool>-nvL-num.txt
# (`-n -v -L --line-numbers`), <tool>-nvxL.txt (`-n -v -x -L`), <tool>-S.txt,
# <tool>-save-c.txt (`<tool>-save -c`): stdout only, stderr goes to
# $M/listings-stderr.txt (make_json.py checks it is empty); and nft-ruleset.txt
# (`nft list ruleset`) with stdout and stderr as a terminal shows them: nft
# prints "# Warning: table ip filter is managed by iptables-nft, do not touch!"
# on stderr before each table that holds xtables matches/targets (REJECT,
# statistic ...); stdbuf -oL keeps those lines in their place.
LISTING_FORMS=("L|-L" "nL|-n -L" "nvL-num|-n -v -L --line-numbers" "nvxL|-n -v -x -L" "S|-S")
listings_dump() {
  local f name flags
  for f in "${LISTING_FORMS[@]}"; do
    name=${f%%|*}; flags=${f#*|}
    run "ip netns exec $1 env TZ=UTC timeout 30 $2 $flags > $D/$2-$name.txt 2>> $M/listings-stderr.txt"
  done
  run "ip netns exec $1 env TZ=UTC timeout 30 $2-save -c > $D/$2-save-c.txt 2>> $M/listings-stderr.txt"
  run "ip netns exec $1 timeout 30 stdbuf -oL nft list ruleset > $D/nft-ruleset.txt 2>&1"
  printf '{"namespace": "%s", "tool": "%s"}\n' "$1" "$2" > "$M/listings.json"
}

# snapshots NS WHEN [CLIENT-NO] -- the namespace's TCP sockets, as `ss -tanp`,
# `ss -tanpoi`, `netstat -tanp` and `netstat -tanpo` print them, one file each
# in $D (ss-tanp.txt ...). WHEN ("while-pending", "before-client", ...) and the
# clock go to $M/snapshots.json; the command line of every pid the tables
# name, read from /proc right after, to $M/snapshot-procs.txt (make_json.py
# checks that the pid of a client's row is that client).
snapshots() {
  local t0 t1 p
  t0=$EPOCHREALTIME
  run "ip netns exec $1 timeout 10 ss -tanp > $D/ss-tanp.txt 2>> $M/snapshots-stderr.txt"
  run "ip netns exec $1 timeout 10 ss -tanpoi > $D/ss-tanpoi.txt 2>> $M/snapshots-stderr.txt"
  run "ip netns exec $1 timeout 10 netstat -tanp > $D/netstat-tanp.txt 2>> $M/snapshots-stderr.txt"
  run "ip netns exec $1 timeout 10 netstat -tanpo > $D/netstat-tanpo.txt 2>> $M/snapshots-stderr.txt"
  t1=$EPOCHREALTIME
  : > "$M/snapshot-procs.txt"
  for p in $(grep -ohE 'pid=[0-9]+|[0-9]+/' "$D"/ss-tanp.txt "$D"/netstat-tanp.txt | tr -dc '0-9\n' | sort -un); do
    if [[ -r /proc/$p/cmdline ]]; then
      printf '%s %s\n' "$p" "$(tr '\0' ' ' < "/proc/$p/cmdline")" >> "$M/snapshot-procs.txt"
    fi
  done
  printf '{"namespace": "%s", "taken": "%s", "client": %s, "startEpoch": %s, "endEpoch": %s}\n' \
    "$1" "$2" "${3:-null}" "$t0" "$t1" > "$M/snapshots.json"
}

# ------------------------------------------------------------ bounded waits
poll_until() { # SECONDS CMD... -- run CMD every 0.05 s until it succeeds, at most SECONDS
  local i n=$(( $1 * 20 ))
  shift
  for ((i = 0; i < n; i++)); do
    "$@" && return 0
    sleep 0.05
  done
  return 1
}
_has_text() { grep -qE "$2" "$1" 2>/dev/null; }
_listening() { [[ -n $(ip netns exec "$1" ss -Hltn "sport = :$2") ]]; }
_gone() { kill -0 "$1" 2>/dev/null && return 1; wait "$1" 2>/dev/null; return 0; }
_sock_state() { [[ -n $(ip netns exec "$1" ss -Htn state "$2" "dport = :$3") ]]; } # NS STATE PORT
wait_text() { poll_until "$3" _has_text "$1" "$2"; } # FILE REGEX SECONDS
wait_listen() { # NS PORT SECONDS  (ss reads the socket table: no packets)
  logc "ip netns exec $1 ss -Hltn 'sport = :$2'    # repeated until the listener shows up (max $3 s)"
  poll_until "$3" _listening "$1" "$2" || die "nothing listening on port $2 after $3 s"
}
wait_pid() { # PID SECONDS -> stop waiting (and SIGKILL) after SECONDS
  poll_until "$2" _gone "$1" && return 0
  echo "[$S] pid $1 still running after $2 s: SIGKILL" >&2
  kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null
  return 1
}

# ------------------------------------------------------------ capture
cap_start() { # NS IFACE LIVE-FILTER MAX-SECONDS [SUFFIX]  (SUFFIX "" or ".KEY")
  local sfx=${5:-}
  CAP_NS=$1
  run_bg "ip netns exec $1 timeout -s INT $4 tcpdump -Z root --immediate-mode -U -i $2 -w $D/capture$sfx.pcap --time-stamp-precision=nano 2> $D/tcpdump-w-stderr$sfx.txt"
  P_PCAP=$LAST_PID
  run_bg "ip netns exec $1 timeout -s INT $4 tcpdump -l -nn --immediate-mode -i any '$3' > $D/tcpdump-live-any$sfx.txt 2>&1"
  P_LIVE=$LAST_PID
  wait_text "$D/tcpdump-w-stderr$sfx.txt" 'listening on' 10 || die "tcpdump -w did not start"
  wait_text "$D/tcpdump-live-any$sfx.txt" 'listening on' 10 || die "live tcpdump did not start"
}
cap_halt() { # stop both tcpdumps 0.5 s after the last client
  run "sleep 0.5"
  run "kill -INT $P_PCAP $P_LIVE"
  wait_pid "$P_PCAP" 10; wait_pid "$P_LIVE" 10
}

# timed_eval CMD DIR -- eval CMD; write DIR/start (epoch, before CMD starts, so
# that a snapshot can be timed from it), DIR/rc, DIR/elapsed (s.uuuuuu)
timed_eval() {
  local t0 t1 rc d
  t0=$EPOCHREALTIME
  printf '%s\n' "$t0" > "$2/start"
  eval "$1"; rc=$?
  t1=$EPOCHREALTIME
  d=$(( 10#${t1/./} - 10#${t0/./} ))
  echo "$rc" > "$2/rc"
  printf '%d.%06d\n' $((d / 1000000)) $((d % 1000000)) > "$2/elapsed"
}
new_client_dir() { # CMD -> C (the next clients/N dir, with its cmd file)
  NCLIENT=$((NCLIENT + 1)); C=$M/clients/$NCLIENT; mkdir -p "$C"
  printf '%s\n' "$1" > "$C/cmd"
}

# ------------------------------------------------------------ servers
SERVER_PIDS=(); CLIENT_PIDS=()
http_server() { # NS HOST PORT LIFETIME [FILE] -- python3 -m http.server; pid in SERVER_PIDS
  mkdir -p "$M/www"
  printf 'hello from the tcpdiag %s fixture\n' "$S" > "$M/www/${5:-file}"
  run_bg "ip netns exec $1 timeout $4 $PY -m http.server --bind $2 --directory $M/www $3 > $M/http-server.log 2>&1"
  SERVER_PIDS+=("$LAST_PID")
  wait_listen "$1" "$3" 10
}
stop_servers() { # kill the background servers we started (by pid)
  local p
  for p in "${SERVER_PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then run "kill -TERM $p"; fi
    wait_pid "$p" 5
  done
  SERVER_PIDS=()
}

model_giveup() { # N L -> seconds after the first SYN at which the kernel model gives up
  "$PY" -c "import sys; sys.path.insert(0, '$SCRIPT_DIR'); import capture_common as m; print(int(m.syn_schedule($1, $2)[1]))"
}

# ===================================================================== main
# run_scenarios TITLE MISMATCH-REGEX [AFTER-CMD] -- run SELECTED (sc_NAME) in
# subshells, at most MAX_JOBS at once; then AFTER-CMD, then the summary.
run_scenarios() {
  local s i
  echo "$1: ${#SELECTED[@]} scenario(s), up to $MAX_JOBS at once, work dir $WORK"
  T_START=$EPOCHREALTIME
  for s in "${SELECTED[@]}"; do
    while (( $(jobs -rp | wc -l) >= MAX_JOBS )); do wait -n; done
    ( "sc_$s" ) > "$WORK/$s.log" 2>&1 &
    JOB_PIDS+=($!)
  done
  FAILED=0
  for i in "${!JOB_PIDS[@]}"; do
    wait "${JOB_PIDS[$i]}" || FAILED=$((FAILED + 1))
  done
  JOB_PIDS=()
  [[ -n ${3:-} ]] && eval "$3"

  echo
  echo "================================ summary ($(( (10#${EPOCHREALTIME/./} - 10#${T_START/./}) / 1000000 )) s)"
  for s in "${SELECTED[@]}"; do
    if [[ -s $WORK/$s/summary.txt ]]; then cat "$WORK/$s/summary.txt"
    else echo "$s: NO RESULT -- log follows"; sed 's/^/    /' "$WORK/$s.log"; fi
  done
  MIS=$(cat "$WORK"/*/summary.txt 2>/dev/null | grep -c "$2")
  echo "scenarios failed: $FAILED; lines with MISMATCH/PROBLEM/ERROR: $MIS; logs: $WORK"
  [[ $FAILED == 0 ]]
}

# ns_setup NS N L [RULE] -- the usual single-namespace setup: new namespace,
# tcp_syn_retries=N and tcp_syn_linear_timeouts=L when given ("" = kernel
# default), the firewall RULE (e.g. "iptables -A INPUT ...", run with
# `ip netns exec NS`) when given, then the sysctl read-back.
ns_setup() {
  ns_new "$1"
  [[ -n $2 ]] && sysctl_set "$1" net.ipv4.tcp_syn_retries "$2"
  [[ -n $3 ]] && sysctl_set "$1" net.ipv4.tcp_syn_linear_timeouts "$3"
  [[ -n ${4:-} ]] && run "ip netns exec $1 $4"
  sysctl_readback "$1"
}

# open_scenario NAME DESCRIPTION CLIENT-TOOL N L [RULE] -- begin + ns_setup of
# the scenario's one namespace, NS=tcpdiag-NAME
open_scenario() {
  begin "$1" "$2" "$3"
  NS=tcpdiag-$1
  ns_setup "$NS" "$4" "$5" "${6:-}"
}
