"""The rest plugin under load, against floors measured in the same run:
- (7) timer lateness p50/p99 over 1,000 concurrent rests (the daemon's own
  late_us, and as a subscriber sees it against ends_at_ms), against
  timer_floor: a bare timerfd waiting for the same pattern of deadlines
  right after, scheduled as the daemon is, which shows what the machine's
  load alone costs;
- memory per rest at 10,000 concurrent rests (the daemon's RSS);
- start and cancel cost at 10,000 rests against daemon.ping, pipelined alike.
"""
import os
import subprocess
import sys
import time

import msgpack
from benchlib import BIN, Client, Daemon, env_int, figure, quiet_config


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pipelined(client, method, params_list):
    """Send every request at once, then read every answer; seconds taken."""
    first = client.next_id
    buf = b"".join(msgpack.packb([0, first + i, method, p]) for i, p in enumerate(params_list))
    client.next_id += len(params_list)
    t0 = time.perf_counter()
    client.send_raw(buf)
    results = [client.result(first + i) for i in range(len(params_list))]
    return time.perf_counter() - t0, results


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


def main():
    d = Daemon(config="[rest]\nwarn = 0\n" + quiet_config(), builtin_plugins=True)
    d.start()
    try:
        c = Client(d.socket, timeout=60)
        sub = Client(d.socket, timeout=60)
        sub.call("daemon.subscribe", ["rest.finished"])

        # 1. lateness: 1,000 rests whose ends are spread over about two seconds,
        # in bursts of 25 that end together
        n = env_int("BENCH_RESTS", 1000)
        ends = {}
        for batch in range(20):
            _, rs = pipelined(c, "rest.start", [[2 + (i % 2)] for i in range(n // 20)])
            for r in rs:
                ends[r["id"]] = r["ends_at_ms"]
            time.sleep(0.05)
        n = len(ends)
        late_us, seen_ms = [], []
        while len(late_us) < n:
            fields, at = sub.wait_event("rest.finished", timeout=30)
            late_us.append(fields["late_us"])
            seen_ms.append(at * 1000 - ends[fields["id"]])
        # the floor right after, not alongside (two processes woken at the
        # same instants would delay each other): the same deadlines, shifted
        first = min(ends.values())
        start = int(time.time() * 1000) + 500
        floor = subprocess.run([os.path.join(BIN, "timer_floor"), str(d.proc.pid)],
                               input="".join("%d\n" % (start + ms - first) for ms in ends.values()),
                               capture_output=True, text=True, check=True)
        floor_us = [int(line) for line in floor.stdout.split()]
        print("timer lateness over %d concurrent rests (their ends spread over %.1f s)"
              % (n, (max(ends.values()) - min(ends.values())) / 1000))
        print("  daemon's timer (late_us):      p50 %6d us   p99 %6d us   max %6d us"
              % (pct(late_us, 50), pct(late_us, 99), max(late_us)))
        print("  as a subscriber sees it:       p50 %6.2f ms   p99 %6.2f ms   (ms-granular ends_at)"
              % (pct(seen_ms, 50), pct(seen_ms, 99)))
        if floor_us:
            print("  timer_floor, same deadlines:   p50 %6d us   p99 %6d us   max %6d us   (%d)"
                  % (pct(floor_us, 50), pct(floor_us, 99), max(floor_us), len(floor_us)))
        ok = pct(late_us, 99) < 2000
        figure("rest.lateness", "(7) rest timer lateness over %d concurrent rests (bursts of %d "
               "ending together)" % (n, n // 40), "p99 < 2 ms",
               "p50 %.2f ms, p99 %.2f ms (timer_floor, same deadlines right after: p50 %.2f ms, "
               "p99 %.2f ms)"
               % (pct(late_us, 50) / 1e3, pct(late_us, 99) / 1e3,
                  pct(floor_us, 50) / 1e3 if floor_us else 0,
                  pct(floor_us, 99) / 1e3 if floor_us else 0), "pass" if ok else "miss")

        # 2. memory and cost at 10,000 concurrent rests
        n = env_int("BENCH_REST_MANY", 10000)
        c.call("daemon.ping")
        # the floor: the faster of two runs, so a cold first run flatters nothing
        ping_s = min(pipelined(c, "daemon.ping", [[] for _ in range(n)])[0] for _ in range(2))
        base = rss_kib(d.proc.pid)
        start_s, rests = pipelined(c, "rest.start", [[3600, {"label": "bench"}] for _ in range(n)])
        time.sleep(0.2)  # the write-behind of the last turn
        after = rss_kib(d.proc.pid)
        ids = [r["id"] for r in rests]
        listed = c.call("daemon.status")["timers"]
        cancel_s, _ = pipelined(c, "rest.cancel", [[i] for i in ids])
        print("%d concurrent rests (%d timers armed)" % (n, listed))
        print("  memory: %.0f bytes of RSS per rest (%d KiB for all)"
              % ((after - base) * 1024 / n, after - base))
        print("  daemon.ping (floor): %6.1f us/call" % (ping_s / n * 1e6))
        print("  rest.start:          %6.1f us/call   ratio to floor %.1f"
              % (start_s / n * 1e6, start_s / ping_s))
        print("  rest.cancel:         %6.1f us/call   ratio to floor %.1f"
              % (cancel_s / n * 1e6, cancel_s / ping_s))
        print("target: p99 timer lateness under 2 ms: %s" % ("met" if ok else "MISSED"))
        figure("rest.many", "%d concurrent rests: memory, rest.start and rest.cancel "
               "(pipelined) against daemon.ping" % n, "none set",
               "%.0f B of RSS per rest; start %.1fx, cancel %.1fx a ping (%.1f us)"
               % ((after - base) * 1024 / n, start_s / ping_s, cancel_s / ping_s,
                  ping_s / n * 1e6), "info")
        c.close()
        sub.close()
        return 0
    finally:
        d.cleanup()


if __name__ == "__main__":
    sys.exit(main())
