"""(12) Start-up with 1,000 reminders, half of them in a time zone of their
own (ten zones), against start-up with none, in the same run:
- the time from exec to the first daemon.ping answered, median of
  alternating rounds (BENCH_STARTUP_ROUNDS, 15);
- the time-zone files read and the stats of localtime in one start-up of
  each (strace): each zone is to be read once, not once per reminder.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time

from benchlib import Client, Daemon, env_int, figure, quiet_config

N = env_int("BENCH_STARTUP_REMINDERS", 1000)
ROUNDS = env_int("BENCH_STARTUP_ROUNDS", 15)
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney",
         "America/Santiago", "Europe/London", "Asia/Tokyo", "Africa/Cairo",
         "America/Los_Angeles", "Pacific/Auckland"]


def up_ms(d, stop=True):
    """Start d and time it until a ping is answered."""
    t0 = time.perf_counter()
    d.start(wait=False)
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(d.socket)
            s.close()
            break
        except OSError:
            s.close()
            if d.proc.poll() is not None:
                raise RuntimeError("lumbard exited at start-up: see %s" % d.log_path)
            time.sleep(0.0002)
    c = Client(d.socket, timeout=60)
    c.call("daemon.ping")
    took = (time.perf_counter() - t0) * 1000
    c.close()
    if stop:
        d.stop()
    return took


def traced(d):
    """One start-up under strace: (zone files opened, localtime stats)."""
    out = os.path.join(d.root, "strace.out")
    d.wrapper = ["strace", "-f", "-qq", "-o", out, "-e",
                 "trace=open,openat,stat,lstat,newfstatat,statx"]
    try:
        up_ms(d, stop=False)
        # the daemon is strace's child: stopped by its own SIGTERM
        with open("/proc/%d/task/%d/children" % (d.proc.pid, d.proc.pid)) as f:
            os.kill(int(f.read().split()[0]), signal.SIGTERM)
        d.proc.wait(60)
    finally:
        d.wrapper = []
    opens = stats = 0
    with open(out) as f:
        for line in f:
            if re.search(r'open(at)?\(.*"/usr/share/zoneinfo/', line) or \
                    re.search(r'open(at)?\(.*"/etc/localtime"', line):
                opens += 1
            elif re.search(r'stat[a-z]*\(.*"/etc/localtime"', line):
                stats += 1
    return opens, stats


def main():
    empty = Daemon(config=quiet_config(), builtin_plugins=True)
    full = Daemon(config=quiet_config(), builtin_plugins=True)
    # TZ unset: the local zone is /etc/localtime, as for a daemon of a session
    for d in (empty, full):
        d.env.pop("TZ", None)
    try:
        full.start()
        c = Client(full.socket, timeout=300)
        for i in range(N):
            when = "Mon..Fri %02d:%02d" % (i % 24, (i * 7) % 60)
            if i % 2:
                when += " " + ZONES[i // 2 % len(ZONES)]
            c.call("reminders.add", "r%d" % i, when)
        c.close()
        full.stop()
        for d in (empty, full):  # a first start, to warm the caches
            up_ms(d)
        times = {"empty": [], "full": []}
        for _ in range(ROUNDS):
            times["empty"].append(up_ms(empty))
            times["full"].append(up_ms(full))
        med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
        ratio = med["full"] / med["empty"]
        have_strace = subprocess.call(["sh", "-c", "command -v strace"],
                                      stdout=subprocess.DEVNULL) == 0
        counts = {k: traced(d) for k, d in (("empty", empty), ("full", full))} \
            if have_strace else None
    finally:
        empty.cleanup()
        full.cleanup()
    print("  start-up to the first ping: none %.2f ms, %d reminders %.2f ms (median of %d)"
          % (med["empty"], N, med["full"], ROUNDS))
    figure("startup.time", "(12) start-up to the first ping with %s reminders (half in %d "
           "zones of their own) against none" % (format(N, ","), len(ZONES)), "ratio <= 2",
           "%.2f (%.2f ms vs %.2f ms, median of %d alternating rounds)"
           % (ratio, med["full"], med["empty"], ROUNDS), "pass" if ratio <= 2 else "miss")
    if counts is None:
        figure("startup.zones", "(12) time-zone files read at start-up", "", "not measured: "
               "no strace", "info")
        return 0
    print("  zone files opened: none %d, full %d; localtime stats: none %d, full %d"
          % (counts["empty"][0], counts["full"][0], counts["empty"][1], counts["full"][1]))
    extra_opens = counts["full"][0] - counts["empty"][0]
    extra_stats = counts["full"][1] - counts["empty"][1]
    figure("startup.zones", "(12) time-zone files read at start-up with %s reminders in %d "
           "zones, beyond those of a start-up with none" % (format(N, ","), len(ZONES)),
           "<= %d opens (each zone once), localtime stats no more" % len(ZONES),
           "%d more opens, %d more stats of /etc/localtime (strace)" % (extra_opens, extra_stats),
           "pass" if extra_opens <= len(ZONES) and extra_stats <= 0 else "miss")
    return 0


if __name__ == "__main__":
    sys.exit(main())
