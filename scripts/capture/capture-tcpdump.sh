#!/usr/bin/env bash
# capture-tcpdump.sh -- capture REAL tcpdump output of TCP connection scenarios
# (dropped / reset / ICMP-rejected / slow / established connects) inside
# private network namespaces, and write them as test fixtures for tcpdiag.
#
# Run (as root, from anywhere; writes <repo>/fixtures/<scenario>/):
#     sudo scripts/capture/capture-tcpdump.sh                 # all scenarios
#     sudo scripts/capture/capture-tcpdump.sh drop-exp-r2 no-listener   # some
#     sudo scripts/capture/capture-tcpdump.sh --list          # list names
# Env: MAX_JOBS (scenarios run concurrently, default all), PYTHON (python3 to
# use), TCPDIAG_FIXTURES (output dir relative to the repo, default fixtures).
# Wall time for everything: ~2.5 min (the longest scenario waits 131 s).
#
# Needs: Linux with network namespaces (kernel >= 6.5 for
# net.ipv4.tcp_syn_linear_timeouts), root, iproute2 (ip, ss), iptables and
# ip6tables (any backend), tcpdump, tshark, python3, telnet, nc
# (netcat-openbsd), curl, coreutils timeout.
#   apt-get install -y tcpdump tshark iptables iproute2 telnet netcat-openbsd curl
#
# SAFETY -- this script must NEVER touch the host's own firewall or sysctls:
#   * every iptables/ip6tables/sysctl -w runs as `ip netns exec tcpdiag-... CMD`
#     inside a namespace this script created;
#   * all traffic stays inside those namespaces: 127.0.0.1, ::1, and
#     10.199.0.0/24 on a veth pair whose BOTH ends live in our namespaces;
#   * every wait is bounded (timeout), and a trap deletes every namespace we
#     created and stops every process we started (by pid), also on Ctrl-C.
# Do not run two copies at once (namespaces are named tcpdiag-<scenario>).
#
# Per scenario it writes fixtures/<scenario>/:
#   capture.pcap            tcpdump -w (nanosecond pcap) on lo / the veth
#   tcpdump-live-any.txt    live `tcpdump -l -nn -i any FILTER` stdout+stderr
#   tcpdump-w-stderr.txt    stderr of the -w capture (banner + counters)
#   tcpdump-<flags>.txt     `TZ=UTC tcpdump -r capture.pcap FLAGS` renderings
#   client.txt              client output + exit=N + elapsed=S.sss
#   scenario.json           setup: commands run, sysctls, firewall, versions
#   expected.json           expected analysis from the setup + kernel model,
#                           checked against the capture (see make_json.py)
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
cd "$REPO_ROOT" || exit 1
SCRIPT_REL=scripts/capture
FIX=${TCPDIAG_FIXTURES:-fixtures}
PY=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}
export PYTHONDONTWRITEBYTECODE=1

ALL_SCENARIOS=(
  drop-exp-r5 drop-exp-r2 drop-exp-r3 drop-lin-default drop-lin-r3 drop-lin-r2
  drop-lin-l2-r4 reject-tcp-reset reject-icmp-port reject-icmp-host-prohibited
  reject-icmp-net-unreachable no-listener established-http ipv6-drop-r3
  ipv6-refused ipv6-admin-prohibited slow-connect synack-retransmit
  veth-host-unreachable-and-drop veth-host-unreachable-delayed concurrent-mixed
)

if [[ ${1:-} == --list ]]; then printf '%s\n' "${ALL_SCENARIOS[@]}"; exit 0; fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,40p' "$0"; exit 0; fi
if [[ $(id -u) != 0 ]]; then echo "must run as root (network namespaces, tcpdump)" >&2; exit 1; fi
for t in ip ss iptables ip6tables tcpdump tshark telnet nc curl timeout "$PY"; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done

