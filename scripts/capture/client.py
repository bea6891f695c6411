#!/usr/bin/env python3
"""tcpdiag fixture client: ONE blocking TCP connect() and a one-line verdict.

Used by scripts/capture/capture-tcpdump.sh inside a network namespace.

    client.py [--no-data] [--hold S] [--data TEXT] HOST PORT

Prints, flushed line by line:
    connect HOST PORT -> OK after 0.000 s            (connect succeeded)
    connect HOST PORT -> ETIMEDOUT after 63.012 s    (connect failed, errno name)
followed by a few detail lines (errno text, local port, bytes sent/received).

On success it (optionally) idles --hold seconds, sends a little data (unless
--no-data), half-closes (FIN), reads until the peer closes (bounded by
--read-timeout) and closes cleanly.

Exit status: 0 connect OK, 1 connect failed, 3 failure after connect.
"""
import argparse
import errno
import os
import socket
import sys
import time


def out(line):
    print(line, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--data", default="hello from the tcpdiag fixture client\n")
    ap.add_argument("--no-data", action="store_true", help="send nothing after connect")
    ap.add_argument("--hold", type=float, default=0.0,
                    help="seconds to keep the connection idle before closing")
    ap.add_argument("--read-timeout", type=float, default=5.0)
    a = ap.parse_args()

    family = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    t0 = time.monotonic()
    try:
        s.connect((a.host, a.port))  # blocking: the kernel decides when it gives up
    except OSError as e:
        dt = time.monotonic() - t0
        name = errno.errorcode.get(e.errno, str(e.errno))
        out(f"connect {a.host} {a.port} -> {name} after {dt:.3f} s")
        out(f"error: [Errno {e.errno}] {os.strerror(e.errno)}")
        try:
            out(f"local port {s.getsockname()[1]}")
        except OSError:
            out("local port unknown")
        s.close()
        return 1
    dt = time.monotonic() - t0
    out(f"connect {a.host} {a.port} -> OK after {dt:.3f} s")
    local = s.getsockname()
    out(f"local {local[0]} port {local[1]}")
    try:
        if a.hold > 0:
            time.sleep(a.hold)
            out(f"held the idle connection for {a.hold:.1f} s")
        if not a.no_data:
            data = a.data.encode()
            s.sendall(data)
            out(f"sent {len(data)} bytes")
        s.shutdown(socket.SHUT_WR)
        s.settimeout(a.read_timeout)
        got = 0
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += len(chunk)
        out(f"received {got} bytes, peer closed")
        s.close()
        out("closed")
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__
        out(f"after connect: {name}: {e}")
        s.close()
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
