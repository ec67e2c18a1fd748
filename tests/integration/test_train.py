"""The train plugin in the real daemon: a set logged starts the exercise's
rest through rest.start (the plugins unlinked), a set logged while that rest
runs ends it, sets are grouped into sessions, a rest routine of an exercise's
preset logs its sets, amend and remove, every bad input, and durability
under SIGKILL."""
import os
import signal
import sqlite3
import time
import unittest

from lbtest import wall, zone, Daemon, DaemonTest

TZ = zone("Europe/Berlin")
CONFIG = """
[pain]
checkin = off
checkin_after_routine = no
[rest]
default = 75s
[rest.preset.abduction]
label = abduction
sets = 3
reps = 20-30
rest = 90s
until = 2min
[rest.preset.warmup]
step1 = 1s | left side
done = warm
[train.exercise.abduction]
label = abduction
sets = 3
reps = 20-30
rest = 90s
until = 2min
"""


class TrainTest(DaemonTest):
    config = CONFIG

    def setUp(self):
        self.daemon = Daemon(config=self.config, builtin_plugins=True,
                             env={"TZ": TZ, "LUMBARD_TEST_SEAMS": "1"})
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()
        self.client.call("daemon.subscribe", ["train.*", "rest.*"])

    def log(self, exercise, reps, **opts):
        return self.client.call("train.log", exercise, reps, opts) if opts else \
            self.client.call("train.log", exercise, reps)

    def rests(self):
        return {r["id"]: r for r in self.client.call("rest.list")}

    def db(self):
        return sqlite3.connect(os.path.join(self.daemon.root, "data", "lumbard", "lumbard.db"))

    def shift(self, seconds):
        return self.client.call("daemon.test_shift_clock", seconds)


class Logging(TrainTest):
    def test_a_set_starts_the_exercises_rest(self):
        s = self.log("abduction", 25, weight=40)
        self.assertEqual((s["exercise"], s["set"], s["reps"], s["weight_kg"], s["unit"]),
                         ("abduction", 1, 25, 40.0, "kg"))
        self.assertGreater(s["rest_id"], 0)
        self.assertGreater(s["session"], 0)
        rest = self.rests()[s["rest_id"]]
        self.assertEqual((rest["label"], rest["seconds"], rest["set"], rest["sets"]),
                         ("abduction", 90, 1, 3))
        ev, _ = self.client.wait_event("train.logged", id=s["id"])
        self.assertEqual((ev["rest_id"], ev["set"], ev["source"]), (s["rest_id"], 1, "log"))

    def test_a_set_logged_while_its_rest_runs_ends_it(self):
        first = self.log("abduction", 25, weight=40)
        second = self.log("abduction", 22, weight=40, rir=2)
        self.assertEqual((second["set"], second["session"], second["rir"]),
                         (2, first["session"], 2.0))
        self.client.wait_event("rest.cancelled", id=first["rest_id"])
        rests = self.rests()
        self.assertNotIn(first["rest_id"], rests)
        self.assertEqual(rests[second["rest_id"]]["set"], 2)

    def test_rest_false_starts_none_and_an_unknown_exercise_gets_the_default_rest(self):
        s = self.log("abduction", 20, rest=False)
        self.assertEqual(s["rest_id"], 0)
        self.assertEqual(self.rests(), {})
        d = self.log("deadlift", 5, weight=100, rir=2)
        rest = self.rests()[d["rest_id"]]
        self.assertEqual((rest["label"], rest["seconds"]), ("deadlift", 75))
        self.assertEqual(d["set"], 1)  # its own count within the session

    def test_pounds(self):
        s = self.log("abduction", 25, weight=100, unit="lb")
        self.assertAlmostEqual(s["weight_kg"], 45.359237)
        self.assertAlmostEqual(s["weight"], 45.359237)  # shown in the config's unit, kg

    def test_every_bad_input(self):
        for params, words in (
                (["Abduction!", 5], "must be a name of lower-case letters"),
                (["abduction", 5, {"rir": 11}], "option 'rir' (reps in reserve) must be from 0"),
                (["abduction", 5, {"weight": -1}], "option 'weight' must be from 0 to 1000 kg"),
                (["abduction", 5, {"weight": 5000, "unit": "lb"}], "from 0 to 2204 lb"),
                (["abduction", 5, {"unit": "stone"}], "option 'unit' must be kg or lb"),
                (["abduction", 5, {"at": int(wall()) + 3600}], "option 'at' is in the future"),
                (["abduction", 5, {"note": "x" * 1001}], "option 'note' is 1001 bytes long"),
                (["abduction", 1001], "1000")):
            self.assertRpcError("invalid_params", words, "train.log", *params)
        self.assertEqual(self.client.call("train.history"), [])
        self.assertEqual(self.rests(), {})


