"""The rest plugin in the real daemon, on the real clock with short
durations: defaults, every duration form and bad input, pause/resume/extend
arithmetic, windows and overdue, routines and sequences, restarts."""
import json
import os
import shutil
import signal
import tempfile
import time
import unittest

from lbtest import Bus, Client, Daemon, DaemonTest, Monitor, RpcError


CONFIG = """
[rest]
default = 90s
warn = 10s
expire = 2s

[rest.preset.short]
description = two quick sets
label = short
sets = 3
reps = 20-30
weight = light to moderate weight
rest = 1s
until = 2s

[rest.preset.quick]
label = warm-up
step1 = 1s | Left side: deep massage
step2 = 1s | Right side: deep massage
done = Warm-up done: you are ready to train

[rest.preset.long]
sets = 3
rest = 60s

[rest.preset.slow]
step1 = 30s | Left side
step2 = 30s | Right side
"""


class RestTest(DaemonTest):
    config = CONFIG
    plugin_dirs = property(lambda self: [])

    def setUp(self):
        self.daemon = Daemon(config=self.config, builtin_plugins=True)  # the build's rest.so
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()
        self.assertIn("rest", [p["name"] for p in self.client.call("daemon.plugins")])
        self.client.call("daemon.subscribe", ["rest.*"])

    def start(self, *params):
        return self.client.call("rest.start", *params)


class Defaults(RestTest):
    def test_default_rest_is_90s(self):
        before = time.time() * 1000
        r = self.start()
        self.assertEqual((r["seconds"], r["label"], r["state"], r["warn"]), (90, "rest", "running", 10))
        self.assertAlmostEqual(r["ends_at_ms"], before + 90000, delta=1000)
        self.assertEqual(r["message"], "Rest 1min 30s")
        ev, _ = self.client.wait_event("rest.started", id=r["id"])
        self.assertEqual((ev["seconds"], ev["label"], ev["ends_at_ms"]),
                         (90, "rest", r["ends_at_ms"]))

    def test_every_duration_form(self):
        for given, seconds in (("90", 90), ("90s", 90), ("1m30s", 90), ("2min", 120),
                               ("1.5min", 90), ("1h", 3600), (45, 45), ("24h", 86400)):
            self.assertEqual(self.start(given)["seconds"], seconds, given)

    def test_bad_input(self):
        cases = [
            ((0,), "parameter 'seconds' must be between 1s and 1d, got 0s"),
            ((-5,), "parameter 'seconds' must not be negative"),
            (("25h",), "parameter 'seconds' must be between 1s and 1d, got 1d 1h"),
            (("abc",), "parameter 'seconds': duration \"abc\": expected a number"),
            (("1.5s",), "not a whole number of seconds"),
            ((60, {"lable": "x"}), "unknown option 'lable'"),
            ((60, {"sets": 0}), "option 'sets' must be between 1 and 100"),
            ((60, {"until": "30s"}), "option 'until' (30s) must be longer than the rest (1min)"),
            ((60, {"set": 4, "sets": 3}), "option 'set' (4) is past option 'sets' (3)"),
            ((60, {"warn": "soon"}), "option 'warn': duration \"soon\""),
        ]
        for params, words in cases:
            self.assertRpcError("invalid_params", words, "rest.start", *params)
        r = self.start(60)
        self.assertRpcError("not_found", "no rest 999", "rest.cancel", 999)
        self.assertRpcError("conflict", "is running: only a paused rest can be resumed",
                            "rest.resume", r["id"])
        self.assertRpcError("invalid_params", "the rest would last over 24h (1min + 1d)", "rest.extend", r["id"], "24h")
        self.assertRpcError("not_found", 'no preset "nope"; the presets are: short, quick, long, slow',
                            "rest.preset", "nope")
        self.assertEqual([x["id"] for x in self.client.call("rest.list")], [r["id"]])


