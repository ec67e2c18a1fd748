"""lumbar-notify against its contract (clients/lumbar-notify/README.md): the
real daemon on one side; on the other a private session bus with
python3-dbusmock's notification server (whose calls the tests read back and
whose ActionInvoked/NotificationClosed signals they emit), or dunst under
Xvfb. One ctest per class."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest

import dbus
import msgpack

from nftest import (DAEMON_CONFIG, FDN, Client, Daemon, NotifyTest, RpcError, call_many, plain,
                    wait_event)
from lbtest import wall

BOLD_OR_TAG = re.compile(r"<\s*/?\s*[a-zA-Z]")


def is_byte(v, n):
    return isinstance(v, dbus.Byte) and int(v) == n


def is_true(v):
    return isinstance(v, dbus.Boolean) and bool(v)


# ---- a server with actions and body markup ----------------------------------------------------

class Reminders(NotifyTest):
    daemon_env = {"LUMBARD_TEST_SEAMS": "1"}  # daemon.test_shift_clock

    def check_reminder(self, note, name, message):
        self.assertEqual(note.app, "lumbard", note)
        self.assertEqual(note.summary, "Reminder: %s" % name, note)
        self.assertEqual(note.replaces, 0, note)
        self.assertEqual(plain(note.body).strip(), message,
                         "the body, read without its markup, should be the reminder's message: %r"
                         % (note,))
        self.assertEqual(sorted(note.action_keys),
                         ["done", "snooze"], "actions Done (done) and Snooze (snooze): %r" % (note,))
        self.assertEqual(note.hints.get("category"), "x-lumbard.reminder", note)
        self.assertEqual(note.hints.get("sound-name"), "alarm-clock-elapsed", note)
        self.assertEqual(note.timeout, 0, "[notify] timeout = 0 (the default): until answered; %r"
                         % (note,))

    def test_done_snooze_and_closed_from_anywhere(self):
        msgs = {"stretch": "Stand up & stretch <now>", "tea": "Tea time", "water": "Drink water",
                "walk": "Walk round the block"}
        ids = {name: self.remind(name, msg)["id"] for name, msg in msgs.items()}
        notes = {name: self.server.wait_summary("Reminder: " + name, timeout=6) for name in msgs}
        for name, note in notes.items():
            self.check_reminder(note, name, msgs[name])

        # Done pressed: reminders.done on the daemon, the notification closed
        self.server.emit_action(notes["stretch"].id, "done")
        self.client.wait_event("reminders.done", timeout=5, id=ids["stretch"])
        self.server.wait_close(notes["stretch"].id, timeout=5)
        # Snooze pressed: reminders.snooze
        self.server.emit_action(notes["tea"].id, "snooze")
        ev, _ = self.client.wait_event("reminders.snoozed", timeout=5, id=ids["tea"])
        self.assertEqual(ev["seconds"], 600, "Snooze uses the daemon's [reminders] snooze (10 min)")
        self.server.wait_close(notes["tea"].id, timeout=5)
        # done and skipped from anywhere else close it too
        self.client.call("reminders.done", ids["water"])
        self.server.wait_close(notes["water"].id, timeout=5)
        self.client.call("reminders.skip", ids["walk"])
        self.server.wait_close(notes["walk"].id, timeout=5)

        time.sleep(0.5)
        for name in msgs:
            shown = [n for n in self.server.notes() if n.summary == "Reminder: " + name]
            self.assertEqual(len(shown), 1, "one notification per due reminder, got %r" % shown)

    def test_a_late_reminder_says_how_late(self):
        r = self.client.call("reminders.add", "stand", "*:00:00", {"message": "Stand up"})
        now = self.client.call("daemon.test_shift_clock", 0)
        # the clock set forward: the elapse is 5 min 10 s behind (an interval
        # would move with the clock: no real time passed)
        self.client.call("daemon.test_shift_clock", r["next_at"] - now + 310)
        due = wait_event(self.client, "reminders.due", timeout=5, id=r["id"])
        self.assertEqual(due["late_s"] // 60, 5, due)
        note = self.server.wait_summary("Reminder: stand", timeout=5)
        self.assertEqual(" ".join(plain(note.body).split()), "Stand up (5min late)",
                         "the message, and (Nmin late) when it fired late: %r" % note)

    def test_refused_action_is_logged(self):
        r = self.remind("gone", "Soon removed")
        note = self.server.wait_summary("Reminder: gone", timeout=6)
        self.client.call("reminders.remove", r["id"])
        with self.assertRaises(RpcError) as cm:  # the daemon's own words
            self.client.call("reminders.done", r["id"])
        answer = cm.exception.message
        self.assertIn("no reminder %d" % r["id"], answer)
        self.server.emit_action(note.id, "done")
        self.notifier.wait_log(lambda l: "no reminder %d" % r["id"] in l,
                               "with the daemon's answer %r" % answer, timeout=5)
        self.notifier.assert_running("after the daemon refused an action")


class Rests(NotifyTest):
    def test_routine_counts_down_in_one_notification(self):
        r = self.client.call("rest.start", 3, {"label": "abduction", "sets": 3, "until": 20,
                                               "warn": 1})
        first = self.server.wait_summary("Rest: abduction", timeout=5)
        self.assertEqual((first.app, first.replaces), ("lumbard", 0), first)
        self.assertEqual(first.hints.get("category"), "x-lumbard.rest", first)
        self.assertTrue(is_true(first.raw_hints.get("transient")), "transient hint: %r" % first)
        self.assertNotIn("value", first.hints,
                         "no progress-bar capability on this server, so no value hint: %r" % first)
        self.assertRegex(first.body, r"<b>[^<]+</b>",
                         "body-markup: the important part of the body is bold: %r" % first)

        warning, _ = self.client.wait_event("rest.warning", timeout=6, id=r["id"])
        self.client.wait_event("rest.finished", timeout=6, id=r["id"])
        over = self.server.wait_text("Rest over: set 2 of 3", timeout=3, after=first.index)
        self.assertEqual(over.replaces, first.id,
                         "'Rest over' replaces the rest's notification: %r" % over)
        self.assertIn("next", over.action_keys, "Next set (next) on 'Rest over': %r" % over)
        self.assertEqual(over.hints.get("sound-name"), "complete", over)

        running = [n for n in self.server.notes() if first.index < n.index < over.index]
        self.assertGreaterEqual(len(running), 2, "a 3 s rest with [notify] countdown = 1s is redrawn "
                                "at least twice before it ends; got %r" % running)
        self.assertGreaterEqual(len({n.body for n in [first] + running}), 2,
                                "the body counts down: %r" % ([first] + running))
        warned = [n for n in running if n.hints.get("sound-name") == "bell"]
        self.assertTrue(warned, "rest.warning: the same notification with sound 'bell'; got %r"
                        % running)

        # Next set pressed: rest.next on the daemon
        self.server.emit_action(first.id, "next")
        self.client.wait_event("rest.set_started", timeout=5, id=r["id"], set=2)
        under = self.server.wait_text("Set 2 of 3 under way", timeout=3, after=over.index)
        self.assertEqual(under.replaces, first.id, under)
        self.assertIn("next", under.action_keys, "Set done (next): %r" % under)

        self.client.call("rest.cancel", r["id"])
        self.server.wait_close(first.id, timeout=5)

        notes = [n for n in self.server.notes() if n.index > first.index]
        strays = [n for n in notes if n.replaces != first.id]
        self.assertEqual(strays, [], "every update of the rest replaces notification %d" % first.id)
        # last, so that the rest is checked whatever the warning's text
        self.assertIn("%ds left" % warning["remaining"], warned[0].text,
                      "rest.warning said %d s remain (its `remaining`); the notification: %r"
                      % (warning["remaining"], warned[0]))

    def test_next_set_now_during_the_rest(self):
        r = self.client.call("rest.start", 60, {"label": "abduction", "sets": 3, "warn": 0})
        first = self.server.wait_summary("Rest: abduction", timeout=5)
        self.assertIn("next", first.action_keys, "Next set now (next) on the countdown: %r" % first)
        self.server.emit_action(first.id, "next")  # the rest ends early
        fin, _ = self.client.wait_event("rest.finished", timeout=5, id=r["id"])
        self.assertTrue(fin["early"], fin)
        self.client.wait_event("rest.set_started", timeout=5, id=r["id"], set=2)
        under = self.server.wait_text("Set 2 of 3 under way", timeout=3, after=first.index)
        self.assertEqual(under.replaces, first.id, under)
        plain = self.client.call("rest.start", 60, {"label": "plank", "warn": 0})
        note = self.server.wait_summary("Rest: plank", timeout=5)
        self.assertNotIn("next", note.action_keys, "no set to start: no button; %r" % note)
        self.client.call("rest.cancel", plain["id"])

    def test_plain_rest_over(self):
        r = self.client.call("rest.start", 1, {"label": "plank", "warn": 0})
        first = self.server.wait_summary("Rest: plank", timeout=5)
        self.client.wait_event("rest.finished", timeout=5, id=r["id"])
        over = self.server.wait_text("Rest over", timeout=3, after=first.index)
        self.assertEqual(over.replaces, first.id, over)
        self.assertNotIn("next", over.action_keys, "no set left: no Next set; %r" % over)
        self.assertEqual(over.timeout, 15000, "'Rest over' stays [notify] rest_timeout (15s): %r"
                         % over)

    def test_overdue(self):
        r = self.client.call("rest.start", 1, {"label": "abduction", "sets": 3, "until": 2,
                                               "warn": 0})
        first = self.server.wait_summary("Rest: abduction", timeout=5)
        self.client.wait_event("rest.overdue", timeout=5, id=r["id"])
        over = self.server.wait_text("Overdue: set 2 of 3 is waiting", timeout=3,
                                     after=first.index)
        self.assertEqual(over.replaces, first.id, over)
        self.assertIn("next", over.action_keys, "Next set (next) when overdue: %r" % over)
        self.server.emit_action(first.id, "next")
        self.client.wait_event("rest.set_started", timeout=5, id=r["id"], set=2)

    def test_countdown_closed_by_hand_stays_closed(self):
        r = self.client.call("rest.start", 60, {"label": "hold", "warn": 0})
        first = self.server.wait_summary("Rest: hold", timeout=5)
        self.server.wait("a countdown redraw of notification %d" % first.id,
                         lambda n: n.replaces == first.id, timeout=3, after=first.index)
        self.server.emit_closed(first.id, 2)  # dismissed by the user
        time.sleep(0.3)  # a redraw already on its way may cross the signal
        mark = self.server.last_index()
        time.sleep(2.0)
        pushed = [n for n in self.server.notes() if n.index > mark]
        self.assertEqual(pushed, [], "a countdown closed by hand stays closed until the rest "
                         "changes state")
        self.client.call("rest.pause", r["id"])
        paused = self.server.wait_text("Paused:", timeout=3, after=mark)
        self.assertIn("left", paused.text, paused)
        self.client.call("rest.resume", r["id"])
        resumed = self.server.wait("the countdown again after rest.resume",
                                   lambda n: "Paused" not in n.text and "left" in n.text,
                                   timeout=3, after=paused.index)
        self.assertEqual(resumed.replaces, paused.id, "resumed in the same notification: %r"
                         % resumed)
        self.client.call("rest.cancel", r["id"])
        self.server.wait_close(paused.id, timeout=5)


class Pain(NotifyTest):
    def checkin(self):
        """The warm-up sequence (no check-in after it), then a routine of two
        sets (set 1 done, set 2 at once, set 2 done): its check-in."""
        r = self.client.call("rest.preset", "quick")
        first = self.server.wait_summary("Rest: quick", timeout=5)
        self.client.wait_event("rest.routine_done", timeout=6, id=r["id"])
        self.routine()
        ev, _ = self.client.wait_event("pain.checkin_due", timeout=6)
        note = self.server.wait_summary("How is your back?", timeout=3)
        return r, first, ev, note

    def test_checkin_scores(self):
        r, first, ev, note = self.checkin()
        self.assertIn("Test step", first.text, "a sequence's countdown shows its step's text: %r"
                      % first)
        self.assertEqual(note.app, "lumbard")
        self.assertEqual(note.action_keys, ["score-0", "score-2", "score-5", "score-8"],
                         "one button per quick score ([pain] scores 0,2,5,8): %r" % note)
        self.assertEqual(note.hints.get("category"), "x-lumbard.checkin", note)
        done = self.server.wait_text("Quick done", timeout=3, after=first.index)
        self.assertEqual(done.replaces, first.id, "routine done in the rest's notification: %r"
                         % done)
        self.assertEqual(done.timeout, 15000, "'Routine done' stays [notify] rest_timeout: %r"
                         % done)

        mark = self.server.last_index()
        self.server.emit_action(note.id, "score-5")
        logged, _ = self.client.wait_event("pain.logged", timeout=5)
        self.assertEqual(logged["level"], 5, "score-5 logs pain 5: %r" % logged)
        self.server.wait_text("Logged 5/10", timeout=3, after=mark)
        self.server.wait_close(note.id, timeout=5)
        self.assertEqual([e["level"] for e in self.client.call("pain.history")], [5])
        # last, so that the buttons are checked whatever the text
        self.assertEqual(plain(note.body).strip(), ev["message"],
                         "the body is the check-in's message: %r" % note)

    def test_checkin_closed_by_an_entry_from_elsewhere(self):
        _, _, _, note = self.checkin()
        self.client.call("pain.log", 2)
        self.server.wait_close(note.id, timeout=5)

    def test_red_flags(self):
        r = self.client.call("pain.log", 4, {"symptoms": ["saddle-numbness", "fever"]})
        advice = [f["advice"] for f in r["red_flags"]]
        self.assertEqual(len(advice), 2)
        for _ in advice:
            self.client.wait_event("pain.red_flag", timeout=5, id=r["id"])
        flags = []
        deadline = time.monotonic() + 5
        while len(flags) < 2 and time.monotonic() < deadline:
            flags = [n for n in self.server.notes() if n.summary == "Seek urgent medical care"]
            time.sleep(0.05)
        self.assertEqual(len(flags), 2, "one notification per red flag; the server got:\n%s"
                         % self.server.describe())
        self.assertEqual(sorted(plain(n.body) for n in flags), sorted(advice),
                         "the body is the daemon's advice word for word")
        for n in flags:
            self.assertEqual((n.app, n.replaces), ("lumbard", 0), "never replaced: %r" % n)
            self.assertTrue(is_byte(n.raw_hints.get("urgency"), 2),
                            "urgency critical (byte 2): %r" % (n.raw_hints.get("urgency"),))
            self.assertTrue(is_true(n.raw_hints.get("resident")), "resident: %r" % n)
            self.assertEqual(n.timeout, 0, "never expires: %r" % n)
            self.assertEqual(n.hints.get("category"), "x-lumbard.red-flag", n)
            self.assertEqual(n.hints.get("sound-name"), "dialog-warning", n)
        self.assertNotEqual(flags[0].id, flags[1].id, "two red flags, two notifications")
        # the same symptom again: a third one, never merged
        self.client.call("pain.log", 3, {"symptoms": ["saddle-numbness"]})
        self.server.wait("a third red-flag notification",
                         lambda n: n.summary == "Seek urgent medical care"
                         and n.index > flags[1].index and n.replaces == 0, timeout=5)


# ---- a server without actions or markup, with a progress bar ---------------------------------

class PlainServer(NotifyTest):
    caps = "body x-canonical-private-synchronous"

    def test_no_buttons_commands_in_the_body_and_a_progress_value(self):
        rem = self.remind("tea", "Tea & biscuits <3")
        rest = self.client.call("rest.start", 3, {"label": "abduction", "sets": 3, "until": 30,
                                                  "warn": 0})
        self.routine()

        note = self.server.wait_summary("Reminder: tea", timeout=6)
        self.assertEqual(note.actions, [], "no actions capability: no buttons; %r" % note)
        self.assertIn("Tea & biscuits <3", note.body,
                      "no body-markup: the message as it is, not escaped: %r" % note)
        self.assertIn("lumbarctl remind done %d" % rem["id"], note.body,
                      "the body names the command of the missing button: %r" % note)

        ev, _ = self.client.wait_event("pain.checkin_due", timeout=6)
        check = self.server.wait_summary("How is your back?", timeout=3)
        self.assertEqual(check.actions, [], check)
        self.assertIn("lumbarctl pain log", check.body, check)

        first = self.server.wait_summary("Rest: abduction", timeout=3)
        self.client.wait_event("rest.finished", timeout=6, id=rest["id"])
        over = self.server.wait_text("Rest over: set 2 of 3", timeout=3, after=first.index)
        self.assertEqual(over.actions, [], over)
        self.assertIn("lumbarctl rest next %d" % rest["id"], over.body, over)

        countdown = [n for n in self.server.notes()
                     if n.id == first.id and n.index < over.index]
        values = [n.raw_hints.get("value") for n in countdown]
        self.assertTrue(all(isinstance(v, dbus.Int32) for v in values),
                        "x-canonical-private-synchronous: every countdown carries an int32 "
                        "'value' hint; got %r" % values)
        values = [int(v) for v in values]
        self.assertTrue(all(0 <= v <= 100 for v in values), values)
        self.assertEqual(values, sorted(values), "the share gone by only grows: %r" % values)
        self.assertGreater(values[-1], values[0], values)

        r = self.client.call("pain.log", 5, {"symptoms": ["trauma"]})
        flag = self.server.wait_summary("Seek urgent medical care", timeout=5)
        self.assertEqual(flag.body, r["red_flags"][0]["advice"],
                         "no markup, no buttons: the body is exactly the advice")

        for n in self.server.notes():
            self.assertIsNone(BOLD_OR_TAG.search(n.body),
                              "no body-markup capability, yet markup in a body: %r" % n)


# ---- the daemon goes and comes back -------------------------------------------------------------

class DaemonRestart(NotifyTest):
    def test_restart_resyncs_without_duplicates(self):
        rest = self.client.call("rest.start", 20, {"label": "hold", "warn": 0})
        rnote = self.server.wait_summary("Rest: hold", timeout=5)
        self.remind("before", "Before the restart")
        bnote = self.server.wait_summary("Reminder: before", timeout=6)

        n_lines = len(self.notifier.lines())
        self.assertEqual(self.daemon.stop(), 0)
        time.sleep(0.3)
        cpu0 = self.notifier.cpu()
        time.sleep(2.5)
        self.notifier.assert_running("after the daemon stopped")
        spent = self.notifier.cpu() - cpu0
        self.assertLess(spent, 0.3, "lumbar-notify used %.2f s of CPU in 2.5 s while the daemon "
                        "was down: it should wait, not spin" % spent)
        self.assert_notifier_log_once(self.notifier.lines()[n_lines:], "while the daemon was down")

        mark = self.server.last_index()
        self.daemon.start()
        self.client = self.connect()
        self.client.call("daemon.subscribe", ["*"])
        self.wait_subscribed(timeout=12)
        self.assertEqual([r["id"] for r in self.client.call("rest.list")], [rest["id"]])
        again = self.server.wait(
            "the countdown of the rest still under way, in its notification (replaces_id %d)"
            % rnote.id, lambda n: n.replaces == rnote.id, timeout=5, after=mark)
        self.assertIn("left", again.text, again)

        self.remind("after", "After the restart")
        self.client.wait_event("reminders.due", timeout=5)
        self.server.wait_summary("Reminder: after", timeout=5, after=mark)
        time.sleep(1.5)
        fresh = [n for n in self.server.notes() if n.index > mark and n.replaces == 0]
        self.assertEqual([n.summary for n in fresh], ["Reminder: after"],
                         "after the restart only the new reminder is a new notification: %r"
                         % fresh)
        self.assertNotIn(bnote.id, self.server.closes(),
                         "the reminder still due after the restart keeps its notification")
        self.assertNotIn(rnote.id, self.server.closes(), "the rest still runs")

    def test_a_daemon_without_them_closes_stale_notifications(self):
        self.client.call("rest.start", 60, {"label": "hold", "warn": 0})
        rnote = self.server.wait_summary("Rest: hold", timeout=5)
        self.remind("gone", "From the old daemon")
        gnote = self.server.wait_summary("Reminder: gone", timeout=6)
        self.assertEqual(self.daemon.stop(), 0)
        # another daemon, with an empty database, on the same socket
        other = Daemon(builtin_plugins=True, config=DAEMON_CONFIG,
                       root=os.path.join(self.root, "daemon2"),
                       env={"XDG_RUNTIME_DIR": os.path.dirname(self.daemon.socket)})
        other.socket = self.daemon.socket
        self.addCleanup(other.cleanup)
        other.start()
        c = Client(other.socket)
        self.addCleanup(c.close)
        self.assertEqual((c.call("rest.list"), c.call("reminders.list")), ([], []))
        self.server.wait_close(rnote.id, timeout=12)
        self.server.wait_close(gnote.id, timeout=3)
        c.call("daemon.subscribe", ["*"])
        self.wait_subscribed(client=c)
        c.call("reminders.add", "new", "in 1s", {"message": "From the new daemon"})
        self.server.wait_summary("Reminder: new", timeout=6, after=gnote.index)


class DueOnConnect(NotifyTest):
    """A reminder that falls due while nobody listens (missed while the
    laptop was off, it fires on the daemon's first loop turn at log-in,
    before lumbar-notify connects) shows when lumbar-notify connects, with
    its lateness, once; a reconnect shows it no second time; Done works."""
    start_notifier = False
    daemon_env = {"LUMBARD_TEST_SEAMS": "1"}

    def restart_daemon(self, ahead):
        """The daemon stopped, then started with its wall clock `ahead`
        seconds past this test's (the seam: as if it had been off that
        long); the test's client connected and subscribed again."""
        self.assertEqual(self.daemon.stop(), 0)
        self.daemon.env["LUMBARD_TEST_NOW"] = "%.3f" % (wall() + ahead)
        self.daemon.start()
        self.client = self.connect()
        self.client.call("daemon.subscribe", ["*"])

    def start_notifier_verbose(self):
        self.notifier = self.make_notifier(args=["--socket", self.daemon.socket, "--verbose"])
        self.notifier.start()
        self.wait_subscribed()

    def lists_read(self):
        return len([l for l in self.notifier.lines() if "reminders.list: " in l and " read" in l])

    def wait_lists_read(self, count):
        deadline = time.monotonic() + 10
        while self.lists_read() < count:
            self.notifier.assert_running("while it read reminders.list")
            if time.monotonic() > deadline:
                raise AssertionError("lumbar-notify did not say it read reminders.list %d time(s) "
                                     "within 10 s; its log:\n%s" % (count, self.notifier.log()))
            time.sleep(0.05)
        time.sleep(0.3)  # what it shows goes out; the server logs it

    def shown(self, summary):
        return [n for n in self.server.notes() if n.summary == summary]

    def missed_reminder(self):
        """"in 60s", and the daemon off for 6 min: due 5 min late at start."""
        r = self.remind("stretch", "Stand up & stretch", "in 60s")
        self.restart_daemon(360)
        views = {v["id"]: v for v in self.client.call("reminders.list")}
        view = views[r["id"]]
        self.assertTrue(view["due_at"] > 0 and view["late_s"] >= 290,
                        "the daemon caught the reminder up at start, late: %r" % view)
        return r, view

    def test_due_before_it_connects_shows_once_with_its_lateness(self):
        r, view = self.missed_reminder()
        later = self.remind("later", "Not due yet", "in 1h")
        self.start_notifier_verbose()
        note = self.server.wait_summary("Reminder: stretch", timeout=5)
        self.assertEqual(note.replaces, 0, note)
        self.assertEqual(sorted(note.action_keys), ["done", "snooze"], note)
        self.assertRegex(" ".join(plain(note.body).split()),
                         r"^Stand up & stretch \((5|6)min late\)$",
                         "the message, and how late it is, as the live reminders.due says: %r"
                         % note)
        self.assertEqual(note.hints.get("category"), "x-lumbard.reminder", note)
        self.wait_lists_read(1)
        self.assertEqual(len(self.shown("Reminder: stretch")), 1, self.server.describe())
        self.assertEqual(self.shown("Reminder: later"), [], "only due reminders show")

        # The daemon restarts: lumbar-notify reconnects and reads the list
        # again; the reminder, still due, is not shown a second time.
        mark = self.server.last_index()
        self.restart_daemon(360)
        self.wait_subscribed(timeout=12)
        self.wait_lists_read(2)
        again = [n for n in self.server.notes() if n.index > mark]
        self.assertEqual(again, [], "after a reconnect, a reminder already shown is not shown "
                         "again (nor replaced): %r" % again)
        self.assertNotIn(note.id, self.server.closes(), "still due: its notification stays")

        # Done from the notification does it on the daemon, and closes it.
        self.server.emit_action(note.id, "done")
        wait_event(self.client, "reminders.done", timeout=5, id=r["id"])
        self.server.wait_close(note.id, timeout=5)
        self.assertEqual([v["id"] for v in self.client.call("reminders.list")],
                         [later["id"]], "the one-off done is gone")

    def test_closed_by_hand_stays_closed_after_a_reconnect(self):
        r, _ = self.missed_reminder()
        self.start_notifier_verbose()
        note = self.server.wait_summary("Reminder: stretch", timeout=5)
        self.server.emit_closed(note.id, 2)  # dismissed
        time.sleep(0.3)
        mark = self.server.last_index()
        self.restart_daemon(360)
        self.wait_subscribed(timeout=12)
        self.wait_lists_read(2)
        self.assertEqual([n for n in self.server.notes() if n.index > mark], [],
                         "a reminder closed by hand is not pushed back by a reconnect")
        # ... but when it comes due again (a snooze that ended), it shows
        self.client.call("reminders.snooze", r["id"], 1)
        wait_event(self.client, "reminders.due", timeout=5, id=r["id"])
        again = self.server.wait_summary("Reminder: stretch", timeout=5, after=mark)
        self.assertEqual(again.replaces, 0, again)

    def test_a_live_due_while_it_is_connected_is_not_shown_twice(self):
        self.start_notifier_verbose()
        self.remind("tea", "Tea time", "in 1s")
        note = self.server.wait_summary("Reminder: tea", timeout=5)
        mark = self.server.last_index()
        self.restart_daemon(0)
        self.wait_subscribed(timeout=12)
        self.wait_lists_read(2)
        self.assertEqual([n for n in self.server.notes() if n.index > mark], [],
                         "the live popup is the reminder's one popup")
        self.assertNotIn(note.id, self.server.closes())