class Sessions(TrainTest):
    def test_sets_hours_apart_are_two_sessions(self):
        a = self.log("abduction", 25, rest=False)
        b = self.log("abduction", 24, rest=False)
        self.shift(3 * 3600)
        ended, _ = self.client.wait_event("train.session_ended", id=a["session"])
        self.assertEqual((ended["sets"], ended["exercises"]), (2, ["abduction"]))
        c = self.log("abduction", 25, rest=False)
        self.assertNotEqual(c["session"], a["session"])
        self.assertEqual((b["set"], c["set"]), (2, 1))
        got = self.client.call("train.sessions")
        self.assertEqual([(x["id"], x["sets"]) for x in got],
                         [(c["session"], 1), (a["session"], 2)])
        self.assertEqual(got[1]["start"], a["at"])
        self.assertEqual(got[1]["end"], b["at"])

    def test_a_session_after_a_warm_up_is_warmed_up(self):
        self.log("abduction", 25, rest=False)
        self.shift(4 * 3600)
        r = self.client.call("rest.preset", "warmup")
        self.client.wait_event("rest.routine_done", id=r["id"])
        time.sleep(0.2)  # train hears the event on a later loop turn
        self.log("abduction", 25, rest=False)
        got = self.client.call("train.sessions")
        self.assertEqual([x["warmed_up"] for x in got], [True, False])

    def test_a_session_survives_a_restart(self):
        a = self.log("abduction", 25, rest=False)
        self.assertEqual(self.daemon.stop(), 0)
        self.daemon.start()
        self.client = self.connect()
        b = self.log("abduction", 24, rest=False)
        self.assertEqual((b["session"], b["set"]), (a["session"], 2))


class Routine(TrainTest):
    def test_a_routine_of_the_exercises_preset_logs_its_sets(self):
        self.log("abduction", 27, weight=35, rest=False)
        r = self.client.call("rest.preset", "abduction")
        self.client.call("rest.next", r["id"])  # set 1 done
        ev, _ = self.client.wait_event("train.logged", source="rest")
        self.assertEqual((ev["exercise"], ev["reps"], ev["weight_kg"], ev["rest_id"], ev["set"]),
                         ("abduction", 27, 35.0, r["id"], 2))
        h = self.client.call("train.history", {"exercise": "abduction"})
        self.assertEqual([(x["source"], x["set"]) for x in h], [("rest", 2), ("log", 1)])
        # the routine times its own rests: no other one started
        self.assertEqual(list(self.rests()), [r["id"]])

    def test_with_no_set_before_the_programmes_reps(self):
        r = self.client.call("rest.preset", "abduction")
        self.client.call("rest.next", r["id"])
        ev, _ = self.client.wait_event("train.logged", source="rest")
        self.assertEqual((ev["reps"], ev["weight_kg"]), (20, 0))


class Corrections(TrainTest):
    def test_amend_and_remove(self):
        a = self.log("abduction", 25, weight=40, rest=False)
        b = self.log("abduction", 52, weight=40, rest=False, note="meant 25")
        fixed = self.client.call("train.amend", b["id"], {"reps": 25, "rir": 1})
        self.assertEqual((fixed["reps"], fixed["rir"], fixed["note"], fixed["set"]),
                         (25, 1.0, "meant 25", 2))
        self.client.wait_event("train.amended", id=b["id"])
        # moved a day back: a session of its own; a's session keeps a
        moved = self.client.call("train.amend", b["id"], {"at": a["at"] - 86400})
        self.assertNotEqual(moved["session"], a["session"])
        self.assertEqual(moved["set"], 1)
        sessions = {x["id"]: x for x in self.client.call("train.sessions")}
        self.assertEqual(sessions[a["session"]]["sets"], 1)
        self.assertEqual(sessions[moved["session"]]["start"], a["at"] - 86400)
        self.assertEqual(self.client.call("train.remove", a["id"]), {"id": a["id"]})
        self.client.wait_event("train.removed", id=a["id"])
        self.assertNotIn(a["session"], [x["id"] for x in self.client.call("train.sessions")])
        self.assertEqual([x["id"] for x in self.client.call("train.history")], [b["id"]])
        self.assertRpcError("not_found", "no set %d in the log" % a["id"], "train.remove",
                            a["id"])
        self.assertRpcError("not_found", "no set 999", "train.amend", 999, {"reps": 1})
        self.assertRpcError("invalid_params", "option 'rir'", "train.amend", b["id"],
                            {"rir": 12})


class Durability(TrainTest):
    def test_sigkill_right_after_the_answer_loses_nothing(self):
        ids = [self.log("abduction", 20 + i, weight=40, rest=False)["id"] for i in range(5)]
        self.daemon.proc.send_signal(signal.SIGKILL)
        self.daemon.proc.wait(10)
        db = self.db()
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        self.assertEqual([r[0] for r in db.execute("SELECT id FROM train_sets ORDER BY id")], ids)
        db.close()


class Exercises(TrainTest):
    def test_the_configs_and_those_logged(self):
        self.log("deadlift", 5, weight=100, rest=False)
        got = {x["name"]: x for x in self.client.call("train.exercises")}
        self.assertEqual((got["abduction"]["reps"], got["abduction"]["rest"],
                          got["abduction"]["configured"], got["abduction"]["logged"]),
                         ("20-30", 90, True, 0))
        self.assertEqual((got["deadlift"]["configured"], got["deadlift"]["logged"]), (False, 1))


class Defaults(unittest.TestCase):
    def test_the_seeds_abduction_with_no_config(self):
        d = Daemon(builtin_plugins=True, env={"TZ": TZ})
        self.addCleanup(d.cleanup)
        d.start()
        from lbtest import Client
        c = Client(d.socket)
        (ab,) = [x for x in c.call("train.exercises") if x["name"] == "abduction"]
        self.assertEqual((ab["sets"], ab["reps"], ab["rest"], ab["until"], ab["target"]),
                         (3, "20-30", 90, 120, 1))
        self.assertIn("gluteus medius and minimus", ab["description"])
        c.close()


if __name__ == "__main__":
    unittest.main()
