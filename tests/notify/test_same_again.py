"""lumbar-notify's "Same again" (issue 19): the "Rest over" of a rest that
the train plugin started after a set it logged offers to log that set
again; pressing it calls train.log with the set's numbers, which logs it and
starts the next rest. A rest not started by a logged set offers nothing
more, and without the train plugin lumbar-notify works as before. The real
daemon on one side, python3-dbusmock's notification server on the other
(nftest). One ctest per class."""
import os
import shlex
import shutil
import subprocess
import time

from nftest import Daemon, NotifyTest, RpcError, plain
from lbtest import LUMBARD

LUMBARCTL = os.environ.get("LUMBARCTL_BIN", "lumbarctl")

# Short rests (the rest plugin takes 1 s and up); no check-in; abduction is
# a programme of three sets (its rest is a routine: "Rest over: set 2 of
# 3", Next set), bridge a single rest each set.
TRAIN_CONFIG = """
[daemon]
log_level = info

[pain]
checkin = off

[rest]
warn = 0

[train.exercise.abduction]
rest = 2s
sets = 3

[train.exercise.bridge]
rest = 1s
"""

TIMES = "\u00d7"


class TrainNotifyTest(NotifyTest):
    daemon_config = TRAIN_CONFIG

    def log_set(self, exercise, reps, **opts):
        return self.client.call("train.log", exercise, reps, opts) if opts else \
            self.client.call("train.log", exercise, reps)

    def rest_over(self, rest_id, started_after=-1, summary="Rest over"):
        """The rest's notification when it is over: (its first Notify, the
        'Rest over' one)."""
        first = self.server.wait("the countdown of rest %d" % rest_id,
                                 lambda n: n.summary.startswith("Rest: "), timeout=5,
                                 after=started_after)
        self.client.wait_event("rest.finished", timeout=6, id=rest_id)
        over = self.server.wait("%r of rest %d" % (summary, rest_id),
                                lambda n: n.id == first.id and n.summary == summary, timeout=3,
                                after=first.index)
        return first, over

    def history(self, exercise):
        return self.client.call("train.history", {"exercise": exercise})

    def assert_quiet(self):
        """Nothing worse than a notice in lumbar-notify's log."""
        bad = [l for l in self.notifier.lines() if l[:3] in ("<0>", "<1>", "<2>", "<3>", "<4>")]
        self.assertEqual(bad, [], "lumbar-notify warned; its log:\n%s" % self.notifier.log())