class DueWhileReading(NotifyTest):
    """Events that come while lumbar-notify reads reminders.list, page by
    page, against a daemon whose answers the test writes: a due event
    newer than the page that said "not due" wins (shown, not closed), and
    one older than the page that says "due" is not shown twice."""
    start_daemon = False
    start_notifier = False

    def test_due_events_and_pages(self):
        fake = PagingDaemon(os.path.join(self.root, "fake.sock"))
        self.addCleanup(fake.stop)
        now = int(time.time())

        def due_event(i, late):
            return ("reminders.due", {"id": i, "name": "r%d" % i, "message": "m%d" % i,
                                      "late_s": late, "at": now - late, "missed": 1,
                                      "snoozed": False})

        page1 = PagingDaemon.reminders(1, 1000)
        page2 = PagingDaemon.reminders(1001, 1500, due={1200: 130, 1400: 0})
        fake.reminder_scripts = [[
            ([], page1),  # r7 not due in page 1 ...
            ([due_event(7, 0), due_event(1400, 0)], page2),  # ... due by an event after it
        ]]
        self.notifier = self.make_notifier(args=["--socket", fake.path, "--verbose"])
        self.notifier.start()
        self.notifier.wait_log(lambda l: "reminders.list: 1500 read" in l,
                               "saying it read 1,500 reminders")
        r7 = self.server.wait_summary("Reminder: r7", timeout=5)
        r1200 = self.server.wait_summary("Reminder: r1200", timeout=5)
        self.server.wait_summary("Reminder: r1400", timeout=5)
        time.sleep(0.5)
        self.assertEqual(sorted(n.summary for n in self.server.notes()),
                         ["Reminder: r1200", "Reminder: r1400", "Reminder: r7"],
                         "one notification each: %s" % self.server.describe())
        self.assertNotIn(r7.id, self.server.closes(),
                         "the page before the event said r7 was not due; the event is newer")
        self.assertEqual(" ".join(plain(r1200.body).split()), "m1200 (2min late)", r1200)
        self.notifier.assert_running()


