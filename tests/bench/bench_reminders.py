"""The reminders plugin at 100,000 reminders, against daemon.ping (the floor)
pipelined alike in the same run:
- scheduling: reminders.add of a mix of schedules, and the memory they take;
- a clock change: every next elapse recomputed (the test seam shifts the
  daemon's wall clock, as a real jump would);
- reminders.preview of a mix of expressions, 5 elapses each.
"""
import os
import random
import sys
import threading
import time

import msgpack
from benchlib import Client, Daemon, figure

N = int(os.environ.get("BENCH_REMINDERS", "100000"))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pipelined(client, method, params_list, chunk=5000):
    """Send requests in chunks of pipelined messages; seconds taken."""
    t0 = time.perf_counter()
    for i in range(0, len(params_list), chunk):
        part = params_list[i:i + chunk]
        first = client.next_id
        client.send_raw(b"".join(msgpack.packb([0, first + k, method, p])
                                 for k, p in enumerate(part)))
        client.next_id += len(part)
        for k in range(len(part)):
            client.result(first + k)
    return time.perf_counter() - t0


def schedules(n):
    rnd = random.Random(7)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    out = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            out.append("*-*-* %02d:%02d" % (rnd.randrange(24), rnd.randrange(60)))
        elif kind == 1:
            out.append("%s %02d:%02d" % (",".join(rnd.sample(days, 3)), rnd.randrange(24),
                                         rnd.randrange(60)))
        elif kind == 2:
            out.append("Mon..Fri %02d:%02d Europe/Berlin" % (rnd.randrange(24), rnd.randrange(60)))
        elif kind == 3:
            out.append("every %dm" % rnd.randrange(15, 240))
        else:
            out.append("*-*-1/2 %02d:00" % rnd.randrange(24))
    return out


def main():
    d = Daemon(config="[reminders]\ncatch_up = 30d\n", builtin_plugins=True,
               env={"TZ": "America/New_York", "LUMBARD_TEST_SEAMS": "1"})
    d.start()
    try:
        c = Client(d.socket, timeout=300)
        ping = min(pipelined(c, "daemon.ping", [[] for _ in range(N)]) for _ in range(2))
        base = rss_kib(d.proc.pid)
        scheds = schedules(N)
        add = pipelined(c, "reminders.add", [["r%06d" % i, s] for i, s in enumerate(scheds)])
        time.sleep(0.5)  # the write-behind of the last turns
        after = rss_kib(d.proc.pid)
        # back a day: every elapse is still ahead, so every one is recomputed
        t0 = time.perf_counter()
        c.call("daemon.test_shift_clock", -86400)
        back = time.perf_counter() - t0
        # forward a week: every one is behind and fires once, caught up. A
        # ping meanwhile shows the loop still answers; a subscriber counts
        # the due events to see when all are done.
        sub = Client(d.socket, timeout=300)
        sub.call("daemon.subscribe", ["reminders.due"])
        done_at = []

        # Intervals are durations: they move with the clock, so only the
        # calendar ones are behind after the jump and fire, caught up.
        calendar = sum(1 for x in scheds if not x.startswith("every "))

        def count():  # a subscriber that keeps reading, as lumbar-notify does
            for _ in range(calendar):
                sub.notification()
            done_at.append(time.perf_counter())

        reader = threading.Thread(target=count)
        t0 = time.perf_counter()
        reader.start()
        c.call("daemon.test_shift_clock", 8 * 86400)
        p0 = time.perf_counter()
        c.call("daemon.ping")
        ping_wait = time.perf_counter() - p0
        reader.join()
        fwd = done_at[0] - t0
        sub.close()
        exprs = ["Mon..Fri 08:30", "*-*~1 12:00", "quarterly", "Sat,Sun 10:00 UTC",
                 "*:0/20", "*-02-29 09:00", "Mon *-*-1..7 18:00"]
        previews = [[exprs[i % len(exprs)], 5] for i in range(20000)]
        prev = pipelined(c, "reminders.preview", previews)
        n_prev = len(previews)
        print("%d reminders (mixed calendar, weekday, zone-suffixed and interval schedules)" % N)
        print("  daemon.ping (floor):        %7.1f us/call" % (ping / N * 1e6))
        print("  reminders.add:              %7.1f us/call   ratio to floor %.1f"
              % (add / N * 1e6, add / ping))
        print("  memory:                     %7.0f bytes of RSS per reminder" %
              ((after - base) * 1024 / N))
        print("  clock set back a day, all %d next elapses recomputed: %.0f ms (%.1f us each)"
              % (N, back * 1000, back / N * 1e6))
        print("  clock set forward a week, all %d calendar ones caught up once: %.0f ms (%.1f us"
              " each); a ping meanwhile waited %.1f ms"
              % (calendar, fwd * 1000, fwd / calendar * 1e6, ping_wait * 1000))
        print("  reminders.preview (5 elapses, %d calls): %7.1f us/call   ratio to floor %.1f"
              % (n_prev, prev / n_prev * 1e6, (prev / n_prev) / (ping / N)))
        figure("reminders", "%s reminders: add, a clock jump back (all recomputed) and forward "
               "(the calendar ones caught up), preview" % format(N, ","),
               "none set (floor: daemon.ping %.1f us)"
               % (ping / N * 1e6),
               "add %.1fx a ping, %.0f B RSS each; back %.1f us each; forward %.1f us each (a ping "
               "waited %.0f ms); preview %.1fx" % (add / ping, (after - base) * 1024 / N,
                                                   back / N * 1e6, fwd / calendar * 1e6,
                                                   ping_wait * 1000,
                                                   (prev / n_prev) / (ping / N)), "info")
        c.close()
        return 0
    finally:
        d.cleanup()


if __name__ == "__main__":
    sys.exit(main())
