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
# net.ipv4.tcp_syn_linear_timeouts), root, iproute2 (ip, ss), net-tools
# (netstat), iptables, ip6tables, iptables-save, ip6tables-save (any backend),
# nft, tcpdump, tshark, python3, telnet, nc (netcat-openbsd), curl, coreutils
# timeout.
#   apt-get install -y tcpdump tshark iptables nftables iproute2 net-tools \
#     telnet netcat-openbsd curl
#
# SAFETY -- this script must NEVER touch the host's own firewall or sysctls:
#   * every iptables/ip6tables/nft/sysctl -w runs as `ip netns exec tcpdiag-...
#     CMD` inside a namespace this script created;
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
#   iptables-*.txt          the firewall after the run, in the namespace that
#   (ip6tables-*.txt)       has the rules: -L, -n -L, -n -v -L --line-numbers,
#   nft-ruleset.txt         -n -v -x -L, -S, iptables-save -c, nft list ruleset
#                           (lib.sh: listings_dump)
#   ss-tanp.txt ss-tanpoi.txt netstat-tanp.txt netstat-tanpo.txt
#                           socket tables of the client's namespace while its
#                           connect is pending, or right before the client
#                           starts when it would not be pending long enough
#                           (lib.sh: snapshots; snap_pending, snap_before)
#   scenario.json           setup: commands run, sysctls, firewall, versions,
#                           listings, snapshots (pid/program of each client row)
#   expected.json           expected analysis from the setup + kernel model,
#                           checked against the capture (see make_json.py);
#                           per attempt also the firewall rule that decides
#                           its SYN in the listings ("firewall")
set -uo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # SCRIPT_DIR REPO_ROOT (cwd) SCRIPT_REL FIX PY + helpers

ALL_SCENARIOS=(
  drop-exp-r5 drop-exp-r2 drop-exp-r3 drop-lin-default drop-lin-r3 drop-lin-r2
  drop-lin-l2-r4 reject-tcp-reset reject-icmp-port reject-icmp-host-prohibited
  reject-icmp-net-unreachable no-listener established-http ipv6-drop-r3
  ipv6-refused ipv6-admin-prohibited slow-connect synack-retransmit
  veth-host-unreachable-and-drop veth-host-unreachable-delayed concurrent-mixed
  drop-nth drop-policy reject-user-chain
)
capture_main_init 51 "network namespaces, tcpdump" tcpdiag-capture \
  ip ss netstat nft iptables iptables-save ip6tables ip6tables-save tcpdump tshark telnet nc curl timeout -- "$@"

tool_versions tcpdump libpcap iptables ip6tables nft tshark python3 iproute2 net-tools > "$WORK/tools"
uname -r > "$WORK/kernel"
client_tools
CLIENT_PY="$PY_VER, $SCRIPT_REL/client.py (blocking connect)"

# =================================================================== helpers
# All of these run inside one scenario's subshell (the shared ones: lib.sh).

cap_stop() {
  cap_halt
  netstat_dump "$CAP_NS"
}

# client NS MAX-SECONDS CMD -- run one client in the foreground, timed
client() {
  new_client_dir "$3"
  _client_run "$1" "$2" "$3" "$C"
}
# client_bg NS MAX-SECONDS CMD -- same, in the background (CLIENT_PIDS)
client_bg() {
  new_client_dir "$3"
  _client_run "$1" "$2" "$3" "$C" bg &
  CLIENT_PIDS+=($!); PIDS+=($!)
}
_client_run() {
  local full="ip netns exec $1 timeout $2 $3 < /dev/null > $4/out 2>&1"
  logc "$full${5:+ &}"
  timed_eval "$full" "$4"
}
wait_clients() { # SECONDS
  local p
  for p in "${CLIENT_PIDS[@]}"; do wait_pid "$p" "$1"; done
  CLIENT_PIDS=()
}

