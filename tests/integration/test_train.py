"""The train plugin in the real daemon: a set logged starts the exercise's
rest through rest.start (the plugins unlinked), a set logged while that rest
runs ends it, sets are grouped into sessions, a rest routine of an exercise's
preset logs its sets, amend and remove, every bad input, and durability
under SIGKILL."""
import json
import os
import signal
import sqlite3
import threading
import time
import unittest

from lbtest import wall, zone, Client, Daemon, DaemonTest

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
target = 1
aliases = Hip Abduction (Machine); Hip Abductor
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

    def test_a_set_written_down_afterwards_starts_no_rest(self):
        s = self.log("abduction", 25, at=int(wall()) - 3600)
        self.assertEqual(s["rest_id"], 0)
        self.assertEqual(self.rests(), {})
        s = self.log("abduction", 25, at=int(wall()) - 3600, rest=True)  # unless asked
        self.assertGreater(s["rest_id"], 0)

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


def monday(weeks_ago):
    """Unix time of local Monday 00:00 of the week weeks_ago weeks before
    this one (the daemon's clock and zone: Berlin)."""
    os.environ["TZ"] = TZ
    time.tzset()
    t = time.localtime(wall())
    day = time.mktime((t.tm_year, t.tm_mon, t.tm_mday - t.tm_wday - 7 * weeks_ago, 0, 0, 0, 0,
                       0, -1))
    return int(day)


def weekday_noon(weeks_ago, weekday):
    os.environ["TZ"] = TZ
    time.tzset()
    t = time.localtime(monday(weeks_ago))
    return int(time.mktime((t.tm_year, t.tm_mon, t.tm_mday + weekday, 12, 0, 0, 0, 0, -1)))


class Progress(TrainTest):
    """train.progress against a hand-computed month and a half: sessions a
    week 1, 0, 2, 1, 0 and this week 1 (the target is 1); three sets of 25
    reps at 30, 35 and 40 kg a session, and one set of 8 at 60 kg."""

    def test_weeks_bests_and_adherence_by_hand(self):
        def session(at):
            for k, kg in enumerate((30, 35, 40)):
                self.log("abduction", 25, weight=kg, at=at + 60 * k, rest=False)
        plan = {5: [2], 4: [], 3: [2, 4], 2: [2], 1: []}
        for weeks_ago, days in plan.items():
            for d in days:
                session(weekday_noon(weeks_ago, d))
        heavy = self.log("abduction", 8, weight=60, at=weekday_noon(3, 4) + 600, rest=False)
        session(max(monday(0) + 1, int(wall()) - 300))
        p = self.client.call("train.progress", "abduction", {"weeks": 6})
        weeks = p["weeks"]
        self.assertEqual([w["start"] for w in weeks], [monday(k) for k in range(5, -1, -1)])
        self.assertEqual([w["sessions"] for w in weeks], [1, 0, 2, 1, 0, 1])
        self.assertEqual([w["sets"] for w in weeks], [3, 0, 7, 3, 0, 3])
        self.assertEqual([w["reps"] for w in weeks], [75, 0, 158, 75, 0, 75])
        self.assertEqual([w["volume_kg"] for w in weeks], [2625, 0, 2625 * 2 + 480, 2625, 0, 2625])
        self.assertEqual([(w["best_reps"], w["best_kg"]) for w in weeks],
                         [(25, 40), (0, 0), (8, 60), (25, 40), (0, 0), (25, 40)])
        self.assertEqual([w["kept"] for w in weeks], [True, False, True, True, False, True])
        self.assertEqual([w["current"] for w in weeks], [False] * 5 + [True])
        self.assertEqual((p["target"], p["weeks_counted"], p["weeks_kept"]), (1, 6, 4))
        self.assertAlmostEqual(p["adherence"], 4 / 6)
        self.assertEqual([(b["reps"], b["weight_kg"]) for b in p["bests"]], [(8, 60), (25, 40)])
        self.assertEqual(p["bests"][0]["id"], heavy["id"])
        self.assertAlmostEqual(p["e1rm"]["kg"], 60 * (1 + 8 / 30))
        self.assertEqual((p["e1rm"]["reps"], p["e1rm"]["weight_kg"]), (8, 60))
        self.assertIn("Epley", p["e1rm"]["formula"])
        self.assertEqual(p["bests"][1]["e1rm_kg"], 0)  # 25 reps: no estimate
        # a heavier set of 25: a record, announced (the sets above made some
        # too: 35 after 30, 40 after 35)
        self.assertEqual([n[2][0]["weight_kg"] for n in self.client.notifications
                          if n[1] == "train.record"], [35, 40])
        self.client.notifications.clear()
        new = self.log("abduction", 25, weight=42.5, rest=False)
        rec, _ = self.client.wait_event("train.record", id=new["id"])
        self.assertEqual((rec["reps"], rec["weight_kg"], rec["previous_kg"]), (25, 42.5, 40))
        self.log("abduction", 25, weight=41, rest=False)  # not a record
        self.log("deadlift", 5, weight=100, rest=False)   # a first: nothing to beat
        time.sleep(0.3)
        self.assertEqual([n[2][0]["id"] for n in self.client.notifications
                          if n[1] == "train.record"], [])


