# one-netns.sh -- sourced by the small capture scripts (capture-tables.sh,
# capture-session.sh) that use ONE network namespace, named in $NS.
# one_netns TOOL...: checks root and the tools, then creates $NS with its
# loopback up; a trap stops what runs in it and deletes it on exit or Ctrl-C.

one_netns_cleanup() {
  local p
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
}

one_netns() {
  local t
  [[ $(id -u) == 0 ]] || { echo "must run as root (network namespaces)" >&2; exit 1; }
  for t in ip "$@"; do command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done
  trap one_netns_cleanup EXIT
  trap 'exit 130' INT TERM
  one_netns_cleanup
  ip netns add "$NS"
  ip netns exec "$NS" ip link set lo up
}
