#!/usr/bin/env python3
"""Samples one process while a load level runs.

Usage: sample.py PID OUT_FILE [INTERVAL_SECONDS]

Reads VmRSS from /proc/PID/status every INTERVAL (default 0.2 s) and utime+stime from
/proc/PID/stat at start and at the end. On SIGTERM/SIGINT (or when the process is gone) writes
one line to OUT_FILE:  peak_rss_kb=N cpu_seconds=F samples=N
"""
import os
import signal
import sys
import time

pid, out = int(sys.argv[1]), sys.argv[2]
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
ticks = os.sysconf("SC_CLK_TCK")


def rss_kb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_ticks():
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[11]) + int(fields[12])      # utime, stime (fields 14 and 15 of stat)


stop = False


def on_signal(signum, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)

peak, samples, gone = 0, 0, False
try:
    cpu0 = cpu_ticks()
    cpu1 = cpu0
    peak = rss_kb()
    open(out + ".ready", "w").close()  # run.sh starts the load only after this
    while not stop:
        peak = max(peak, rss_kb())
        samples += 1
        time.sleep(interval)
    peak = max(peak, rss_kb())
    cpu1 = cpu_ticks()
except (FileNotFoundError, ProcessLookupError):
    gone = True

with open(out, "w") as f:
    f.write("peak_rss_kb=%d cpu_seconds=%.3f samples=%d%s\n" % (
        peak, (cpu1 - cpu0) / ticks, samples, " process_gone=1" if gone else ""))
