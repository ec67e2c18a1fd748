"""(5) Idle wakeups and (6) memory. lumbard with its built-in plugins and a
private session bus, nothing due for months, left alone for BENCH_IDLE_SECONDS
(60): every thread's context switches from /proc before and after, the same
window counted by `perf stat -e context-switches`, and `strace -f -c`
attached across it to show the syscalls it made (none, when idle). The floor
in the same window: idle_floor, an empty libuv loop holding one far timer.
Then the resident size at idle, and after BENCH_RSS_REQUESTS (1,000,000)
pipelined daemon.ping, twice: growth after the first million is buffers
and caches; growth after the second would be a leak."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from benchlib import (BIN, Bus, Daemon, context_switches, env_int, figure, kib, proc_status,
                      quiet_config, run, threads)

SECONDS = env_int("BENCH_IDLE_SECONDS", 60)
REQUESTS = env_int("BENCH_RSS_REQUESTS", 1000000)
GROWTH_BAR_KIB = 256  # one byte kept per request would show as 977 KiB


def perf_count(path):
    """context-switches counted by perf stat -x, (or None)."""
    try:
        with open(path) as f:
            for line in f:
                fields = line.strip().split(",")
                if len(fields) > 3 and fields[2] == "context-switches":
                    if fields[0] == "<not counted>" and fields[3] in ("0", ""):
                        return 0  # the task never ran while counted
                    return int(fields[0]) if fields[0].isdigit() else None
    except OSError:
        pass
    return None


def strace_syscalls(path):
    """(calls, names) from strace -c's table; an empty table is none."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return None, []
    names, total = [], 0
    for line in lines:
        fields = line.split()
        if len(fields) >= 5 and fields[0][0].isdigit() and fields[-1] != "total":
            names.append("%s %s" % (fields[-1], fields[3]))
        if fields and fields[-1] == "total":
            total = int(fields[3])
    return total, names


def pss_kib(pid):
    """The proportional set size: shared pages divided among their users."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def biggest_mappings(pid, n=8):
    """The mappings holding the most resident memory, for the explanation."""
    rss = {}
    name = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and ":" not in fields[0]:
                name = os.path.basename(fields[5]) if len(fields) > 5 else "[anon]"
            elif fields[0] == "Rss:":
                rss[name] = rss.get(name, 0) + int(fields[1])
    return sorted(rss.items(), key=lambda kv: -kv[1])[:n]


def main():
    root = tempfile.mkdtemp(prefix="lumbard-bench-")
    bus = daemon = floor = None
    try:
        bus = Bus(root)
        daemon = Daemon(builtin_plugins=True, bus=bus, root=root, config=quiet_config())
        daemon.start()
        pid = daemon.proc.pid
        floor = subprocess.Popen([os.path.join(BIN, "idle_floor")], stdout=subprocess.PIPE,
                                 text=True)
        if floor.stdout.readline().strip() != "ready":
            raise SystemExit("idle_floor did not start")
        time.sleep(2)  # the write-behind of the start, the bus's first messages

        strace_out, perf_out = os.path.join(root, "strace.txt"), os.path.join(root, "perf.txt")
        strace = perf = None
        if shutil.which("strace"):
            strace = subprocess.Popen(["strace", "-f", "-c", "-o", strace_out, "-p", str(pid)],
                                      stderr=subprocess.DEVNULL)
            time.sleep(1)  # attaching interrupts the daemon's epoll_wait: before the window
        if shutil.which("perf"):
            perf = subprocess.Popen(["perf", "stat", "-e", "context-switches", "-x", ",", "-o",
                                     perf_out, "-p", str(pid), "--", "sleep", str(SECONDS)],
                                    stderr=subprocess.DEVNULL)
        a, fa, t0 = context_switches(pid), context_switches(floor.pid), time.monotonic()
        if perf:
            perf.wait()
        time.sleep(max(0.0, SECONDS - (time.monotonic() - t0)))
        b, fb = context_switches(pid), context_switches(floor.pid)
        if strace:
            strace.send_signal(signal.SIGINT)
            strace.wait()
        wakeups, floor_wakeups = b - a, fb - fa
        by_perf = perf_count(perf_out) if perf else None
        calls, names = strace_syscalls(strace_out) if strace else (None, [])

        rss, anon, file_ = (proc_status(pid, f) for f in ("VmRSS", "RssAnon", "RssFile"))
        floor_rss = proc_status(floor.pid, "VmRSS")
        pss = pss_kib(pid)
        print("idle for %d s, nothing due (%d threads):" % (SECONDS, threads(pid)))
        print("  lumbard:    %d context switches (/proc), %s by perf stat, %s syscalls by strace%s"
              % (wakeups, "n/a" if by_perf is None else by_perf,
                 "n/a" if calls is None else calls, (": " + ", ".join(names)) if names else ""))
        print("  idle_floor: %d context switches" % floor_wakeups)
        print("resident at idle: lumbard %s (private %s, file-backed %s; PSS %s); idle_floor %s"
              % (kib(rss), kib(anon), kib(file_), "n/a" if pss is None else kib(pss),
                 kib(floor_rss)))
        print("  largest mappings: " + ", ".join("%s %s" % (n, kib(k))
                                                 for n, k in biggest_mappings(pid)))
        figure("idle.wakeups", "(5) idle wakeups in %d s (plugins loaded, bus connected, nothing "
               "due)" % SECONDS, "0 (idle_floor: %d)" % floor_wakeups,
               "%d context switches; perf stat %s; strace %s syscalls"
               % (wakeups, "n/a" if by_perf is None else by_perf,
                  "n/a" if calls is None else calls),
               "pass" if wakeups == 0 and not by_perf and not calls else "miss")
        figure("idle.rss", "(6) RSS at idle (VmRSS)", "< 4 MiB (idle_floor: %s)" % kib(floor_rss),
               "%s: private %s, file-backed (libraries) %s; PSS %s"
               % (kib(rss), kib(anon), kib(file_), "n/a" if pss is None else kib(pss)),
               "pass" if rss < 4096 else "miss")

        flood = os.path.join(BIN, "bench_ipc")
        after = []
        for _ in range(2):
            if run([flood, "flood", daemon.socket, str(REQUESTS)]) != 0:
                return 1
            time.sleep(0.5)
            after.append(proc_status(pid, "VmRSS"))
        g1, g2 = after[0] - rss, after[1] - after[0]
        print("resident after %d daemon.ping: %s (%+d KiB); after %d more: %s (%+d KiB)"
              % (REQUESTS, kib(after[0]), g1, REQUESTS, kib(after[1]), g2))
        figure("rss.growth", "(6) RSS growth after %s daemon.ping (then %s more)"
               % (format(REQUESTS, ","), format(REQUESTS, ",")),
               "<= %d KiB each (no per-request leak)" % GROWTH_BAR_KIB,
               "%+d KiB to %s, then %+d KiB" % (g1, kib(after[0]), g2),
               "pass" if g1 <= GROWTH_BAR_KIB and g2 <= GROWTH_BAR_KIB else "miss")
        return 0
    finally:
        if floor:
            floor.terminate()
            floor.wait()
        if daemon:
            daemon.cleanup()
        if bus:
            bus.kill()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