class Clock(RestTest):
    def test_fires_on_time_with_warning(self):
        r = self.start(2, {"warn": 1, "label": "abduction"})
        warning, warned_at = self.client.wait_event("rest.warning", id=r["id"])
        self.assertEqual((warning["remaining"], warning["label"]), (1, "abduction"))
        finished, done_at = self.client.wait_event("rest.finished", id=r["id"])
        # the real clock, a generous tolerance: never early, not far late
        # (how close it really is, make bench measures)
        self.assertGreaterEqual(done_at * 1000, r["ends_at_ms"] - 2)
        self.assertLess(done_at * 1000, r["ends_at_ms"] + 250)
        self.assertLess(abs(warned_at * 1000 - (r["ends_at_ms"] - 1000)), 250)
        self.assertEqual((finished["late_s"], finished["message"]), (0, "Rest over"))
        self.assertGreaterEqual(finished["late_us"], 0)
        self.assertEqual(self.client.call("rest.list"), [])  # a plain rest is gone

    def test_pause_resume_arithmetic(self):
        r = self.start(2, {"warn": 0})
        time.sleep(0.5)
        p = self.client.call("rest.pause", r["id"])
        self.assertEqual(p["state"], "paused")
        self.assertAlmostEqual(p["remaining_ms"], 1500, delta=150)
        ev, _ = self.client.wait_event("rest.paused", id=r["id"])
        self.assertEqual(ev["remaining_ms"], p["remaining_ms"])
        time.sleep(0.5)
        self.assertEqual(self.client.call("rest.list")[0]["remaining_ms"], p["remaining_ms"])
        self.assertRpcError("conflict", "only a running rest can be paused", "rest.pause", r["id"])
        before = time.time() * 1000
        q = self.client.call("rest.resume", r["id"])
        self.assertAlmostEqual(q["ends_at_ms"], before + p["remaining_ms"], delta=50)
        _, done_at = self.client.wait_event("rest.finished", id=r["id"])
        self.assertGreaterEqual(done_at * 1000, q["ends_at_ms"] - 2)

    def test_extend_running_paused_and_finished(self):
        r = self.start(5, {"warn": 0})
        e = self.client.call("rest.extend", r["id"], "+30s" if False else "30s")
        self.assertEqual((e["seconds"], e["ends_at_ms"]), (35, r["ends_at_ms"] + 30000))
        ev, _ = self.client.wait_event("rest.extended", id=r["id"])
        self.assertEqual((ev["added"], ev["seconds"]), (30, 35))
        p = self.client.call("rest.pause", r["id"])
        e = self.client.call("rest.extend", r["id"], 10)
        self.assertEqual(e["remaining_ms"], p["remaining_ms"] + 10000)
        self.client.call("rest.cancel", r["id"])
        # a finished rest in its window rests some more
        w = self.start(1, {"until": "10s", "warn": 0})
        self.client.wait_event("rest.finished", id=w["id"])
        self.assertEqual(self.client.call("rest.list")[0]["state"], "ready")
        e = self.client.call("rest.extend", w["id"], 1)
        self.assertEqual((e["state"], e["seconds"]), ("running", 1))
        self.client.wait_event("rest.finished", id=w["id"])


class Windows(RestTest):
    def test_window_then_overdue(self):
        r = self.start(1, {"until": 2, "warn": 0, "label": "abduction"})
        fin, fin_at = self.client.wait_event("rest.finished", id=r["id"])
        view = self.client.call("rest.list")[0]
        self.assertEqual(view["state"], "ready")
        self.assertEqual(view["window_end_ms"], r["ends_at_ms"] + 1000)
        self.assertEqual(fin["window_end_ms"], view["window_end_ms"])
        over, over_at = self.client.wait_event("rest.overdue", id=r["id"])
        self.assertGreaterEqual(over_at * 1000, view["window_end_ms"] - 2)
        self.assertLess(over_at - fin_at, 1.5)
        self.assertEqual(self.client.call("rest.list"), [])

    def test_next_set_closes_the_window(self):
        r = self.start(1, {"until": 2, "warn": 0})
        self.client.wait_event("rest.finished", id=r["id"])
        n = self.client.call("rest.next", r["id"])
        self.assertEqual(n["state"], "done")
        self.client.wait_event("rest.set_started", id=r["id"])
        time.sleep(1.5)  # past the window: no overdue comes
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        self.assertEqual([e[1] for e in self.client.notifications if e[1] == "rest.overdue"], [])


