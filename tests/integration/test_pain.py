"""The pain diary in the real daemon: every bad input, red flags, durability
under SIGKILL with PRAGMA integrity_check, stats and episodes against a
hand-computed fixture, the warm-up comparison fed by the other plugins'
events, check-ins, export read back by standard parsers, and D-Bus."""
import csv
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
import unittest

from lbtest import wall, zone, Bus, Client, Daemon, DaemonTest, Monitor, RpcError

TZ = zone("Europe/Berlin")
RED_FLAGS = ["saddle-numbness", "bladder-bowel", "leg-weakness", "fever", "weight-loss",
             "night-pain", "trauma"]

# What version 4 of pain's schema added (the sums), taken away again: a
# diary of version 3
SCHEMA_4_UNDONE = ("DROP TRIGGER pain_sums_add; DROP TRIGGER pain_sums_drop;"
                   "DROP TRIGGER pain_sums_move; DROP TRIGGER pain_training_add;"
                   "DROP TRIGGER pain_training_move; DROP TABLE pain_levels;"
                   "DROP TABLE pain_groups; ALTER TABLE pain_training DROP COLUMN entries_after;"
                   "ALTER TABLE pain_training DROP COLUMN sum_after;")


def noon(days_ago):
    """Unix time of local noon days_ago days before today; today, before
    noon, a little before now (an entry may not be in the future)."""
    os.environ["TZ"] = TZ
    time.tzset()
    now = wall()
    t = time.localtime(now - days_ago * 86400)
    at = int(time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 12, 0, 0, 0, 0, -1)))
    if days_ago == 0 and at > now - 120:
        midnight = int(time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1)))
        at = max(midnight + 1, int(now) - 120)
    return at


def midnight(days_ago):
    """Unix time of the local midnight that starts the day days_ago days
    before today (a day with a DST change is not 24 h long)."""
    os.environ["TZ"] = TZ
    time.tzset()
    t = time.localtime(wall() - days_ago * 86400)
    return int(time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1)))


def utc_offset(t):
    """The zone's offset at t as ISO 8601 writes it: +01:00."""
    os.environ["TZ"] = TZ
    time.tzset()
    z = time.strftime("%z", time.localtime(t))
    return z[:3] + ":" + z[3:]


class PainTest(DaemonTest):
    config = "[pain]\ncheckin = off\n"
    seams = False

    def setUp(self):
        env = {"TZ": TZ}
        if self.seams:
            env["LUMBARD_TEST_SEAMS"] = "1"
        self.daemon = Daemon(config=self.config, builtin_plugins=True, env=env)
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()
        self.client.call("daemon.subscribe", ["pain.*"])

    def log(self, level, **opts):
        return self.client.call("pain.log", level, opts) if opts else \
            self.client.call("pain.log", level)

    def db(self):
        return sqlite3.connect(os.path.join(self.daemon.root, "data", "lumbard", "lumbard.db"))


class Logging(PainTest):
    def test_the_issues_example(self):
        r = self.log(6, location="lower-back-left", trigger="Deadlift", note="no belt")
        self.assertEqual(r["red_flags"], [])
        self.assertAlmostEqual(r["at"], wall(), delta=2)
        ev, _ = self.client.wait_event("pain.logged", id=r["id"])
        self.assertEqual((ev["level"], ev["location"], ev["trigger"]),
                         (6, "lower-back-left", "deadlift"))
        entry = self.client.call("pain.history")[0]
        self.assertEqual((entry["level"], entry["note"], entry["symptoms"]), (6, "no belt", []))

    def test_every_bad_input(self):
        cases = [
            ((11,), "parameter 'level' must be between 0 and 10, got 11"),
            ((-1,), "parameter 'level' must not be negative"),
            (("six",), "parameter 'level' must be a non-negative integer, got the string"),
            ((6.5,), "parameter 'level' must be a non-negative integer, got the float 6.5"),
            ((), "missing parameter 'level'"),
            ((5, {"location": "neck"}), "option 'location' must be one of lower-back,"),
            ((5, {"symptoms": ["headache"]}), "option 'symptoms': unknown symptom \"headache\""),
            ((5, {"symptoms": "fever"}), "option 'symptoms' must be an array of strings"),
            ((5, {"at": int(wall()) + 3600}), "option 'at' is in the future"),
            ((5, {"at": 900000000}), "option 'at' is before the year 2000"),
            ((5, {"at": "yesterday"}), "option 'at' must be a time in unix seconds"),
            ((5, {"note": "x" * 1001}), "option 'note' must be up to 1,000 characters"),
            ((5, {"trigger": "t" * 65}), "option 'trigger' must be up to 64 characters"),
            ((5, {"mood": "bad"}), "unknown option 'mood'"),
        ]
        for params, words in cases:
            self.assertRpcError("invalid_params", words, "pain.log", *params)
        self.assertEqual(self.client.call("pain.history"), [])  # nothing half-logged
        self.assertRpcError("invalid_params", "option 'format' must be csv or json",
                            "pain.export", {"format": "xml"})
        self.assertRpcError("invalid_params", "parameter 'path' must be absolute",
                            "pain.export_file", "back.csv")
        self.assertRpcError("invalid_params", "option 'limit' must be between 1 and 10000",
                            "pain.history", {"limit": 0})

    def test_red_flags_get_urgent_care_advice_at_once(self):
        r = self.log(5, symptoms=["stiffness", "saddle-numbness", "bladder-bowel", "stiffness"])
        self.assertEqual([f["symptom"] for f in r["red_flags"]], ["saddle-numbness", "bladder-bowel"])
        for f in r["red_flags"]:
            self.assertIn("urgent medical care", f["advice"])
            self.assertIn("emergency department", f["advice"])
            self.assertIn("not a medical device", f["advice"])
        events = [self.client.wait_event("pain.red_flag", id=r["id"])[0] for _ in range(2)]
        self.assertEqual([e["symptom"] for e in events], ["saddle-numbness", "bladder-bowel"])
        self.assertEqual(self.client.call("pain.history")[0]["symptoms"],
                         ["stiffness", "saddle-numbness", "bladder-bowel"])
        # every red flag, and only those, sends to urgent care
        for key in RED_FLAGS:
            r = self.log(3, symptoms=[key])
            self.assertEqual(len(r["red_flags"]), 1, key)
            self.assertIn("urgent medical care", r["red_flags"][0]["advice"], key)
        for key in ("stiffness", "spasm", "radiating", "tingling"):
            self.assertEqual(self.log(3, symptoms=[key])["red_flags"], [], key)
        self.daemon.wait_log("red-flag symptoms: urgent care advised")

    def test_back_dating(self):
        at = noon(3)
        r = self.log(4, at=at)
        self.assertEqual(r["at"], at)
        self.assertEqual(self.client.call("pain.history", {"until": at})[0]["id"], r["id"])
        self.assertEqual(self.client.call("pain.history", {"since": at + 1}), [])


