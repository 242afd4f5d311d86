#!/usr/bin/env python3
"""door_attack.py -- the attacks test_door.sh sends at a real passnumd.

  door_attack.py slow PORT N SECONDS
      N connections from 127.0.0.1 that send a request line and then one
      header line every 0.5 s, never ending the headers, for SECONDS.
      Prints "opened=A open_at_end=B" (B: connections the server had not
      closed when SECONDS were over).

  door_attack.py bigbody PORT PID N MB
      N connections that POST /api/v1/redemptions/batch with made-up
      terminal headers and a body of MB MiB each, all at once, while the
      resident memory of PID (VmRSS) is sampled. Prints
      "answered=A codes=C rss_before_kb=X rss_peak_kb=Y seconds=S".

  door_attack.py hold PORT BYTES DECLARED
      One POST /healthz declaring DECLARED bytes that sends BYTES of them,
      then waits (the caller kills it): a body held in flight.

  door_attack.py raw PORT
      Sends stdin as one request, prints the answer.

Bounded in time: every socket has a timeout.
"""
import os
import socket
import sys
import threading
import time


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s


def slow(port, n, seconds):
    socks = []
    for _ in range(n):
        try:
            s = connect(port)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        except OSError:
            pass
    opened = len(socks)
    end = time.time() + seconds
    alive = list(socks)
    while time.time() < end and alive:
        time.sleep(0.5)
        still = []
        for s in alive:
            try:
                s.sendall(b"X-Slow: a\r\n")
                still.append(s)
            except OSError:
                s.close()
        alive = still
    # A connection the server closed reads as EOF (or a reset).
    open_at_end = 0
    for s in alive:
        s.setblocking(False)
        try:
            if s.recv(1) != b"":
                pass
            else:
                continue
        except BlockingIOError:
            open_at_end += 1
        except OSError:
            pass
        s.close()
    print("opened=%d open_at_end=%d" % (opened, open_at_end))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def bigbody(port, pid, n, mb):
    size = mb << 20
    codes = []
    lock = threading.Lock()
    head = ("POST /api/v1/redemptions/batch HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/json\r\n"
            "X-Passnum-Terminal: 999\r\n"
            "X-Passnum-Time: %d\r\n"
            "X-Passnum-Nonce: %s\r\n"
            "X-Passnum-Signature: %s\r\n"
            "Content-Length: %d\r\n\r\n" %
            (int(time.time()), "ab" * 16, "cd" * 64, size)).encode()
    chunk = b"[" + b" " * 65534 + b"]"

    def one():
        code = "none"
        try:
            s = connect(port, timeout=10.0)
            s.sendall(head)
            sent = 0
            while sent < size:
                try:
                    s.sendall(chunk)
                except OSError:
                    break
                sent += len(chunk)
            data = b""
            try:
                while b"\r\n" not in data:
                    got = s.recv(4096)
                    if not got:
                        break
                    data += got
            except OSError:
                pass
            if data.startswith(b"HTTP/1.1 "):
                code = data[9:12].decode()
            s.close()
        except OSError:
            pass
        with lock:
            codes.append(code)

    before = rss_kb(pid)
    peak = before
    t0 = time.time()
    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads) and time.time() - t0 < 60:
        peak = max(peak, rss_kb(pid))
        time.sleep(0.02)
    for t in threads:
        t.join(1)
    peak = max(peak, rss_kb(pid))
    answered = sum(1 for c in codes if c != "none")
    print("answered=%d codes=%s rss_before_kb=%d rss_peak_kb=%d seconds=%.1f"
          % (answered, ",".join(sorted(set(codes))), before, peak,
             time.time() - t0))


def hold(port, nbytes, declared):
    s = connect(port, timeout=30.0)
    s.sendall(("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
               "\r\n" % declared).encode() + b"a" * nbytes)
    time.sleep(30)


def raw(port):
    s = connect(port)
    s.sendall(sys.stdin.buffer.read())
    data = b""
    try:
        while True:
            got = s.recv(4096)
            if not got:
                break
            data += got
            if b"\r\n\r\n" in data and b'"}' in data:
                break
    except OSError:
        pass
    sys.stdout.write(data.decode("utf-8", "replace"))


def main():
    cmd = sys.argv[1]
    if cmd == "slow":
        slow(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "bigbody":
        bigbody(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
                int(sys.argv[5]))
    elif cmd == "hold":
        hold(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "raw":
        raw(int(sys.argv[2]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