# sleep_until_after START-FILE MILLISECONDS -- until MILLISECONDS after the epoch in START-FILE
sleep_until_after() {
  local start us
  start=$(<"$1")
  us=$(( 10#${start/./} + $2 * 1000 - 10#${EPOCHREALTIME/./} ))
  if (( us > 0 )); then run "sleep $(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"; fi
}
# snap_pending NS CLIENT-NO MILLISECONDS PORT STATE -- the socket snapshots
# (lib.sh: snapshots) while client CLIENT-NO's connect is pending:
# MILLISECONDS after it started, and once `ss` shows its socket to PORT in
# STATE (syn-sent, established), at most 5 s later
snap_pending() {
  logc "# socket snapshots: $3 ms after client $2 started, once its socket to port $4 is in state $5"
  wait_text "$M/clients/$2/start" . 10 || die "client $2 did not start"
  sleep_until_after "$M/clients/$2/start" "$3"
  logc "ip netns exec $1 ss -Htn state $5 'dport = :$4'    # repeated until the socket shows up (max 5 s)"
  poll_until 5 _sock_state "$1" "$5" "$4" || echo "[$S] no $5 socket to port $4 after 5 s" >&2
  snapshots "$1" while-pending "$2"
}
# snap_before NS -- the socket snapshots right before the (next) client starts
snap_before() { snapshots "$1" before-client "$((NCLIENT + 1))"; }

server_py() { # NS HOST PORT LIFETIME -- pid in SERVER_PIDS
  run_bg "ip netns exec $1 timeout $(( $4 + 5 )) $PY $SCRIPT_REL/server.py --lifetime $4 $2 $3 > $M/server-$3.log 2>&1"
  SERVER_PIDS+=("$LAST_PID")
  wait_listen "$1" "$3" 10
}

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

finish() { # <<SPEC -- after the capture: spec.json from stdin, render, json, summary
  spec
  render
  run "$PY $SCRIPT_REL/make_json.py --fixture $D --meta $M" > "$M/make_json.out" 2>&1 \
    || { cat "$M/make_json.out" >&2; die "make_json.py failed"; }
  NSS=(); PIDS=()   # all deleted / reaped explicitly by now
  echo "[$S] done"
}

teardown() { # iptables|ip6tables -- stop the capture, dump the firewall (all listing forms), stop servers, delete NS
  cap_stop
  firewall_dump "$NS" "$1"
  listings_dump "$NS" "$1"
  stop_servers
  ns_del "$NS"
}
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

veth_extra() { # CLIENT-NS SERVER-NS KEY FILE -> extra.json: server sysctls, which namespace is which, FILE under KEY
  "$PY" - "$M" "$1" "$2" "$3" "$4" <<'PYEOF'
import json, sys
m, nc, ns, key, path = sys.argv[1:]
srv = dict(l.strip().split("=", 1) for l in open(f"{m}/server_sysctls") if "=" in l)
json.dump({"serverSysctls": {k: int(v) if v.lstrip("-").isdigit() else v for k, v in srv.items()},
           "sysctlsNote": f"sysctls = client namespace {nc}; firewall = server namespace {ns}",
           key: open(path).read(),
           "captureInterface": "veth-c (client namespace)"}, open(f"{m}/extra.json", "w"), indent=2)
PYEOF
}

# ================================================================= scenarios

# generic: IPv4 DROP on 127.0.0.1:12345, given N/L (empty = kernel default)
drop_v4() { # NAME N L CLIENT(py|telnet) DESCRIPTION
  local max cmd tool
  if [[ $4 == telnet ]]; then cmd="telnet 127.0.0.1 12345"; tool=$CLIENT_TELNET
  else cmd="$PY $SCRIPT_REL/client.py 127.0.0.1 12345"; tool=$CLIENT_PY; fi
  open_scenario "$1" "$5" "$tool" "$2" "$3" "iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j DROP"
  max=$(( $(model_giveup "$(sed -n 's/^net.ipv4.tcp_syn_retries=//p' "$M/sysctls")" \
                          "$(sed -n 's/^net.ipv4.tcp_syn_linear_timeouts=//p' "$M/sysctls")") + 30 ))
  cap_start "$NS" lo 'tcp port 12345 or icmp' $((max + 10))
  client_bg "$NS" "$max" "$cmd"
  snap_pending "$NS" 1 1500 12345 syn-sent
  wait_clients $((max + 5))
  teardown iptables
  finish <<EOF
{"groups": [{"server": {"ip": "127.0.0.1", "port": 12345}, "family": "ipv4", "kind": "drop", "clients": [1],
  "firewall": {"chain": "INPUT", "rule": 1, "target": "DROP"}, "snapshotState": "SYN-SENT"}]}
EOF
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
# The socket snapshots: an ICMP error from a local REJECT leaves the connect
# pending ~1 s (see make_json.py), so they are taken while it is pending
# (SYN-SENT); a tcp-reset ends it at once: they are taken before the client.
reject_v4() { # NAME PORT REJECT-ARGS KIND DESCRIPTION
  local snap=""
  open_scenario "$1" "$5" "$CLIENT_PY" "" "" "iptables -A INPUT -p tcp -d 127.0.0.1 --dport $2 -j REJECT${3:+ $3}"
  cap_start "$NS" lo "tcp port $2 or icmp" 60
  if [[ $4 == rst ]]; then
    snap_before "$NS"
    client "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 $2"
  else
    client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 $2"
    snap_pending "$NS" 1 0 "$2" syn-sent
    wait_clients 35
    snap=', "snapshotState": "SYN-SENT"'
  fi
  teardown iptables
  finish <<EOF
{"groups": [{"server": {"ip": "127.0.0.1", "port": $2}, "family": "ipv4", "kind": "$4", "clients": [1],
  "firewall": {"chain": "INPUT", "rule": 1, "target": "REJECT"}$snap}]}
EOF
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
  open_scenario no-listener "nothing listens on 127.0.0.1:12350, no firewall rule: the kernel answers the SYN with RST,ACK; nc -z -v" "$CLIENT_NC" "" ""
  cap_start "$NS" lo 'tcp port 12350 or icmp' 60
  snap_before "$NS"
  client "$NS" 30 "nc -z -v 127.0.0.1 12350"
  teardown iptables
  finish <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 12350}, "family": "ipv4", "kind": "rst", "clients": [1], "firewall": null}]}