class Durability(PainTest):
    def test_sigkill_right_after_the_answer_loses_nothing(self):
        ids = [self.log(i % 11, note="entry %d" % i)["id"] for i in range(60)]
        self.daemon.stop(signal.SIGKILL)  # right after the last answer
        self.daemon.start()
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        got = [e["id"] for e in c.call("pain.history", {"limit": 1000})]
        self.assertEqual(sorted(got), sorted(ids))
        db = self.db()
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        db.close()

    def test_sigkill_under_load(self):
        # a second client logs without waiting while the daemon is killed:
        # whatever was answered is there, and the database is sound
        writer = self.connect()
        answered = []
        ids = [writer.request("pain.log", 5, {"note": "load %d" % i}) for i in range(200)]
        for msgid in ids[:100]:
            answered.append(writer.result(msgid)["id"])
        self.daemon.stop(signal.SIGKILL)
        self.daemon.start()
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        have = {e["id"] for e in c.call("pain.history", {"limit": 1000})}
        self.assertTrue(set(answered) <= have, set(answered) - have)
        db = self.db()
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        db.close()


class Stats(PainTest):
    def test_episodes_and_averages_against_a_hand_made_diary(self):
        # day (days ago) -> levels logged that day at noon
        diary = {
            40: [3],
            20: [3], 19: [7], 18: [8, 4], 17: [6], 15: [5],  # flare from day 19 (16: no entry)
            14: [2], 13: [1], 12: [2],                        # three calm days: it ended on 15
            10: [4, 2], 9: [3],
            8: [9], 7: [4], 5: [2], 4: [2], 3: [6], 1: [5], 0: [3],   # a flare from day 8, still on
        }
        for days_ago, levels in diary.items():
            for k, lv in enumerate(levels):
                self.log(lv, at=noon(days_ago) + k * 60,
                         trigger="deadlift" if lv >= 7 else "sitting" if lv >= 4 else "")
        s = self.client.call("pain.stats")
        # by hand: the last 30 days are days 0..29
        last30 = [lv for d, ls in diary.items() if d <= 29 for lv in ls]
        self.assertEqual(s["count"], len(last30))
        self.assertAlmostEqual(s["average"], sum(last30) / len(last30))
        self.assertEqual(s["worst"], 9)
        week = [lv for d, ls in diary.items() if d <= 6 for lv in ls]
        prev = [lv for d, ls in diary.items() if 7 <= d <= 13 for lv in ls]
        self.assertEqual(s["week"]["count"], len(week))
        self.assertAlmostEqual(s["week"]["average"], sum(week) / len(week))
        self.assertAlmostEqual(s["trend"]["previous_average"], sum(prev) / len(prev))
        # 3.6 against 3.75: under 2 points and under 30 %: steady
        self.assertEqual(s["trend"]["direction"], "steady")
        eps = s["episodes"]
        self.assertEqual(len(eps), 2)
        first, second = eps
        self.assertEqual(first["start"], midnight(19))
        self.assertEqual(first["end"], midnight(15))
        self.assertEqual((first["days"], first["worst"], first["current"]), (5, 8, False))
        self.assertAlmostEqual(first["average"], (7 + 8 + 6 + 5) / 4)  # the days' worst
        self.assertEqual((second["days"], second["worst"], second["current"]), (9, 9, True))
        self.assertEqual(second["end"], 0)
        self.assertEqual(s["current_episode"]["start"], midnight(8))
        trig = {t["name"]: t for t in s["by_trigger"]}
        self.assertEqual(trig["deadlift"]["count"], 3)
        self.assertAlmostEqual(trig["deadlift"]["average"], (7 + 8 + 9) / 3)
        self.assertEqual(s["by_trigger"][0]["name"], "sitting")  # most entries first
        # a shorter window
        s7 = self.client.call("pain.stats", {"days": 7})
        self.assertEqual(s7["count"], len(week))

    def test_a_diary_of_the_first_schema_is_migrated(self):
        # Version 1 found flare-ups from every entry; version 2 keeps each
        # day's worst in pain_days, filled from the entries when it migrates.
        for days_ago, level in [(9, 3), (8, 8), (7, 6), (6, 2), (5, 1), (4, 2), (2, 9), (1, 7)]:
            self.log(level, at=noon(days_ago))
        before = self.client.call("pain.stats")["episodes"]
        self.assertEqual(len(before), 2)
        self.daemon.stop()
        db = self.db()
        db.executescript(SCHEMA_4_UNDONE + "DROP TRIGGER pain_days_keep; DROP TABLE pain_days;"
                         "CREATE INDEX pain_entries_day ON pain_entries(day, level);"
                         "DROP TABLE pain_training; DROP TABLE pain_warmups;"
                         "CREATE TABLE pain_sessions(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
                         " outcome TEXT NOT NULL CHECK (outcome IN ('done', 'skipped')),"
                         " source TEXT NOT NULL);"
                         "INSERT INTO pain_sessions(at, outcome, source) VALUES"
                         " (%d, 'done', 'reminder'), (%d, 'skipped', 'reminder'),"
                         " (%d, 'done', 'rest preset');"
                         "UPDATE lb_schema SET version = 1 WHERE owner = 'pain';"
                         % (noon(3), noon(2), noon(1)))
        db.close()
        self.daemon.start()
        self.client = self.connect()
        self.assertEqual(self.client.call("pain.stats")["episodes"], before)
        self.log(10, at=noon(0))  # and the trigger keeps the days from now on
        self.assertEqual(self.client.call("pain.stats")["episodes"][-1]["worst"], 10)
        db = self.db()
        self.assertEqual(db.execute("SELECT version FROM lb_schema WHERE owner = 'pain'")
                         .fetchone()[0], 4)
        # version 3: the warm-ups done are kept; a skip was never training
        self.assertEqual(db.execute("SELECT at, how FROM pain_warmups ORDER BY at").fetchall(),
                         [(noon(3), "warm-up reminder"), (noon(1), "warm-up preset")])
        self.assertEqual(db.execute("SELECT count(*) FROM pain_days").fetchone()[0], 9)
        db.close()

    def test_trend_is_better_only_for_a_meaningful_change(self):
        for d in range(7, 14):
            self.log(6, at=noon(d))
        for d in range(0, 7):
            self.log(3, at=noon(d))
        t = self.client.call("pain.stats")["trend"]
        self.assertEqual((t["direction"], t["change"]), ("better", -3))
        self.assertEqual(self.client.call("pain.stats")["current_episode"], {})