# ---- the notification server goes and comes back ---------------------------------------------

class ServerLife(NotifyTest):
    caps = None  # no server at first
    # the socket found as $XDG_RUNTIME_DIR/lumbard.sock
    notifier_args = []
    notifier_env = property(lambda self: {"XDG_RUNTIME_DIR": os.path.dirname(self.daemon.socket)})

    def test_no_server_then_one_appears_then_another(self):
        cpu0 = self.notifier.cpu()
        self.remind("r1", "Reminder 1")
        self.remind("r2", "Reminder 2", "in 2s")
        wait_event(self.client, "reminders.due", timeout=5, name="r1")
        wait_event(self.client, "reminders.due", timeout=5, name="r2")
        time.sleep(0.5)
        self.notifier.assert_running("with no notification server")
        spent = self.notifier.cpu() - cpu0
        self.assertLess(spent, 0.3, "%.2f s of CPU in ~2.5 s without a notification server" % spent)
        lines = self.notifier.lines()
        said = [l for l in lines if re.search(r"notification|org\.freedesktop", l, re.I)]
        self.assertEqual(len(said), 1, "with no notification server lumbar-notify says so once; "
                         "its log:\n%s" % "\n".join(lines))
        self.assert_notifier_log_once(lines, "without a notification server")

        server = self.start_server("actions body")
        server.wait_method("GetCapabilities", timeout=5)
        self.remind("r3", "Reminder 3")
        note = server.wait_summary("Reminder: r3", timeout=6)
        self.assertEqual(sorted(note.action_keys), ["done", "snooze"], note)

        # that server goes; another, without actions, takes its place
        server.stop()
        time.sleep(0.3)
        other = self.start_server("body")
        other.wait_method("GetCapabilities", timeout=5)
        r4 = self.remind("r4", "Reminder 4")
        note = other.wait_summary("Reminder: r4", timeout=6)
        self.assertEqual(note.actions, [], "the new server's capabilities count: %r" % note)
        self.assertIn("lumbarctl remind done %d" % r4["id"], note.body, note)
        self.notifier.assert_running()


