#!/usr/bin/env python3
"""Build client.txt, scenario.json and expected.json for one strace scenario.

    make_strace_json.py --fixture fixtures/strace-NAME --meta /tmp/tcpdiag-strace.X/strace-NAME

Called by capture-strace.sh after the capture. The expected analysis is derived
from the scenario SETUP (spec.json: what was blocked how, which sysctls, which
client and how it connects, the application's own time limit) and the kernel
model of make_json.py, then CHECKED against what the tools really printed:

  * tcpdump-nn[.KEY].txt / tcpdump-tt[.KEY].txt: the attempt's client address,
    its SYNs (count and offsets) and the answers (SYN-ACK, RST, ICMP);
  * the strace output of the run: the connect() call, what it returned, how the
    application learned the result (getsockopt SO_ERROR, poll timeout, close,
    exit, fatal signal), the pid and its duration;
  * the client's exit status and elapsed time.

Observed values that only the tools define (client port, synSent, pid,
durationSeconds) are taken from them; every disagreement with the model is
written into "notes" (prefix MISMATCH:) and into the summary. Nothing here reads
any analyzer output.

durationSeconds: for a connect() that itself returned the result (blocking
connect), strace -T's value on the connect line (or on its "<... connect
resumed>" line). For a non-blocking connect (-1 EINPROGRESS): from the connect
line's timestamp to the timestamp of the getsockopt(SO_ERROR) that delivered
the result, or of the close()/exit_group()/fatal signal that abandoned the
attempt. null when the run has no timestamps precise enough (none, or -t).
"""
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capture_common import Meta, fmt, read, write_client_block, syn_schedule  # noqa: E402

KINDS = {  # kind -> (outcome, errno the application gets, answer)
    "drop": ("timeout", "ETIMEDOUT", "no answer (iptables DROP)"),
    "drop-app-timeout": ("app-timeout", None, "no answer (iptables DROP); the application gives up first"),
    "drop-sigint": ("app-timeout", None, "no answer (iptables DROP); the application is killed by SIGINT"),
    "rst": ("refused", "ECONNREFUSED", "TCP RST"),
    "icmp-host-prohibited": ("unreachable", "EHOSTUNREACH", "ICMP type 3 code 10 (host administratively prohibited)"),
    "accept": ("established", None, "SYN-ACK"),
}


# ------------------------------------------------------------------ tcpdump
TD_RE = re.compile(r"^(?:(\S+) )?(IP6?) (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\]")
TD_ICMP_RE = re.compile(r"^(?:(\S+) )?(IP6?) (\S+) > (\S+): (ICMP6?.*)$")


def parse_tcpdump(nn_text, tt_text):
    """SYNs per connection (from -nn -tt), cross-checked with the -nn count."""
    conns, answers, icmps = {}, [], []
    for line in tt_text.splitlines():
        m = TD_RE.match(line)
        if m:
            t, _, src, sp, dst, dp, flags = m.groups()
            key = (src, int(sp), dst, int(dp))
            if flags == "S":
                conns.setdefault(key, []).append(float(t))
            else:
                answers.append((float(t), key, flags))
            continue
        m = TD_ICMP_RE.match(line)
        if m:
            icmps.append((float(m.group(1)), m.group(5)))
    nn_count = {}
    for line in nn_text.splitlines():
        m = TD_RE.match(line)
        if m and m.group(7) == "S":
            _, _, src, sp, dst, dp, _ = m.groups()
            key = (src, int(sp), dst, int(dp))
            nn_count[key] = nn_count.get(key, 0) + 1
    return conns, nn_count, answers, icmps


# ------------------------------------------------------------------- strace
def strace_style(flags, mode):
    """pid style and timestamp style of an strace run, from its flags."""
    clusters = [c[1:] for c in flags.split() if re.fullmatch(r"-[A-Za-z]+", c)]
    letters = "".join(clusters)
    tcount = letters.count("t")
    ts = {0: "none", 1: "t", 2: "tt"}.get(tcount, "ttt")
    if "r" in letters:
        ts = "r"
    ff = "ff" in letters
    f = "f" in letters
    if mode == "ff" or ff:
        pid = "file"
    elif not f:
        pid = "none"
    elif mode == "stderr":
        pid = "bracket"
    else:
        pid = "column"
    return pid, ts, "T" in letters


