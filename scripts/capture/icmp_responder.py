#!/usr/bin/env python3
"""Answer TCP SYNs to DST:PORT with an ICMP destination-unreachable, after a DELAY.

    icmp_responder.py --iface veth-s --dst 10.199.0.2 --port 82 \
        [--type 3 --code 1] [--delay 0.2] [--lifetime 20] [--max 5]

Emulates a router some distance away: the ICMP error reaches the client well
after its connect() call went to sleep. (An iptables REJECT on lo or on a veth
generates the ICMP synchronously, inside the client's connect() system call,
while the client socket is locked -- see fixtures/README.md.)

Runs in the server namespace: sniffs the SYN with an AF_PACKET socket (before
netfilter; the namespace's iptables DROPs the SYN so the kernel stays silent),
waits DELAY seconds and sends type/code quoting the original datagram (as much
as fits in 576 bytes, as Linux does) through a raw ICMP socket. IPv4 only.
"""
import argparse
import socket
import struct
import sys
import threading
import time

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def log(msg):
    print(f"{time.time():.6f} {msg}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--dst", required=True, help="IPv4 address the SYNs are sent to")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--type", type=int, default=3)
    ap.add_argument("--code", type=int, default=1)
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--lifetime", type=float, default=20.0)
    ap.add_argument("--max", type=int, default=5, help="stop after this many ICMP errors")
    a = ap.parse_args()

    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))  # no link header
    sniff.bind((a.iface, ETH_P_IP))
    out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    dst = socket.inet_aton(a.dst)
    sent = 0
    lock = threading.Lock()

    def reply(quote, client):
        nonlocal sent
        hdr = struct.pack("!BBHI", a.type, a.code, 0, 0)
        pkt = hdr + quote
        pkt = pkt[:2] + struct.pack("!H", csum(pkt)) + pkt[4:]
        out.sendto(pkt, (client, 0))
        with lock:
            sent += 1
        log(f"sent ICMP type {a.type} code {a.code} to {client}")

    log(f"watching {a.iface} for SYNs to {a.dst}:{a.port}")
    deadline = time.monotonic() + a.lifetime
    while time.monotonic() < deadline and sent < a.max:
        sniff.settimeout(max(0.05, min(1.0, deadline - time.monotonic())))
        try:
            frame, addr = sniff.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING or len(frame) < 40:
            continue
        ihl = (frame[0] & 0x0F) * 4
        if frame[0] >> 4 != 4 or frame[9] != 6 or frame[16:20] != dst:
            continue
        sport, dport = struct.unpack("!HH", frame[ihl:ihl + 4])
        flags = frame[ihl + 13]
        if dport != a.port or (flags & 0x12) != 0x02:
            continue
        client = socket.inet_ntoa(frame[12:16])
        log(f"SYN {client}:{sport} -> {a.dst}:{dport}; ICMP in {a.delay} s")
        tot_len = struct.unpack("!H", frame[2:4])[0]
        quote = bytes(frame[:min(tot_len, 548)])  # as much as fits in 576 bytes, like Linux icmp_send()
        threading.Timer(a.delay, reply, args=(quote, client)).start()
    time.sleep(a.delay + 0.1)
    log(f"done, {sent} ICMP error(s) sent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