EOF
}

sc_established-http() {
  open_scenario established-http "python3 -m http.server bound to 127.0.0.1:8080 serving a small file; curl fetches it: full handshake, HTTP/1.0 request and response, FIN both ways" "$CLIENT_CURL" "" ""
  http_server "$NS" 127.0.0.1 8080 60
  cap_start "$NS" lo 'tcp port 8080 or icmp' 60
  snap_before "$NS"
  client "$NS" 30 "curl -s -o /dev/null -w 'http_code=%{http_code} size=%{size_download} time_connect=%{time_connect} local_port=%{local_port}\n' http://127.0.0.1:8080/file"
  teardown iptables
  RENDER_HEX=1 finish <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 8080}, "family": "ipv4", "kind": "accept", "clients": [1], "firewall": null}]}
EOF
}

sc_ipv6-drop-r3() {
  open_scenario ipv6-drop-r3 "ip6tables DROP of [::1]:12345; net.ipv4.tcp_syn_retries=3 and net.ipv4.tcp_syn_linear_timeouts=0 (the net.ipv4 TCP sysctls also govern IPv6 TCP); python blocking connect" "$CLIENT_PY" 3 0 "ip6tables -A INPUT -p tcp -d ::1 --dport 12345 -j DROP"
  cap_start "$NS" lo 'tcp port 12345 or icmp6' 70
  client_bg "$NS" 45 "$PY $SCRIPT_REL/client.py ::1 12345"
  snap_pending "$NS" 1 1500 12345 syn-sent
  wait_clients 50
  teardown ip6tables
  finish <<'EOF'
{"groups": [{"server": {"ip": "::1", "port": 12345}, "family": "ipv6", "kind": "drop", "clients": [1],
  "firewall": {"chain": "INPUT", "rule": 1, "target": "DROP"}, "snapshotState": "SYN-SENT"}]}
EOF
}

sc_ipv6-refused() {
  open_scenario ipv6-refused "nothing listens on [::1]:12350, no firewall rule: the kernel answers with RST,ACK; python blocking connect" "$CLIENT_PY" "" ""
  cap_start "$NS" lo 'tcp port 12350 or icmp6' 60
  snap_before "$NS"
  client "$NS" 30 "$PY $SCRIPT_REL/client.py ::1 12350"
  teardown ip6tables
  finish <<'EOF'
{"groups": [{"server": {"ip": "::1", "port": 12350}, "family": "ipv6", "kind": "rst", "clients": [1], "firewall": null}]}
EOF
}

sc_ipv6-admin-prohibited() {
  open_scenario ipv6-admin-prohibited "ip6tables REJECT --reject-with icmp6-adm-prohibited (ICMPv6 1/1) of [::1]:12348; python blocking connect" "$CLIENT_PY" "" "" "ip6tables -A INPUT -p tcp -d ::1 --dport 12348 -j REJECT --reject-with icmp6-adm-prohibited"
  cap_start "$NS" lo 'tcp port 12348 or icmp6' 60
  client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py ::1 12348"
  snap_pending "$NS" 1 0 12348 syn-sent
  wait_clients 35
  teardown ip6tables
  finish <<'EOF'
{"groups": [{"server": {"ip": "::1", "port": 12348}, "family": "ipv6", "kind": "icmp6-adm-prohibited", "clients": [1],
  "firewall": {"chain": "INPUT", "rule": 1, "target": "REJECT"}, "snapshotState": "SYN-SENT"}]}
EOF
}

