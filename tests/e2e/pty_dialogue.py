#!/usr/bin/env python3
"""pty_dialogue.py -- drive an interactive program through a pseudo-terminal.

    pty_dialogue.py SCRIPT TRANSCRIPT -- COMMAND [ARG...]

SCRIPT holds one step a line:
    expect TEXT    wait (10 s at most) until TEXT appears in the output
    send TEXT      type TEXT and Enter, as a keyboard-wedge scanner does
    rss            write the program's peak resident memory and its
                   anonymous part ("VmHWM RssAnon", kB) to TRANSCRIPT.rss,
                   and its memory map (/proc/PID/maps) to TRANSCRIPT.maps
    eof            close the input (Ctrl-D)

The whole output goes to TRANSCRIPT. Exits with the program's status, or
99 when an expected text did not come (the transcript says what came).
"""
import os
import pty
import select
import sys
import time


def main():
    script, transcript = sys.argv[1], sys.argv[2]
    argv = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    out = b""
    seen = 0  # expectations match only output that came after the last one

    def pump(timeout):
        nonlocal out
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out += data
        return True

    status = 0
    with open(script, encoding="utf-8") as f:
        steps = [line.rstrip("\n") for line in f if line.strip()]
    for step in steps:
        verb, _, arg = step.partition(" ")
        if verb == "expect":
            want = arg.encode()
            deadline = time.time() + 10
            while want not in out[seen:] and time.time() < deadline:
                if not pump(0.1):
                    break
            pos = out.find(want, seen)
            if pos < 0:
                status = 99
                break
            seen = pos + len(want)
        elif verb == "send":
            os.write(fd, arg.encode() + b"\r")
        elif verb == "rss":
            mem = {}
            with open("/proc/%d/status" % pid) as st:
                for line in st:
                    key, _, value = line.partition(":")
                    mem[key] = value.split()[0] if value.split() else "0"
            with open(transcript + ".rss", "w") as r:
                r.write("%s %s\n" % (mem.get("VmHWM", "0"),
                                     mem.get("RssAnon", "0")))
            with open("/proc/%d/maps" % pid) as src, \
                    open(transcript + ".maps", "w") as dst:
                dst.write(src.read())
        elif verb == "eof":
            os.write(fd, b"\x04")
    if status == 99:
        os.kill(pid, 9)
    deadline = time.time() + 10
    while time.time() < deadline and pump(0.1):
        pass
    _, st = os.waitpid(pid, 0)
    with open(transcript, "wb") as t:
        t.write(out)
    if status == 0:
        status = os.waitstatus_to_exitcode(st)
    sys.exit(status)


main()