class PainRelation(TrainTest):
    """pain.stats relates pain to the programme (train's weeks, kept or
    not): by hand, weeks 1, 3, 5, 7 ago kept (a session of abduction, the
    target is 1), weeks 2, 4, 6, 8 not; pain 2 and 4 in each kept week, 6 in
    each missed one but week 8, which has none and says nothing."""

    def test_weekly_pain_in_weeks_kept_and_missed(self):
        for weeks_ago in range(1, 9):
            if weeks_ago % 2:
                self.log("abduction", 25, weight=40, at=weekday_noon(weeks_ago, 2), rest=False)
                for lv in (2, 4):
                    self.client.call("pain.log", lv, {"at": weekday_noon(weeks_ago, 3)})
            elif weeks_ago != 8:
                self.client.call("pain.log", 6, {"at": weekday_noon(weeks_ago, 3)})
        prog = self.client.call("pain.stats", {"days": 70})["programme"]
        self.assertEqual((prog["known"], prog["exercises"]), (True, ["abduction"]))
        self.assertEqual(prog["kept"], {"weeks": 4, "average": 3.0})
        self.assertEqual(prog["missed"], {"weeks": 3, "average": 6.0})
        self.assertEqual(prog["difference"], 3.0)
        self.assertEqual((prog["enough_data"], prog["meaningful"]), (True, True))
        # a shorter window: three weeks, this one (not over) and weeks 1 and 2: too few
        short = self.client.call("pain.stats", {"days": 21})["programme"]
        self.assertEqual((short["kept"]["weeks"], short["missed"]["weeks"]), (1, 1))
        self.assertEqual(short["enough_data"], False)


    def test_sets_logged_are_training_for_the_warm_up_comparison_once_each(self):
        self.log("abduction", 25, rest=False)           # counted from train.logged
        self.log("abduction", 25)                       # from its rest's set_done
        self.log("abduction", 20, rest=False, at=weekday_noon(2, 2))  # written afterwards: no
        time.sleep(0.3)  # pain hears the events on later loop turns
        sessions = self.client.call("pain.stats")["warmup"]["sessions"]
        self.assertEqual([x["sets"] for x in sessions], [2])


class PainWithoutProgramme(TrainTest):
    config = CONFIG.replace("target = 1", "target = 0")

    def test_no_target_no_comparison(self):
        self.client.call("pain.log", 3)
        prog = self.client.call("pain.stats")["programme"]
        self.assertEqual(prog["known"], False)
        self.assertIn("no programme", prog["why"])


FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "train")


