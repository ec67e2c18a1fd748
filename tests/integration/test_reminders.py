"""The reminders plugin in the real daemon: the built-in routine, schedules
and their errors, preview against systemd-analyze, due/snooze/done/skip on
the real clock, pauses, persistence and config ids, catch-up after downtime
(once, never a burst), a clock jump through the test seam, and D-Bus."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

from lbtest import asan_options, wall, zone, Bus, Client, Daemon, DaemonTest, Monitor, RpcError

TZ = zone("Europe/Berlin")


class ReminderTest(DaemonTest):
    config = None  # the built-in config unless a test says otherwise
    seams = False

    def setUp(self):
        env = {"TZ": TZ}
        if self.seams:
            env["LUMBARD_TEST_SEAMS"] = "1"
        self.daemon = Daemon(config=self.config, builtin_plugins=True, env=env)
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()
        self.client.call("daemon.subscribe", ["reminders.*"])

    def add(self, name, schedule, **opts):
        return self.client.call("reminders.add", name, schedule, opts) if opts else \
            self.client.call("reminders.add", name, schedule)

    def log_rows(self):
        db = sqlite3.connect(os.path.join(self.daemon.root, "data", "lumbard", "lumbard.db"))
        try:
            return db.execute("SELECT name, action, reason FROM reminders_log ORDER BY id").fetchall()
        finally:
            db.close()


class Builtin(ReminderTest):
    def test_the_seeds_routine_is_there(self):
        rs = {r["name"]: r for r in self.client.call("reminders.list")}
        warm, abd = rs["warmup"], rs["abduction"]
        self.assertEqual((warm["schedule"], warm["source"]), ("Mon,Wed,Fri 17:30", "config"))
        self.assertIn("deep massage of the upper glutes", warm["message"])
        self.assertIn("thumbs or a massage gun, 1-2 min per side", warm["message"])
        self.assertEqual(abd["schedule"], "Wed 18:30")
        self.assertIn("after calves", abd["message"])
        self.assertIn("3 sets of 20-30 reps", abd["message"])
        # the next elapse is what systemd computes for that schedule
        out = subprocess.run(["systemd-analyze", "calendar", "--iterations=1",
                              "--base-time=@%d" % int(wall()), warm["schedule"]],
                             capture_output=True, text=True, env=dict(os.environ, TZ=TZ))
        when = [l for l in out.stdout.splitlines() if "Next elapse" in l][0].split(": ", 1)[1]
        os.environ["TZ"] = TZ
        time.tzset()
        got = time.strftime("%a %Y-%m-%d %H:%M:%S %Z", time.localtime(warm["next_at"]))
        self.assertEqual(got, when)


class Schedules(ReminderTest):
    def test_add_list_remove(self):
        r = self.add("tea", "in 10m", message="the tea is ready")
        self.assertAlmostEqual(r["next_at"], wall() + 600, delta=2)
        self.assertEqual((r["name"], r["message"], r["source"]), ("tea", "the tea is ready", "runtime"))
        s = self.add("stand", "every 45m", **{"from": "09:00", "to": "18:00"})
        self.assertEqual((s["from"], s["to"]), ("09:00", "18:00"))
        names = [x["name"] for x in self.client.call("reminders.list")]
        self.assertEqual(names[-2:], ["tea", "stand"])
        self.assertEqual(self.client.call("reminders.remove", r["id"]), {"id": r["id"], "name": "tea"})
        self.assertNotIn("tea", [x["name"] for x in self.client.call("reminders.list")])
        warm = next(x for x in self.client.call("reminders.list") if x["name"] == "warmup")
        self.assertRpcError("conflict", "comes from lumbard.conf ([reminders.warmup])",
                            "reminders.remove", warm["id"])

    def test_bad_input(self):
        for args, code, words in [
            (("x", "Mon 25:00"), "invalid_params", "hour 25 is out of range"),
            (("x", "Fooday 10:00"), "invalid_params", "Fooday"),
            (("x", "every 0s"), "invalid_params", "an interval is 1 s to 7 days"),
            (("x", "every soon"), "invalid_params", "duration \"soon\""),
            (("x", "in 2 years"), "invalid_params", "unknown unit"),
            (("x", "daily", {"from": "09:00"}), "invalid_params",
             "options 'from' and 'to' go with \"every"),
            (("x", "every 1h", {"from": "9am"}), "invalid_params", "option 'from' must be a time"),
            (("x", "every 1h", {"from": "18:00", "to": "09:00"}), "invalid_params",
             "must be later in the day"),
            (("", "daily"), "invalid_params", "parameter 'name' must be 1 to 63"),
            (("x", "2001-01-01 10:00"), "invalid_params", "never comes again"),
            (("warmup", "daily"), "conflict", "a reminder named \"warmup\" exists already"),
            (("x", "daily", {"colour": "red"}), "invalid_params", "unknown option 'colour'"),
        ]:
            self.assertRpcError(code, words, "reminders.add", *args)
        self.assertRpcError("not_found", "no reminder 999", "reminders.done", 999)
        self.assertRpcError("invalid_params", "parameter 'count' must be between 1 and 1000",
                            "reminders.preview", "daily", 0)
        self.assertRpcError("invalid_params", "missing parameter 'seconds'", "reminders.pause")

    def test_preview_is_systemd_analyze(self):
        base = 1792281600  # 2026-10-18, a week before Europe's clocks go back
        for expr in ("Mon..Fri 08:30", "*-*-* 02:30", "Sun *-*-* 02:15:00", "quarterly",
                     "*-*~1 12:00", "Sat,Sun 10:00 UTC", "*:0/20", "daily America/New_York"):
            got = self.client.call("reminders.preview", expr, 8, base)
            out = subprocess.run(["systemd-analyze", "calendar", "--base-time=@%d" % base,
                                  "--iterations=8", expr], capture_output=True, text=True,
                                 env=dict(os.environ, TZ=TZ))
            want = [l.split(": ", 1)[1] for l in out.stdout.splitlines()
                    if "Next elapse" in l or "Iter." in l]
            # systemd prints every elapse in the local zone, a suffixed event's too
            os.environ["TZ"] = TZ
            time.tzset()
            fmt = [time.strftime("%a %Y-%m-%d %H:%M:%S %Z", time.localtime(t)) for t in got]
            self.assertEqual(fmt, want, expr)
        # every and in are previewed too
        self.assertEqual(self.client.call("reminders.preview", "every 45m", 3, 1000),
                         [3700, 6400, 9100])
        self.assertEqual(self.client.call("reminders.preview", "in 10m", 3, 1000), [1600])


class Lifecycle(ReminderTest):
    def test_due_on_time_then_done(self):
        r = self.add("tea", "in 1s", message="the tea is ready")
        due, at = self.client.wait_event("reminders.due", id=r["id"])
        self.assertEqual((due["name"], due["message"], due["late_s"], due["missed"]),
                         ("tea", "the tea is ready", 0, 1))
        self.assertGreaterEqual(at, r["next_at"] - 0.002)  # never early, real clock
        self.assertLess(at, r["next_at"] + 1.5)
        view = next(x for x in self.client.call("reminders.list") if x["id"] == r["id"])
        self.assertEqual(view["due_at"], r["next_at"])
        self.client.call("reminders.done", r["id"])
        done, _ = self.client.wait_event("reminders.done", id=r["id"])
        self.assertEqual(done["at"], r["next_at"])
        # a one-off that is done is gone
        self.assertNotIn(r["id"], [x["id"] for x in self.client.call("reminders.list")])
        self.assertRpcError("not_found", "no reminder", "reminders.done", r["id"])
        time.sleep(0.1)
        self.assertEqual(self.log_rows(), [("tea", "due", ""), ("tea", "done", "")])

    def test_snooze_and_skip(self):
        r = self.add("stand", "every 1s")
        self.assertRpcError("conflict", "is not due", "reminders.snooze", r["id"])
        self.client.wait_event("reminders.due", id=r["id"])
        s = self.client.call("reminders.snooze", r["id"], "2s")
        self.assertAlmostEqual(s["snoozed_until"], wall() + 2, delta=1.5)
        self.client.wait_event("reminders.snoozed", id=r["id"])
        self.client.call("reminders.remove", r["id"])
        t = self.add("tea", "in 1s")
        self.client.wait_event("reminders.due", id=t["id"])
        self.client.call("reminders.snooze", t["id"], 1)
        again, _ = self.client.wait_event("reminders.due", id=t["id"], snoozed=True)
        self.assertEqual(again["at"], t["next_at"])
        k = self.client.call("reminders.skip", t["id"], "rest day")
        ev, _ = self.client.wait_event("reminders.skipped", id=t["id"])
        self.assertEqual((ev["reason"], ev["at"], k["skipped_at"]), ("rest day", t["next_at"], t["next_at"]))
        time.sleep(0.1)
        self.assertIn(("tea", "skipped", "rest day"), self.log_rows())

    def test_skip_ahead_moves_the_next_elapse(self):
        warm = next(x for x in self.client.call("reminders.list") if x["name"] == "warmup")
        k = self.client.call("reminders.skip", warm["id"], "rest day")
        self.assertEqual(k["skipped_at"], warm["next_at"])
        self.assertEqual(k["next_at"],
                         self.client.call("reminders.preview", warm["schedule"], 1, warm["next_at"])[0])

    def test_pause_skips_and_ends_by_itself(self):
        p = self.client.call("reminders.pause", "2s")
        self.assertAlmostEqual(p["until"], wall() + 2, delta=1.5)
        tick = self.add("tick", "every 1s")
        ev, _ = self.client.wait_event("reminders.skipped", id=tick["id"])
        self.assertEqual(ev["reason"], "paused")  # a recurring elapse: skipped, recorded
        self.client.call("reminders.remove", tick["id"])
        time.sleep(1.2)  # the pause is over by itself
        s = self.add("later", "in 1s")
        self.client.wait_event("reminders.due", id=s["id"])
        self.client.call("reminders.pause", "1h")
        self.client.call("reminders.resume")
        u = self.add("soon", "in 1s")
        self.client.wait_event("reminders.due", id=u["id"])
        time.sleep(0.1)
        self.assertIn(("tick", "skipped", "paused"), self.log_rows())

    def test_a_one_off_in_a_pause_is_held_not_dropped(self):
        """remind add tea "in 10m", then remind pause 2h: the tea comes when
        the pause ends, saying how late, and remind list says so meanwhile."""
        r = self.add("tea", "in 1s")
        p = self.client.call("reminders.pause", "3s")
        time.sleep(1.5)  # its elapse has passed, inside the pause
        view = next(x for x in self.client.call("reminders.list") if x["id"] == r["id"])
        self.assertEqual((view["pause"], view["held_until"], view["due_at"]),
                         ("hold", p["until"], 0))
        self.assertEqual([n for n in self.client.notifications if n[1] == "reminders.skipped"],
                         [])
        due, _ = self.client.wait_event("reminders.due", id=r["id"])
        self.assertEqual(due["at"], r["next_at"])
        self.assertGreaterEqual(due["late_s"], 1)
        view = next(x for x in self.client.call("reminders.list") if x["id"] == r["id"])
        self.assertEqual((view["due_at"], view["pause"]), (r["next_at"], ""))
        self.assertGreaterEqual(view["late_s"], 1)  # due is a state, with its lateness
        self.client.call("reminders.done", r["id"])
        time.sleep(0.1)
        self.assertEqual([x for x in self.log_rows() if x[0] == "tea"],
                         [("tea", "held", "paused"), ("tea", "due", "held by a pause"),
                          ("tea", "done", "")])

    def test_resume_delivers_what_the_pause_held(self):
        r = self.add("tea", "in 1s")
        self.client.call("reminders.pause", "1h")
        time.sleep(1.3)
        self.client.call("reminders.resume")
        due, _ = self.client.wait_event("reminders.due", id=r["id"])
        self.assertEqual(due["at"], r["next_at"])

    def test_a_held_one_off_survives_a_restart(self):
        r = self.add("tea", "in 1s")
        self.client.call("reminders.pause", "3s")
        time.sleep(1.3)
        self.assertEqual(self.daemon.stop(), 0)
        self.daemon.start()
        c = self.connect()
        c.call("daemon.subscribe", ["reminders.*"])
        due, _ = c.wait_event("reminders.due", id=r["id"])
        self.assertEqual(due["at"], r["next_at"])


class Persistence(ReminderTest):
    config = """