class WaitForDaemon(NotifyTest):
    start_daemon = False
    # the socket found as $LUMBARD_SOCKET
    notifier_args = []
    notifier_env = property(lambda self: {"LUMBARD_SOCKET": self.daemon.socket})

    def test_started_before_the_daemon(self):
        time.sleep(0.5)
        cpu0 = self.notifier.cpu()
        time.sleep(3.0)
        self.notifier.assert_running("with no daemon to connect to")
        spent = self.notifier.cpu() - cpu0
        self.assertLess(spent, 0.3, "lumbar-notify used %.2f s of CPU in 3 s waiting for the "
                        "daemon: it should wait, not spin" % spent)
        self.assert_notifier_log_once(self.notifier.lines(), "while waiting for the daemon")

        self.daemon.start()
        self.client = self.connect()
        self.client.call("daemon.subscribe", ["*"])
        self.wait_subscribed(timeout=15)
        self.remind("hello", "The daemon is here")
        note = self.server.wait_summary("Reminder: hello", timeout=6)
        self.assertEqual(plain(note.body).strip(), "The daemon is here")


# ---- more than one answer carries ------------------------------------------------------------

class Thousands(NotifyTest):
    """20,000 rests and 20,000 reminders: rest.list or reminders.list of them
    all would be over the 1 MiB of one answer (too_large), so lumbar-notify
    reads them a page at a time."""
    N = 20000
    start_notifier = False
    notify_config = "[notify]\ncountdown = 0\n"  # 20,000 countdowns, drawn once
    # reminders.add answers once the reminder is on disk, an fsync each:
    # 20,000 take a second in memory (tmpfs), twenty on a disk
    tmp_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None

    def test_starts_and_shows_every_rest(self):
        filler = self.connect()  # not subscribed: 40,000 events would only queue up
        call_many(filler, "rest.start",
                  ([3600, {"label": "r%d" % i, "warn": 0}] for i in range(1, self.N + 1)))
        call_many(filler, "reminders.add",
                  (["n%d" % i, "every 1h", {"message": "m%d" % i}] for i in range(1, self.N + 1)))
        for method in ("rest.list", "reminders.list"):
            with self.assertRaises(RpcError, msg="%s of them all in one answer" % method) as cm:
                filler.call(method)
            self.assertEqual(cm.exception.code, "too_large", cm.exception)

        self.notifier = self.make_notifier(args=["--socket", self.daemon.socket, "--verbose"])
        self.notifier.start()
        self.wait_subscribed()
        self.notifier.wait_log(lambda l: "connected to lumbard on %s" % self.daemon.socket in l,
                               "saying it connected", timeout=5)
        for method in ("rest.list", "reminders.list"):
            self.notifier.wait_log(lambda l: "%s: %d read" % (method, self.N) in l,
                                   "saying it read the %d of %s" % (self.N, method), timeout=15)
        # Each rest in a notification of its own, the last page's too; the
        # last one shown means the server has handled them all.
        last = self.server.wait_summary("Rest: r%d" % self.N, timeout=20)
        rests = {n.summary for n in self.server.notes() if n.summary.startswith("Rest: ")}
        self.assertEqual(len(rests), self.N, "a notification for each of the %d rests" % self.N)

        # and it goes on: a reminder that falls due now shows
        self.remind("after", "After the lists", "in 2s")
        note = self.server.wait_summary("Reminder: after", timeout=10, after=last.index)
        self.assertEqual(plain(note.body).strip(), "After the lists", note)
        self.notifier.assert_running()
        log = self.notifier.log()
        self.assertNotIn("too_large", log, "lumbar-notify never asks for more than one answer "
                         "carries; its log ends:\n%s" % log[-3000:])