class Routines(RestTest):
    def test_preset_counts_sets(self):
        # typed before the first set: set 1 is under way, nothing runs yet
        r = self.client.call("rest.preset", "short")
        self.assertEqual((r["state"], r["set"], r["sets"], r["routine"], r["label"]),
                         ("in_set", 1, 3, "short", "short"))
        self.assertEqual(r["message"], "Set 1 of 3: go (20-30 reps, light to moderate weight)")
        ev, _ = self.client.wait_event("rest.set_started", id=r["id"], set=1)
        self.assertEqual(ev["message"], r["message"])
        n = self.client.call("rest.next", r["id"])  # set 1 done: its rest
        self.assertEqual((n["state"], n["set"], n["message"]), ("running", 1, "Set 1 of 3 done: rest 1s"))
        fin, _ = self.client.wait_event("rest.finished", id=r["id"])
        self.assertEqual((fin["set"], fin["next_set"], fin["early"], fin["message"]),
                         (1, 2, False, "Rest over: set 2 of 3 (20-30 reps, light to moderate weight)"))
        n = self.client.call("rest.next", r["id"])  # set 2 starts
        self.assertEqual((n["state"], n["set"], n["message"]),
                         ("in_set", 2, "Set 2 of 3: go (20-30 reps, light to moderate weight)"))
        self.client.wait_event("rest.set_started", id=r["id"], set=2)
        n = self.client.call("rest.next", r["id"])  # set 2 done: rest
        self.assertEqual((n["state"], n["set"], n["id"]), ("running", 2, r["id"]))
        st, _ = self.client.wait_event("rest.started", id=r["id"], set=2)
        self.assertEqual(st["message"], "Set 2 of 3 done: rest 1s")
        fin, _ = self.client.wait_event("rest.finished", id=r["id"], set=2)
        self.assertEqual(fin["next_set"], 3)
        n = self.client.call("rest.next", r["id"])  # the last set starts
        self.assertEqual((n["state"], n["set"]), ("in_set", 3))
        self.assertEqual([x["state"] for x in self.client.call("rest.list")], ["in_set"])
        n = self.client.call("rest.next", r["id"])  # ... and is done: the routine too
        self.assertEqual(n["state"], "done")
        done, _ = self.client.wait_event("rest.routine_done", id=r["id"])
        self.assertEqual((done["routine"], done["sets"], done["message"]),
                         ("short", 3, "Routine done: 3 sets"))
        self.assertEqual(self.client.call("rest.list"), [])
        sets_done = [e[2][0]["set"] for e in self.client.notifications if e[1] == "rest.set_done"]
        self.assertEqual(sets_done, [1, 2, 3])  # every set, the last one included

    def test_after_set(self):
        r = self.client.call("rest.preset", "short", {"set": 2})  # two sets done before
        self.assertEqual((r["state"], r["set"], r["message"]), ("running", 2, "Set 2 of 3 done: rest 1s"))
        self.client.wait_event("rest.set_done", id=r["id"], set=2)
        self.client.wait_event("rest.started", id=r["id"], set=2)
        for bad in (3, 7):
            self.assertRpcError("invalid_params", "option 'set' (%d): the routine has 3 sets" % bad,
                                "rest.preset", "short", {"set": bad})

    def test_next_during_the_rest_starts_the_next_set(self):
        r = self.client.call("rest.preset", "long")
        self.client.call("rest.next", r["id"])  # set 1 done: a 60 s rest runs
        n = self.client.call("rest.next", r["id"])  # the next set now, 60 s early
        self.assertEqual((n["state"], n["set"]), ("in_set", 2))
        fin, _ = self.client.wait_event("rest.finished", id=r["id"])
        self.assertTrue(fin["early"])
        self.assertGreater(fin["left_ms"], 55000)
        self.assertEqual(fin["window_end_ms"], 0)
        self.assertTrue(fin["message"].startswith("Rest ended "), fin["message"])
        self.assertIn("early: set 2 of 3", fin["message"])
        self.client.wait_event("rest.set_started", id=r["id"], set=2)
        # paused rests end early too, and a single rest is then done
        one = self.start(60)
        self.client.call("rest.pause", one["id"])
        n = self.client.call("rest.next", one["id"])
        self.assertEqual(n["state"], "done")
        fin, _ = self.client.wait_event("rest.finished", id=one["id"])
        self.assertTrue(fin["early"])
        self.assertAlmostEqual(fin["left_ms"], 60000, delta=500)  # paused: none of it went
        self.assertEqual([x["id"] for x in self.client.call("rest.list")], [r["id"]])

    def test_next_during_a_sequence_step(self):
        r = self.client.call("rest.preset", "slow")
        n = self.client.call("rest.next", r["id"])
        self.assertEqual((n["state"], n["step"]), ("running", 2))
        f1, _ = self.client.wait_event("rest.finished", id=r["id"], step=1)
        self.assertEqual((f1["early"], f1["message"]), (True, "Step 1 of 2 done early"))
        self.assertEqual(self.client.call("rest.next", r["id"])["state"], "done")
        self.client.wait_event("rest.routine_done", id=r["id"])

    def test_extend_says_the_new_length(self):
        r = self.start(60)
        e = self.client.call("rest.extend", r["id"], 30)
        self.assertEqual(e["message"], "Rest 1min 30s")
        ev, _ = self.client.wait_event("rest.extended", id=r["id"])
        self.assertEqual((ev["message"], ev["ends_at_ms"]), ("Rest 1min 30s", r["ends_at_ms"] + 30000))
        self.assertEqual(self.client.call("rest.list")[0]["message"], "Rest 1min 30s")
        self.client.call("rest.pause", r["id"])
        self.assertEqual(self.client.call("rest.extend", r["id"], "30s")["message"], "Rest 2min")

    def test_overdue_routine_still_waits_then_expires(self):
        r = self.client.call("rest.preset", "short", {"set": 1})
        over, _ = self.client.wait_event("rest.overdue", id=r["id"])
        self.assertEqual(over["next_set"], 2)
        self.assertEqual(self.client.call("rest.list")[0]["state"], "overdue")
        self.client.call("rest.next", r["id"])  # still possible
        # nobody says the set is done: expire = 2s in this config
        ev, _ = self.client.wait_event("rest.cancelled", id=r["id"], timeout=5)
        self.assertIn("expired", ev["reason"])

    def test_last_set_left_open_counts_as_done(self):
        r = self.client.call("rest.preset", "short", {"set": 2})
        self.client.wait_event("rest.finished", id=r["id"])
        self.assertEqual(self.client.call("rest.next", r["id"])["state"], "in_set")  # set 3
        # nobody presses Enter after the last set: after `expire` it is done
        done, _ = self.client.wait_event("rest.routine_done", id=r["id"], timeout=5)
        self.assertEqual(done["sets"], 3)
        self.client.wait_event("rest.set_done", id=r["id"], set=3)
        self.assertEqual([e for e in self.client.notifications if e[1] == "rest.cancelled"], [])

    def test_sequence_runs_its_steps(self):
        r = self.client.call("rest.preset", "quick")
        self.assertEqual((r["step"], r["steps"], r["message"]), (1, 2, "Left side: deep massage"))
        f1, _ = self.client.wait_event("rest.finished", id=r["id"], step=1)
        self.assertEqual(f1["message"], "Step 1 of 2 done")
        s2, _ = self.client.wait_event("rest.started", id=r["id"], step=2)
        self.assertEqual(s2["message"], "Right side: deep massage")
        self.client.wait_event("rest.finished", id=r["id"], step=2)
        done, _ = self.client.wait_event("rest.routine_done", id=r["id"])
        self.assertEqual((done["routine"], done["steps"], done["message"]),
                         ("quick", 2, "Warm-up done: you are ready to train"))

    def test_builtin_presets_carry_the_seed(self):
        d = Daemon(builtin_plugins=True)  # no config file: the built-in one
        self.addCleanup(d.cleanup)
        d.start()
        c = Client(d.socket)
        self.addCleanup(c.close)
        presets = {p["name"]: p for p in c.call("rest.presets")}
        a = presets["abduction"]
        self.assertEqual((a["sets"], a["reps"], a["rest"], a["until"]), (3, "20-30", 90, 120))
        self.assertIn("light to moderate", a["weight"])
        self.assertIn("after calves", a["description"])
        self.assertIn("gluteus medius and minimus", a["description"])
        w = presets["warmup"]
        self.assertEqual([s["seconds"] for s in w["steps"]], [60, 60])
        self.assertIn("Left", w["steps"][0]["text"])
        self.assertIn("thumbs or a massage gun", w["steps"][1]["text"])
        r = c.call("rest.preset", "abduction")
        self.assertEqual((r["seconds"], r["sets"], r["window_end_ms"]), (90, 3, 0))