SELECTED=("$@")
[[ ${#SELECTED[@]} -eq 0 ]] && SELECTED=("${ALL_SCENARIOS[@]}")
for s in "${SELECTED[@]}"; do
  [[ " ${ALL_SCENARIOS[*]} " == *" $s "* ]] || { echo "unknown scenario: $s (try --list)" >&2; exit 1; }
done
MAX_JOBS=${MAX_JOBS:-${#SELECTED[@]}}

WORK=$(mktemp -d /tmp/tcpdiag-capture.XXXXXX)
NS_REG=$WORK/namespaces.txt
: > "$NS_REG"
mkdir -p "$FIX"

# ------------------------------------------------------------ global cleanup
JOB_PIDS=()
main_cleanup() {
  local p ns
  for p in "${JOB_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${JOB_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  # any namespace one of our scenarios created and did not delete
  while read -r ns; do
    [[ -n $ns ]] || continue
    if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
      ip netns del "$ns" 2>/dev/null
    fi
  done < "$NS_REG"
}
trap main_cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ tool versions
{
  echo "tcpdump=$(tcpdump --version 2>&1 | sed -n 's/^tcpdump version //p')"
  echo "libpcap=$(tcpdump --version 2>&1 | sed -n 's/^libpcap version //p')"
  echo "iptables=$(iptables --version 2>&1 | sed 's/^iptables //')"
  echo "ip6tables=$(ip6tables --version 2>&1 | sed 's/^ip6tables //')"
  echo "tshark=$(tshark --version 2>/dev/null | head -1 | sed 's/^TShark (Wireshark) //')"
  echo "python3=$("$PY" --version 2>&1 | sed 's/^Python //')"
  echo "iproute2=$(ip -V 2>&1)"
} > "$WORK/tools"
uname -r > "$WORK/kernel"
pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown; }
PY_VER=$("$PY" --version 2>&1)
CLIENT_PY="$PY_VER, $SCRIPT_REL/client.py (blocking connect)"
CLIENT_TELNET="telnet $(pkgver telnet) (Debian package telnet)"
CLIENT_NC="nc (Debian package netcat-openbsd $(pkgver netcat-openbsd))"
CLIENT_CURL="$(curl --version | head -1 | awk '{print $1, $2}')"

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
  for ns in "${NSS[@]}"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
}
logc() { printf '%s\n' "$*" >> "$M/commands"; }
run() { logc "$1"; eval "$1"; }                       # logged foreground command
run_bg() { logc "$1 &"; eval "$1 &"; LAST_PID=$!; PIDS+=("$LAST_PID"); }
die() { echo "[$S] ERROR: $*" >&2; echo "$S ERROR: $*" > "$M/summary.txt"; exit 1; }

ns_new() { # NAME [nolo]
  if ip netns list | awk '{print $1}' | grep -qx "$1"; then
    echo "[$S] removing stale namespace $1 from an earlier run"
    for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$1"
  fi
  echo "$1" >> "$NS_REG"; NSS+=("$1")
  run "ip netns add $1" || die "ip netns add $1"
  [[ ${2:-} == nolo ]] || run "ip netns exec $1 ip link set lo up"
}
ns_del() { run "ip netns del $1"; }
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
firewall_dump() { # NS iptables|ip6tables
  run "ip netns exec $1 $2 -n -v -L --line-numbers > $M/firewall 2>&1"
}

wait_text() { # FILE REGEX SECONDS
  local i
  for ((i = 0; i < $3 * 20; i++)); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
wait_listen() { # NS PORT SECONDS  (ss reads the socket table: no packets)
  local i
  logc "ip netns exec $1 ss -Hltn 'sport = :$2'    # repeated until the listener shows up (max $3 s)"
  for ((i = 0; i < $3 * 20; i++)); do
    [[ -n $(ip netns exec "$1" ss -Hltn "sport = :$2") ]] && return 0
    sleep 0.05
  done
  die "nothing listening on port $2 after $3 s"
}
wait_pid() { # PID SECONDS -> stop waiting (and SIGKILL) after SECONDS
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
    sleep 0.05
  done
  echo "[$S] pid $1 still running after $2 s: SIGKILL" >&2
  kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null
  return 1
}

cap_start() { # NS IFACE LIVE-FILTER MAX-SECONDS
  CAP_NS=$1
  run_bg "ip netns exec $1 timeout -s INT $4 tcpdump -Z root --immediate-mode -U -i $2 -w $D/capture.pcap --time-stamp-precision=nano 2> $D/tcpdump-w-stderr.txt"
  P_PCAP=$LAST_PID
  run_bg "ip netns exec $1 timeout -s INT $4 tcpdump -l -nn --immediate-mode -i any '$3' > $D/tcpdump-live-any.txt 2>&1"
  P_LIVE=$LAST_PID
  wait_text "$D/tcpdump-w-stderr.txt" 'listening on' 10 || die "tcpdump -w did not start"
  wait_text "$D/tcpdump-live-any.txt" 'listening on' 10 || die "live tcpdump did not start"
}
cap_stop() {
  run "sleep 0.5"
  run "kill -INT $P_PCAP $P_LIVE"
  wait_pid "$P_PCAP" 10; wait_pid "$P_LIVE" 10
  netstat_dump "$CAP_NS"
}

# client NS MAX-SECONDS CMD -- run one client in the foreground, timed
client() {
  local c
  NCLIENT=$((NCLIENT + 1)); c=$M/clients/$NCLIENT; mkdir -p "$c"
  printf '%s\n' "$3" > "$c/cmd"
  _client_run "$1" "$2" "$3" "$c"
}
# client_bg NS MAX-SECONDS CMD -- same, in the background (CLIENT_PIDS)
client_bg() {
  local c
  NCLIENT=$((NCLIENT + 1)); c=$M/clients/$NCLIENT; mkdir -p "$c"
  printf '%s\n' "$3" > "$c/cmd"
  _client_run "$1" "$2" "$3" "$c" bg &
  CLIENT_PIDS+=($!); PIDS+=($!)
}
_client_run() {
  local full="ip netns exec $1 timeout $2 $3 < /dev/null > $4/out 2>&1" t0 t1 rc d
  logc "$full${5:+ &}"
  t0=$EPOCHREALTIME
  eval "$full"; rc=$?
  t1=$EPOCHREALTIME
  d=$(( 10#${t1/./} - 10#${t0/./} ))
  echo "$rc" > "$4/rc"
  printf '%d.%06d\n' $((d / 1000000)) $((d % 1000000)) > "$4/elapsed"
  printf '%s\n' "$t0" > "$4/start"
}
wait_clients() { # SECONDS
  local p
  for p in "${CLIENT_PIDS[@]}"; do wait_pid "$p" "$1"; done
  CLIENT_PIDS=()
}

server_py() { # NS HOST PORT LIFETIME
  run_bg "ip netns exec $1 timeout $(( $4 + 5 )) $PY $SCRIPT_REL/server.py --lifetime $4 $2 $3 > $M/server-$3.log 2>&1"
  wait_listen "$1" "$3" 10
}
http_server() { # NS HOST PORT LIFETIME
  mkdir -p "$M/www"
  printf 'hello from the tcpdiag %s fixture\n' "$S" > "$M/www/file"
  run_bg "ip netns exec $1 timeout $4 $PY -m http.server --bind $2 --directory $M/www $3 > $M/http-server.log 2>&1"
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
SERVER_PIDS=(); CLIENT_PIDS=()

render() {
  local name flags rns=tcpdiag-render-$S
  local -a sets=(
    "nn|-nn" "t|-nn -t" "tt|-nn -tt" "ttt|-nn -ttt" "tttt|-nn -tttt" "ttttt|-nn -ttttt"
    "nano|-nn --time-stamp-precision=nano" "v|-nn -v" "vv|-nn -vv" "e|-nn -e" "q|-nn -q"
    "S|-nn -S" "num|-nn -#")
  if [[ ${RENDER_HEX:-0} == 1 ]]; then sets+=("x|-nn -x" "A|-nn -A"); fi
  for flags in "${sets[@]}"; do
    name=${flags%%|*}; flags=${flags#*|}
    run "TZ=UTC timeout 60 tcpdump -r $D/capture.pcap $flags > $D/tcpdump-$name.txt 2>/dev/null"
  done
  # name resolution from /etc/hosts and /etc/services only: a fresh namespace
  # with no interface up, so no DNS query can leave the machine
  ns_new "$rns" nolo
  run "ip netns exec $rns env TZ=UTC timeout 60 tcpdump -r $D/capture.pcap > $D/tcpdump-default.txt 2>/dev/null"
  ns_del "$rns"
}

finish() { # after the capture: render, json, summary
  render
  run "$PY $SCRIPT_REL/make_json.py --fixture $D --meta $M" > "$M/make_json.out" 2>&1 \
    || { cat "$M/make_json.out" >&2; die "make_json.py failed"; }
  NSS=(); PIDS=()   # all deleted / reaped explicitly by now
  echo "[$S] done"
}

spec() { cat > "$M/spec.json"; }
veth_pair() { # CLIENT-NS SERVER-NS: veth-c 10.199.0.1/24 <-> veth-s 10.199.0.2/24, both ends in OUR namespaces
  ns_new "$1"; ns_new "$2"
  run "ip netns exec $1 ip link add veth-c type veth peer name veth-s netns $2"
  run "ip netns exec $1 sysctl -w net.ipv6.conf.veth-c.disable_ipv6=1 >/dev/null"
  run "ip netns exec $2 sysctl -w net.ipv6.conf.veth-s.disable_ipv6=1 >/dev/null"
  run "ip netns exec $1 ip addr add 10.199.0.1/24 dev veth-c"
  run "ip netns exec $2 ip addr add 10.199.0.2/24 dev veth-s"
  run "ip netns exec $1 ip link set veth-c up"
  run "ip netns exec $2 ip link set veth-s up"
}
model_giveup() { # N L -> seconds after the first SYN at which the kernel model gives up
  "$PY" -c "import sys; sys.path.insert(0, '$SCRIPT_DIR'); import make_json as m; print(int(m.syn_schedule($1, $2)[1]))"
}

# ================================================================= scenarios

# generic: IPv4 DROP on 127.0.0.1:12345, given N/L (empty = kernel default)
drop_v4() { # NAME N L CLIENT(py|telnet) DESCRIPTION
  local ns=tcpdiag-$1 n=$2 l=$3 max cmd tool
  if [[ $4 == telnet ]]; then cmd="telnet 127.0.0.1 12345"; tool=$CLIENT_TELNET
  else cmd="$PY $SCRIPT_REL/client.py 127.0.0.1 12345"; tool=$CLIENT_PY; fi
  begin "$1" "$5" "$tool"
  ns_new "$ns"
  [[ -n $n ]] && sysctl_set "$ns" net.ipv4.tcp_syn_retries "$n"
  [[ -n $l ]] && sysctl_set "$ns" net.ipv4.tcp_syn_linear_timeouts "$l"
  run "ip netns exec $ns iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j DROP"
  sysctl_readback "$ns"
  max=$(( $(model_giveup "$(sed -n 's/^net.ipv4.tcp_syn_retries=//p' "$M/sysctls")" \
                          "$(sed -n 's/^net.ipv4.tcp_syn_linear_timeouts=//p' "$M/sysctls")") + 30 ))
  cap_start "$ns" lo 'tcp port 12345 or icmp' $((max + 10))
  client "$ns" "$max" "$cmd"
  cap_stop
  firewall_dump "$ns" iptables
  ns_del "$ns"
  spec <<EOF
{"groups": [{"server": {"ip": "127.0.0.1", "port": 12345}, "family": "ipv4", "kind": "drop", "clients": [1]}]}
EOF
  finish
}

sc_drop-exp-r5() { drop_v4 drop-exp-r5 5 0 telnet \
  "iptables DROP of 127.0.0.1:12345 in the namespace; tcp_syn_linear_timeouts=0, tcp_syn_retries=5 (classic exponential backoff); telnet 127.0.0.1 12345"; }
sc_drop-exp-r2() { drop_v4 drop-exp-r2 2 0 py \
  "iptables DROP of 127.0.0.1:12345; tcp_syn_linear_timeouts=0, tcp_syn_retries=2; python blocking connect"; }
sc_drop-exp-r3() { drop_v4 drop-exp-r3 3 0 py \
  "iptables DROP of 127.0.0.1:12345; tcp_syn_linear_timeouts=0, tcp_syn_retries=3; python blocking connect"; }
sc_drop-lin-default() { drop_v4 drop-lin-default "" "" py \
  "iptables DROP of 127.0.0.1:12345; kernel default sysctls (tcp_syn_linear_timeouts=4, tcp_syn_retries=6); python blocking connect"; }
sc_drop-lin-r3() { drop_v4 drop-lin-r3 3 4 py \
  "iptables DROP of 127.0.0.1:12345; tcp_syn_linear_timeouts=4, tcp_syn_retries=3; python blocking connect"; }
sc_drop-lin-r2() { drop_v4 drop-lin-r2 2 4 py \
  "iptables DROP of 127.0.0.1:12345; tcp_syn_linear_timeouts=4, tcp_syn_retries=2 (the time cap model(2)=7 s ends it before the count cap N+L=6); python blocking connect"; }
sc_drop-lin-l2-r4() { drop_v4 drop-lin-l2-r4 4 2 py \
  "iptables DROP of 127.0.0.1:12345; tcp_syn_linear_timeouts=2, tcp_syn_retries=4; python blocking connect"; }

# generic: IPv4 REJECT variants
reject_v4() { # NAME PORT REJECT-ARGS KIND DESCRIPTION
  local ns=tcpdiag-$1
  begin "$1" "$5" "$CLIENT_PY"
  ns_new "$ns"
  run "ip netns exec $ns iptables -A INPUT -p tcp -d 127.0.0.1 --dport $2 -j REJECT${3:+ $3}"
  sysctl_readback "$ns"
  cap_start "$ns" lo "tcp port $2 or icmp" 60
  client "$ns" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 $2"
  cap_stop
  firewall_dump "$ns" iptables
  ns_del "$ns"
  spec <<EOF
{"groups": [{"server": {"ip": "127.0.0.1", "port": $2}, "family": "ipv4", "kind": "$4", "clients": [1]}]}
EOF
  finish
}
sc_reject-tcp-reset() { reject_v4 reject-tcp-reset 12346 "--reject-with tcp-reset" rst \
  "iptables REJECT --reject-with tcp-reset of 127.0.0.1:12346 (the RST comes from netfilter, no socket exists); python blocking connect"; }
sc_reject-icmp-port() { reject_v4 reject-icmp-port 12347 "" icmp-port-unreachable \
  "iptables REJECT (default: icmp-port-unreachable) of 127.0.0.1:12347; python blocking connect"; }
sc_reject-icmp-host-prohibited() { reject_v4 reject-icmp-host-prohibited 12348 "--reject-with icmp-host-prohibited" icmp-host-prohibited \
  "iptables REJECT --reject-with icmp-host-prohibited (ICMP 3/10) of 127.0.0.1:12348; python blocking connect"; }
sc_reject-icmp-net-unreachable() { reject_v4 reject-icmp-net-unreachable 12349 "--reject-with icmp-net-unreachable" icmp-net-unreachable \
  "iptables REJECT --reject-with icmp-net-unreachable (ICMP 3/0) of 127.0.0.1:12349; python blocking connect"; }

sc_no-listener() {
  local ns=tcpdiag-no-listener
  begin no-listener "nothing listens on 127.0.0.1:12350, no firewall rule: the kernel answers the SYN with RST,ACK; nc -z -v" "$CLIENT_NC"
  ns_new "$ns"
  sysctl_readback "$ns"
  cap_start "$ns" lo 'tcp port 12350 or icmp' 60
  client "$ns" 30 "nc -z -v 127.0.0.1 12350"
  cap_stop
  firewall_dump "$ns" iptables
  ns_del "$ns"
  spec <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 12350}, "family": "ipv4", "kind": "rst", "clients": [1]}]}
EOF
  finish
}

sc_established-http() {
  local ns=tcpdiag-established-http
  begin established-http "python3 -m http.server bound to 127.0.0.1:8080 serving a small file; curl fetches it: full handshake, HTTP/1.0 request and response, FIN both ways" "$CLIENT_CURL"
  ns_new "$ns"
  sysctl_readback "$ns"
  http_server "$ns" 127.0.0.1 8080 60; SERVER_PIDS+=("$LAST_PID")
  cap_start "$ns" lo 'tcp port 8080 or icmp' 60
  client "$ns" 30 "curl -s -o /dev/null -w 'http_code=%{http_code} size=%{size_download} time_connect=%{time_connect} local_port=%{local_port}\n' http://127.0.0.1:8080/file"
  cap_stop
  firewall_dump "$ns" iptables
  stop_servers
  ns_del "$ns"
  spec <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 8080}, "family": "ipv4", "kind": "accept", "clients": [1]}]}
EOF
  RENDER_HEX=1 finish
}