class PagingDaemon:
    """A daemon of rests only, on a socket of its own, whose rest.list the
    test scripts page by page: each connection, one after the other, is
    served the next script, a list of answers to the pages asked in turn
    (a list of views, or an error (code, message)). reminders.list is
    empty, unless reminder_scripts has a script for the connection: a list
    of (events, views), the events sent before each page's answer. What
    each rest.list asked is kept in `asked`."""

    def __init__(self, path):
        self.path = path
        self.scripts, self.asked = [], []
        self.reminder_scripts = []  # per connection: [(events sent first, answer)] a page
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(4)
        self.listener.settimeout(0.1)
        self.stopping = self.hanging_up = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @staticmethod
    def views(first, last):
        end = int(time.time() * 1000) + 3600 * 1000
        return [{"id": i, "label": "r%d" % i, "state": "running", "seconds": 3600,
                 "remaining_ms": 3600 * 1000, "ends_at_ms": end, "set": 1, "sets": 1, "step": 0,
                 "steps": 0, "warn": 0, "window_end_ms": 0, "message": "Rest 60 min"}
                for i in range(first, last + 1)]

    @staticmethod
    def reminders(first, last, due=None):
        """Views of reminders first..last; due: {id: late_s} of those due."""
        now, due = int(time.time()), due or {}
        return [{"id": i, "name": "r%d" % i, "schedule": "every 1h", "message": "m%d" % i,
                 "next_at": now + 3600, "due_at": now - due[i] if i in due else 0,
                 "late_s": due.get(i, 0), "snoozed_until": 0, "paused_until": 0, "pause": "",
                 "held_until": 0, "source": "runtime", "kind": "every"}
                for i in range(first, last + 1)]

    def hang_up(self):
        self.hanging_up = True

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.listener.close()

    def serve(self):
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            script = self.scripts.pop(0) if self.scripts else []
            rscript = self.reminder_scripts.pop(0) if self.reminder_scripts else []
            self.hanging_up = False
            conn.settimeout(0.1)
            unpacker = msgpack.Unpacker(raw=False)
            while not self.stopping and not self.hanging_up:
                try:
                    data = conn.recv(65536)
                except socket.timeout:
                    continue
                if not data:
                    break
                unpacker.feed(data)
                for _, msgid, method, params in unpacker:
                    error, result = None, None
                    if method == "daemon.subscribe":
                        result = params[0]
                    elif method == "reminders.list":
                        events, result = rscript.pop(0) if rscript else ([], [])
                        for name, fields in events:
                            conn.sendall(msgpack.packb([2, name, [fields]]))
                    elif method == "rest.list":
                        self.asked.append(params)
                        answer = script.pop(0) if script else []
                        if isinstance(answer, tuple):
                            error = {"code": answer[0], "message": answer[1]}
                        else:
                            result = answer
                    else:
                        error = {"code": "no_such_method", "message": method}
                    conn.sendall(msgpack.packb([1, msgid, error, result]))
            conn.close()