class Sums(PainTest):
    """Stats over long windows read the sums triggers keep (a row per
    week and level, per week and trigger or location, and per training
    session the entries after it): after entries logged, amended (moved,
    re-scored, re-labelled) and removed in any order, and sessions recorded
    before and after their entries, every figure agrees with the entries
    themselves."""

    LOCATIONS = ["", "lower-back", "glute-left", "glute-right", "hip-left"]
    TRIGGERS = ["", "deadlift", "sitting", "bending"]

    def moment(self, rnd, days):
        return min(noon(rnd.randrange(days)) + rnd.randrange(-43000, 43000), int(wall()) - 60)

    def sessions(self, rnd, n, days):
        self.daemon.stop()
        db = self.db()
        for _ in range(n):
            t = self.moment(rnd, days)
            db.execute("INSERT INTO pain_training(start_at, end_at, sets) VALUES(?,?,3)",
                       (t, t + 1800))
            if rnd.random() < 0.5:
                db.execute("INSERT INTO pain_warmups(at, how) VALUES(?, 'warm-up preset')",
                           (t - 600,))
        db.commit()
        db.close()
        self.daemon.start()
        self.client = self.connect()

    def entries(self, rnd, n, days):
        return [self.log(rnd.randrange(11), at=self.moment(rnd, days),
                         trigger=rnd.choice(self.TRIGGERS),
                         location=rnd.choice(self.LOCATIONS))["id"] for _ in range(n)]

    def expected(self, days):
        """What pain.stats says, from the entries alone."""
        since, until = midnight(days - 1), int(wall())
        db = self.db()
        rows = db.execute("SELECT level, trigger, location FROM pain_entries WHERE at >= ? AND "
                          "at <= ?", (since, until)).fetchall()
        groups = []
        for col in (1, 2):
            g = {}
            for r in rows:
                if r[col]:
                    g.setdefault(r[col], []).append(r[0])
            groups.append(sorted((k, len(v), sum(v) / len(v)) for k, v in g.items()))
        after = db.execute(
            "SELECT t.start_at, count(e.at), coalesce(avg(e.level), 0) FROM pain_training t "
            "LEFT JOIN pain_entries e ON e.at >= t.start_at AND e.at <= t.start_at + 172800 "
            "WHERE t.start_at >= ? AND t.start_at <= ? GROUP BY t.id ORDER BY t.start_at",
            (since, until)).fetchall()
        db.close()
        levels = [r[0] for r in rows]
        return (len(levels), sum(levels) / len(levels) if levels else 0,
                max(levels) if levels else 0, groups[0], groups[1], after)

    def got(self, days):
        s = self.client.call("pain.stats", {"days": days})
        groups = [sorted((x["name"], x["count"], x["average"]) for x in s[k])
                  for k in ("by_trigger", "by_location")]
        after = [(x["start"], x["entries_after"], x["average_after"])
                 for x in s["warmup"]["sessions"]]
        return (s["count"], s["average"], s["worst"], groups[0], groups[1], after)

    def check(self, what):
        for days in (3000, 400, 45, 30, 7, 1):
            want, have = self.expected(days), self.got(days)
            self.assertEqual(have[0], want[0], "%s, %d days: count" % (what, days))
            self.assertAlmostEqual(have[1], want[1], msg="%s, %d days: average" % (what, days))
            self.assertEqual(have[2:], want[2:], "%s, %d days" % (what, days))

    def test_long_windows_agree_with_the_entries(self):
        rnd = random.Random(22)
        self.sessions(rnd, 40, 900)        # sessions before their entries
        ids = self.entries(rnd, 400, 900)
        self.sessions(rnd, 40, 900)        # and after
        self.check("logged")
        for i in rnd.sample(ids, 120):     # moved, re-scored, re-labelled
            self.client.call("pain.amend", i, {"at": self.moment(rnd, 900),
                                               "level": rnd.randrange(11),
                                               "trigger": rnd.choice(self.TRIGGERS),
                                               "location": rnd.choice(self.LOCATIONS)})
        for i in rnd.sample(ids, 60):
            self.client.call("pain.amend", i, {"level": rnd.randrange(11)})
        self.check("amended")
        for i in rnd.sample(ids, 150):
            self.client.call("pain.remove", i)
        self.check("removed")
        db = self.db()  # nothing is left behind for days or groups with no entry
        self.assertEqual(db.execute("SELECT count(*) FROM pain_levels WHERE n <= 0").fetchone()[0], 0)
        self.assertEqual(db.execute("SELECT count(*) FROM pain_groups WHERE n <= 0").fetchone()[0], 0)
        db.close()

    def test_whole_weeks_are_read_from_the_sums_not_the_entries(self):
        rnd = random.Random(5)
        self.entries(rnd, 100, 400)
        before = self.got(3000)
        # the entries of whole weeks inside the window gone behind the sums'
        # back: stats that read them would count fewer
        self.daemon.stop()
        db = self.db()
        lo = (midnight(300) // 604800 + 1) * 604800
        hi = (midnight(100) // 604800) * 604800 - 1
        db.executescript("DROP TRIGGER pain_sums_drop;"
                         "DELETE FROM pain_entries WHERE at >= %d AND at <= %d;" % (lo, hi))
        self.assertGreater(db.total_changes, 10)
        db.close()
        self.daemon.start()
        self.client = self.connect()
        got = self.got(3000)
        self.assertEqual(got[:5], before[:5])

    def test_a_diary_of_schema_3_gets_its_sums(self):
        rnd = random.Random(3)
        self.sessions(rnd, 30, 600)
        self.entries(rnd, 200, 600)
        before = self.got(3000)
        self.daemon.stop()
        db = self.db()
        db.executescript(SCHEMA_4_UNDONE + "UPDATE lb_schema SET version = 3 WHERE owner = 'pain';")
        db.close()
        self.daemon.start()
        self.client = self.connect()
        self.assertEqual(self.got(3000), before)
        self.check("migrated")


class Warmup(PainTest):
    """The warm-up comparison counts training sessions (sets the rest plugin
    counted), warmed up when the warm-up preset ran to its end or the
    warm-up reminder was marked done in the 3 hours before the first set.
    A skipped reminder is no session and undoes nothing; a rest without a
    set number is no training."""
    seams = True
    config = """
[pain]
checkin = off
checkin_after_routine = no
[rest.preset.warmup]
step1 = 1s | left side
done = warm
"""

    def warm_up(self, how):
        self.client.call("daemon.subscribe", ["reminders.due", "rest.routine_done"])
        if how == "preset":
            r = self.client.call("rest.preset", "warmup")
            self.client.wait_event("rest.routine_done", id=r["id"])
        elif how in ("reminder", "skipped"):
            r = self.client.call("reminders.add", "warmup", "in 1s")
            self.client.wait_event("reminders.due", id=r["id"])
            if how == "reminder":
                self.client.call("reminders.done", r["id"])
            else:
                self.client.call("reminders.skip", r["id"], "rest day")

    def session(self, how, level, sets=3):
        """A warm-up (or none), a session of sets, pain logged after it, then
        three days on by the clock seam (each session's 48 h its own)."""
        self.warm_up(how)
        time.sleep(0.2)  # the pain plugin hears events on a later loop turn
        for n in range(1, sets + 1):  # each set done starts its rest
            r = self.client.call("rest.start", 60, {"sets": sets, "set": n, "label": "abduction"})
            self.client.call("rest.cancel", r["id"])
        time.sleep(0.2)
        self.log(level)
        self.clock = self.client.call("daemon.test_shift_clock", 3 * 86400)

    def test_pain_after_sessions_warmed_up_or_not(self):
        plan = (("preset", 2), ("none", 6), ("reminder", 3), ("skipped", 7), ("preset", 2),
                ("none", 5))
        for how, level in plan:
            self.session(how, level)
        w = self.client.call("pain.stats")["warmup"]
        self.assertEqual(w["done"]["sessions"], 3)
        self.assertAlmostEqual(w["done"]["average_after"], (2 + 3 + 2) / 3)
        self.assertEqual(w["skipped"]["sessions"], 3)
        self.assertAlmostEqual(w["skipped"]["average_after"], 6)
        self.assertAlmostEqual(w["difference"], 6 - 7 / 3)
        self.assertEqual((w["meaningful"], w["enough_data"]), (True, True))
        # the sessions it compared, oldest first, each with how it was warmed up
        got = [(x["warmed_up"], x["how"], x["sets"], x["entries_after"]) for x in w["sessions"]]
        self.assertEqual(got, [(True, "warm-up preset", 3, 1), (False, "", 3, 1),
                               (True, "warm-up reminder", 3, 1), (False, "", 3, 1),
                               (True, "warm-up preset", 3, 1), (False, "", 3, 1)])
        # nothing was recorded in the future
        db = self.db()
        latest = db.execute("SELECT max(at) FROM pain_warmups").fetchone()[0]
        db.close()
        self.assertLessEqual(latest, self.client.call("daemon.test_shift_clock", 0))

    def test_a_skip_after_a_warm_up_undoes_nothing(self):
        self.warm_up("preset")
        self.warm_up("skipped")  # "rest day", said after the warm-up: too late to undo it
        self.warm_up("skipped")  # and twice: no session in the future
        self.session("none", 4)
        sessions = self.client.call("pain.stats")["warmup"]["sessions"]
        self.assertEqual([(x["warmed_up"], x["how"]) for x in sessions],
                         [(True, "warm-up preset")])

    def test_rests_without_sets_and_skips_are_no_training(self):
        self.warm_up("skipped")
        r = self.client.call("rest.start", 60)  # a rest with no set number
        self.client.call("rest.cancel", r["id"])
        time.sleep(0.2)
        self.log(3)
        self.assertEqual(self.client.call("pain.stats")["warmup"]["sessions"], [])

    def test_sets_hours_apart_are_two_sessions(self):
        self.session("none", 4, sets=2)
        self.client.call("daemon.test_shift_clock", -3 * 86400 + 3 * 3600)  # 3 h later
        r = self.client.call("rest.start", 60, {"sets": 3, "set": 1})
        self.client.call("rest.cancel", r["id"])
        time.sleep(0.2)
        sessions = self.client.call("pain.stats")["warmup"]["sessions"]
        self.assertEqual([x["sets"] for x in sessions], [2, 1])

    def test_not_enough_data(self):
        self.session("preset", 2)
        self.session("none", 6)
        w = self.client.call("pain.stats")["warmup"]
        self.assertEqual((w["enough_data"], w["meaningful"]), (False, False))


class Corrections(PainTest):
    """pain.amend and pain.remove: on disk before they answer, and stats,
    flare-ups and exports follow; a red flag added by an amendment is
    raised like a new entry."""

    def test_a_mistyped_score_is_corrected(self):
        e = self.log(8, at=noon(1), note="meant 3")
        a = self.client.call("pain.amend", e["id"], {"level": 3, "location": "glute-left"})
        self.assertEqual((a["id"], a["level"], a["location"], a["note"], a["at"]),
                         (e["id"], 3, "glute-left", "meant 3", noon(1)))
        ev, _ = self.client.wait_event("pain.amended", id=e["id"])
        self.assertEqual(ev["level"], 3)
        self.assertEqual(self.client.call("pain.stats")["worst"], 3)
        self.assertEqual(self.client.call("pain.stats")["episodes"], [])  # no flare-up of an 8
        db = self.db()  # on disk, with the day's worst
        self.assertEqual(db.execute("SELECT level FROM pain_entries WHERE id = ?",
                                    (e["id"],)).fetchone()[0], 3)
        self.assertEqual(db.execute("SELECT max(worst) FROM pain_days").fetchone()[0], 3)
        db.close()
        # moved to another day: both days follow
        self.client.call("pain.amend", e["id"], {"at": noon(5), "level": 9})
        export = self.client.call("pain.export", {"format": "json"})
        self.assertIn('"level":9', export)
        eps = self.client.call("pain.stats")["episodes"]
        self.assertEqual([(x["start"], x["worst"]) for x in eps], [(midnight(5), 9)])

    def test_remove(self):
        keep = self.log(2, at=noon(2))
        gone = self.log(9, at=noon(2) + 60)
        self.assertEqual(self.client.call("pain.remove", gone["id"]), {"id": gone["id"]})
        self.client.wait_event("pain.removed", id=gone["id"])
        self.assertEqual([x["id"] for x in self.client.call("pain.history")], [keep["id"]])
        self.assertEqual(self.client.call("pain.stats")["worst"], 2)
        self.assertRpcError("not_found", "no entry %d in the diary" % gone["id"], "pain.remove",
                            gone["id"])
        self.assertRpcError("not_found", "no entry 999", "pain.amend", 999, {"level": 1})
        db = self.db()
        self.assertEqual(db.execute("SELECT count(*) FROM pain_entries").fetchone()[0], 1)
        self.assertEqual(db.execute("SELECT worst FROM pain_days").fetchall(), [(2,)])
        db.close()

    def test_a_red_flag_added_later_is_raised(self):
        e = self.log(5, symptoms=["stiffness"])
        self.client.call("pain.amend", e["id"], {"symptoms": ["stiffness", "leg-weakness"]})
        flag, _ = self.client.wait_event("pain.red_flag", id=e["id"])
        self.assertEqual(flag["symptom"], "leg-weakness")
        self.assertIn("urgent medical care", flag["advice"])
        # amending again without a new red flag raises nothing more
        self.client.call("pain.amend", e["id"], {"note": "it eased"})
        time.sleep(0.2)
        self.assertEqual([n for n in self.client.notifications if n[1] == "pain.red_flag"], [])

    def test_bad_amendments(self):
        e = self.log(4)
        for opts, words in (({"level": 11}, "option 'level' must be between 0 and 10"),
                            ({"location": "knee"}, "option 'location' must be one of"),
                            ({"at": int(wall()) + 3600}, "option 'at' is in the future"),
                            ({"symptoms": ["hiccups"]}, "unknown symptom")):
            self.assertRpcError("invalid_params", words, "pain.amend", e["id"], opts)
        self.assertEqual(self.client.call("pain.history")[0]["level"], 4)


class Checkins(PainTest):
    config = """
[pain]
checkin = *:*:0/2
scores = 0,3,6,9
[rest.preset.quick]
step1 = 1s | go
"""

    def test_scheduled_and_after_a_routine(self):
        ev, _ = self.client.wait_event("pain.checkin_due", reason="scheduled", timeout=5)
        self.assertEqual(ev["scores"], [0, 3, 6, 9])
        self.assertIn("How is your back", ev["message"])
        self.log(3)  # logged lately: the next scheduled ones are left out
        time.sleep(4.5)
        self.assertEqual([n for n in self.client.notifications
                          if n[1] == "pain.checkin_due"], [])

    def test_after_routine(self):
        self.daemon.stop()
        with open(self.daemon.config_path, "w") as f:
            f.write("[pain]\ncheckin = off\n[rest.preset.quick]\nstep1 = 1s | go\n"
                    "[rest.preset.two]\nsets = 2\nrest = 1s\n")
        self.daemon.start()
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        c.call("daemon.subscribe", ["pain.checkin_due", "rest.routine_done"])
        # the warm-up sequence comes before training: no question after it
        w = c.call("rest.preset", "quick")
        c.wait_event("rest.routine_done", id=w["id"], timeout=5)
        r = c.call("rest.preset", "two")
        for _ in range(3):  # set 1 done, set 2 now, set 2 done
            c.call("rest.next", r["id"])
        ev, _ = c.wait_event("pain.checkin_due", timeout=5)
        self.assertEqual(ev["reason"], "after routine")
        self.assertEqual([n for n in c.notifications if n[1] == "pain.checkin_due"], [])

    def test_bad_values_are_said_and_change_nothing(self):
        # "Off" in any case turns the after-routine check-in off; a bad score
        # list keeps the default one whole (not its first scores)
        self.daemon.stop()
        with open(self.daemon.config_path, "w") as f:
            f.write("[pain]\ncheckin = *:*:0/2\nscores = 1,2,x\ncheckin_after_routine = Off\n"
                    "[rest.preset.two]\nsets = 2\nrest = 1s\n")
        self.daemon.start()
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        c.call("daemon.subscribe", ["pain.checkin_due"])
        ev, _ = c.wait_event("pain.checkin_due", reason="scheduled", timeout=5)
        self.assertEqual(ev["scores"], [0, 2, 5, 8])
        self.assertIn("[pain] scores = 1,2,x: scores are 0 to 10", self.daemon.log())
        r = c.call("rest.preset", "two")
        for _ in range(3):
            c.call("rest.next", r["id"])
        time.sleep(1)
        c.call("daemon.ping")  # reads what came meanwhile
        self.assertEqual([n for n in c.notifications if n[1] == "pain.checkin_due"
                          and n[2][0]["reason"] == "after routine"], [])
        # and a word that is neither yes nor no is said, not taken as no
        self.daemon.stop()
        with open(self.daemon.config_path, "w") as f:
            f.write("[pain]\ncheckin = off\ncheckin_after_routine = sometimes\n")
        self.daemon.start()
        self.assertIn("checkin_after_routine = sometimes: say yes or no", self.daemon.log())


class CheckinState(PainTest):
    """A due check-in is a state a terminal can ask for (pain.checkin):
    due after a routine, answered by an entry, skipped, lapsed after 12 h."""
    seams = True
    config = "[pain]\ncheckin = off\n[rest.preset.two]\nsets = 2\nrest = 60s\n"

    def routine(self):
        """Two sets: set 1 done, set 2 at once (its rest ended early), done."""
        self.client.call("daemon.subscribe", ["rest.routine_done"])
        r = self.client.call("rest.preset", "two")
        for _ in range(3):
            self.client.call("rest.next", r["id"])
        self.client.wait_event("rest.routine_done", id=r["id"], timeout=5)
        return r

    def test_due_answered_skipped_lapsed(self):
        none = self.client.call("pain.checkin")
        self.assertEqual((none["due"], none["since"], none["reason"]), (False, 0, ""))
        self.routine()
        # asked at once after routine_done: the check-in is already due
        c = self.client.call("pain.checkin")
        self.assertEqual((c["due"], c["reason"]), (True, "after routine"))
        self.assertAlmostEqual(c["since"], self.client.call("daemon.test_shift_clock", 0), delta=2)
        self.assertIn("How is your back", c["message"])
        self.assertNotIn("`", c["message"])
        self.assertEqual(c["scores"], [0, 2, 5, 8])
        self.log(4, trigger="quick")  # the answer
        self.assertFalse(self.client.call("pain.checkin")["due"])
        # skipped (not logged lately: two hours on)
        self.client.call("daemon.test_shift_clock", 3 * 3600)
        self.routine()
        self.assertTrue(self.client.call("pain.checkin")["due"])
        s = self.client.call("pain.checkin", {"skip": True})
        self.assertEqual((s["due"], s["since"]), (False, 0))
        self.assertFalse(self.client.call("pain.checkin")["due"])
        # lapsed: 12 h on nobody answered
        self.client.call("daemon.test_shift_clock", 3 * 3600)
        self.routine()
        self.client.call("daemon.test_shift_clock", 11 * 3600)
        self.assertTrue(self.client.call("pain.checkin")["due"])
        self.client.call("daemon.test_shift_clock", 3600)
        self.assertFalse(self.client.call("pain.checkin")["due"])
        self.assertRpcError("invalid_params", "skip", "pain.checkin", {"skip": "yes"})


class Export(PainTest):
    def test_csv_and_json_read_back_whole(self):
        notes = ["no belt", 'said "ouch", twice', "line one\nline two", "", "ünïcode ✓"]
        for i, note in enumerate(notes):
            self.log(i, note=note, location="glute-right", symptoms=["spasm", "tingling"],
                     at=noon(5 - i))
        text = self.client.call("pain.export")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        self.assertEqual([r["note"] for r in rows], notes)
        self.assertEqual([int(r["level"]) for r in rows], list(range(5)))
        self.assertEqual(rows[0]["symptoms"], "spasm;tingling")
        self.assertEqual(list(rows[0]), ["id", "at", "level", "location", "trigger", "note",
                                         "symptoms"])
        self.assertTrue(rows[0]["at"].endswith(utc_offset(noon(5))), rows[0]["at"])
        data = json.loads(self.client.call("pain.export", {"format": "json"}))
        self.assertEqual([d["note"] for d in data], notes)
        self.assertEqual(data[0]["symptoms"], ["spasm", "tingling"])
        self.assertEqual(data[0]["at"], noon(5))
        # a range
        part = json.loads(self.client.call("pain.export", {"format": "json", "since": noon(2)}))
        self.assertEqual(len(part), 2)  # noon of 2 days ago, and of yesterday

    def test_export_file_and_the_size_limit(self):
        for i in range(1100):
            self.log(i % 11, note="n" * 990)
        self.assertRpcError("invalid_params", "write it to a file with pain.export_file",
                            "pain.export")
        out = os.path.join(self.daemon.root, "back.csv")
        r = self.client.call("pain.export_file", out, {"format": "csv"})
        self.assertEqual(r["rows"], 1100)
        self.assertEqual(r["bytes"], os.path.getsize(out))
        with open(out, newline="") as f:
            self.assertEqual(len(list(csv.DictReader(f))), 1100)
        # JSON, written out in pieces as it goes: whole, in order, and only the file
        out = os.path.join(self.daemon.root, "back.json")
        r = self.client.call("pain.export_file", out, {"format": "json"})
        self.assertEqual(r["bytes"], os.path.getsize(out))
        with open(out) as f:
            data = json.load(f)
        self.assertEqual([d["level"] for d in data], [i % 11 for i in range(1100)])
        self.assertEqual({d["note"] for d in data}, {"n" * 990})
        self.assertEqual(sorted(os.listdir(self.daemon.root)).count("back.json"), 1)
        self.assertFalse([n for n in os.listdir(self.daemon.root) if n.startswith("back.json.")])
        self.assertRpcError("invalid_params", "cannot write /nonexistent/x.csv",
                            "pain.export_file", "/nonexistent/x.csv")


class LongReads(PainTest):
    """A big diary's export and stats are read off the loop (db_read): the
    loop answers other clients meanwhile."""

    def fill(self, n):
        self.daemon.stop()
        db = self.db()
        start = noon(3650)
        # The entries in the last hour, and all after the start of this
        # week of the sums (a bucket, pain.c): stats read them one by one,
        # as they would read any window's two ends, and that takes long
        # enough for pings to come meanwhile.
        hi = int(wall()) - 1
        lo = max(hi - 3600, hi // 604800 * 604800)
        at = [lo + i % (hi - lo + 1) for i in range(n)]
        db.executemany("INSERT INTO pain_entries(id, at, day, level, location, trigger, note, "
                       "symptoms, logged_at) VALUES(?,?,?,?,'lower-back','deadlift',?, '', ?)",
                       ((i + 1, at[i], at[i] // 86400, i % 11, "note %d" % i, at[i])
                        for i in range(n)))
        # three training sessions a week, half of them warmed up: the
        # warm-up comparison reads beside the entries
        at = list(range(start, hi, 7 * 86400 // 3))
        db.executemany("INSERT INTO pain_training(start_at, end_at, sets) VALUES(?,?,3)",
                       [(t, t + 1800) for t in at])
        db.executemany("INSERT INTO pain_warmups(at, how) VALUES(?, 'warm-up preset')",
                       [(t - 3600,) for t in at[::2]])
        db.commit()
        db.close()
        self.daemon.start()
        self.client = self.connect()

    def test_pings_are_answered_during_big_exports_and_stats(self):
        self.fill(300000)
        other = self.connect()
        out = os.path.join(self.daemon.root, "all.json")
        for method, params in [("pain.export_file", (out, {"format": "json"})),
                               ("pain.stats", ({"days": 3650},))]:
            took, waits = [], []
            for _ in range(3):
                slow = self.client.request(method, *params)
                answer = {}
                t0 = time.monotonic()
                reader = threading.Thread(
                    target=lambda: answer.update(r=self.client.result(slow)))
                reader.start()
                while reader.is_alive():
                    p0 = time.monotonic()
                    self.assertEqual(other.call("daemon.ping"), "pong")
                    waits.append(time.monotonic() - p0)
                reader.join()
                took.append(time.monotonic() - t0)
                self.assertIn("r", answer)
            if method == "pain.export_file":
                self.assertEqual(answer["r"]["rows"], 300000)
            else:
                self.assertGreater(answer["r"]["count"], 0)
                self.assertGreater(len(answer["r"]["warmup"]["sessions"]), 100)
            # On the loop, a ping that came during a read would wait for all
            # of it: each waits a small part of the shortest read at the most.
            self.assertLess(max(waits), min(took) / 2,
                            "%s: the worst ping waited %.3f s; the reads took %s"
                            % (method, max(waits), ["%.3f" % t for t in took]))


class OverDbus(unittest.TestCase):
    def test_log_and_red_flag_signals(self):
        root = tempfile.mkdtemp(prefix="lumbard-pain-dbus-")
        self.addCleanup(shutil.rmtree, root, True)
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(config="[pain]\ncheckin = off\n", builtin_plugins=True, bus=bus, env={"TZ": TZ})
        self.addCleanup(d.cleanup)
        d.start()
        mon = Monitor(bus, "type='signal',interface='org.lumbard.Lumbard1.Pain'")
        self.addCleanup(mon.stop)
        out = bus.busctl("--json=short", "call", "org.lumbard.Lumbard1", "/org/lumbard/Lumbard1",
                         "org.lumbard.Lumbard1.Pain", "Log", "ua{sv}", "6", "2",
                         "location", "s", "lower-back-left", "symptoms", "as", "1", "trauma")
        r = json.loads(out.stdout)["data"][0]
        rid = r["id"]["data"]
        text = mon.wait_for("member=RedFlag")
        self.assertRegex(text, r'member=Logged\s+uint64 %d\s+uint32 6' % rid)
        self.assertRegex(text, r'member=RedFlag\s+uint64 %d\s+string "trauma"\s+string "[^"]*'
                         r'urgent medical care' % rid)
        out = bus.busctl("call", "org.lumbard.Lumbard1", "/org/lumbard/Lumbard1",
                         "org.lumbard.Lumbard1.Pain", "Log", "ua{sv}", "11", "0", check=False)
        self.assertIn("parameter 'level' must be between 0 and 10", out.stderr)


if __name__ == "__main__":
    unittest.main()