sc_slow-connect() {
  local t_rm0 t_rm1 t_cl
  open_scenario slow-connect "listener (scripts/capture/server.py) on 127.0.0.1:8081 behind an iptables DROP; the client starts, the DROP rule is deleted ~2.5 s later, so a retransmitted SYN gets through (kernel defaults tcp_syn_linear_timeouts=4, tcp_syn_retries=6); python blocking connect" "$CLIENT_PY" "" "" "iptables -A INPUT -p tcp -d 127.0.0.1 --dport 8081 -j DROP"
  server_py "$NS" 127.0.0.1 8081 60
  cap_start "$NS" lo 'tcp port 8081 or icmp' 60
  client_bg "$NS" 40 "$PY $SCRIPT_REL/client.py 127.0.0.1 8081"
  snap_pending "$NS" 1 1500 8081 syn-sent
  sleep_until_after "$M/clients/1/start" 2500
  t_rm0=$EPOCHREALTIME
  run "ip netns exec $NS iptables -D INPUT -p tcp -d 127.0.0.1 --dport 8081 -j DROP"
  t_rm1=$EPOCHREALTIME
  wait_clients 45
  t_cl=$(cat "$M/clients/1/start")
  teardown iptables
  cat > "$M/extra.json" <<EOF
{"dropRuleRemoved": {"epoch": $t_rm1, "deleteCommandStartedEpoch": $t_rm0, "clientStartedEpoch": $t_cl,
  "secondsAfterClientStart": $("$PY" -c "print(round($t_rm1 - $t_cl, 6))"),
  "note": "epoch = CLOCK_REALTIME right after 'iptables -D' returned (same clock as the pcap timestamps)"}}
EOF
  finish <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 8081}, "family": "ipv4", "kind": "accept-after-drop", "clients": [1],
  "firewall": null, "snapshotState": "SYN-SENT"}],
 "note": "The firewall listings are made after the run, when the DROP rule is gone: no rule decides the SYN in them."}
EOF
}

sc_synack-retransmit() {
  open_scenario synack-retransmit "listener (scripts/capture/server.py) on 127.0.0.1:8082; iptables drops every pure ACK (flags SYN,ACK,RST,FIN == ACK) to port 8082, so the server never gets the client's handshake ACK and retransmits its SYN-ACK (tcp_synack_retries=5); the client (established on its side) stays idle 8 s, then half-closes (its FIN,ACK is not a pure ACK, passes, and completes the handshake on the server)" "$CLIENT_PY" "" "" "iptables -A INPUT -p tcp -d 127.0.0.1 --dport 8082 --tcp-flags SYN,ACK,RST,FIN ACK -j DROP"
  server_py "$NS" 127.0.0.1 8082 60
  cap_start "$NS" lo 'tcp port 8082 or icmp' 60
  client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py --no-data --hold 8 127.0.0.1 8082"
  snap_pending "$NS" 1 1500 8082 established
  wait_clients 35
  teardown iptables
  finish <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 8082}, "family": "ipv4", "kind": "synack-ack-dropped", "hold": 8, "clients": [1],
  "firewall": null, "snapshotState": "ESTAB"}],
 "note": "The iptables rule matches only pure ACKs (--tcp-flags SYN,ACK,RST,FIN ACK), not the SYN: no rule decides the SYN. The socket snapshots are taken 1.5 s in, while the client (established on its side) holds the connection."}
EOF
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
  client_bg "$nc" 30 "$PY $SCRIPT_REL/client.py 10.199.0.2 81"
  snap_pending "$nc" 2 1500 81 syn-sent
  wait_clients 35
  cap_stop
  run "ip netns exec $nc ip neigh show dev veth-c > $M/neigh-client.txt 2>&1"
  firewall_dump "$ns" iptables
  listings_dump "$ns" iptables
  ns_del "$nc"; ns_del "$ns"
  veth_extra "$nc" "$ns" clientNeighboursAfterRun "$M/neigh-client.txt"
  finish <<'EOF'
{"groups": [
 {"server": {"ip": "10.199.0.2", "port": 80}, "family": "ipv4", "kind": "icmp-host-unreachable", "clients": [1],
  "firewall": {"chain": "INPUT", "rule": 1, "target": "REJECT"}},
 {"server": {"ip": "10.199.0.2", "port": 81}, "family": "ipv4", "kind": "drop", "clients": [2],
  "firewall": {"chain": "INPUT", "rule": 2, "target": "DROP"}, "snapshotState": "SYN-SENT"}],
 "note": "Two sequential attempts in one capture on veth-c. Firewall listings: the server namespace; socket snapshots: the client namespace, 1.5 s into attempt 2."}