class Restart(RestTest):
    def test_rests_survive_sigterm_with_their_deadlines(self):
        run = self.start(60, {"label": "abduction"})
        paused = self.start(40)
        self.client.call("rest.pause", paused["id"])
        routine = self.client.call("rest.preset", "short", {"set": 1})
        self.client.wait_event("rest.finished", id=routine["id"])
        self.client.call("rest.next", routine["id"])  # in_set
        before = {r["id"]: r for r in self.client.call("rest.list")}
        self.assertEqual(self.daemon.stop(), 0)
        self.daemon.start()
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        after = {r["id"]: r for r in c.call("rest.list")}
        self.assertEqual(set(after), set(before))
        self.assertEqual(after[run["id"]]["ends_at_ms"], run["ends_at_ms"])  # the same deadline
        self.assertEqual(after[run["id"]]["state"], "running")
        self.assertEqual(after[paused["id"]]["state"], "paused")
        self.assertEqual(after[paused["id"]]["remaining_ms"], before[paused["id"]]["remaining_ms"])
        self.assertEqual((after[routine["id"]]["state"], after[routine["id"]]["set"]), ("in_set", 2))
        self.assertIn("restored 3 rests", self.daemon.log())
        # a new rest does not reuse an id
        self.assertGreater(c.call("rest.start", 5)["id"], max(after))

    def test_rest_that_ended_while_down_fires_once_late(self):
        root = tempfile.mkdtemp(prefix="lumbard-late-")
        self.addCleanup(shutil.rmtree, root, True)
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(config=CONFIG, builtin_plugins=True, bus=bus)
        self.addCleanup(d.cleanup)
        d.start()
        c = Client(d.socket)
        r = c.call("rest.start", 1, {"warn": 0, "label": "abduction"})
        c.close()
        self.assertEqual(d.stop(), 0)
        time.sleep(2.2)  # it ends while the daemon is down
        mon = Monitor(bus, "type='signal',interface='org.lumbard.Lumbard1.Rest'")
        self.addCleanup(mon.stop)
        d.start()
        text = mon.wait_for("member=Finished")
        block = text[text.index("member=Finished"):]
        # Finished(t id, s label, u set, u sets, u next_set, u step, u steps, u late_s, ...)
        fields = [line.split(None, 1)[1] for line in block.splitlines()[1:12]]
        self.assertEqual(fields[0], str(r["id"]))
        self.assertEqual(fields[1], '"abduction"')
        self.assertGreaterEqual(int(fields[7]), 1)  # late_s
        d.wait_log("ended while lumbard was not running")
        time.sleep(0.3)
        self.assertEqual(mon.text().count("member=Finished"), 1)  # once
        c = Client(d.socket)
        self.addCleanup(c.close)
        self.assertEqual(c.call("rest.list"), [])


