"""Code shared by make_json.py (tcpdump fixtures) and make_strace_json.py
(strace fixtures): the kernel's SYN retransmission model, small file readers,
the command line and scenario metadata both scripts read from the capture
script's work directory, and the writers of scenario.json / expected.json /
summary.txt."""
import argparse
import json
import math
import os
import re

# ------------------------------------------------------------ kernel model
RTO_INIT = 1.0
RTO_MAX = 120.0


def model_timeout(n):
    """tcp_model_timeout(): seconds after the first SYN at which the kernel gives up."""
    thresh = int(math.log2(RTO_MAX / RTO_INIT))  # ilog2(120) = 6
    if n <= thresh:
        return ((2 << n) - 1) * RTO_INIT
    return ((2 << thresh) - 1) * RTO_INIT + RTO_MAX * (n - thresh)


def syn_schedule(n, lin):
    """Ideal SYN send times (s after the first SYN), give-up time, and which cap ended it."""
    cap_count = n + lin
    cap_time = model_timeout(n)
    t, rto, retrans, total_rto = 0.0, RTO_INIT, 0, 0
    syns = [0.0]
    while True:
        t += rto
        if retrans >= cap_count:
            return syns, t, f"count cap (retransmits {retrans} >= N+L = {cap_count})"
        if t >= cap_time:
            return syns, t, f"time cap ({fmt(t)} s >= model(N={n}) = {fmt(cap_time)} s)"
        total_rto += 1
        retrans += 1
        syns.append(t)
        if total_rto > lin:
            rto = min(rto * 2, RTO_MAX)
        if len(syns) > 200:
            raise RuntimeError("runaway model")


def synack_schedule(retries):
    return [float((1 << k) - 1) for k in range(0, retries + 1)]  # 0,1,3,7,15,31


def fmt(x):
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return s if s else "0"


# ------------------------------------------------------------ readers
def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return default


def kv_file(path):
    d = {}
    for line in read(path).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            d[k.strip()] = v.strip()
    return d


def parse_counters(text):
    """/proc/net/netstat + snmp ('Proto: names' / 'Proto: values' line pairs) and snmp6 ('Name value')."""
    out, lines = {}, text.splitlines()
    i = 0
    while i < len(lines):
        a = lines[i].split()
        if a and a[0].endswith(":") and i + 1 < len(lines):
            b = lines[i + 1].split()
            if b and b[0] == a[0] and len(a) == len(b) and not re.fullmatch(r"-?\d+", a[1] if len(a) > 1 else "0"):
                for k, v in zip(a[1:], b[1:]):
                    if re.fullmatch(r"-?\d+", v):
                        out[a[0][:-1] + k] = int(v)
                i += 2
                continue
        if len(a) == 2 and re.fullmatch(r"-?\d+", a[1]) and not a[0].endswith(":"):
            out[a[0]] = int(a[1])
        i += 1
    return out


# ------------------------------------------------------------ one scenario
class Meta:
    """--fixture D --meta M, and what the capture script left in M (and in its parent W)."""

    def __init__(self):
        ap = argparse.ArgumentParser()
        ap.add_argument("--fixture", required=True)
        ap.add_argument("--meta", required=True)
        a = ap.parse_args()
        self.D, self.M = a.fixture, a.meta
        self.W = os.path.dirname(os.path.normpath(self.M))
        self.scenario = os.path.basename(os.path.normpath(self.D))
        self.spec = json.loads(self.read("spec.json"))
        self.commands = [c for c in self.read("commands").splitlines() if c.strip()]
        self.sysctls = {k: (int(v) if re.fullmatch(r"-?\d+", v) else v)
                        for k, v in kv_file(os.path.join(self.M, "sysctls")).items()}
        self.tools = kv_file(os.path.join(self.W, "tools"))
        self.tools["client"] = self.read("client_tool").strip()
        self.counters = parse_counters(self.read("netstat.txt"))

    def read(self, name, default=""):
        return read(os.path.join(self.M, name), default)

    def scenario_json(self, **more):
        """The common head of scenario.json, then MORE (in order)."""
        scen = {
            "scenario": self.scenario,
            "description": self.read("description").strip(),
            "commands": self.commands,
            "sysctls": self.sysctls,
            "kernel": read(os.path.join(self.W, "kernel")).strip(),
            "tools": self.tools,
            "date": self.read("date").strip(),
            "firewall": self.read("firewall"),
        }
        scen.update(more)
        return scen

    def nonzero_counters(self):
        return {k: v for k, v in self.counters.items() if v}

    def write_outputs(self, head, notes, problems, attempts, scenario, summary_lines):
        """expected.json (attempts + notes), scenario.json, summary.txt (also printed)."""
        expected = {"attempts": attempts,
                    "notes": " ".join([head] + notes + (["PROBLEMS: " + " | ".join(problems)] if problems else []))}
        write_json(os.path.join(self.D, "expected.json"), expected)
        write_json(os.path.join(self.D, "scenario.json"), scenario)
        with open(os.path.join(self.M, "summary.txt"), "w") as f:
            f.write("\n".join(summary_lines) + "\n")
        print("\n".join(summary_lines))


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def write_client_block(f, out, rc, elapsed, blank_after):
    """One client's block of client.txt: its output, exit=N, elapsed=S.sss."""
    f.write(out)
    if out and not out.endswith("\n"):
        f.write("\n")
    f.write(f"exit={rc}\nelapsed={elapsed:.3f}\n")
    if blank_after:
        f.write("\n")
