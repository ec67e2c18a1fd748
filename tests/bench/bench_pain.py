"""The pain diary at 100,000 entries (about five years of a busy diary):
pain.log (committed and fsync'd), history, stats and export, each the median
of several calls, against a daemon.ping round trip in the same run.
Target: each under 50 ms."""
import os
import random
import sqlite3
import statistics
import sys
import time

from benchlib import Client, Daemon, figure

N = int(os.environ.get("BENCH_PAIN", "100000"))


def timed(fn, runs=7):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main():
    d = Daemon(config="[pain]\ncheckin = off\n", builtin_plugins=True,
               env={"TZ": "Europe/Berlin"})
    d.start()
    try:
        d.stop()  # the schema is there; fill it directly, in one transaction
        db = sqlite3.connect(os.path.join(d.root, "data", "lumbard", "lumbard.db"))
        rnd = random.Random(7)
        now = int(time.time())
        start = now - 5 * 365 * 86400
        locs = ["lower-back", "lower-back-left", "glute-right", "leg-left", ""]
        trigs = ["deadlift", "bending", "sitting", "stress", ""]
        rows = []
        for i in range(N):
            at = start + i * (now - start) // N
            rows.append((i + 1, at, at // 86400, rnd.randrange(11), rnd.choice(locs),
                         rnd.choice(trigs), "note %d" % i if i % 3 == 0 else "",
                         "stiffness" if i % 7 == 0 else "", at))
        db.executemany("INSERT INTO pain_entries(id, at, day, level, location, trigger, note, "
                       "symptoms, logged_at) VALUES(?,?,?,?,?,?,?,?,?)", rows)
        # a training session every other day, half of them warmed up an hour before
        sessions = [start + i * 86400 * 2 for i in range(900)]
        db.executemany("INSERT INTO pain_training(start_at, end_at, sets) VALUES(?,?,3)",
                       [(t, t + 1800) for t in sessions])
        db.executemany("INSERT INTO pain_warmups(at, how) VALUES(?, 'warm-up preset')",
                       [(t - 3600,) for t in sessions[::2]])
        db.commit()
        db.close()
        d.start()
        c = Client(d.socket, timeout=120)
        out = os.path.join(d.root, "export")
        results = [
            ("daemon.ping (floor)", timed(lambda: c.call("daemon.ping"), 21)),
            ("pain.log (on disk before the answer)", timed(lambda: c.call("pain.log", 4))),
            ("pain.history (newest 100)", timed(lambda: c.call("pain.history"))),
            ("pain.history (a month, up to 1000)", timed(lambda: c.call(
                "pain.history", {"since": now - 30 * 86400, "limit": 1000}))),
            ("pain.stats (30 days, all episodes, warm-up)", timed(lambda: c.call("pain.stats"))),
            ("pain.stats (10 years)", timed(lambda: c.call("pain.stats", {"days": 3650}))),
            ("pain.export csv (a month, as text)", timed(lambda: c.call(
                "pain.export", {"since": now - 30 * 86400}))),
            ("pain.export_file csv (all %d)" % N, timed(lambda: c.call(
                "pain.export_file", out + ".csv", {"format": "csv"}), 3)),
            ("pain.export_file json (all %d)" % N, timed(lambda: c.call(
                "pain.export_file", out + ".json", {"format": "json"}), 3)),
        ]
        floor = results[0][1]
        print("pain diary with %d entries, median ms per call" % N)
        ok = True
        for name, ms in results:
            mark = ""
            if name != results[0][0]:
                mark = "  ratio to floor %6.0f   %s" % (ms / floor, "under 50 ms" if ms < 50 else
                                                         "OVER 50 ms")
                ok &= ms < 50
            print("  %-44s %8.2f ms%s" % (name, ms, mark))
        print("target: each under 50 ms: %s" % ("met" if ok else "MISSED"))
        over = ["%s %.0f ms" % (name, ms) for name, ms in results[1:] if ms >= 50]
        worst = max(results[1:], key=lambda r: r[1])
        figure("pain", "(8) pain diary at %s entries: log, history, stats, export (median per "
               "call)" % format(N, ","), "each < 50 ms",
               "worst: %s %.1f ms; %d of %d over 50 ms%s"
               % (worst[0], worst[1], len(over), len(results) - 1,
                  (": " + ", ".join(over)) if over else ""), "pass" if ok else "miss")
        c.close()
        return 0
    finally:
        d.cleanup()


if __name__ == "__main__":
    sys.exit(main())