sc_ipv6-drop-r3() {
  local ns=tcpdiag-ipv6-drop-r3
  begin ipv6-drop-r3 "ip6tables DROP of [::1]:12345; net.ipv4.tcp_syn_retries=3 and net.ipv4.tcp_syn_linear_timeouts=0 (the net.ipv4 TCP sysctls also govern IPv6 TCP); python blocking connect" "$CLIENT_PY"
  ns_new "$ns"
  sysctl_set "$ns" net.ipv4.tcp_syn_retries 3
  sysctl_set "$ns" net.ipv4.tcp_syn_linear_timeouts 0
  run "ip netns exec $ns ip6tables -A INPUT -p tcp -d ::1 --dport 12345 -j DROP"
  sysctl_readback "$ns"
  cap_start "$ns" lo 'tcp port 12345 or icmp6' 70
  client "$ns" 45 "$PY $SCRIPT_REL/client.py ::1 12345"
  cap_stop
  firewall_dump "$ns" ip6tables
  ns_del "$ns"
  spec <<'EOF'
{"groups": [{"server": {"ip": "::1", "port": 12345}, "family": "ipv6", "kind": "drop", "clients": [1]}]}
EOF
  finish
}

sc_ipv6-refused() {
  local ns=tcpdiag-ipv6-refused
  begin ipv6-refused "nothing listens on [::1]:12350, no firewall rule: the kernel answers with RST,ACK; python blocking connect" "$CLIENT_PY"
  ns_new "$ns"
  sysctl_readback "$ns"
  cap_start "$ns" lo 'tcp port 12350 or icmp6' 60
  client "$ns" 30 "$PY $SCRIPT_REL/client.py ::1 12350"
  cap_stop
  firewall_dump "$ns" ip6tables
  ns_del "$ns"
  spec <<'EOF'
{"groups": [{"server": {"ip": "::1", "port": 12350}, "family": "ipv6", "kind": "rst", "clients": [1]}]}
EOF
  finish
}