TS_RE = {
    "none": re.compile(r""),
    "t": re.compile(r"(\d\d:\d\d:\d\d) "),
    "tt": re.compile(r"(\d\d:\d\d:\d\d\.\d+) "),
    "ttt": re.compile(r"(\d+\.\d+) "),
    "r": re.compile(r"\s*(\d+\.\d+) "),
}
T_RE = re.compile(r" <(\d+\.\d+)>$")
RESUMED_RE = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
RET_RE = re.compile(r"\) += (-?\d+|\?|0x[0-9a-f]+)(?: (E[A-Z0-9_]+) \(([^)]*)\))?(.*)$")
UNFIN = " <unfinished ...>"


class Event:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def parse_strace(path, pid_style, ts_style, has_T, day0, default_pid):
    """Events (syscalls, reconstructed from unfinished/resumed pairs; signals; exits)."""
    events, pending, foreign = [], {}, []
    rel = 0.0
    for lineno, raw in enumerate(read(path).splitlines(), 1):
        line = raw
        pid = default_pid
        if pid_style == "column":
            m = re.match(r"(\d+) +", line)
            if not m:
                foreign.append((lineno, raw))
                continue
            pid, line = int(m.group(1)), line[m.end():]
        elif pid_style == "bracket":
            # the client's own stderr text can precede the prefix on the same line
            m = re.search(r"\[pid +(\d+)\] ", line)
            if m and m.start() > 0:
                foreign.append((lineno, line[:m.start()]))
            if m:
                pid, line = int(m.group(1)), line[m.end():]
        ts = None
        if ts_style != "none":
            m = TS_RE[ts_style].match(line)
            if not m:
                foreign.append((lineno, raw))
                continue
            v = m.group(1)
            line = line[m.end():]
            if ts_style == "r":
                rel += float(v)
                ts = rel
            elif ts_style == "ttt":
                ts = float(v)
            else:
                h, mi, s = v.split(":")
                ts = day0 + int(h) * 3600 + int(mi) * 60 + float(s)
        dur = None
        m = T_RE.search(line)
        if m:
            dur = float(m.group(1))
            line = line[:m.start()]
        if line.startswith("--- ") or line.startswith("+++ "):
            events.append(Event(pid=pid, ts=ts, name=line[:3], text=line, line=lineno, endline=lineno,
                                ret=None, err=None, dur=None))
            continue
        m = RESUMED_RE.match(line)
        if m:
            p = pending.pop((pid, m.group(1)), None)
            if p is None:
                foreign.append((lineno, raw))
                continue
            text = p["text"] + m.group(2)
            ev = Event(pid=pid, ts=p["ts"], name=m.group(1), text=text, line=p["line"], endline=lineno,
                       endts=ts, dur=dur, ret=None, err=None)
            r = RET_RE.search(text)
            if r:
                ev.ret, ev.err = r.group(1), r.group(2)
            events.append(ev)
            continue
        m = re.match(r"([a-z_0-9]+)\(", line)
        if not m:
            foreign.append((lineno, raw))
            continue
        name = m.group(1)
        if line.endswith(UNFIN):
            pending[(pid, name)] = {"text": line[:-len(UNFIN)], "ts": ts, "line": lineno}
            continue
        if UNFIN + ")" in line:  # "poll(... <unfinished ...>) = ?" (process died in the call)
            line = line.replace(UNFIN, "")
        ev = Event(pid=pid, ts=ts, name=name, text=line, line=lineno, endline=lineno, endts=ts, dur=dur,
                   ret=None, err=None)
        r = RET_RE.search(line)
        if r:
            ev.ret, ev.err = r.group(1), r.group(2)
        events.append(ev)
    for (pid, name), p in pending.items():
        events.append(Event(pid=pid, ts=p["ts"], name=name, text=p["text"], line=p["line"], endline=None,
                            endts=None, dur=None, ret="unfinished", err=None))
    events.sort(key=lambda e: e.line)
    return events, foreign


