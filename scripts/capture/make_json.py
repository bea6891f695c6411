#!/usr/bin/env python3
"""Build client.txt, scenario.json and expected.json for one captured scenario.

    make_json.py --fixture fixtures/NAME --meta /tmp/tcpdiag-capture.X/NAME

Called by capture-tcpdump.sh after the capture. The expected analysis is
derived from the scenario SETUP (spec.json written by the capture script: what
was blocked how, which sysctls) and a model of the Linux kernel, and then
CHECKED against the real capture (tshark over capture.pcap, grep over
tcpdump-nn.txt) and against what each client really got (errno, elapsed).
Observed values that the capture defines (client port, SYNs sent) are taken
from the capture; every disagreement with the model is written into "notes"
and into the summary as MISMATCH. Nothing here reads any analyzer output.

Kernel model (net/ipv4/tcp_timer.c, Linux >= 6.5 with tcp_syn_linear_timeouts):
  RTO starts at 1 s (TCP_TIMEOUT_INIT). At every retransmission-timer expiry:
    1. give up (ETIMEDOUT) if retransmits >= N + L          (count cap)
       or if now - first_SYN >= model(N) = (2^(N+1) - 1) s  (time cap, N <= 6;
          above 6: 127 s + 120 s * (N - 6))
    2. else retransmit the SYN, retransmits += 1 (total_rto += 1), and double
       the RTO (max 120 s) only if total_rto > L.
  N = net.ipv4.tcp_syn_retries, L = net.ipv4.tcp_syn_linear_timeouts.
SYN-ACK retransmits by a listener (request sock): 1 s << num_timeout, i.e. at
1, 3, 7, 15, 31 s after the first SYN-ACK, at most tcp_synack_retries of them.

ICMP errors in SYN-SENT (tcp_v4_err / tcp_v6_err): the connect is aborted with
the ICMP's errno -- but only if the socket is not locked by its owner at that
moment. An ICMP that arrives while the connecting process holds the socket
lock is only stored as a soft error (sk_err_soft; counter
TcpExtLockDroppedIcmps). An iptables REJECT on lo or on a veth generates the
ICMP synchronously inside the client's connect() system call (the SYN is
delivered and answered in the softirq run when connect() re-enables bottom
halves), i.e. while the socket is locked: the first ICMP is ignored, the SYN is
retransmitted at the 1 s RTO (timer context, socket not locked) and the ICMP
answering the retransmission aborts the connect. Spec key icmpWhileLocked
(default true) says which case a group is in. (A TCP RST is not affected: it is
queued to the socket backlog and processed when connect() releases the lock.)
"""
import errno as errnomod
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capture_common import Meta, fmt, read, write_client_block, syn_schedule, synack_schedule  # noqa: E402,F401

STRERROR_TO_NAME = {}
for _num, _name in errnomod.errorcode.items():
    STRERROR_TO_NAME.setdefault(os.strerror(_num), _name)

# kind -> (outcome, errno, description of the rejecting packet)
KINDS = {
    "drop": ("timeout", "ETIMEDOUT", "no answer (iptables DROP)"),
    "rst": ("refused", "ECONNREFUSED", "TCP RST"),
    "icmp-port-unreachable": ("refused", "ECONNREFUSED", "ICMP type 3 code 3 (port unreachable)"),
    "icmp-host-unreachable": ("unreachable", "EHOSTUNREACH", "ICMP type 3 code 1 (host unreachable)"),
    "icmp-host-prohibited": ("unreachable", "EHOSTUNREACH", "ICMP type 3 code 10 (host administratively prohibited)"),
    "icmp-net-unreachable": ("unreachable", "ENETUNREACH", "ICMP type 3 code 0 (net unreachable)"),
    "icmp6-adm-prohibited": ("unreachable", "EACCES", "ICMPv6 type 1 code 1 (administratively prohibited)"),
    "accept": ("established", None, "SYN-ACK"),
    "accept-after-drop": ("established", None, "SYN-ACK once the DROP rule was removed"),
    "accept-after-nth-drop": ("established", None,
                              "SYN-ACK to the retransmitted SYN (a statistic nth DROP rule dropped the first)"),
    "synack-ack-dropped": ("established", None, "SYN-ACK (client's ACKs dropped at the server)"),
}
ICMP_EXPECT = {  # kind -> (is_v6, type, code)
    "icmp-port-unreachable": (False, 3, 3),
    "icmp-host-unreachable": (False, 3, 1),
    "icmp-host-prohibited": (False, 3, 10),
    "icmp-net-unreachable": (False, 3, 0),
    "icmp6-adm-prohibited": (True, 1, 1),
}