sc_ipv6-admin-prohibited() {
  local ns=tcpdiag-ipv6-admin-prohibited
  begin ipv6-admin-prohibited "ip6tables REJECT --reject-with icmp6-adm-prohibited (ICMPv6 1/1) of [::1]:12348; python blocking connect" "$CLIENT_PY"
  ns_new "$ns"
  run "ip netns exec $ns ip6tables -A INPUT -p tcp -d ::1 --dport 12348 -j REJECT --reject-with icmp6-adm-prohibited"
  sysctl_readback "$ns"
  cap_start "$ns" lo 'tcp port 12348 or icmp6' 60
  client "$ns" 30 "$PY $SCRIPT_REL/client.py ::1 12348"
  cap_stop
  firewall_dump "$ns" ip6tables
  ns_del "$ns"
  spec <<'EOF'
{"groups": [{"server": {"ip": "::1", "port": 12348}, "family": "ipv6", "kind": "icmp6-adm-prohibited", "clients": [1]}]}
EOF
  finish
}

sc_slow-connect() {
  local ns=tcpdiag-slow-connect t_rm0 t_rm1 t_cl
  begin slow-connect "listener (scripts/capture/server.py) on 127.0.0.1:8081 behind an iptables DROP; the client starts, the DROP rule is deleted ~2.5 s later, so a retransmitted SYN gets through (kernel defaults tcp_syn_linear_timeouts=4, tcp_syn_retries=6); python blocking connect" "$CLIENT_PY"
  ns_new "$ns"
  run "ip netns exec $ns iptables -A INPUT -p tcp -d 127.0.0.1 --dport 8081 -j DROP"
  sysctl_readback "$ns"
  server_py "$ns" 127.0.0.1 8081 60; SERVER_PIDS+=("$LAST_PID")
  cap_start "$ns" lo 'tcp port 8081 or icmp' 60
  client_bg "$ns" 40 "$PY $SCRIPT_REL/client.py 127.0.0.1 8081"
  run "sleep 2.5"
  t_rm0=$EPOCHREALTIME
  run "ip netns exec $ns iptables -D INPUT -p tcp -d 127.0.0.1 --dport 8081 -j DROP"
  t_rm1=$EPOCHREALTIME
  wait_clients 45
  t_cl=$(cat "$M/clients/1/start")
  cap_stop
  firewall_dump "$ns" iptables
  stop_servers
  ns_del "$ns"
  cat > "$M/extra.json" <<EOF
{"dropRuleRemoved": {"epoch": $t_rm1, "deleteCommandStartedEpoch": $t_rm0, "clientStartedEpoch": $t_cl,
  "secondsAfterClientStart": $("$PY" -c "print(round($t_rm1 - $t_cl, 6))"),
  "note": "epoch = CLOCK_REALTIME right after 'iptables -D' returned (same clock as the pcap timestamps)"}}
EOF
  spec <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 8081}, "family": "ipv4", "kind": "accept-after-drop", "clients": [1]}]}
