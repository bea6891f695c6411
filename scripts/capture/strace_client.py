#!/usr/bin/env python3
"""tcpdiag strace fixture client: ONE TCP connect in a chosen style, one-line verdict.

Used by scripts/capture/capture-strace.sh (under strace) inside a network namespace.

    strace_client.py --mode blocking|nonblocking-select|nonblocking-poll|settimeout
                     [--timeout S] HOST PORT

Modes (what strace then shows):
  blocking            socket(); connect() blocks until the kernel decides
  nonblocking-select  setblocking(False); connect_ex() -> EINPROGRESS;
                      select.select([], [s], [], --timeout); getsockopt(SO_ERROR)
  nonblocking-poll    same with select.poll() (POLLOUT) instead of select()
  settimeout          s.settimeout(--timeout); s.connect(): Python makes the
                      socket non-blocking, connect() -> EINPROGRESS, then poll()
                      with the timeout; TimeoutError when it expires

Prints, flushed line by line:
    connect HOST PORT -> OK after 0.000 s
    connect HOST PORT -> ECONNREFUSED after 0.001 s       (errno name)
    connect HOST PORT -> TIMEOUT after 3.003 s            (the app gave up)
then `local port N` when the kernel had bound one. The time is for the
connect phase alone (connect + wait + SO_ERROR). Exit status: 0 connected,
1 connect failed, 2 the application's own timeout expired.
"""
import errno
import os
import select
import socket
import sys
import time


def out(line):
    print(line, flush=True)


def main():
    # hand-made option parsing: argparse alone adds ~900 lines to a full strace
    args, opts = [], {"--mode": "blocking", "--timeout": "5.0"}
    argv = sys.argv[1:]
    while argv:
        x = argv.pop(0)
        if x in opts and argv:
            opts[x] = argv.pop(0)
        elif x in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            args.append(x)
    modes = ("blocking", "nonblocking-select", "nonblocking-poll", "settimeout")
    if len(args) != 2 or opts["--mode"] not in modes:
        print(__doc__, file=sys.stderr)
        return 64
    host, port = args[0], int(args[1])
    mode, timeout = opts["--mode"], float(opts["--timeout"])

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    addr = (host, port)
    t0 = time.monotonic()
    result, rc = None, 1
    try:
        if mode == "blocking":
            s.connect(addr)
            result = "OK"
        elif mode == "settimeout":
            s.settimeout(timeout)
            s.connect(addr)
            result = "OK"
        else:
            s.setblocking(False)
            err = s.connect_ex(addr)
            if err == errno.EINPROGRESS:
                if mode == "nonblocking-select":
                    _, w, _ = select.select([], [s], [], timeout)
                    ready = bool(w)
                else:
                    p = select.poll()
                    p.register(s, select.POLLOUT)
                    ready = bool(p.poll(int(timeout * 1000)))
                if not ready:
                    result, rc = "TIMEOUT", 2
                else:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if result is None:
                result = "OK" if err == 0 else errno.errorcode.get(err, str(err))
    except TimeoutError as e:  # Python maps errno ETIMEDOUT to TimeoutError too
        if e.errno is None:    # socket.settimeout() expired: the application gave up
            result, rc = "TIMEOUT", 2
        else:                  # the kernel gave up (connect() -> ETIMEDOUT)
            result = errno.errorcode.get(e.errno, str(e.errno))
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e.errno))
    dt = time.monotonic() - t0
    if result == "OK":
        rc = 0
    out(f"connect {host} {port} -> {result} after {dt:.3f} s")
    if result not in ("OK", "TIMEOUT"):
        out(f"error: [Errno {getattr(errno, result, '?')}] {os.strerror(getattr(errno, result, 0))}")
    try:
        out(f"local port {s.getsockname()[1]}")
    except OSError:
        out("local port unknown")
    s.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