FD_RE = r"(\d+)(?:<[^,]*?>)?"
CONNECT_RE = re.compile(r"^connect\(" + FD_RE + r", \{sa_family=(AF_INET6?), (.*?)\}, \d+")
GETSOCKOPT_RE = re.compile(r"^getsockopt\(" + FD_RE + r", SOL_SOCKET, SO_ERROR, \[([^\]]*)\]")
CLOSE_RE = re.compile(r"^close\(" + FD_RE + r"\)")
GETSOCKNAME_RE = re.compile(r"^getsockname\(" + FD_RE + r", \{sa_family=AF_INET6?, sin6?_port=htons\((\d+)\)")
EXECVE_RE = re.compile(r'^execve\("([^"]+)"')
WAIT_NAMES = ("poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait")


def sockaddr(text):
    port = re.search(r"sin6?_port=htons\((\d+)\)", text)
    a4 = re.search(r'inet_addr\("([^"]+)"\)', text)
    a6 = re.search(r'inet_pton\(AF_INET6, "([^"]+)"', text)
    ip = a4.group(1) if a4 else (a6.group(1) if a6 else None)
    return ip, int(port.group(1)) if port else None


def strace_attempts(events, file_rel):
    """Every AF_INET/AF_INET6 connect() and how the application learned its result."""
    out = []
    for i, ev in enumerate(events):
        if ev.name != "connect":
            continue
        m = CONNECT_RE.match(ev.text)
        if not m:
            continue
        fd, fam, addr = int(m.group(1)), m.group(2), m.group(3)
        ip, port = sockaddr(addr)
        a = {"pid": ev.pid, "fd": fd, "family": "ipv6" if fam == "AF_INET6" else "ipv4",
             "ip": ip, "port": port, "file": file_rel, "line": ev.line, "endline": ev.endline,
             "ts": ev.ts, "connectDur": ev.dur, "connectRet": ev.ret, "connectErr": ev.err,
             "connectText": ev.text, "appErrno": None, "how": None, "endTs": None, "endLine": None,
             "waits": [], "localPort": None, "command": None, "signal": None}
        # the command: last execve of this pid before the connect
        for e2 in events[:i]:
            if e2.pid == ev.pid and e2.name == "execve" and e2.ret == "0":
                x = EXECVE_RE.match(e2.text)
                if x:
                    a["command"] = os.path.basename(x.group(1))
        if ev.ret == "unfinished":
            a["how"] = "connect never returned (no resumed line)"
        elif ev.err != "EINPROGRESS":
            a["appErrno"] = ev.err  # None when connect() returned 0
            a["how"] = f"connect() returned {ev.ret}" + (f" {ev.err}" if ev.err else "")
            a["endTs"], a["endLine"] = ev.endts, ev.endline
        for e2 in events[i + 1:]:
            if e2.pid != ev.pid:
                continue
            t = e2.text
            g = GETSOCKNAME_RE.match(t) if e2.name == "getsockname" else None
            if g and int(g.group(1)) == fd:
                a["localPort"] = int(g.group(2))
            if a["localPort"] is None:
                y = re.search(r"\b" + str(fd) + r"<TCP(?:v6)?:\[\[?([^\]\s]+?)\]?:(\d+)->", t)
                if y:
                    a["localPort"] = int(y.group(2))
            if a["how"] is not None:
                if e2.name == "close" and CLOSE_RE.match(t) and int(CLOSE_RE.match(t).group(1)) == fd:
                    break
                continue
            if e2.name in WAIT_NAMES:
                a["waits"].append({"line": e2.line, "text": t, "dur": e2.dur})
            g = GETSOCKOPT_RE.match(t) if e2.name == "getsockopt" else None
            if g and int(g.group(1)) == fd:
                v = g.group(2)
                a["appErrno"] = None if v == "0" else v
                a["how"] = f"getsockopt(SO_ERROR) = [{v}]"
                a["endTs"], a["endLine"] = e2.ts, e2.line
                continue
            c = CLOSE_RE.match(t) if e2.name == "close" else None
            if c and int(c.group(1)) == fd:
                a["how"] = "close() without a result (attempt abandoned)"
                a["endTs"], a["endLine"] = e2.ts, e2.line
                break
            if e2.name == "exit_group":
                a["how"] = "exit_group() without a result (attempt abandoned)"
                a["endTs"], a["endLine"] = e2.ts, e2.line
                break
            if e2.name == "---":
                s = re.match(r"--- (SIG\w+)", t)
                if s:
                    a["signal"] = {"line": e2.line, "text": t}
                continue
            if e2.name == "+++":
                a["how"] = f"process ended without a result: {t}"
                a["endTs"], a["endLine"] = e2.ts, e2.line
                break
        out.append(a)
    return out