class SameAgain(TrainNotifyTest):
    def test_same_again_logs_the_set_and_the_next_rest_starts(self):
        s = self.log_set("abduction", 25, weight=40)
        self.assertGreater(s["rest_id"], 0, s)
        first, over = self.rest_over(s["rest_id"], summary="Rest over: set 2 of 3")
        self.assertEqual(over.replaces, first.id, over)
        self.assertEqual(over.action_keys, ["next", "same"],
                         "Same again (same) next to Next set (next): %r" % over)
        self.assertEqual(over.actions[1::2], ["Next set", "Same again"], over)
        self.assertIn("Same again: 25 %s 40 kg" % TIMES, plain(over.body),
                      "the body says which set Same again logs: %r" % over)
        self.assertEqual(over.timeout, 0, "a button waits for the next set: %r" % over)

        self.server.emit_action(first.id, "same")
        ev, _ = self.client.wait_event("train.logged", timeout=5, source="log",
                                       set=2, exercise="abduction")
        self.assertEqual((ev["reps"], ev["weight_kg"]), (25, 40.0), ev)
        self.assertGreater(ev["rest_id"], 0, ev)
        self.assertNotEqual(ev["rest_id"], s["rest_id"], ev)
        # the set began: the rest it ended is cancelled, its notification closed
        self.client.wait_event("rest.cancelled", timeout=5, id=s["rest_id"])
        self.server.wait_close(first.id, timeout=5)

        sets = self.history("abduction")
        self.assertEqual([(x["reps"], x["weight_kg"], x["set"]) for x in sets],
                         [(25, 40.0, 2), (25, 40.0, 1)],
                         "two sets, the same reps and weight: %r" % sets)
        rests = {r["id"]: r for r in self.client.call("rest.list")}
        self.assertIn(ev["rest_id"], rests, "the next rest runs: %r" % rests)
        self.assertEqual((rests[ev["rest_id"]]["set"], rests[ev["rest_id"]]["sets"]), (2, 3))

        # and the flow goes on with that rest: its own notification, its
        # own Rest over, again with Same again
        second, over2 = self.rest_over(ev["rest_id"], started_after=over.index,
                                       summary="Rest over: set 3 of 3")
        self.assertNotEqual(second.id, first.id, second)
        self.assertEqual(over2.action_keys, ["next", "same"], over2)
        self.server.emit_action(second.id, "next")  # Next set keeps its meaning
        self.client.wait_event("rest.set_started", timeout=5, id=ev["rest_id"], set=3)
        self.server.wait_text("Set 3 of 3 under way", timeout=3, after=over2.index)
        self.assertEqual(len(self.history("abduction")), 2, "Next set logs no set")
        self.assert_quiet()

    def test_a_plain_rest_has_no_same_again(self):
        r = self.client.call("rest.start", 1, {"label": "abduction"})
        first, over = self.rest_over(r["id"])
        self.assertEqual(over.actions, [], "a rest no set started: no button; %r" % over)
        self.assertNotIn("Same again", over.text, over)
        self.assertEqual(over.timeout, 15000, "[notify] rest_timeout, as before: %r" % over)
        routine = self.client.call("rest.start", 1, {"label": "abduction", "sets": 3})
        _, over = self.rest_over(routine["id"], started_after=over.index,
                                 summary="Rest over: set 2 of 3")
        self.assertEqual(over.action_keys, ["next"], "only Next set: %r" % over)
        self.assertNotIn("Same again", over.text, over)
        # an action "same" on it does nothing
        self.server.emit_action(over.id, "same")
        time.sleep(0.5)
        self.assertEqual(self.history("abduction"), [])
        self.assert_quiet()

    def test_a_single_rest_over_stays_until_answered_and_is_closed_by_a_newer_set(self):
        s = self.log_set("bridge", 20)
        first, over = self.rest_over(s["rest_id"])
        self.assertEqual(over.action_keys, ["same"], over)
        self.assertEqual(plain(over.body).splitlines(), ["bridge", "Same again: 20 reps"], over)
        self.assertEqual(over.timeout, 0, "it stays until answered: %r" % over)
        time.sleep(0.3)
        self.assertNotIn(first.id, self.server.closes(), "kept for its button")

        # a set of bridge logged elsewhere: this Same again is out of date
        newer = self.log_set("bridge", 18, weight=12.5)
        self.server.wait_close(first.id, timeout=5)
        second, over2 = self.rest_over(newer["rest_id"], started_after=over.index)
        self.assertIn("Same again: 18 %s 12.5 kg" % TIMES, plain(over2.body), over2)

        # pressed: logged again, the next rest starts, this one closes
        self.server.emit_action(second.id, "same")
        ev, _ = self.client.wait_event("train.logged", timeout=5, reps=18, set=3)
        self.assertEqual(ev["weight_kg"], 12.5, ev)
        self.server.wait_close(second.id, timeout=5)
        self.server.wait("the next rest's countdown",
                         lambda n: n.summary == "Rest: bridge" and n.replaces == 0,
                         timeout=5, after=over2.index)
        self.assertEqual([(x["reps"], x["weight_kg"]) for x in self.history("bridge")],
                         [(18, 12.5), (18, 12.5), (20, 0.0)])
        self.assert_quiet()

    def test_dismissed_or_without_a_rest(self):
        # a set logged with no rest: nothing to show
        self.log_set("bridge", 20, rest=False)
        s = self.log_set("bridge", 15)
        first, over = self.rest_over(s["rest_id"])
        self.assertIn("Same again: 15 reps", plain(over.body), over)
        self.server.emit_closed(first.id, 2)  # dismissed
        time.sleep(0.3)
        self.server.emit_action(first.id, "same")  # too late: not ours any more
        time.sleep(0.5)
        self.assertEqual(len(self.history("bridge")), 2)
        self.notifier.assert_running()
        self.assert_quiet()


