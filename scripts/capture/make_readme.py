#!/usr/bin/env python3
"""Regenerate fixtures/README.md from every fixtures/*/scenario.json + expected.json.

    make_readme.py [FIXTURES_DIR]

The table is built from the files; the prose around it lives in
scripts/capture/README-head.md and scripts/capture/README-tail.md.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def main():
    fix = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "fixtures")
    rows = []
    for name in sorted(os.listdir(fix)):
        d = os.path.join(fix, name)
        sj, ej = os.path.join(d, "scenario.json"), os.path.join(d, "expected.json")
        if not (os.path.isfile(sj) and os.path.isfile(ej)):
            continue
        sc = json.load(open(sj))
        ex = json.load(open(ej))
        outs, syns = [], []
        for a in ex["attempts"]:
            o = a["outcome"] + (f" ({a['errno']})" if a["errno"] else "")
            if a.get("timeoutSeconds") is not None:
                o += f" after {a['timeoutSeconds']} s"
            if "firewall" in a:  # the rule deciding the SYN in the listing files
                fw = a["firewall"]
                o += (" [no rule]" if fw is None else f" [{fw['chain']} policy {fw['target']}]" if fw["rule"] is None
                      else f" [{fw['chain']} rule {fw['rule']} {fw['target']}]")
            outs.append(f"{a['server']['ip']}:{a['server']['port']} {o}")
            s = str(a["synSent"])
            if "synAckSent" in a:
                s += f" (SYN-ACKs {a['synAckSent']})"
            syns.append(s)
        t = sc["tools"]
        tools = (f"kernel {sc['kernel']}; tcpdump {t.get('tcpdump')}, libpcap {t.get('libpcap')}; "
                 f"iptables {t.get('iptables')}")
        mismatch = "MISMATCH" in ex["notes"] or "PROBLEMS" in ex["notes"]
        rows.append("| " + " | ".join([
            f"`{name}`", cell(sc["description"]), cell(t.get("client", "")),
            cell("; ".join(outs)), cell(", ".join(syns)) + (" **(model mismatch, see notes)**" if mismatch else ""),
            cell(tools + f"; captured {sc['date']}"),
        ]) + " |")
    obs_rows = []
    for name in sorted(os.listdir(fix)):
        sj = os.path.join(fix, name, "scenario.json")
        if not os.path.isfile(sj):
            continue
        for o in json.load(open(sj)).get("observed", []):
            f = lambda xs: "" if xs is None else ", ".join(f"{x:.3f}".rstrip("0").rstrip(".") for x in xs)
            model = f(o["modelSynOffsets"]) if o["modelSynOffsets"] is not None else "-"
            gu = o["modelGiveUpSeconds"]
            cs = o["clientConnectSeconds"]
            obs_rows.append("| " + " | ".join([
                f"`{name}`", cell(o["attempt"]), o["kind"], str(len(o["synOffsets"])), f(o["synOffsets"]), model,
                "-" if gu is None else f"{gu:g}", str(o["clientResult"]),
                "-" if cs is None else f"{cs:.3f}", f"{o['clientElapsedSeconds']:.3f}" if o["clientElapsedSeconds"] is not None else "-",
                f(o["icmpOffsets"]) or "-", cell(o["check"]),
            ]) + " |")
    obs_table = ("| scenario | attempt | kind | SYNs | SYN offsets observed (s) | model SYN offsets (s) | model give-up (s) "
                 "| client got | connect() s | client process s | ICMP offsets (s) | check |\n"
                 "|---|---|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(obs_rows) + "\n")
    head = open(os.path.join(HERE, "README-head.md")).read()
    tail = open(os.path.join(HERE, "README-tail.md")).read()
    table = ("| scenario | setup | client | expected outcome per attempt [deciding firewall rule] | SYNs sent (per attempt) "
             "| tool versions |\n"
             "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    with open(os.path.join(fix, "README.md"), "w") as f:
        f.write(head.rstrip("\n") + "\n\n" + table + "\n## Observed vs kernel model (from the last capture run)\n\n"
                + obs_table + "\n" + tail.lstrip("\n"))
    print(f"wrote {os.path.join(fix, 'README.md')} with {len(rows)} scenarios")


if __name__ == "__main__":
    main()