class Import(TrainTest):
    """train.import against the fixture files the importers' unit tests
    read (tests/fixtures/train): what the file holds arrives once, a row
    that cannot be read is named, the file's own problems are refused."""

    def imp(self, name, **opts):
        opts["path"] = os.path.abspath(os.path.join(FIXTURES, name))
        return self.client.call("train.import", opts)

    def test_a_strong_export_once_whatever_the_times_it_is_imported(self):
        r = self.imp("strong_semicolon.csv")
        self.assertEqual((r["format"], r["sets"], r["sessions"], r["skipped"], r["duplicates"]),
                         ("strong", 7, 2, 14, 0))
        self.assertEqual(r["skipped_rows"][0], {"line": 4, "why": "line 4: a rest timer, not a set"})
        again = self.imp("strong_semicolon.csv", format="strong")
        self.assertEqual((again["sets"], again["duplicates"], again["sessions"]), (0, 7, 0))
        h = self.client.call("train.history", {"limit": 100})
        self.assertEqual(len(h), 7)
        ab = [x for x in h if x["exercise"] == "abduction"]  # the config's, by its alias
        self.assertEqual(sorted((x["reps"], round(x["weight_kg"], 3)) for x in ab),
                         [(12, 30.0), (20, 20.0), (22, 46.493), (25, 40.0)])
        self.assertEqual({x["source"] for x in h}, {"import"})
        warm = [x for x in ab if x["warmup"]]
        self.assertEqual([(x["reps"], x["note"]) for x in warm],
                         [(20, 'slow; controlled, "squeeze" at the top')])
        self.assertEqual({x["rir"] for x in ab if x["reps"] == 25}, {1.5})  # RPE 8.5
        others = sorted({x["exercise"] for x in h} - {"abduction"})
        self.assertEqual(others, ["bench-press-barbell", "calf-raise", "plank"])
        # the times are the file's, local (Berlin): 2024-03-01 18:00 is 17:00 UTC
        self.assertIn(1709312400, {x["at"] for x in h})
        sessions = self.client.call("train.sessions", {"days": 36500})
        self.assertEqual(sorted(x["sets"] for x in sessions), [1, 6])

    def test_hevy_and_fitnotes(self):
        for name, fmt in (("hevy.csv", "hevy"), ("fitnotes_kg.csv", "fitnotes"),
                          ("fitnotes_lb.csv", "fitnotes")):
            r = self.imp(name)
            self.assertEqual(r["format"], fmt, name)
            self.assertGreater(r["sets"], 0, name)

    def test_files_it_refuses(self):
        self.assertRpcError("invalid_params", "the header is not", "train.import",
                            {"path": os.path.abspath(os.path.join(FIXTURES,
                                                                  "unknown_header.csv"))})
        self.assertRpcError("invalid_params", "it looks like", "train.import",
                            {"path": os.path.abspath(os.path.join(FIXTURES, "hevy.csv")),
                             "format": "strong"})
        self.assertRpcError("invalid_params", "must be the absolute path", "train.import",
                            {"path": "strong.csv"})
        self.assertRpcError("invalid_params", "option 'format' must be strong, hevy",
                            "train.import", {"path": "/x.csv", "format": "excel"})
        link = os.path.join(self.daemon.root, "link.csv")
        os.symlink(os.path.abspath(os.path.join(FIXTURES, "hevy.csv")), link)
        self.assertRpcError("invalid_params", "a symbolic link", "train.import", {"path": link})
        self.assertRpcError("invalid_params", "is not a regular file", "train.import",
                            {"path": self.daemon.root})
        self.assertRpcError("invalid_params", "No such file", "train.import",
                            {"path": "/nonexistent/strong.csv"})
        self.assertEqual(self.client.call("train.history"), [])

    def test_ten_years_in_chunks_and_the_loop_answers_meanwhile(self):
        path = os.path.join(self.daemon.root, "strong.csv")
        with open(path, "w") as f:
            f.write("Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;"
                    "Distance;Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n")
            n = 0
            for day in range(0, 3650, 3):
                y, rest = 2014 + day // 365, day % 365
                m, d = 1 + rest // 31 % 12, 1 + rest % 28
                for k in range(14):
                    f.write("%04d-%02d-%02d 18:00:00;Legs;Hip Abduction (Machine);%d;%d;kg;25;;;;0;;;1h\n"
                            % (y, m, d, k + 1, 30 + k))
                    n += 1
        other = self.connect()
        slow = self.client.request("train.import", {"path": path})
        answer = {}
        reader = threading.Thread(target=lambda: answer.update(r=self.client.result(slow)))
        reader.start()
        pings = 0
        while reader.is_alive():  # the import is written in chunks, one per loop turn
            self.assertEqual(other.call("daemon.ping"), "pong")
            pings += 1
        reader.join()
        r = answer["r"]
        self.assertEqual((r["sets"], r["skipped"]), (n, 0))
        self.assertGreater(pings, 5)
        db = self.db()
        self.assertEqual(db.execute("SELECT count(*) FROM train_sets").fetchone()[0], n)
        db.close()


class Export(TrainTest):
    def test_strong_export_read_back_by_the_import_and_json(self):
        a = self.log("abduction", 25, weight=40, rir=2, note='slow; "squeeze" at the top',
                     rest=False)
        self.log("abduction", 22, weight=42.5, rest=False)
        self.log("deadlift", 5, weight=100, rest=False)
        out = os.path.join(self.daemon.root, "sets.csv")
        r = self.client.call("train.export", {"path": out})
        self.assertEqual((r["format"], r["rows"], r["path"], r["text"]), ("strong", 3, out, ""))
        with open(out) as f:
            text = f.read()
        self.assertTrue(text.startswith("Date;Workout Name;Exercise Name;Set Order;Weight;"))
        self.assertEqual(r["bytes"], len(text.encode()))
        # the same text in the answer
        self.assertEqual(self.client.call("train.export")["text"], text)
        # a fresh daemon imports it: the same sets
        other = Daemon(config=self.config, builtin_plugins=True, env={"TZ": TZ})
        self.addCleanup(other.cleanup)
        other.start()
        c = Client(other.socket)
        got = c.call("train.import", {"path": out})
        self.assertEqual((got["format"], got["sets"], got["skipped"]), ("strong", 3, 0))
        mine = sorted((x["exercise"], x["reps"], round(x["weight_kg"], 6), x["rir"], x["note"])
                      for x in self.client.call("train.history"))
        theirs = sorted((x["exercise"], x["reps"], round(x["weight_kg"], 6), x["rir"], x["note"])
                        for x in c.call("train.history"))
        self.assertEqual(theirs, mine)
        self.assertEqual({x["at"] for x in c.call("train.history")}, {a["at"]})  # the session's start
        c.close()
        js = json.loads(self.client.call("train.export", {"format": "json"})["text"])
        self.assertEqual([(x["exercise"], x["reps"], x["rir"]) for x in js],
                         [("abduction", 25, 2), ("abduction", 22, None), ("deadlift", 5, None)])
        self.assertRpcError("invalid_params", "option 'format' must be strong", "train.export",
                            {"format": "xlsx"})
        self.assertRpcError("invalid_params", "", "train.export",
                            {"path": os.path.join(self.daemon.root, "data", "lumbard",
                                                  "lumbard.db")})


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