class SameAgainLb(TrainNotifyTest):
    daemon_config = TRAIN_CONFIG + "\n[train]\nunit = lb\n"

    def test_shown_in_lb_and_logged_to_the_gram(self):
        s = self.log_set("abduction", 25, weight=90)  # in lb: 40.8233133 kg
        first, over = self.rest_over(s["rest_id"], summary="Rest over: set 2 of 3")
        self.assertIn("Same again: 25 %s 90 lb" % TIMES, plain(over.body),
                      "in the unit of [train]: %r" % over)
        self.server.emit_action(first.id, "same")
        ev, _ = self.client.wait_event("train.logged", timeout=5, set=2, exercise="abduction")
        sets = self.history("abduction")
        self.assertEqual([(x["reps"], x["weight_kg"]) for x in sets],
                         [(25, s["weight_kg"])] * 2, "the very same weight: %r" % sets)
        self.assertEqual(round(sets[0]["weight"], 6), 90.0, sets)


class SameAgainPlain(TrainNotifyTest):
    """A server without actions: the body says which command logs it again,
    and that command works."""
    caps = "body"

    def test_the_body_names_the_command(self):
        s = self.log_set("abduction", 25, weight=42.5)
        first, over = self.rest_over(s["rest_id"], summary="Rest over: set 2 of 3")
        self.assertEqual(over.actions, [], over)
        cmd = [l for l in over.body.splitlines() if "train.log" in l]
        self.assertEqual(len(cmd), 1, over)
        self.assertIn("(25 %s 42.5 kg)" % TIMES, cmd[0], over)
        argv = shlex.split(cmd[0].split("`")[1])
        self.assertEqual(argv[:4], ["lumbarctl", "call", "train.log", "abduction"], argv)
        out = subprocess.run([LUMBARCTL, "--socket", self.daemon.socket] + argv[1:],
                             capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        sets = self.history("abduction")
        self.assertEqual([(x["reps"], x["weight_kg"]) for x in sets], [(25, 42.5)] * 2, sets)


class NoTrain(NotifyTest):
    """A daemon without the train plugin: lumbar-notify works as before and
    says nothing of it."""
    daemon_config = TRAIN_CONFIG
    start_daemon = False
    start_notifier = False

    def setUp(self):
        super().setUp()
        # the plugins the daemon loads from beside its executable, less train
        lumbard = shutil.which(LUMBARD) or LUMBARD
        built = os.path.join(os.path.dirname(os.path.realpath(lumbard)), "..", "lib", "lumbard",
                             "plugins")
        plugins = os.path.join(self.root, "plugins")
        os.makedirs(plugins)
        for name in os.listdir(built):
            if name.endswith(".so") and "train" not in name:
                shutil.copy2(os.path.join(built, name), plugins)
        self.daemon = Daemon(plugin_dirs=[plugins], config=self.daemon_config,
                             root=os.path.join(self.root, "daemon-without-train"))
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()
        self.client.call("daemon.subscribe", ["*"])
        self.notifier = self.make_notifier(args=["--socket", self.daemon.socket, "--verbose"])
        self.notifier.start()
        self.wait_subscribed()
        self.server.wait_method("GetCapabilities")

    def test_rests_as_before(self):
        names = [p["name"] for p in self.client.call("daemon.plugins")]
        self.assertIn("rest", names)
        self.assertNotIn("train", names)
        with self.assertRaises(RpcError) as cm:
            self.client.call("train.log", "abduction", 25)
        self.assertEqual(cm.exception.code, "no_such_method")
        r = self.client.call("rest.start", 1, {"label": "abduction", "sets": 3})
        first = self.server.wait_summary("Rest: abduction", timeout=5)
        self.client.wait_event("rest.finished", timeout=6, id=r["id"])
        over = self.server.wait_text("Rest over: set 2 of 3", timeout=3, after=first.index)
        self.assertEqual(over.action_keys, ["next"], over)
        self.server.emit_action(first.id, "next")
        self.client.wait_event("rest.set_started", timeout=5, id=r["id"], set=2)
        bad = [l for l in self.notifier.lines() if l[:3] in ("<0>", "<1>", "<2>", "<3>", "<4>")]
        self.assertEqual(bad, [], "no warning for a missing train plugin:\n%s"
                         % self.notifier.log())