[reminders.warmup]
schedule = Mon,Wed,Fri 17:30
message = warm up
[reminders.abduction]
schedule = Wed 18:30
"""

    def test_runtime_and_config_ids_survive(self):
        r = self.add("stretch", "daily", message="stretch the hips")
        before = {x["name"]: x["id"] for x in self.client.call("reminders.list")}
        self.assertEqual(self.daemon.stop(), 0)
        self.daemon.start()
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        after = {x["name"]: x for x in c.call("reminders.list")}
        self.assertEqual({k: v["id"] for k, v in after.items()}, before)
        self.assertEqual(after["stretch"]["message"], "stretch the hips")
        self.assertEqual(after["stretch"]["next_at"], r["next_at"])
        # reload: the same names keep their ids, a removed one goes, a new one comes
        with open(self.daemon.config_path, "w") as f:
            f.write("[reminders.warmup]\nschedule = Tue,Thu 07:00\nmessage = warm up\n"
                    "[reminders.calves]\nschedule = Wed 18:00\n")
        c.call("daemon.reload")
        now = {x["name"]: x for x in c.call("reminders.list")}
        self.assertEqual(now["warmup"]["id"], before["warmup"])
        self.assertEqual(now["warmup"]["schedule"], "Tue,Thu 07:00")
        self.assertNotIn("abduction", now)
        self.assertIn("calves", now)
        self.assertEqual(now["stretch"]["id"], before["stretch"])


class CatchUp(ReminderTest):
    config = "[reminders]\ncatch_up = 1h\n"

    def test_missed_while_down_fires_once(self):
        root = tempfile.mkdtemp(prefix="lumbard-catchup-")
        self.addCleanup(shutil.rmtree, root, True)
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(config=self.config, builtin_plugins=True, bus=bus, env={"TZ": TZ})
        self.addCleanup(d.cleanup)
        d.start()
        c = Client(d.socket)
        r = c.call("reminders.add", "stand", "every 1s")
        c.close()
        self.assertEqual(d.stop(), 0)
        stopped_at = wall()
        time.sleep(3.5)  # three or more elapses pass while it is down
        mon = Monitor(bus, "type='signal',interface='org.lumbard.Lumbard1.Reminders'")
        self.addCleanup(mon.stop)
        d.start()
        mon.wait_for("member=Due")
        c = Client(d.socket)
        self.addCleanup(c.close)
        view = next(x for x in c.call("reminders.list") if x["id"] == r["id"])
        time.sleep(0.3)
        text = mon.text()
        block = text[text.index("member=Due"):]
        # Due(t id, s name, s message, u late_s, x at, u missed, b snoozed)
        args = [line.split(None, 1)[1] for line in block.splitlines()[1:8]]
        self.assertEqual(args[1], '"stand"')
        self.assertGreaterEqual(int(args[5]), 3)  # missed, counted
        self.assertEqual(int(args[4]), view["due_at"])  # the latest missed elapse
        # once, not a burst: exactly one Due is for an elapse from before the
        # restart; any other is a fresh elapse after it
        ats = [int(b.splitlines()[5].split(None, 1)[1])
               for b in text.split("member=Due")[1:]]
        self.assertEqual(len([a for a in ats if a < stopped_at + 3]), 1, ats)

    def test_misses_past_the_horizon_are_dropped(self):
        self.daemon.stop()
        with open(self.daemon.config_path, "w") as f:
            f.write("[reminders]\ncatch_up = 1s\n[reminders.tick]\nschedule = in 1s\n")
        self.daemon.start()
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        c.call("daemon.subscribe", ["reminders.*"])
        self.assertEqual(self.daemon.stop(), 0)
        time.sleep(3.2)
        self.daemon.start()
        self.daemon.wait_log("past the catch-up horizon: dropped")
        time.sleep(0.1)
        self.assertIn(("tick", "dropped", "missed while away, past the catch-up horizon"),
                      self.log_rows())


class ClockJump(ReminderTest):
    """The wall clock set forward and back (daemon.test_shift_clock). With a
    config of its own: the built-in routine's reminders would fall inside
    the jumps on some afternoons. What is a duration (an interval without
    hours, a one-off, a snooze) keeps the real time it had left; calendar
    elapses are recomputed, and one jumped over fires once, late."""
    seams = True
    config = "[pain]\ncheckin = off\n"

    def now(self):
        return self.client.call("daemon.test_shift_clock", 0)

    def test_forward_jump_fires_a_calendar_elapse_once_late(self):
        r = self.add("chime", "*:00:00")
        # to 60 s past the third elapse from now: three jumped over
        self.client.call("daemon.test_shift_clock", r["next_at"] - self.now() + 2 * 3600 + 60)
        due, _ = self.client.wait_event("reminders.due", id=r["id"])
        self.assertEqual(due["missed"], 3)
        self.assertEqual(due["at"], r["next_at"] + 2 * 3600)
        self.assertGreaterEqual(due["late_s"], 60)
        self.daemon.wait_log("the wall clock jumps")
        time.sleep(0.3)
        self.assertEqual([n for n in self.client.notifications if n[1] == "reminders.due"], [])

    def test_backward_jump_recomputes(self):
        r = self.add("lunch", "*-*-* 12:00")
        shifted = self.client.call("daemon.test_shift_clock", -2 * 86400)
        view = next(x for x in self.client.call("reminders.list") if x["id"] == r["id"])
        want = self.client.call("reminders.preview", "*-*-* 12:00", 1, shifted)[0]
        self.assertEqual(view["next_at"], want)
        self.assertLess(view["next_at"], r["next_at"])

    def test_durations_keep_their_real_time_both_ways(self):
        every = self.add("stand", "every 45m")
        once = self.add("tea", "in 10m")
        for jump in (-86400, -20 * 365 * 86400, 3 * 3600, 20 * 365 * 86400):
            now = self.client.call("daemon.test_shift_clock", jump)
            views = {x["name"]: x for x in self.client.call("reminders.list")}
            # never waiting for a time that only existed on the old clock
            self.assertAlmostEqual(views["stand"]["next_at"], now + 45 * 60, delta=5, msg=jump)
            self.assertAlmostEqual(views["tea"]["next_at"], now + 10 * 60, delta=5, msg=jump)
        time.sleep(0.3)  # and nothing fell due from the jumps
        self.assertEqual([n for n in self.client.notifications if n[1] == "reminders.due"], [])
        self.assertEqual((every["name"], once["name"]), ("stand", "tea"))

    def test_a_due_occurrence_is_not_left_in_the_future(self):
        r = self.add("chime", "*:00:00")
        self.client.call("daemon.test_shift_clock", r["next_at"] - self.now() + 1)
        self.client.wait_event("reminders.due", id=r["id"])
        # the clock was an hour ahead: set right, that elapse is still to come
        now = self.client.call("daemon.test_shift_clock", -3600)
        view = next(x for x in self.client.call("reminders.list") if x["id"] == r["id"])
        self.assertEqual(view["due_at"], 0)
        self.assertGreater(view["next_at"], now)
        self.assertLessEqual(view["next_at"], now + 3600)

    def test_a_restart_after_the_clock_went_back(self):
        r = self.add("stand", "every 45m")
        self.assertEqual(self.daemon.stop(), 0)
        # the daemon comes back on a clock a day behind the one it stopped on
        self.daemon.env["LUMBARD_TEST_NOW"] = str(r["next_at"] - 86400)
        self.daemon.start()
        c = self.connect()
        now = c.call("daemon.test_shift_clock", 0)
        view = next(x for x in c.call("reminders.list") if x["id"] == r["id"])
        self.assertLessEqual(view["next_at"], now + 45 * 60)


    ZONES = ["America/New_York", "Asia/Kolkata", "Australia/Sydney"]

    def traced(self, what):
        """The zone files the daemon opens while what() runs (strace
        attached to it): each name, how many times."""
        out = os.path.join(self.daemon.root, "strace.out")
        tracer = subprocess.Popen(["strace", "-qq", "-f", "-p", str(self.daemon.pid), "-o", out,
                                   "-e", "trace=open,openat"], stderr=subprocess.PIPE)
        self.addCleanup(tracer.kill)
        for _ in range(500):  # attached when the daemon has a tracer
            with open("/proc/%d/status" % self.daemon.pid) as f:
                if any(line.split() == ["TracerPid:", str(tracer.pid)] for line in f):
                    break
            if tracer.poll() is not None:
                self.skipTest("strace cannot attach here: %s" % tracer.stderr.read().decode())
            time.sleep(0.01)
        what()
        tracer.send_signal(signal.SIGINT)
        tracer.wait(10)
        counts = {}
        with open(out) as f:
            for line in f:
                for z in self.ZONES:
                    if '"/usr/share/zoneinfo/%s"' % z in line:
                        counts[z] = counts.get(z, 0) + 1
        return counts

    def test_each_zone_is_read_once_for_all_its_reminders(self):
        if not shutil.which("strace"):
            self.skipTest("no strace (make test installs it)")
        rs = [self.add("r%d" % i, "*-*-* %02d:%02d %s" % (i % 24, i * 7 % 60,
                                                           self.ZONES[i % 3]))
              for i in range(30)] + [self.add("l%d" % i, "*-*-* %02d:30" % i) for i in range(6)]
        # a clock change computes every reminder's next elapse again
        got = self.traced(lambda: self.client.call("daemon.test_shift_clock", -5 * 86400))
        self.assertEqual(got, {z: 1 for z in self.ZONES})
        now = self.now()
        views = {x["id"]: x for x in self.client.call("reminders.list")}
        for r in rs:
            want = self.client.call("reminders.preview", r["schedule"], 1, now)[0]
            self.assertEqual(views[r["id"]]["next_at"], want, r["schedule"])
        # twenty elapses of one event: its zone read once
        got = self.traced(lambda: self.client.call("reminders.preview",
                                                   "*-*-* 12:00 Asia/Kolkata", 20))
        self.assertEqual(got, {"Asia/Kolkata": 1})
        # and so does a start: the names are checked once each
        self.assertEqual(self.daemon.stop(), 0)
        self.daemon.env["LUMBARD_TEST_NOW"] = str(now)
        # LeakSanitizer refuses to run under a tracer (the ASan build)
        self.daemon.env["ASAN_OPTIONS"] = asan_options(detect_leaks=0)
        self.daemon.wrapper = ["strace", "-qq", "-f", "-o",
                               os.path.join(self.daemon.root, "start.out"), "-e",
                               "trace=open,openat"]
        self.daemon.start()
        self.client = self.connect()
        self.assertEqual(len(self.client.call("reminders.list")), 36)
        # the daemon is strace's child: stopped by a signal of its own
        with open("/proc/%d/task/%d/children" % (self.daemon.pid, self.daemon.pid)) as f:
            os.kill(int(f.read().split()[0]), signal.SIGTERM)
        self.assertEqual(self.daemon.proc.wait(10), 0)
        with open(os.path.join(self.daemon.root, "start.out")) as f:
            text = f.read()
        self.assertEqual({z: text.count('"/usr/share/zoneinfo/%s"' % z) for z in self.ZONES},
                         {z: 1 for z in self.ZONES})


class OverDbus(unittest.TestCase):
    def test_add_and_due_signal(self):
        root = tempfile.mkdtemp(prefix="lumbard-rem-dbus-")
        self.addCleanup(shutil.rmtree, root, True)
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(builtin_plugins=True, bus=bus, env={"TZ": TZ})
        self.addCleanup(d.cleanup)
        d.start()
        mon = Monitor(bus, "type='signal',interface='org.lumbard.Lumbard1.Reminders'")
        self.addCleanup(mon.stop)
        out = bus.busctl("--json=short", "call", "org.lumbard.Lumbard1", "/org/lumbard/Lumbard1",
                         "org.lumbard.Lumbard1.Reminders", "Add", "ssa{sv}", "tea", "in 1s", "1",
                         "message", "s", "the tea is ready")
        rid = json.loads(out.stdout)["data"][0]["id"]["data"]
        text = mon.wait_for("member=Due")
        self.assertRegex(text, r'member=Due\s+uint64 %d\s+string "tea"\s+string "the tea is ready"'
                         % rid)
        out = bus.busctl("--json=short", "call", "org.lumbard.Lumbard1", "/org/lumbard/Lumbard1",
                         "org.lumbard.Lumbard1.Reminders", "Preview", "suxa{sv}", "Mon..Fri 08:30", "2",
                         "0", "0")
        self.assertEqual(json.loads(out.stdout)["type"], "ax")
        self.assertEqual(len(json.loads(out.stdout)["data"][0]), 2)


if __name__ == "__main__":
    unittest.main()