EOF
  finish
}

sc_synack-retransmit() {
  local ns=tcpdiag-synack-retransmit
  begin synack-retransmit "listener (scripts/capture/server.py) on 127.0.0.1:8082; iptables drops every pure ACK (flags SYN,ACK,RST,FIN == ACK) to port 8082, so the server never gets the client's handshake ACK and retransmits its SYN-ACK (tcp_synack_retries=5); the client (established on its side) stays idle 8 s, then half-closes (its FIN,ACK is not a pure ACK, passes, and completes the handshake on the server)" "$CLIENT_PY"
  ns_new "$ns"
  run "ip netns exec $ns iptables -A INPUT -p tcp -d 127.0.0.1 --dport 8082 --tcp-flags SYN,ACK,RST,FIN ACK -j DROP"
  sysctl_readback "$ns"
  server_py "$ns" 127.0.0.1 8082 60; SERVER_PIDS+=("$LAST_PID")
  cap_start "$ns" lo 'tcp port 8082 or icmp' 60
  client "$ns" 30 "$PY $SCRIPT_REL/client.py --no-data --hold 8 127.0.0.1 8082"
  cap_stop
  firewall_dump "$ns" iptables
  stop_servers
  ns_del "$ns"
  spec <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 8082}, "family": "ipv4", "kind": "synack-ack-dropped", "hold": 8, "clients": [1]}]}