def run_tshark(pcap, dfilter, fields, commands):
    cmd = ["tshark", "-n", "-r", pcap, "-Y", dfilter, "-T", "fields",
           "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    commands.append(" ".join(q(c) for c in cmd))
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        raise RuntimeError(f"tshark failed: {res.stderr}")
    rows = []
    for line in res.stdout.splitlines():
        parts = line.split("\t")
        parts += [""] * (len(fields) - len(parts))
        rows.append(dict(zip(fields, parts)))
    return rows


def q(s):
    if re.fullmatch(r"[A-Za-z0-9_./:=,+@%-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def first(v):
    return v.split(",")[0] if v else ""


def last(v):
    return v.split(",")[-1] if v else ""


def parse_client(out, rc):
    """What the client reported: ('OK'|'ETIMEDOUT'|..., connect_seconds or None, local_port or None)."""
    m = re.search(r"^connect \S+ \d+ -> (\w+) after ([\d.]+) s", out, re.M)
    if m:
        port = None
        pm = re.search(r"^local (?:\S+ )?port (\d+)", out, re.M)
        if pm:
            port = int(pm.group(1))
        return m.group(1), float(m.group(2)), port
    m = re.search(r"Unable to connect to remote host: (.+)$", out, re.M)  # telnet
    if m:
        return STRERROR_TO_NAME.get(m.group(1).strip(), m.group(1).strip()), None, None
    if re.search(r"^Connected to ", out, re.M):
        return "OK", None, None
    m = re.search(r"^nc: connect to .* failed: (.+)$", out, re.M)  # openbsd nc
    if m:
        return STRERROR_TO_NAME.get(m.group(1).strip(), m.group(1).strip()), None, None
    if re.search(r"succeeded!", out):
        return "OK", None, None
    m = re.search(r"http_code=(\d+)", out)  # curl -w
    if m and rc == 0:
        pm = re.search(r"local_port=(\d+)", out)
        return "OK", None, int(pm.group(1)) if pm else None
    if rc == 7:
        return "curl-exit-7 (failed to connect)", None, None
    return None, None, None


LISTING_FILES = ["{t}-L.txt", "{t}-nL.txt", "{t}-nvL-num.txt", "{t}-nvxL.txt", "{t}-S.txt", "{t}-save-c.txt",
                 "nft-ruleset.txt"]
SNAPSHOT_FILES = ["ss-tanp.txt", "ss-tanpoi.txt", "netstat-tanp.txt", "netstat-tanpo.txt"]
SS_STATE = {"SYN_SENT": "SYN-SENT", "ESTABLISHED": "ESTAB", "TIME_WAIT": "TIME-WAIT", "SYN_RECV": "SYN-RECV",
            "FIN_WAIT1": "FIN-WAIT-1", "FIN_WAIT2": "FIN-WAIT-2", "CLOSE_WAIT": "CLOSE-WAIT", "LAST_ACK": "LAST-ACK",
            "CLOSING": "CLOSING", "LISTEN": "LISTEN", "CLOSE": "UNCONN"}


def split_endpoint(text):
    """'127.0.0.1:80', '[::1]:80', '::1:80', '*:*' -> (ip, port or None)."""
    ip, _, port = text.rpartition(":")
    ip = ip[1:-1] if ip.startswith("[") and ip.endswith("]") else ip
    return ip, (int(port) if port.isdigit() else None)


def socket_rows(path):
    """The TCP rows of one ss -tan... / netstat -tan... file: state (ss spelling), local, peer, pid, program."""
    rows = []
    for line in read(path).splitlines():
        w = line.split()
        if not w or line.startswith(("\t", " ")) and not line.lstrip().startswith("tcp"):
            continue  # ss -i continuation lines
        if w[0] in ("tcp", "tcp6") and len(w) >= 6:          # netstat
            state = SS_STATE.get(w[5], w[5])
            pid = prog = None
            if len(w) >= 7 and "/" in w[6]:
                a, b = w[6].split("/", 1)
                pid, prog = (int(a), b) if a.isdigit() else (None, None)
            rows.append({"state": state, "local": split_endpoint(w[3]), "peer": split_endpoint(w[4]),
                         "pid": pid, "program": prog})
        elif len(w) >= 5 and w[0] != "State" and w[0].isupper():  # ss
            m = re.search(r'users:\(\("([^"]*)",pid=(\d+),fd=\d+\)', line)
            rows.append({"state": w[0], "local": split_endpoint(w[3]), "peer": split_endpoint(w[4]),
                         "pid": int(m.group(2)) if m else None, "program": m.group(1) if m else None})
    return rows


def listing_facts(D, M):
    """Which listing files were written (and that their commands printed nothing on stderr)."""
    info = json.loads(read(os.path.join(M, "listings.json"), "{}"))
    problems = []
    if not info:
        return None, ["no firewall listings were written"]
    files = [f.format(t=info["tool"]) for f in LISTING_FILES]
    missing = [f for f in files if not os.path.isfile(os.path.join(D, f))]
    if missing:
        problems.append(f"listing files missing: {missing}")
    err = read(os.path.join(M, "listings-stderr.txt")).strip()
    if err:
        problems.append(f"listing commands wrote to stderr: {err[:300]}")
    info["files"] = files
    return info, problems


def snapshot_facts(D, M, clients, attempts_by_client, spec_groups):
    """scenario.json "snapshots": when, and per attempt the row (pid, program) each snapshot file shows."""
    info = json.loads(read(os.path.join(M, "snapshots.json"), "{}"))
    if not info:
        return None, ["no socket snapshots were taken"]
    problems = []
    procs = {}
    for line in read(os.path.join(M, "snapshot-procs.txt")).splitlines():
        pid, _, cmdline = line.partition(" ")
        procs[int(pid)] = cmdline.strip()
    err = read(os.path.join(M, "snapshots-stderr.txt")).strip()
    if err:
        problems.append(f"snapshot commands wrote to stderr: {err[:300]}")
    files = {f: socket_rows(os.path.join(D, f)) for f in SNAPSHOT_FILES}
    ref = clients.get(info.get("client"))
    start = float(read(os.path.join(M, "clients", str(info.get("client")), "start"), "nan").strip() or "nan")
    after = round(float(info["startEpoch"]) - start, 3) if ref is not None else None
    rows = []
    for (cip, cport, sip, sport), (att, gi, client_no) in attempts_by_client.items():
        want_state = spec_groups[gi].get("snapshotState")
        per_file = {}
        for f, frows in files.items():
            hit = [r for r in frows if r["local"] == (cip, cport) and r["peer"] == (sip, sport)]
            per_file[f] = ({"state": hit[0]["state"], "pid": hit[0]["pid"], "program": hit[0]["program"]}
                           if hit else None)
        seen = [v for v in per_file.values() if v is not None]
        desc = f"{cip}:{cport} -> {sip}:{sport}"
        if want_state is None:
            if any(v["pid"] is not None for v in seen):
                problems.append(f"{desc}: a snapshot shows a process for an attempt the scenario does not snapshot")
            if not seen:
                continue
        else:
            if len(seen) != len(files):
                problems.append(f"{desc}: in {len(seen)} of {len(files)} snapshot files (expected {want_state})")
            if any(v["state"] != want_state for v in seen):
                problems.append(f"{desc}: snapshot states {[v['state'] for v in seen]}, expected {want_state}")
        pids = {v["pid"] for v in seen}
        progs = {v["program"] for v in seen}
        pid = next(iter(pids)) if len(pids) == 1 else None
        prog = next(iter(progs)) if len(progs) == 1 else None
        if want_state is not None and (len(pids) != 1 or len(progs) != 1 or pid is None):
            problems.append(f"{desc}: the snapshot files disagree or show no process: pids {pids}, programs {progs}")
        cmdline = procs.get(pid) if pid is not None else None
        if pid is not None:
            # the pid must be this attempt's client process (its arguments as the script started it)
            want_args = clients[client_no]["cmd"].split()[1:] if client_no is not None else None
            ok = cmdline is not None and want_args is not None and cmdline.split()[1:] == want_args
            if not ok:
                problems.append(f"{desc}: pid {pid} has command line {cmdline!r}, not the client's "
                                f"{clients[client_no]['cmd'] if client_no is not None else '?'!r}")
        rows.append({"client": {"ip": cip, "port": cport}, "server": {"ip": sip, "port": sport},
                     "state": seen[0]["state"] if seen else None, "pid": pid, "program": prog,
                     "cmdline": cmdline, "files": per_file})
    with_pid = [r for r in rows if r["pid"] is not None]
    out = {
        "taken": info["taken"],
        "namespace": info["namespace"],
        "client": info.get("client"),
        "takenAfterSeconds": after,
        "durationSeconds": round(float(info["endEpoch"]) - float(info["startEpoch"]), 3),
        "clientPid": with_pid[0]["pid"] if len(with_pid) == 1 else None,
        "clientProgram": with_pid[0]["program"] if len(with_pid) == 1 else None,
        "files": SNAPSHOT_FILES,
        "rows": rows,
        "note": ("ss -tanp, ss -tanpoi, netstat -tanp, netstat -tanpo in the client's namespace; takenAfterSeconds "
                 "= when the first of them started, in s after client `client` started (negative: before it). "
                 "rows: per attempt of the capture that a snapshot shows (4-tuple match), the row's state, pid and "
                 "program (per file in files, null where the file has no row), and the pid's command line read "
                 "from /proc right after the snapshots. clientPid/clientProgram: the one process the rows show "
                 "(null when none or several)."),
    }
    return out, problems


def main():
    meta = Meta()
    D, M, scenario, spec = meta.D, meta.M, meta.scenario, meta.spec
    commands = meta.commands  # run_tshark appends the tshark commands it runs (they go into scenario.json)
    sysctls = meta.sysctls
    extra = json.loads(read(os.path.join(M, "extra.json"), "{}"))

    # ---------------------------------------------------------------- clients
    cdir = os.path.join(M, "clients")
    clients = {}
    for name in sorted(os.listdir(cdir), key=int):
        p = os.path.join(cdir, name)
        c = {
            "cmd": read(os.path.join(p, "cmd")).strip(),
            "out": read(os.path.join(p, "out")),
            "rc": int(read(os.path.join(p, "rc"), "-1").strip() or -1),
            "elapsed": float(read(os.path.join(p, "elapsed"), "nan").strip()),
        }
        c["result"], c["connect_s"], c["local_port"] = parse_client(c["out"], c["rc"])
        clients[int(name)] = c
    with open(os.path.join(D, "client.txt"), "w") as f:
        multi = len(clients) > 1
        for i, c in clients.items():
            if multi:
                f.write(f"# client {i}: {c['cmd']}\n")
            write_client_block(f, c["out"], c["rc"], c["elapsed"], multi)

    # ---------------------------------------------------------------- capture
    pcap = os.path.join(D, "capture.pcap")
    tfields = ["frame.time_epoch", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst",
               "tcp.dstport", "tcp.flags"]
    tcp = []
    for r in run_tshark(pcap, "tcp && !icmp && !icmpv6", tfields, commands):
        tcp.append({
            "t": float(r["frame.time_epoch"]),
            "src": r["ip.src"] or r["ipv6.src"], "sport": int(r["tcp.srcport"]),
            "dst": r["ip.dst"] or r["ipv6.dst"], "dport": int(r["tcp.dstport"]),
            "flags": int(r["tcp.flags"], 16),
        })
        # tcp.flags bits: FIN 1, SYN 2, RST 4, PSH 8, ACK 0x10
    ifields = ["frame.time_epoch", "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
               "tcp.srcport", "tcp.dstport"]
    icmps = []
    for r in run_tshark(pcap, "icmp || icmpv6", ifields, commands):
        v6 = bool(r["icmpv6.type"])
        icmps.append({
            "t": float(r["frame.time_epoch"]), "v6": v6,
            "type": int(first(r["icmpv6.type"] if v6 else r["icmp.type"])),
            "code": int(first(r["icmpv6.code"] if v6 else r["icmp.code"])),
            "sport": int(last(r["tcp.srcport"])) if r["tcp.srcport"] else None,
            "dport": int(last(r["tcp.dstport"])) if r["tcp.dstport"] else None,
        })
    nn_text = read(os.path.join(D, "tcpdump-nn.txt"))
    counters = meta.counters
    locked_icmp_attempts = 0
    attempts_by_client = {}

    attempts, notes, summary, problems, observed = [], [], [], [], []
    for gi, g in enumerate(spec["groups"]):
        kind = g["kind"]
        outcome, errno_name, answer = KINDS[kind]
        sip, sport, fam = g["server"]["ip"], int(g["server"]["port"]), g["family"]
        n = int(g.get("N", sysctls.get("net.ipv4.tcp_syn_retries")))
        lin = int(g.get("L", sysctls.get("net.ipv4.tcp_syn_linear_timeouts")))
        syns_model, giveup, giveup_why = syn_schedule(n, lin)
        conns = {}
        for p in tcp:
            if p["dst"] == sip and p["dport"] == sport and (p["flags"] & 0x12) == 0x02:
                conns.setdefault((p["src"], p["sport"]), []).append(p["t"])
        gclients = [clients[i] for i in g["clients"]]
        if len(conns) != len(gclients):
            problems.append(f"{sip}:{sport}: {len(conns)} connections in the capture, "
                            f"{len(gclients)} clients started")
        for (cip, cport), syn_ts in sorted(conns.items(), key=lambda kv: kv[1][0]):
            t0 = syn_ts[0]
            offs = [t - t0 for t in syn_ts]
            chk = []  # (ok, text)
            from_srv = [p for p in tcp if p["src"] == sip and p["sport"] == sport
                        and p["dst"] == cip and p["dport"] == cport]
            synacks = [p["t"] - t0 for p in from_srv if (p["flags"] & 0x12) == 0x12]
            rsts = [p["t"] - t0 for p in from_srv if p["flags"] & 0x04]
            icmp_hits = [i for i in icmps if i["sport"] == cport and i["dport"] == sport]
            # grep cross-check on the rendered text
            if fam == "ipv6":
                pat = re.compile(re.escape(f"{cip}.{cport} > {sip}.{sport}: Flags [S],"))
            else:
                pat = re.compile(re.escape(f"{cip}.{cport} > {sip}.{sport}: Flags [S],"))
            grep_syns = sum(1 for line in nn_text.splitlines() if pat.search(line))
            chk.append((grep_syns == len(syn_ts),
                        f"tcpdump-nn.txt has {grep_syns} SYN lines, tshark {len(syn_ts)}"))
            att = {
                "client": {"ip": cip, "port": cport},
                "server": {"ip": sip, "port": sport},
                "family": fam,
                "outcome": outcome,
                "errno": errno_name,
                "synSent": len(syn_ts),
                "synRetransmits": len(syn_ts) - 1,
                "tcpSynRetries": None,
                "linearTimeouts": None,
                "timeoutSeconds": None,
            }
            desc = f"{cip}:{cport} -> {sip}:{sport}"
            obs_s = "[" + ", ".join(fmt(o) for o in offs) + "]"
            if kind == "drop":
                att["tcpSynRetries"], att["linearTimeouts"] = n, lin
                att["timeoutSeconds"] = int(giveup) if giveup == int(giveup) else giveup
                mod_s = "[" + ", ".join(fmt(o) for o in syns_model) + "]"
                chk.append((len(syn_ts) == len(syns_model),
                            f"SYNs observed {len(syn_ts)}, model (N={n}, L={lin}) {len(syns_model)}"))
                if len(syn_ts) == len(syns_model):
                    late = [o - m for o, m in zip(offs, syns_model)]
                    ok = all(-0.02 <= o - m <= 0.15 + 0.15 * m for o, m in zip(offs, syns_model))
                    chk.append((ok, f"SYN offsets observed {obs_s} s vs model {mod_s} s "
                                    f"(max lateness {fmt(max(late))} s)"))
                else:
                    chk.append((False, f"SYN offsets observed {obs_s} s vs model {mod_s} s"))
                chk.append((not synacks and not rsts and not icmp_hits,
                            f"server answers: {len(synacks)} SYN-ACK, {len(rsts)} RST, {len(icmp_hits)} ICMP"))
                model_txt = (f"kernel model N={n} L={lin}: SYNs at {mod_s} s, gives up at "
                             f"{fmt(giveup)} s by the {giveup_why}")
            elif kind == "rst":
                chk.append((len(rsts) >= 1 and len(syn_ts) == 1,
                            f"{len(syn_ts)} SYN, RST from server after {fmt(rsts[0]) if rsts else '-'} s"))
                model_txt = "RST answers the first SYN: connect fails at once with ECONNREFUSED, no SYN retransmit"
            elif kind in ICMP_EXPECT:
                v6, ty, co = ICMP_EXPECT[kind]
                locked = bool(g.get("icmpWhileLocked", True))
                exp_syns = 2 if locked else 1
                locked_icmp_attempts += 1 if locked else 0
                good = [i for i in icmp_hits if i["v6"] == v6 and i["type"] == ty and i["code"] == co]
                good_offs = "[" + ", ".join(fmt(i["t"] - t0) for i in good) + "]"
                chk.append((len(good) == exp_syns and len(icmp_hits) == len(good),
                            f"{len(icmp_hits)} ICMP error(s) quoting this connection at {good_offs} s, "
                            f"{len(good)} of {answer}; model {exp_syns}"))
                chk.append((len(syn_ts) == exp_syns, f"{len(syn_ts)} SYN(s) sent; model {exp_syns}"))
                if locked:
                    model_txt = (f"{answer} is generated synchronously inside the client's connect() while the "
                                 f"socket is locked, so the kernel keeps it only as a soft error (LockDroppedIcmps) "
                                 f"and goes on; the SYN is retransmitted at the 1 s RTO, the ICMP answering it "
                                 f"is processed with the socket unlocked and aborts the connect with {errno_name}: "
                                 f"2 SYNs, 2 ICMPs, connect() fails after ~1 s")
                    if len(offs) >= 2:
                        chk.append((0.98 <= offs[1] <= 1.3, f"retransmitted SYN {fmt(offs[1])} s after the first (RTO 1 s)"))
                else:
                    dly = float(g.get("icmpDelay", 0))
                    model_txt = (f"{answer} arrives {fmt(dly)} s after the SYN, while connect() sleeps with the "
                                 f"socket unlocked: the kernel aborts the connect at once with {errno_name}; "
                                 f"1 SYN, no retransmit")
            elif kind == "accept":
                chk.append((len(synacks) >= 1 and len(syn_ts) == 1,
                            f"{len(syn_ts)} SYN, {len(synacks)} SYN-ACK"))
                model_txt = "listener answers the first SYN with SYN-ACK: established"
            elif kind == "accept-after-nth-drop":
                dropped = int(g.get("droppedSyns", 1))
                exp_n = dropped + 1
                mod_s = "[" + ", ".join(fmt(m) for m in syns_model[:exp_n]) + "]"
                chk.append((len(syn_ts) == exp_n,
                            f"SYNs observed {len(syn_ts)} {obs_s} s; model (N={n}, L={lin}) with the first "
                            f"{dropped} dropped by the nth rule: {exp_n} {mod_s} s"))
                if len(syn_ts) == exp_n:
                    chk.append((all(-0.02 <= o - m <= 0.15 + 0.15 * m for o, m in zip(offs, syns_model)),
                                f"SYN offsets observed {obs_s} s vs model {mod_s} s"))
                chk.append((len(synacks) >= 1 and len(syn_ts) >= 1 and abs(synacks[0] - offs[-1]) < 0.1,
                            f"{len(synacks)} SYN-ACK, the first after {fmt(synacks[0]) if synacks else '-'} s "
                            f"(answering the SYN sent at {fmt(offs[-1])} s)"))
                model_txt = (f"the statistic nth rule drops the first {dropped} SYN(s); the next SYN of the "
                             f"schedule (N={n}, L={lin}) gets a SYN-ACK")
            elif kind == "accept-after-drop":
                rem = extra.get("dropRuleRemoved", {}).get("epoch")
                rem_off = float(rem) - t0 if rem is not None else None
                exp_n = sum(1 for m in syns_model if rem_off is not None and m < rem_off) + 1
                mod_s = "[" + ", ".join(fmt(m) for m in syns_model[:exp_n]) + "]"
                chk.append((len(syn_ts) == exp_n,
                            f"SYNs observed {len(syn_ts)} {obs_s} s; model (N={n}, L={lin}) with the DROP "
                            f"removed {fmt(rem_off) if rem_off is not None else '?'} s after the first SYN: "
                            f"{exp_n} {mod_s} s"))
                chk.append((len(synacks) >= 1, f"{len(synacks)} SYN-ACK after {fmt(synacks[0]) if synacks else '-'} s"))
                model_txt = (f"DROP removed {fmt(rem_off) if rem_off is not None else '?'} s after the first SYN; "
                             f"the next SYN of the schedule (N={n}, L={lin}) gets a SYN-ACK")
            elif kind == "synack-ack-dropped":
                hold = float(g.get("hold", 8))
                retries = int(sysctls.get("net.ipv4.tcp_synack_retries", 5))
                sched = synack_schedule(retries)
                first_sa = synacks[0] if synacks else 0.0
                exp_sa = [s for s in sched if s < hold]
                # SYN-ACKs sent before the client's FIN (which completes the handshake)
                fin_t = min([p["t"] - t0 for p in tcp if p["src"] == cip and p["sport"] == cport
                             and p["flags"] & 0x01] or [float("inf")])
                before_fin = [s for s in synacks if s < fin_t]
                rel = [s - first_sa for s in before_fin]
                chk.append((len(before_fin) == len(exp_sa),
                            f"SYN-ACKs before the client's FIN: observed {len(before_fin)} at "
                            f"[{', '.join(fmt(s) for s in rel)}] s after the first SYN-ACK; model "
                            f"(tcp_synack_retries={retries}, RTO 1 s doubling) within the {fmt(hold)} s hold: "
                            f"{len(exp_sa)} at [{', '.join(fmt(s) for s in exp_sa)}] s"))
                att["synAckSent"] = len(before_fin)
                model_txt = ("client side established after the first SYN-ACK; the server's final-ACK "
                             "never arrives, so the listener retransmits the SYN-ACK (request sock timer)")
            else:
                raise SystemExit(f"unknown kind {kind}")
            # client checks
            cl = client_no = None
            for no in g["clients"]:
                if clients[no]["local_port"] == cport:
                    cl, client_no = clients[no], no
            if cl is None and len(gclients) == 1:
                cl, client_no = gclients[0], g["clients"][0]
            want = errno_name or "OK"
            if cl is not None:
                chk.append((cl["result"] == want, f"client reported {cl['result']} (expected {want}), "
                                                  f"exit={cl['rc']}, elapsed={cl['elapsed']:.3f} s"
                                                  + (f", connect() took {cl['connect_s']:.3f} s" if cl['connect_s'] is not None else "")))
                dur = cl["connect_s"] if cl["connect_s"] is not None else cl["elapsed"]
                if kind == "drop":
                    chk.append((giveup - 0.05 <= dur <= giveup * 1.15 + 1.0,
                                f"connect gave up after {dur:.3f} s, model {fmt(giveup)} s"))
                elif kind in ICMP_EXPECT:
                    exp_t = 1.0 if g.get("icmpWhileLocked", True) else float(g.get("icmpDelay", 0))
                    chk.append((exp_t - 0.02 <= dur <= exp_t + 0.35,
                                f"connect failed after {dur:.3f} s, model {fmt(exp_t)} s"))
                elif kind in ("accept-after-drop", "accept-after-nth-drop"):
                    exp_t = syns_model[len(syn_ts) - 1] if len(syn_ts) <= len(syns_model) else float("nan")
                    chk.append((abs(dur - exp_t) < 0.5, f"connect succeeded after {dur:.3f} s, model {fmt(exp_t)} s"))
                elif cl["connect_s"] is not None:
                    chk.append((dur < 0.5, f"connect returned after {dur:.3f} s"))
            else:
                same = [c["result"] for c in gclients]
                chk.append((all(r == want for r in same),
                            f"clients of this server reported {same} (expected {want}); port not printed by the client"))
            bad = [t for ok, t in chk if not ok]
            observed.append({
                "attempt": desc, "kind": kind,
                "synOffsets": [round(o, 6) for o in offs],
                "modelSynOffsets": syns_model if kind == "drop" else None,
                "modelGiveUpSeconds": giveup if kind == "drop" else None,
                "synAckOffsets": [round(x, 6) for x in synacks],
                "icmpOffsets": [round(i["t"] - t0, 6) for i in icmp_hits],
                "rstOffsets": [round(x, 6) for x in rsts],
                "clientResult": cl["result"] if cl else None,
                "clientConnectSeconds": cl["connect_s"] if cl else None,
                "clientElapsedSeconds": cl["elapsed"] if cl else None,
                "check": "OK" if not bad else "MISMATCH: " + " | ".join(bad),
            })
            problems += [f"{desc}: {t}" for t in bad]
            notes.append(f"{desc} ({kind}: {answer}). Model: {model_txt}. Observed SYN offsets {obs_s} s. "
                         + "; ".join(("" if ok else "MISMATCH: ") + t for ok, t in chk) + ".")
            if "firewall" in g:
                # the rule the scenario set up that decides this attempt's SYN in the listings
                # made after the run (null: no rule, and an ACCEPT policy)
                att["firewall"] = g["firewall"]
            attempts.append(att)
            attempts_by_client[(cip, cport, sip, sport)] = (att, gi, client_no)
            summary.append((desc, kind, att, obs_s, cl, bad))
    # firewall listings and socket snapshots written by the capture script
    listings, lprob = listing_facts(D, M)
    snaps, sprob = snapshot_facts(D, M, clients, attempts_by_client, spec["groups"])
    problems += lprob + sprob
    # scenario-level kernel counter check (namespace of the client)
    ldi = counters.get("TcpExtLockDroppedIcmps")
    if ldi is not None:
        ok = ldi == locked_icmp_attempts
        txt = (f"kernel counter TcpExtLockDroppedIcmps={ldi} in the client namespace "
               f"(model: {locked_icmp_attempts}, one per ICMP that arrived while connect() held the socket lock)")
        notes.append(("" if ok else "MISMATCH: ") + txt + ".")
        if not ok:
            problems.append(txt)
    # keep global first-SYN order across groups
    first_syn = {}
    for p in tcp:
        if (p["flags"] & 0x12) == 0x02:
            first_syn.setdefault((p["src"], p["sport"]), p["t"])
    attempts_sorted = sorted(attempts, key=lambda x: first_syn.get((x["client"]["ip"], x["client"]["port"]), 0))

    ns_note = (f"Client namespace sysctls: tcp_syn_retries={sysctls.get('net.ipv4.tcp_syn_retries')}, "
               f"tcp_syn_linear_timeouts={sysctls.get('net.ipv4.tcp_syn_linear_timeouts')}, "
               f"tcp_synack_retries={sysctls.get('net.ipv4.tcp_synack_retries')}. "
               "tcpSynRetries/linearTimeouts/timeoutSeconds are given only for attempts that time out "
               "(the SYN schedule depends on them); null otherwise. client port and synSent come from the capture.")
    if spec.get("note"):
        ns_note = spec["note"] + " " + ns_note
    scen = meta.scenario_json(
        observed=observed,
        observedNote=("per attempt, from capture.pcap (offsets in s after the attempt's first SYN) and "
                      "client.txt; model values from the kernel model in scripts/capture/make_json.py"),
        kernelCounters=meta.nonzero_counters(),
        kernelCountersNote=("non-zero /proc/net/{netstat,snmp,snmp6} counters of the client namespace "
                            "after the run (read with: ip netns exec NS cat /proc/net/netstat ...)"),
        listings=listings,
        snapshots=snaps)
    scen.update(extra)

    lines = []
    for desc, kind, att, obs_s, cl, bad in summary:
        cl_s = (f"{cl['result']} exit={cl['rc']} {cl['elapsed']:.3f}s" if cl else "?")
        lines.append(f"{scenario:32} {desc:40} {att['outcome']:11} {str(att['errno']):12} "
                     f"SYNs={att['synSent']:<2} at {obs_s} client: {cl_s} "
                     + ("OK" if not bad else "MISMATCH: " + " | ".join(bad)))
    for p in problems:
        if not any(p.endswith(b) for _, _, _, _, _, bb in summary for b in bb):
            lines.append(f"{scenario:32} PROBLEM: {p}")
    meta.write_outputs(ns_note, notes, problems, attempts_sorted, scen, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
