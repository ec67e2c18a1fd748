"""What the Python benchmarks share: the test harness (a real lumbard in a
temporary XDG world, a private bus), the bench programs' directory, the
"@figure" lines that run-bench collects into BENCHMARKS.md, and readers of
/proc."""
import datetime
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from lbtest import Bus, Client, Daemon  # noqa: E402,F401

# Set by run-bench: the bench programs (floor_server, bench_ipc, ...) and the
# test plugins (test.emit).
BIN = os.environ.get("LB_BENCH_BIN", "")
TEST_PLUGINS = os.environ.get("LB_TEST_PLUGIN_DIR", "")


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value else default


def figure(key, what, target, measured, verdict):
    """One row of BENCHMARKS.md: verdict is pass, miss or info."""
    print("@figure\t%s\t%s\t%s\t%s\t%s" % (key, what, target, measured, verdict), flush=True)


def quiet_config():
    """A config with nothing due for months: the two built-in reminders and
    the evening check-in on a day half a year away, so that nothing fires
    while a benchmark runs (or while the daemon is meant to be idle)."""
    day = datetime.date.today() + datetime.timedelta(days=182)
    when = "*-%02d-%02d" % (day.month, min(day.day, 28))
    return ("[reminders.warmup]\nschedule = %s 03:00\nmessage = warm up\n"
            "[reminders.abduction]\nschedule = %s 04:00\nmessage = abduction\n"
            "[pain]\ncheckin = %s 05:00\n" % (when, when, when))


def proc_status(pid, field):
    """A number (kB for sizes) from /proc/PID/status."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def thread_context_switches(pid):
    """{tid: voluntary plus involuntary context switches} of every thread of
    pid: each one is the thread going to sleep or being woken."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                out[int(tid)] = sum(int(line.split()[1]) for line in f if line.startswith(
                    ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
        except FileNotFoundError:
            pass  # a thread that just ended
    return out


def context_switches(pid):
    """Voluntary plus involuntary context switches of every thread of pid."""
    return sum(thread_context_switches(pid).values())


def threads(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def run(args, **kw):
    """Run a bench program, its output passed through; its exit status."""
    sys.stdout.flush()
    return subprocess.run(args, **kw).returncode


def kib(n):
    return "%.2f MiB" % (n / 1024) if n >= 1024 else "%d KiB" % n