EOF
  finish
}

sc_veth-host-unreachable-and-drop() {
  local nc=tcpdiag-veth-client ns=tcpdiag-veth-server
  begin veth-host-unreachable-and-drop "two namespaces joined by a veth pair (client veth-c 10.199.0.1/24, server veth-s 10.199.0.2/24, IPv6 disabled on both so no NDP/MLD noise). Server namespace iptables: REJECT --reject-with icmp-host-unreachable for tcp dport 80, DROP for tcp dport 81. Attempt 1: python connect to 10.199.0.2:80 (ARP first, then ICMP host unreachable). Attempt 2: python connect to 10.199.0.2:81 with tcp_syn_linear_timeouts=0, tcp_syn_retries=2 in the client namespace (3 SYNs, 7 s). pcap taken on veth-c in the client namespace." "$CLIENT_PY"
  veth_pair "$nc" "$ns"
  sysctl_set "$nc" net.ipv4.tcp_syn_retries 2
  sysctl_set "$nc" net.ipv4.tcp_syn_linear_timeouts 0
  run "ip netns exec $ns iptables -A INPUT -p tcp -d 10.199.0.2 --dport 80 -j REJECT --reject-with icmp-host-unreachable"
  run "ip netns exec $ns iptables -A INPUT -p tcp -d 10.199.0.2 --dport 81 -j DROP"
  sysctl_readback "$nc"
  sysctl_readback "$ns" "$M/server_sysctls"
  run "sleep 1"   # let the links settle (carrier up) before capturing
  cap_start "$nc" veth-c 'tcp port 80 or tcp port 81 or icmp or arp' 60
  client "$nc" 30 "$PY $SCRIPT_REL/client.py 10.199.0.2 80"
  client "$nc" 30 "$PY $SCRIPT_REL/client.py 10.199.0.2 81"
  cap_stop
  run "ip netns exec $nc ip neigh show dev veth-c > $M/neigh-client.txt 2>&1"
  firewall_dump "$ns" iptables
  ns_del "$nc"; ns_del "$ns"
  "$PY" - "$M" <<'PYEOF'
import json, sys
m = sys.argv[1]
srv = dict(l.strip().split("=", 1) for l in open(f"{m}/server_sysctls") if "=" in l)
neigh = open(f"{m}/neigh-client.txt").read()
json.dump({"serverSysctls": {k: int(v) if v.lstrip("-").isdigit() else v for k, v in srv.items()},
           "sysctlsNote": "sysctls = client namespace tcpdiag-veth-client; firewall = server namespace tcpdiag-veth-server",
           "clientNeighboursAfterRun": neigh,
           "captureInterface": "veth-c (client namespace)"}, open(f"{m}/extra.json", "w"), indent=2)
PYEOF
  spec <<'EOF'
{"groups": [
 {"server": {"ip": "10.199.0.2", "port": 80}, "family": "ipv4", "kind": "icmp-host-unreachable", "clients": [1]},
 {"server": {"ip": "10.199.0.2", "port": 81}, "family": "ipv4", "kind": "drop", "clients": [2]}],
 "note": "Two sequential attempts in one capture on veth-c."}
EOF
  finish
}