class HalfList(NotifyTest):
    """A page of rest.list that fails leaves the notifications as they were:
    none is closed because a half list lacks it."""
    start_daemon = False
    start_notifier = False
    notify_config = "[notify]\ncountdown = 0\n"

    def test_a_failed_page_closes_nothing(self):
        fake = PagingDaemon(os.path.join(self.root, "fake.sock"))
        self.addCleanup(fake.stop)
        views = PagingDaemon.views
        fake.scripts = [
            [views(1, 1000), views(1001, 1500)],
            [views(2, 1001), ("internal", "the disk is on fire")],  # rest 1 is not in page 1
            [views(2, 1001), views(1002, 1500)],  # whole, without rest 1
        ]
        self.notifier = self.make_notifier(args=["--socket", fake.path, "--verbose"])
        self.notifier.start()
        self.notifier.wait_log(lambda l: "rest.list: 1500 read" in l, "saying it read 1,500 rests")
        first = self.server.wait_summary("Rest: r1", timeout=5)
        self.server.wait_summary("Rest: r1500", timeout=5)
        self.assertEqual(fake.asked, [[{"limit": 1000}], [{"limit": 1000, "after": 1000}]],
                         "a page of 1000 at a time, each after the last id of the one before")

        fake.hang_up()
        line = self.notifier.wait_log(lambda l: "the disk is on fire" in l,
                                      "with the daemon's words for the failed page", timeout=5)
        self.assertEqual(line, "<4>rest.list: internal: the disk is on fire; the rests' "
                         "notifications stay as they were until they change")
        time.sleep(0.5)
        self.assertNotIn(first.id, self.server.closes(),
                         "a half list (its second page failed) closes no notification")

        fake.hang_up()  # and a whole list without rest 1 closes its notification
        self.server.wait_close(first.id, timeout=5)
        self.assertEqual(self.server.closes(), [first.id], "only rest 1 is gone")
        self.notifier.assert_running()