# --------------------------------------------------------------------- main
def main():
    meta = Meta()
    D, M, scenario, spec, sysctls = meta.D, meta.M, meta.scenario, meta.spec, meta.sysctls
    n = int(sysctls["net.ipv4.tcp_syn_retries"])
    lin = int(sysctls["net.ipv4.tcp_syn_linear_timeouts"])
    syns_model, giveup, giveup_why = syn_schedule(n, lin)

    # ------------------------------------------------------------- runs
    cdir = os.path.join(M, "clients")
    runs = []
    for name in sorted(os.listdir(cdir), key=int):
        p = os.path.join(cdir, name)
        r = {k: read(os.path.join(p, k)).strip() for k in
             ("key", "mode", "flags", "cmd", "cname", "pid", "rc", "elapsed", "start", "sigint_epoch")}
        r["out"] = read(os.path.join(p, "out"))
        runs.append(r)
    multi = len(runs) > 1
    with open(os.path.join(D, "client.txt"), "w") as f:
        for r in runs:
            where = {"o": f"strace output in strace-{r['key']}.txt",
                     "stderr": f"strace output AND the client's stderr in strace-{r['key']}.txt; below: stdout only",
                     "ff": "strace output in strace-ff/trace.<pid>"}[r["mode"]]
            f.write(f"# run {r['key']}: {r['flags']} {r['cmd']}   ({where})\n")
            write_client_block(f, r["out"], r["rc"], float(r["elapsed"]), multi)

    attempts, notes, problems, observed, summary, run_info = [], [], [], [], [], []
    for r in runs:
        key = r["key"]
        suffix = f".{key}" if multi else ""
        start = float(r["start"])
        sd = datetime.datetime.fromtimestamp(start)
        day0 = datetime.datetime(sd.year, sd.month, sd.day).timestamp()
        pid_style, ts_style, has_T = strace_style(r["flags"], r["mode"])
        rec_pid = int(r["pid"]) if r["pid"] else None
        # strace files of the run
        if r["mode"] == "ff":
            files = sorted(os.listdir(os.path.join(D, "strace-ff")))
            files = [os.path.join("strace-ff", x) for x in files]
        else:
            files = [f"strace-{key}.txt"]
        st_atts, foreign_all, nlines = [], [], 0
        for fr in files:
            fpid = int(fr.rsplit(".", 1)[1]) if r["mode"] == "ff" else rec_pid
            evs, foreign = parse_strace(os.path.join(D, fr), pid_style, ts_style, has_T, day0, fpid)
            nlines += len(read(os.path.join(D, fr)).splitlines())
            foreign_all += [(fr, ln, t) for ln, t in foreign]
            st_atts += strace_attempts(evs, fr)
        if ts_style == "r":  # relative: anchor the first line at the client start (ordering only)
            for x in st_atts:
                for k2 in ("ts", "endTs"):
                    if x[k2] is not None:
                        x[k2] += start
        conns, nn_count, answers, icmps = parse_tcpdump(read(os.path.join(D, f"tcpdump-nn{suffix}.txt")),
                                                        read(os.path.join(D, f"tcpdump-tt{suffix}.txt")))
        run_info.append({
            "key": key, "strace": r["flags"], "command": r["cmd"], "outputMode": r["mode"],
            "straceFiles": files, "straceLines": nlines,
            "pidColumn": pid_style, "timestamps": ts_style, "syscallTimes": has_T,
            "tracedPid": rec_pid, "exit": int(r["rc"]), "elapsed": float(r["elapsed"]),
            "startEpoch": start, "sigintEpoch": float(r["sigint_epoch"]) if r["sigint_epoch"] else None,
            "tcpdumpFiles": [f"tcpdump-nn{suffix}.txt", f"tcpdump-tt{suffix}.txt",
                             f"tcpdump-live-any{suffix}.txt", f"capture{suffix}.pcap"],
            "linesNotFromStrace": [f"{fr}:{ln}: {t}" for fr, ln, t in foreign_all][:60],
        })
        for g in [g for g in spec["groups"] if g["run"] == key]:
            kind = g["kind"]
            outcome, errno_name, answer = KINDS[kind]
            sip, sport, fam = g["server"]["ip"], int(g["server"]["port"]), g["family"]
            gconns = {k: v for k, v in conns.items() if k[2] == sip and k[3] == sport}
            gst = [x for x in st_atts if x["ip"] == sip and x["port"] == sport]
            if len(gconns) != g["count"] or len(gst) != g["count"]:
                problems.append(f"run {key} {sip}:{sport}: {len(gconns)} connections in tcpdump, "
                                f"{len(gst)} connect() calls in strace, {g['count']} expected")
            # pair strace connects with tcpdump connections: by local port when strace shows it
            # (getsockname, or a -yy decoded fd), the rest in time order
            pairs, free_c = [], sorted(gconns.items(), key=lambda kv: kv[1][0])
            rest = []
            for x in sorted(gst, key=lambda x: (x["ts"] if x["ts"] is not None else 0, x["line"])):
                hit = [c for c in free_c if x["localPort"] is not None and c[0][1] == x["localPort"]]
                if hit:
                    pairs.append((x, hit[0], "local port"))
                    free_c.remove(hit[0])
                else:
                    rest.append(x)
            for x in rest:
                if free_c:
                    pairs.append((x, free_c.pop(0), "time order"))
                else:
                    pairs.append((x, None, "no connection in tcpdump"))
            for c in free_c:
                pairs.append((None, c, "no connect() in strace"))
            pairs.sort(key=lambda p: p[1][1][0] if p[1] else float("inf"))
            for x, c, how_paired in pairs:
                chk = []
                syn_ts = c[1] if c else []
                t0 = syn_ts[0] if syn_ts else None
                offs = [t - t0 for t in syn_ts]
                cip, cport = (c[0][0], c[0][1]) if c else (None, None)
                nn = nn_count.get(c[0], 0) if c else 0
                if c:
                    chk.append((nn == len(syn_ts), f"tcpdump-nn{suffix}.txt has {nn} SYN lines, "
                                                   f"tcpdump-tt{suffix}.txt {len(syn_ts)}"))
                back = [(t - t0, fl) for t, k, fl in answers if c and k == (sip, sport, cip, cport)]
                synacks = [round(t, 6) for t, fl in back if "S" in fl]
                rsts = [round(t, 6) for t, fl in back if "R" in fl]
                icmp_offs = [round(t - t0, 6) for t, _ in icmps] if c else []
                # ---- duration
                dur, dur_src = None, None
                if x is not None:
                    if x["connectErr"] != "EINPROGRESS" and x["connectRet"] not in (None, "unfinished"):
                        if x["connectDur"] is not None:
                            dur, dur_src = x["connectDur"], "strace -T of connect()"
                        elif ts_style in ("tt", "ttt", "r") and x["endTs"] is not None:
                            dur, dur_src = x["endTs"] - x["ts"], "timestamps of connect() entry and return"
                    elif x["endTs"] is not None and ts_style in ("tt", "ttt", "r"):
                        dur, dur_src = x["endTs"] - x["ts"], f"connect() line to the line of: {x['how']}"
                # ---- model and checks
                att = {
                    "client": {"ip": cip, "port": cport} if c else None,
                    "server": {"ip": sip, "port": sport},
                    "family": fam, "outcome": outcome, "errno": errno_name,
                    "synSent": len(syn_ts), "synRetransmits": max(0, len(syn_ts) - 1),
                    "durationSeconds": round(dur, 6) if dur is not None else None,
                    "process": {"pid": x["pid"] if x else None,
                                "command": (x["command"] if x and x["command"] else
                                            g["command"] if "|" not in g["command"] else None)},
                    "tcpSynRetries": None, "linearTimeouts": None, "timeoutSeconds": None,
                    "run": key,
                    "strace": ({"file": x["file"], "connectLine": x["line"], "resultLine": x["endLine"],
                                "connectReturned": (x["connectRet"] + (f" {x['connectErr']}" if x["connectErr"] else ""))
                                if x["connectRet"] else None,
                                "resultFrom": x["how"]} if x else None),
                    "tcpdump": f"tcpdump-nn{suffix}.txt",
                }
                desc = f"[{key}] {cip}:{cport} -> {sip}:{sport}"
                obs_s = "[" + ", ".join(fmt(o) for o in offs) + "]"
                model_txt = ""

                def dur_check(ok, what, tail=""):  # only when the run has a duration (dur)
                    if dur is not None:
                        chk.append((ok(dur), f"{what} after {dur:.6f} s ({dur_src}){tail}"))

                if kind == "drop":
                    att["tcpSynRetries"], att["linearTimeouts"] = n, lin
                    att["timeoutSeconds"] = int(giveup) if giveup == int(giveup) else giveup
                    mod_s = "[" + ", ".join(fmt(o) for o in syns_model) + "]"
                    model_txt = (f"kernel model N={n} L={lin}: SYNs at {mod_s} s, gives up at {fmt(giveup)} s "
                                 f"by the {giveup_why}")
                    chk.append((len(syn_ts) == len(syns_model),
                                f"SYNs observed {len(syn_ts)} {obs_s} s, model {len(syns_model)} {mod_s} s"))
                    dur_check(lambda d: giveup - 0.05 <= d <= giveup * 1.15 + 1.0, "connect gave up",
                              f", model {fmt(giveup)} s")
                elif kind in ("drop-app-timeout", "drop-sigint"):
                    if kind == "drop-sigint":
                        sig = float(r["sigint_epoch"]) if r["sigint_epoch"] else None
                        lim = (sig - t0) if (sig and t0) else g["appTimeout"]
                        model_txt = (f"no answer; SIGINT sent to the client {fmt(g['appTimeout'])} s after it "
                                     f"started ({fmt(lim)} s after the first SYN) kills it while connecting; "
                                     f"kernel schedule N={n} L={lin}")
                    else:
                        lim = g["appTimeout"]
                        model_txt = (f"no answer; the application gives up after its own {fmt(lim)} s limit, "
                                     f"long before the kernel would (N={n} L={lin}, {fmt(giveup)} s)")
                    lo = sum(1 for m_ in syns_model if m_ < lim - 0.02)
                    hi = sum(1 for m_ in syns_model if m_ <= lim + 0.15)
                    chk.append((lo <= len(syn_ts) <= hi,
                                f"SYNs observed {len(syn_ts)} {obs_s} s; kernel schedule before the "
                                f"{fmt(lim)} s limit allows {lo}" + (f"-{hi}" if hi != lo else "")))
                    if dur is not None and kind == "drop-sigint":
                        sig = float(r["sigint_epoch"])
                        exp = sig - x["ts"]
                        chk.append((abs(dur - exp) < 0.25,
                                    f"attempt abandoned {dur:.6f} s after connect() ({dur_src}); SIGINT was "
                                    f"sent {exp:.3f} s after connect()"))
                    elif kind == "drop-app-timeout":
                        # the application's clock may start before connect() (curl: at the start of
                        # the transfer), so connect()-to-close can be a little shorter than the limit
                        dur_check(lambda d: lim - 0.3 <= d <= lim + 0.5, "attempt abandoned",
                                  f", app limit {fmt(lim)} s "
                                  f"(tolerance -0.3/+0.5 s: the app's clock may start before connect())")
                    if x is not None and kind == "drop-sigint":
                        chk.append((x["signal"] is not None and "SIGINT" in x["signal"]["text"],
                                    f"strace shows the signal: {x['signal']['text'] if x['signal'] else 'none'}"))
                elif kind == "rst":
                    model_txt = "RST answers the first SYN: ECONNREFUSED at once, 1 SYN"
                    chk.append((len(syn_ts) == 1 and len(rsts) >= 1,
                                f"{len(syn_ts)} SYN, RST after {fmt(rsts[0]) if rsts else '-'} s"))
                    dur_check(lambda d: d < 0.5, "result")
                elif kind == "icmp-host-prohibited" and g.get("connect") == "non-blocking":
                    model_txt = ("ICMP 3/10 generated synchronously inside the non-blocking connect() while the "
                                 "socket is locked: the kernel keeps it as a soft error (sk_err_soft, counted in "
                                 "TcpExtLockDroppedIcmps), connect() returns EINPROGRESS, and the very next "
                                 "poll() reports POLLERR and getsockopt(SO_ERROR) returns the soft error: "
                                 "EHOSTUNREACH at once, 1 SYN, 1 ICMP (a BLOCKING connect() instead sleeps until "
                                 "the SYN retransmitted at 1 s draws a second ICMP, see the tcpdump fixture "
                                 "reject-icmp-host-prohibited)")
                    chk.append((len(syn_ts) == 1 and len(icmp_offs) == 1,
                                f"{len(syn_ts)} SYN {obs_s} s, ICMP at [{', '.join(fmt(i) for i in icmp_offs)}] s"))
                    dur_check(lambda d: d < 0.5, "result", ", model at once")
                elif kind == "icmp-host-prohibited":
                    model_txt = ("ICMP 3/10 generated synchronously inside connect() while the socket is locked: "
                                 "soft error only; the SYN retransmitted at the 1 s RTO gets the ICMP that aborts "
                                 "the attempt: 2 SYNs, 2 ICMPs, EHOSTUNREACH after ~1 s")
                    chk.append((len(syn_ts) == 2 and len(icmp_offs) == 2,
                                f"{len(syn_ts)} SYNs {obs_s} s, ICMPs at [{', '.join(fmt(i) for i in icmp_offs)}] s"))
                    dur_check(lambda d: 0.98 <= d <= 1.35, "result", ", model ~1 s")
                elif kind == "accept":
                    model_txt = "listener answers the first SYN with SYN-ACK: established"
                    chk.append((len(syn_ts) == 1 and len(synacks) >= 1,
                                f"{len(syn_ts)} SYN, {len(synacks)} SYN-ACK"))
                    dur_check(lambda d: d < 0.5, "connected")
                # strace checks
                if x is None:
                    chk.append((False, "no connect() for this connection in strace"))
                else:
                    chk.append((x["appErrno"] == errno_name,
                                f"strace: connect() returned {att['strace']['connectReturned']}, result from "
                                f"{x['how']} -> application errno {x['appErrno']} (model {errno_name})"))
                    want_block = g.get("connect")
                    if want_block in ("blocking", "non-blocking"):
                        nb = x["connectErr"] == "EINPROGRESS"
                        chk.append(((want_block == "non-blocking") == nb,
                                    f"connect() is {'non-blocking (EINPROGRESS)' if nb else 'blocking'} "
                                    f"(setup: {want_block})"))
                    if t0 is not None and x["ts"] is not None and ts_style in ("tt", "ttt"):
                        end = x["ts"] + (x["connectDur"] or 0) + 0.05 if x["connectErr"] == "EINPROGRESS" \
                            else (x["endTs"] or x["ts"]) + 0.05
                        chk.append((x["ts"] - 0.01 <= t0 <= end,
                                    f"first SYN {t0 - x['ts']:+.6f} s after the connect() line "
                                    f"(paired by {how_paired})"))
                    if pid_style == "none" and rec_pid is None:
                        chk.append((True, "pid null: the output has no pid column and the process ended before "
                                          "the script saw it in /proc"))
                    if x["waits"]:
                        w = x["waits"]
                        att["strace"]["waitCalls"] = len(w)
                        att["strace"]["firstWait"] = w[0]["text"]
                        att["strace"]["lastWait"] = w[-1]["text"]
                if g.get("clientExit") is not None:
                    chk.append((int(r["rc"]) == g["clientExit"],
                                f"client exit={r['rc']} (expected {g['clientExit']}), elapsed={float(r['elapsed']):.3f} s"))
                bad = [t for ok, t in chk if not ok]
                notes.append(f"{desc} ({kind}: {answer}). Model: {model_txt}. Observed SYN offsets {obs_s} s"
                             + (f", SYN-ACK at {synacks} s" if synacks else "")
                             + (f", RST at {rsts} s" if rsts else "")
                             + (f", ICMP at {icmp_offs} s" if icmp_offs else "") + ". "
                             + "; ".join(("" if ok else "MISMATCH: ") + t for ok, t in chk) + ".")
                problems += [f"{desc}: {t}" for t in bad]
                observed.append({
                    "attempt": f"{cip}:{cport} -> {sip}:{sport}" + (f" (run {key})" if multi else ""),
                    "kind": kind, "run": key,
                    "synOffsets": [round(o, 6) for o in offs],
                    "modelSynOffsets": syns_model if kind == "drop" else None,
                    "modelGiveUpSeconds": giveup if kind == "drop" else None,
                    "synAckOffsets": synacks, "rstOffsets": rsts, "icmpOffsets": icmp_offs,
                    "clientResult": (x["appErrno"] or ("OK" if outcome == "established" else "gave up")) if x else None,
                    "clientConnectSeconds": att["durationSeconds"],
                    "clientElapsedSeconds": float(r["elapsed"]),
                    "strace": {k2: x[k2] for k2 in ("pid", "fd", "file", "line", "endline", "connectRet", "connectErr",
                                                    "connectDur", "appErrno", "how", "endLine", "localPort", "command")}
                    if x else None,
                    "pairedBy": how_paired,
                    "check": "OK" if not bad else "MISMATCH: " + " | ".join(bad),
                })
                attempts.append(att)
                summary.append(f"{scenario:34} {desc:52} {outcome:11} {str(errno_name):12} SYNs={len(syn_ts):<2} "
                               f"strace: {x['how'] if x else '-'} dur={att['durationSeconds']} "
                               f"exit={r['rc']} {float(r['elapsed']):.3f}s "
                               + ("OK" if not bad else "MISMATCH: " + " | ".join(bad)))

    head = (f"Client namespace sysctls: tcp_syn_retries={n}, tcp_syn_linear_timeouts={lin}, "
            f"tcp_synack_retries={sysctls.get('net.ipv4.tcp_synack_retries')}. "
            "errno is what the APPLICATION got (from strace: connect()'s return value, or getsockopt SO_ERROR after "
            "EINPROGRESS); null when it connected or gave up before any error. durationSeconds: strace -T of a "
            "blocking connect(), or for a non-blocking one the time from the connect() line to the line that "
            "delivered/abandoned the result. tcpSynRetries/linearTimeouts/timeoutSeconds only for kernel timeouts. "
            "client and synSent come from tcpdump, process from strace.")
    if spec.get("note"):
        head = spec["note"] + " " + head
    scen = meta.scenario_json(
        runs=run_info,
        observed=observed,
        observedNote=("per attempt: SYN offsets (s after the attempt's first SYN) from tcpdump-tt, what "
                      "strace shows (line numbers are 1-based in the strace file), model values from "
                      "scripts/capture/make_json.py"),
        kernelCounters=meta.nonzero_counters(),
        kernelCountersNote="non-zero /proc/net/{netstat,snmp,snmp6} counters of the namespace after all runs",
    )
    lines = summary + [f"{scenario:34} PROBLEM: {p}" for p in problems
                       if not any(p.split(': ', 1)[-1] in s_ for s_ in summary)]
    meta.write_outputs(head, notes, problems, attempts, scen, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