sc_veth-host-unreachable-delayed() {
  local nc=tcpdiag-vdelay-client ns=tcpdiag-vdelay-server
  begin veth-host-unreachable-delayed "like veth-host-unreachable-and-drop (veth pair 10.199.0.1 <-> 10.199.0.2, IPv6 off), but the ICMP host unreachable (type 3 code 1) for tcp dport 82 is NOT made by iptables REJECT: the server namespace DROPs the SYN and scripts/capture/icmp_responder.py (AF_PACKET sniffer + raw ICMP socket in the server namespace) sends the ICMP 0.2 s after each SYN, like a router farther away. So the ICMP arrives after the client's connect() has gone to sleep (socket not locked). Client namespace keeps the kernel defaults (tcp_syn_linear_timeouts=4, tcp_syn_retries=6). pcap taken on veth-c in the client namespace." "$CLIENT_PY"
  veth_pair "$nc" "$ns"
  run "ip netns exec $ns iptables -A INPUT -p tcp -d 10.199.0.2 --dport 82 -j DROP"
  sysctl_readback "$nc"
  sysctl_readback "$ns" "$M/server_sysctls"
  run_bg "ip netns exec $ns timeout 60 $PY $SCRIPT_REL/icmp_responder.py --iface veth-s --dst 10.199.0.2 --port 82 --type 3 --code 1 --delay 0.2 --lifetime 50 --max 12 > $M/icmp-responder.log 2>&1"
  SERVER_PIDS+=("$LAST_PID")
  logc "grep -q watching $M/icmp-responder.log    # repeated until the responder is ready (max 10 s)"
  wait_text "$M/icmp-responder.log" watching 10 || die "icmp_responder.py did not start"
  run "sleep 1"   # let the links settle (carrier up) before capturing
  cap_start "$nc" veth-c 'tcp port 82 or icmp or arp' 180
  client "$nc" 160 "$PY $SCRIPT_REL/client.py 10.199.0.2 82"
  cap_stop
  firewall_dump "$ns" iptables
  stop_servers
  ns_del "$nc"; ns_del "$ns"
  "$PY" - "$M" <<'PYEOF'
import json, sys
m = sys.argv[1]
srv = dict(l.strip().split("=", 1) for l in open(f"{m}/server_sysctls") if "=" in l)
json.dump({"serverSysctls": {k: int(v) if v.lstrip("-").isdigit() else v for k, v in srv.items()},
           "sysctlsNote": "sysctls = client namespace tcpdiag-vdelay-client; firewall = server namespace tcpdiag-vdelay-server",
           "icmpResponderLog": open(f"{m}/icmp-responder.log").read(),
           "captureInterface": "veth-c (client namespace)"}, open(f"{m}/extra.json", "w"), indent=2)
PYEOF
  spec <<'EOF'
{"groups": [
 {"server": {"ip": "10.199.0.2", "port": 82}, "family": "ipv4", "kind": "icmp-host-unreachable", "icmpWhileLocked": false, "icmpDelay": 0.2, "clients": [1]}],
 "note": "ICMP emitted 0.2 s after the SYN by scripts/capture/icmp_responder.py, i.e. asynchronously to the client's connect()."}
EOF
  finish
}