EOF
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
  snap_before "$nc"
  client "$nc" 160 "$PY $SCRIPT_REL/client.py 10.199.0.2 82"
  cap_stop
  firewall_dump "$ns" iptables
  listings_dump "$ns" iptables
  stop_servers
  ns_del "$nc"; ns_del "$ns"
  veth_extra "$nc" "$ns" icmpResponderLog "$M/icmp-responder.log"
  finish <<'EOF'
{"groups": [
 {"server": {"ip": "10.199.0.2", "port": 82}, "family": "ipv4", "kind": "icmp-host-unreachable", "icmpWhileLocked": false, "icmpDelay": 0.2, "clients": [1],
  "firewall": {"chain": "INPUT", "rule": 1, "target": "DROP"}}],
 "note": "ICMP emitted 0.2 s after the SYN by scripts/capture/icmp_responder.py, i.e. asynchronously to the client's connect(); the SYN itself is dropped by the server namespace's INPUT rule 1. Firewall listings: the server namespace; socket snapshots: the client namespace, before the client starts (its connect is pending only 0.2 s)."}
EOF
}

sc_concurrent-mixed() {
  open_scenario concurrent-mixed "one namespace, one capture, 7 clients started together: 3 python connects to 127.0.0.1:12345 (iptables DROP; tcp_syn_linear_timeouts=0, tcp_syn_retries=2), 2 python connects to 127.0.0.1:12350 (no listener, kernel RST), 2 curl fetches from python3 -m http.server on 127.0.0.1:8080" "$CLIENT_PY; $CLIENT_CURL" 2 0 "iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12345 -j DROP"
  http_server "$NS" 127.0.0.1 8080 60
  cap_start "$NS" lo 'tcp port 12345 or tcp port 12350 or tcp port 8080 or icmp' 60
  local curl="curl -s -o /dev/null -w 'http_code=%{http_code} size=%{size_download} time_connect=%{time_connect} local_port=%{local_port}\n' http://127.0.0.1:8080/file"
  client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12345"   # 1
  client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12350"   # 2
  client_bg "$NS" 30 "$curl"                                        # 3
  client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12345"   # 4
  client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12350"   # 5
  client_bg "$NS" 30 "$curl"                                        # 6
  client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12345"   # 7
  snap_pending "$NS" 1 1500 12345 syn-sent
  wait_clients 40
  teardown iptables
  finish <<'EOF'
{"groups": [
 {"server": {"ip": "127.0.0.1", "port": 12345}, "family": "ipv4", "kind": "drop", "clients": [1, 4, 7],
  "firewall": {"chain": "INPUT", "rule": 1, "target": "DROP"}, "snapshotState": "SYN-SENT"},
 {"server": {"ip": "127.0.0.1", "port": 12350}, "family": "ipv4", "kind": "rst", "clients": [2, 5], "firewall": null},
 {"server": {"ip": "127.0.0.1", "port": 8080}, "family": "ipv4", "kind": "accept", "clients": [3, 6], "firewall": null}],
 "note": "Seven concurrent attempts interleaved in one capture; python clients print their local port, which ties each to its connection. Socket snapshots 1.5 s after client 1 started: the three dropped connects are pending."}
EOF
}

