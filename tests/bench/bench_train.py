"""(13) The train plugin:
- train.log -> the rest started (its rest.started event) against a
  rest.start call (with its set number, as a person starts one between
  sets) -> its rest.started, medians of alternating calls: the set's rest starts
  within 2x of starting a rest directly, though the set is written and
  fsync'd too (the rest starts first, the write after it);
- ten years of sets (BENCH_TRAIN_SETS, 50,000) imported from a Strong
  export: under a second;
- at those sets, train.progress over ten years, train.sessions over ten
  years and train.history: each under 50 ms (median).
"""
import os
import sys
import time

from benchlib import Client, Daemon, env_int, figure, quiet_config

N = env_int("BENCH_TRAIN_SETS", 50000)
ROUNDS = env_int("BENCH_TRAIN_ROUNDS", 201)
CONFIG = quiet_config() + """
[train.exercise.abduction]
rest = 90s
until = 2min
sets = 3
reps = 20-30
target = 1
aliases = Hip Abduction (Machine)
"""


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def strong_file(path, n):
    with open(path, "w") as f:
        f.write("Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
                "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n")
        written, day = 0, 0
        while written < n:
            y, r = 2014 + day // 365, day % 365
            m, d = 1 + r // 31 % 12, 1 + r % 28
            for k in range(min(15, n - written)):
                f.write("%04d-%02d-%02d 18:00:00;Legs;Hip Abduction (Machine);%d;%d;kg;%d;;;;0;;;1h\n"
                        % (y, m, d, k + 1, 30 + k % 5, 20 + k % 11))
                written += 1
            day += 1


def timed(c, method, *params, runs=9):
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        c.call(method, *params)
        ts.append((time.perf_counter() - t0) * 1000)
    return median(ts)


def main():
    d = Daemon(config=CONFIG, builtin_plugins=True, env={"TZ": "Europe/Berlin"})
    d.start()
    try:
        c = Client(d.socket, timeout=300)
        c.call("daemon.subscribe", ["rest.started"])
        direct, via_set = [], []
        for i in range(ROUNDS):
            t0 = time.perf_counter()
            # the rest a person starts by hand between sets: with its set,
            # as train's is (the pain plugin counts the set either way);
            # started when its rest.started event comes, as train's
            msgid = c.request("rest.start", 90, {"label": "bench", "set": 1, "sets": 3})
            c.wait_event("rest.started", label="bench")
            direct.append((time.perf_counter() - t0) * 1000)
            c.call("rest.cancel", c.result(msgid)["id"])
            c.notifications.clear()
            t0 = time.perf_counter()
            msgid = c.request("train.log", "abduction", 25, {"weight": 40})
            c.wait_event("rest.started", label="abduction")
            via_set.append((time.perf_counter() - t0) * 1000)
            c.result(msgid)
            c.notifications.clear()
        ratio = median(via_set) / median(direct)
        path = os.path.join(d.root, "strong.csv")
        strong_file(path, N)
        t0 = time.perf_counter()
        imp = c.call("train.import", {"path": path})
        import_ms = (time.perf_counter() - t0) * 1000
        reads = {
            "train.progress (520 weeks)": timed(c, "train.progress", "abduction", {"weeks": 520}),
            "train.sessions (10 years)": timed(c, "train.sessions", {"days": 3650}),
            "train.history (newest 100)": timed(c, "train.history", {"limit": 100}),
            "train.exercises": timed(c, "train.exercises"),
        }
        floor = timed(c, "daemon.ping", runs=201)
        c.close()
    finally:
        d.cleanup()
    print("  rest.start to rest.started: median %.3f ms; train.log to rest.started: median %.3f ms "
          "(%.2fx)" % (median(direct), median(via_set), ratio))
    print("  import of %d sets: %.0f ms (%d sets in, %d skipped)"
          % (N, import_ms, imp["sets"], imp["skipped"]))
    for k, v in reads.items():
        print("  %-30s %7.2f ms (%.0fx a ping)" % (k, v, v / floor))
    figure("train.rest", "(13) train.log to its rest started, against rest.start to its rest started "
           "(medians of %d alternating calls)" % ROUNDS, "ratio <= 2",
           "%.2f (%.3f ms vs %.3f ms)" % (ratio, median(via_set), median(direct)),
           "pass" if ratio <= 2 else "miss")
    figure("train.import", "(13) train.import of %s sets (ten years, Strong)" % format(N, ","),
           "< 1 s", "%.0f ms" % import_ms,
           "pass" if import_ms < 1000 and imp["sets"] == N else "miss")
    worst = max(reads.values())
    figure("train.reads", "(13) at %s sets: progress, sessions, history, exercises (median)"
           % format(N, ","), "each < 50 ms",
           "; ".join("%s %.1f ms" % (k, v) for k, v in reads.items()),
           "pass" if worst < 50 else "miss")
    return 0


if __name__ == "__main__":
    sys.exit(main())