class OverDbus(unittest.TestCase):
    """No transport code in the plugin: its methods and events are on D-Bus."""

    def test_start_pause_cancel_over_dbus(self):
        root = tempfile.mkdtemp(prefix="lumbard-rest-dbus-")
        self.addCleanup(shutil.rmtree, root, True)
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(config=CONFIG, builtin_plugins=True, bus=bus)
        self.addCleanup(d.cleanup)
        d.start()
        mon = Monitor(bus, "type='signal',interface='org.lumbard.Lumbard1.Rest'")
        self.addCleanup(mon.stop)
        path, iface = "/org/lumbard/Lumbard1", "org.lumbard.Lumbard1.Rest"
        out = bus.busctl("--json=short", "call", "org.lumbard.Lumbard1", path, iface, "Start",
                         "ua{sv}", "90", "1", "label", "s", "abduction")
        r = json.loads(out.stdout)["data"][0]
        rid = r["id"]["data"]
        self.assertEqual((r["seconds"], r["label"]), ({"type": "u", "data": 90},
                                                      {"type": "s", "data": "abduction"}))
        text = mon.wait_for("member=Started")
        self.assertRegex(text, r'member=Started\s+uint64 %d\s+string "abduction"\s+uint32 90' % rid)
        # 0 seconds over D-Bus: the default
        out = bus.busctl("--json=short", "call", "org.lumbard.Lumbard1", path, iface, "Start",
                         "ua{sv}", "0", "0")
        self.assertEqual(json.loads(out.stdout)["data"][0]["seconds"]["data"], 90)
        bus.busctl("call", "org.lumbard.Lumbard1", path, iface, "Pause", "t", str(rid))
        mon.wait_for("member=Paused")
        out = bus.busctl("call", "org.lumbard.Lumbard1", path, iface, "Pause", "t", str(rid),
                         check=False)
        self.assertIn("only a running rest can be paused", out.stderr)
        out = bus.run("dbus-send", "--print-reply", "--dest=org.lumbard.Lumbard1", path,
                      iface + ".Resume", "uint64:999", check=False)
        self.assertIn("org.lumbard.Lumbard1.Error.NotFound", out.stderr)
        bus.busctl("call", "org.lumbard.Lumbard1", path, iface, "Cancel", "t", str(rid))
        mon.wait_for("member=Cancelled")
        self.assertEqual(
            json.loads(bus.busctl("--json=short", "get-property", "org.lumbard.Lumbard1", path,
                                  iface, "Active").stdout)["data"], 1)


if __name__ == "__main__":
    unittest.main()