sc_concurrent-mixed() {
  local ns=tcpdiag-concurrent-mixed
  begin concurrent-mixed "one namespace, one capture, 7 clients started together: 3 python connects to 127.0.0.1:12345 (iptables DROP; tcp_syn_linear_timeouts=0, tcp_syn_retries=2), 2 python connects to 127.0.0.1:12350 (no listener, kernel RST), 2 curl fetches from python3 -m http.server on 127.0.0.1:8080" "$CLIENT_PY; $CLIENT_CURL"
  ns_new "$ns"
  sysctl_set "$ns" net.ipv4.tcp_syn_retries 2
  sysctl_set "$ns" net.ipv4.tcp_syn_linear_timeouts 0
  run "ip netns exec $ns iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j DROP"
  sysctl_readback "$ns"
  http_server "$ns" 127.0.0.1 8080 60; SERVER_PIDS+=("$LAST_PID")
  cap_start "$ns" lo 'tcp port 12345 or tcp port 12350 or tcp port 8080 or icmp' 60
  local curl="curl -s -o /dev/null -w 'http_code=%{http_code} size=%{size_download} time_connect=%{time_connect} local_port=%{local_port}\n' http://127.0.0.1:8080/file"
  client_bg "$ns" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12345"   # 1
  client_bg "$ns" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12350"   # 2
  client_bg "$ns" 30 "$curl"                                        # 3
  client_bg "$ns" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12345"   # 4
  client_bg "$ns" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12350"   # 5
  client_bg "$ns" 30 "$curl"                                        # 6
  client_bg "$ns" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12345"   # 7
  wait_clients 40
  cap_stop
  firewall_dump "$ns" iptables
  stop_servers
  ns_del "$ns"
  spec <<'EOF'
{"groups": [
 {"server": {"ip": "127.0.0.1", "port": 12345}, "family": "ipv4", "kind": "drop", "clients": [1, 4, 7]},
 {"server": {"ip": "127.0.0.1", "port": 12350}, "family": "ipv4", "kind": "rst", "clients": [2, 5]},
 {"server": {"ip": "127.0.0.1", "port": 8080}, "family": "ipv4", "kind": "accept", "clients": [3, 6]}],
 "note": "Seven concurrent attempts interleaved in one capture; python clients print their local port, which ties each to its connection."}
EOF
  finish
}

# ===================================================================== main
echo "tcpdiag capture: ${#SELECTED[@]} scenario(s), up to $MAX_JOBS at once, work dir $WORK"
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
"$PY" "$SCRIPT_DIR/make_readme.py" "$FIX" > "$WORK/readme.log" 2>&1 || { echo "make_readme.py failed:"; cat "$WORK/readme.log"; }

echo
echo "================================ summary ($(( (10#${EPOCHREALTIME/./} - 10#${T_START/./}) / 1000000 )) s)"
for s in "${SELECTED[@]}"; do
  if [[ -s $WORK/$s/summary.txt ]]; then cat "$WORK/$s/summary.txt"
  else echo "$s: NO RESULT -- log follows"; sed 's/^/    /' "$WORK/$s.log"; fi
done
MIS=$(cat "$WORK"/*/summary.txt 2>/dev/null | grep -c 'MISMATCH\|PROBLEM\|ERROR')
echo "scenarios failed: $FAILED; lines with MISMATCH/PROBLEM/ERROR: $MIS; logs: $WORK"
[[ $FAILED == 0 ]]