sc_drop-nth() {
  # xt_statistic nth: the rule's counter starts when the rule is added and
  # counts only the packets that reach the match, i.e. tcp to 127.0.0.1:12351
  # (ss, which waits for the listener, sends no packet). With --every 2
  # --packet 0 the rule matches the 1st, 3rd, 5th ... of those packets:
  # checked on kernel 6.18 / iptables 1.8.9 (nf_tables; nft shows it as
  # `numgen inc mod 2 0`). So the first SYN is always dropped and its
  # retransmission always gets through: deterministic. (--packet 1 matches
  # the 2nd, 4th ... : the first SYN would pass.)
  open_scenario drop-nth "listener (scripts/capture/server.py) on 127.0.0.1:12351 behind iptables -m statistic --mode nth --every 2 --packet 0 -j DROP for tcp to 127.0.0.1:12351: the rule drops the 1st, 3rd, 5th ... packet to that port (its counter starts when the rule is added; nothing else sends to the port before the client). So the first SYN is dropped, the SYN retransmitted at the 1 s RTO gets the SYN-ACK and connect() succeeds after ~1 s; later the client's handshake ACK and its first FIN are dropped too (its data segment completes the handshake, the FIN is retransmitted). Kernel defaults (tcp_syn_linear_timeouts=4, tcp_syn_retries=6); python blocking connect" "$CLIENT_PY" "" "" "iptables -A INPUT -p tcp -d 127.0.0.1 --dport 12351 -m statistic --mode nth --every 2 --packet 0 -j DROP"
  server_py "$NS" 127.0.0.1 12351 60
  cap_start "$NS" lo 'tcp port 12351 or icmp' 60
  client_bg "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12351"
  snap_pending "$NS" 1 0 12351 syn-sent
  wait_clients 35
  teardown iptables
  finish <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 12351}, "family": "ipv4", "kind": "accept-after-nth-drop", "droppedSyns": 1, "clients": [1],
  "firewall": {"chain": "INPUT", "rule": 1, "target": "DROP"}, "snapshotState": "SYN-SENT"}],
 "note": "The nth rule drops the first SYN and lets its retransmission through; it is the rule that made this attempt lose a SYN."}
EOF
}

sc_drop-policy() {
  open_scenario drop-policy "iptables -P INPUT DROP and one INPUT rule that does not match the SYNs (-i lo -p tcp --dport 22 -j ACCEPT): the SYNs to 127.0.0.1:12352 are dropped by the INPUT policy, no rule decides them; tcp_syn_linear_timeouts=0, tcp_syn_retries=2; python blocking connect" "$CLIENT_PY" 2 0 "iptables -A INPUT -i lo -p tcp --dport 22 -j ACCEPT"
  run "ip netns exec $NS iptables -P INPUT DROP"
  cap_start "$NS" lo 'tcp port 12352 or icmp' 50
  client_bg "$NS" 37 "$PY $SCRIPT_REL/client.py 127.0.0.1 12352"
  snap_pending "$NS" 1 1500 12352 syn-sent
  wait_clients 42
  teardown iptables
  finish <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 12352}, "family": "ipv4", "kind": "drop", "clients": [1],
  "firewall": {"chain": "INPUT", "rule": null, "target": "DROP"}, "snapshotState": "SYN-SENT"}],
 "note": "Decided by the INPUT policy (DROP): firewall rule null."}
EOF
}

sc_reject-user-chain() {
  open_scenario reject-user-chain "a user chain decides: iptables -N TCPDIAG_CHECK; iptables -A TCPDIAG_CHECK -p tcp --dport 12353 -j REJECT --reject-with tcp-reset; iptables -A INPUT -j TCPDIAG_CHECK. The SYN to 127.0.0.1:12353 jumps from INPUT rule 1 to TCPDIAG_CHECK, whose rule 1 answers it with a RST (nothing listens on the port); python blocking connect" "$CLIENT_PY" "" "" "iptables -N TCPDIAG_CHECK"
  run "ip netns exec $NS iptables -A TCPDIAG_CHECK -p tcp --dport 12353 -j REJECT --reject-with tcp-reset"
  run "ip netns exec $NS iptables -A INPUT -j TCPDIAG_CHECK"
  cap_start "$NS" lo 'tcp port 12353 or icmp' 60
  snap_before "$NS"
  client "$NS" 30 "$PY $SCRIPT_REL/client.py 127.0.0.1 12353"
  teardown iptables
  finish <<'EOF'
{"groups": [{"server": {"ip": "127.0.0.1", "port": 12353}, "family": "ipv4", "kind": "rst", "clients": [1],
  "firewall": {"chain": "TCPDIAG_CHECK", "rule": 1, "target": "REJECT"}}],
 "note": "Decided inside the user chain TCPDIAG_CHECK (rule 1), reached by INPUT rule 1 (-j TCPDIAG_CHECK)."}
EOF
}

# ===================================================================== main
run_scenarios "tcpdiag capture" 'MISMATCH\|PROBLEM\|ERROR' \
  '"$PY" "$SCRIPT_DIR/make_readme.py" "$FIX" > "$WORK/readme.log" 2>&1 || { echo "make_readme.py failed:"; cat "$WORK/readme.log"; }'