# ---- process life ---------------------------------------------------------------------------

class Signals(NotifyTest):
    caps = "actions body"

    def assert_prefixed(self, lines):
        bad = [l for l in lines if not re.match(r"<[0-7]>", l)]
        self.assertEqual(bad, [], "every log line starts with a priority prefix (<5>...)")

    def test_sigterm_exits_0(self):
        self.assertEqual(self.notifier.stop(signal.SIGTERM), 0,
                         "SIGTERM: exit 0; log:\n" + self.notifier.log())
        self.assert_prefixed(self.notifier.lines())

    def test_sigint_exits_0(self):
        self.assertEqual(self.notifier.stop(signal.SIGINT), 0,
                         "SIGINT: exit 0; log:\n" + self.notifier.log())

    def test_no_session_bus_exits_1(self):
        cases = {
            "DBUS_SESSION_BUS_ADDRESS pointing nowhere":
                {"DBUS_SESSION_BUS_ADDRESS": "unix:path=" + os.path.join(self.root, "no-bus")},
            "no DBUS_SESSION_BUS_ADDRESS, no $XDG_RUNTIME_DIR/bus, no X display":
                {"DBUS_SESSION_BUS_ADDRESS": None, "DISPLAY": None},
        }
        for what, env in cases.items():
            n = self.make_notifier(env=env, bus=False)
            n.start()
            rc = n.wait_exit(10)
            self.assertEqual(rc, 1, "%s: exit status 1; log:\n%s" % (what, n.log()))
            self.assertTrue(n.lines(), "%s: it says why" % what)
            self.assert_prefixed(n.lines())

    def test_version_and_help(self):
        for flag, word in (("--version", "0."), ("--help", "--socket")):
            out = subprocess.run([self.notifier.args[0], flag], capture_output=True, text=True,
                                 timeout=5)
            self.assertEqual(out.returncode, 0, "%s: %s%s" % (flag, out.stdout, out.stderr))
            self.assertIn(word, out.stdout + out.stderr, flag)


# ---- [notify] ---------------------------------------------------------------------------------

class Config(NotifyTest):
    start_notifier = False

    def start_with(self, config, **kw):
        self.notifier = self.make_notifier(config=config, **kw)
        self.notifier.start()
        self.wait_subscribed()
        self.server.wait_method("GetCapabilities")

    def test_events_rest_only_red_flags_always(self):
        # the default config: the daemon's file, $XDG_CONFIG_HOME/lumbard/lumbard.conf, whose
        # [notify] section the daemon ignores
        with open(self.daemon.config_path, "a") as f:
            f.write("\n[notify]\nevents = rest\n")
        self.client.call("daemon.reload")
        self.start_with(False, env={"XDG_CONFIG_HOME": os.path.join(self.daemon.root, "config")})
        self.remind("tea", "Tea")
        r = self.client.call("rest.start", 1, {"label": "plank", "warn": 0})
        self.routine()
        self.client.wait_event("reminders.due", timeout=5)
        self.client.wait_event("rest.finished", timeout=5, id=r["id"])
        self.client.wait_event("pain.checkin_due", timeout=5)
        self.client.call("pain.log", 3, {"symptoms": ["trauma"]})
        self.server.wait_summary("Seek urgent medical care", timeout=5)
        self.server.wait_summary("Rest: plank", timeout=1)
        time.sleep(0.7)
        summaries = [n.summary for n in self.server.notes()]
        self.assertNotIn("Reminder: tea", summaries, "events = rest: no reminders")
        self.assertNotIn("How is your back?", summaries, "events = rest: no check-ins")

    def test_bad_value_is_logged_and_the_default_used(self):
        self.start_with("[notify]\ncountdown = soon\n")
        line = self.notifier.wait_log(lambda l: "countdown" in l, "naming the key 'countdown'",
                                      timeout=5)
        self.assertIn("soon", line + self.notifier.log())
        self.notifier.assert_running("after a bad config value")
        r = self.client.call("rest.start", 3, {"label": "plank", "warn": 0})
        first = self.server.wait_summary("Rest: plank", timeout=5)
        self.client.wait_event("rest.finished", timeout=6, id=r["id"])
        over = self.server.wait_text("Rest over", timeout=3, after=first.index)
        redraws = [n for n in self.server.notes() if first.index < n.index < over.index]
        self.assertGreaterEqual(len(redraws), 2, "the default countdown (1s): a 3 s rest is "
                                "redrawn at least twice; got %r" % redraws)

    def test_timeouts_sound_and_countdown(self):
        self.start_with("[notify]\ntimeout = 30s\nrest_timeout = 3s\ncountdown = 0\nsound = no\n")
        self.remind("tea", "Tea")
        r = self.client.call("rest.start", 3, {"label": "plank", "warn": 0})
        self.routine()
        note = self.server.wait_summary("Reminder: tea", timeout=6)
        self.assertEqual(note.timeout, 30000, "timeout = 30s: %r" % note)
        check = self.server.wait_summary("How is your back?", timeout=6)
        self.assertEqual(check.timeout, 30000, "timeout = 30s: %r" % check)
        first = self.server.wait_summary("Rest: plank", timeout=1)
        self.client.wait_event("rest.finished", timeout=6, id=r["id"])
        over = self.server.wait("plank's 'Rest over'",  # not the routine's, run meanwhile
                                lambda n: n.id == first.id and "Rest over" in n.text, 3,
                                first.index)
        between = [n for n in self.server.notes()
                   if n.id == first.id and first.index < n.index < over.index]
        self.assertEqual(between, [], "countdown = 0: redrawn only when the rest changes state")
        self.assertEqual(over.timeout, 3000, "rest_timeout = 3s: %r" % over)
        for n in self.server.notes():
            self.assertNotIn("sound-name", n.hints, "sound = no: %r" % n)

    def test_sighup_reads_the_config_again(self):
        self.start_with("[notify]\nevents = rest\n")
        self.remind("a", "Not shown")
        wait_event(self.client, "reminders.due", timeout=5, name="a")
        time.sleep(0.7)
        self.assertNotIn("Reminder: a", [n.summary for n in self.server.notes()])
        self.notifier.write_config("[notify]\nevents = reminders\ntimeout = default\n")
        self.notifier.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        self.notifier.assert_running("after SIGHUP")
        self.remind("b", "Shown")
        note = self.server.wait_summary("Reminder: b", timeout=6)
        self.assertEqual(note.timeout, -1, "timeout = default: the server's own (-1): %r" % note)

    def test_a_fifo_is_refused_at_start_and_on_sighup(self):
        # read as the daemon reads it: a FIFO would hang lumbar-notify's loop
        self.notifier = self.make_notifier(config="")
        path = self.notifier.config_path
        os.remove(path)
        os.mkfifo(path)
        self.notifier.start()
        self.wait_subscribed()
        self.server.wait_method("GetCapabilities")
        refusal = ("%s is a FIFO, not a regular file; lumbar-notify reads its config only from a "
                   "regular file: replace it with one; using the defaults of [notify]" % path)
        self.notifier.wait_log(lambda l: refusal in l, "refusing the FIFO", timeout=5)
        self.notifier.proc.send_signal(signal.SIGHUP)
        self.notifier.wait_log(lambda l: "read %s again" % path in l, "after SIGHUP", timeout=5)
        self.assertEqual(self.notifier.log().count(refusal), 2, self.notifier.log())
        self.notifier.assert_running("after SIGHUP")
        self.remind("a", "Shown")  # the defaults: reminders notify
        self.server.wait_summary("Reminder: a", timeout=6)


