#!/usr/bin/env python3
"""tcpdiag fixture server: accept TCP connections, read until EOF, answer, close.

    server.py [--lifetime S] HOST PORT

Each connection: read until the peer half-closes (bounded), send "ok N\\n"
(N = bytes received), close. Exits by itself after --lifetime seconds.
Used by scripts/capture/capture-tcpdump.sh inside a network namespace.
"""
import argparse
import socket
import sys
import threading
import time


def log(msg):
    print(f"{time.time():.6f} {msg}", flush=True)


def handle(conn, peer):
    try:
        conn.settimeout(15)
        got = 0
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                break
            got += len(chunk)
        conn.sendall(f"ok {got}\n".encode())
        log(f"peer {peer[0]} {peer[1]}: received {got} bytes, answered, closing")
    except OSError as e:
        log(f"peer {peer[0]} {peer[1]}: {e}")
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--lifetime", type=float, default=120.0)
    a = ap.parse_args()
    family = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.host, a.port))
    srv.listen(16)
    log(f"listening on {a.host} {a.port}")
    deadline = time.monotonic() + a.lifetime
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        srv.settimeout(min(left, 1.0))
        try:
            conn, peer = srv.accept()
        except socket.timeout:
            continue
        log(f"accepted {peer[0]} {peer[1]}")
        threading.Thread(target=handle, args=(conn, peer), daemon=True).start()
    log("lifetime over, exiting")
    srv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