# ---- a real notification server: dunst under Xvfb -------------------------------------------

DUNSTRC = """[global]
    font = DejaVu Sans 10
    width = 420
    origin = top-right
    offset = 10x10
    markup = full
    format = "%%s\\n%%b"
    history_length = 50
    sticky_history = yes
    idle_threshold = 0
    notification_limit = 0
    show_indicators = no

[urgency_critical]
    timeout = 0

# dunst 1.9's history does not show the urgency: a critical notification's
# text says it
[critical]
    msg_urgency = critical
    format = "CRITICAL %%s\\n%%b"
"""


class Dunst(NotifyTest):
    caps = None
    start_notifier = False

    def setUp(self):
        missing = [p for p in ("dunst", "Xvfb", "dunstctl") if shutil.which(p) is None]
        if missing:
            self.skipTest("%s not installed (apt-get install dunst xvfb)" % ", ".join(missing))
        super().setUp()
        r, w = os.pipe()
        self.xvfb_log = os.path.join(self.root, "xvfb.log")
        self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24",
                                      "-nolisten", "tcp"], pass_fds=(w,),
                                     stdout=subprocess.DEVNULL, stderr=open(self.xvfb_log, "w"))
        os.close(w)
        self.addCleanup(self.stop_proc, self.xvfb)
        # Xvfb writes the number, then "\n" in a second write: read the whole line before
        # closing the pipe (a closed pipe is fatal to it)
        got = b""
        while not got.endswith(b"\n"):
            chunk = os.read(r, 64)
            if not chunk:
                break
            got += chunk
        os.close(r)
        display = got.decode().strip()
        self.assertTrue(display, "Xvfb did not start")
        rc = os.path.join(self.root, "dunstrc")
        with open(rc, "w") as f:
            f.write(DUNSTRC % ())
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus.address, DISPLAY=":" + display)
        env.pop("WAYLAND_DISPLAY", None)
        self.dunst_log = os.path.join(self.root, "dunst.log")
        self.dunst = subprocess.Popen(["dunst", "-config", rc], env=env,
                                      stdout=open(self.dunst_log, "w"), stderr=subprocess.STDOUT)
        self.addCleanup(self.stop_proc, self.dunst)
        conn = dbus.bus.BusConnection(self.bus.address)
        self.addCleanup(conn.close)
        deadline = time.monotonic() + 10
        while not conn.name_has_owner(FDN):
            if self.dunst.poll() is not None or time.monotonic() > deadline:
                self.fail("dunst did not take %s on display :%s:\n%s\nXvfb:\n%s"
                          % (FDN, display, open(self.dunst_log).read(), open(self.xvfb_log).read()))
            time.sleep(0.05)
        self.notifier = self.make_notifier()
        self.notifier.start()
        self.wait_subscribed()

    def dunstctl(self, *args):
        return self.bus.run("dunstctl", *args).stdout.strip()

    def wait_count(self, which, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            got = int(self.dunstctl("count", which))
            if got == n:
                return
            if time.monotonic() > deadline:
                self.fail("dunstctl count %s: expected %d, got %d; lumbar-notify's log:\n%s"
                          % (which, n, got, self.notifier.log()))
            time.sleep(0.1)

    def test_reminder_rest_and_red_flag_in_dunst(self):
        self.remind("stretch", "Stand up & stretch")
        self.client.call("rest.start", 60, {"label": "abduction", "sets": 3, "warn": 0})
        self.client.wait_event("reminders.due", timeout=5)
        r = self.client.call("pain.log", 4, {"symptoms": ["saddle-numbness"]})
        advice = r["red_flags"][0]["advice"]
        self.wait_count("displayed", 3)
        time.sleep(2.2)  # the countdown is redrawn in place: still three, none closed
        self.assertEqual(int(self.dunstctl("count", "displayed")), 3)
        self.assertEqual(int(self.dunstctl("count", "history")), 0)

        self.dunstctl("close-all")
        self.wait_count("history", 3)
        time.sleep(1.5)  # a countdown closed by hand stays closed
        self.assertEqual(int(self.dunstctl("count", "displayed")), 0,
                         "the countdown came back after it was closed by hand")

        history = json.loads(self.dunstctl("history"))["data"][0]
        seen = {e["summary"]["data"]: {k: v["data"] for k, v in e.items()} for e in history}
        self.assertEqual(sorted(seen), ["Reminder: stretch", "Rest: abduction",
                                        "Seek urgent medical care"])
        for e in seen.values():
            self.assertEqual(e["appname"], "lumbard", e)
        flag = seen["Seek urgent medical care"]
        self.assertTrue(flag["message"].startswith("CRITICAL"),
                        "dunst took the red flag as critical: %r" % flag)
        self.assertEqual(plain(flag["body"]), advice, flag)
        self.assertEqual(flag["timeout"], 0, flag)
        rem = seen["Reminder: stretch"]
        self.assertEqual(plain(rem["body"]).strip(), "Stand up & stretch", rem)
        self.assertFalse(rem["message"].startswith("CRITICAL"), rem)
        self.assertIn("left", plain(seen["Rest: abduction"]["body"]))
        self.assertEqual(seen["Rest: abduction"]["category"], "x-lumbard.rest")


if __name__ == "__main__":
    unittest.main()
