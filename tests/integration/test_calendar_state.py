"""reminders.preview answers from its arguments and the time zone alone
(DESIGN.md, §6): a daemon that has just started and one that first answered
a thousand other previews -- other eras, other zones, every kind of suffix --
give the same elapses for the schedules whose answer once hung on glibc's
memory: a suffix that is a name of the local zone (+11 under Lord Howe, +00
and +01 under Casablanca, MSD under Moscow), a base inside an hour that comes
twice without a change of DST flag (Moscow 2014, Caracas 2007), and elapses
in the last microseconds of a second, which preview answers down to the
second as systemd-analyze prints them. Where systemd-analyze is installed,
both daemons' answers are also what it prints when run for that one
schedule."""
import datetime
import os
import random
import shutil
import subprocess
import unittest

from lbtest import Client, Daemon, RpcError

SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze"
NOISE = 1000

# Bases and schedules from anywhere, for the busy daemon: eras whose zone
# names or offsets differ from today's (1983, 2010-2014, before 2018...),
# and suffixes of every kind.
ERAS = [(0, 7258118399), (347155200, 504921599), (1262304000, 1414270800),
        (1197181800, 1197185400), (1414270800, 1414278000), (1500000000, 1540691999),
        (1577836800, 1663788600)]
SUFFIXES = ["", "", "", "", "", "", " UTC", " Europe/Moscow", " America/Caracas", " Pacific/Apia",
            " Australia/Lord_Howe", " Africa/Casablanca", " Asia/Tehran", " Europe/Berlin",
            " +11", " +1130", " +1030", " +00", " +01", " MSK", " MSD", " -04", " -0430",
            " +0430", " CET", " CEST"]
BODIES = ["minutely", "hourly", "daily", "*:0/15", "*:0/10", "*-*-* 01:30", "*-*-* 02:45",
          "Mon..Fri 09:00", "*:*:0.9995", "*:*:0/0.5", "Sat,Sun *:00/30", "*-*~1 12:00",
          "quarterly", "*-02-29 00:00", "Wed *-*-1..7 18:00"]


def noise(rng):
    """One preview request from anywhere."""
    return (rng.choice(BODIES) + rng.choice(SUFFIXES), rng.randint(1, 5),
            rng.randint(*rng.choice(ERAS)))


class StateTest(unittest.TestCase):
    tz = None
    tricky = []  # (schedule, count, base)

    def daemon(self):
        d = Daemon(builtin_plugins=True, env={"TZ": self.tz})
        self.addCleanup(d.cleanup)
        d.start()
        c = Client(d.socket)
        self.addCleanup(c.close)
        return c

    def previews(self, c):
        out = []
        for schedule, count, base in self.tricky:
            try:
                out.append(c.call("reminders.preview", schedule, count, base))
            except RpcError as e:
                out.append((e.code, e.message))
        return out

    def test_a_busy_daemon_answers_as_a_fresh_one(self):
        fresh = self.previews(self.daemon())
        busy = self.daemon()
        rng = random.Random(252)
        refused = 0
        # Each schedule twice, each time after its share of the thousand others.
        share = NOISE // (2 * len(self.tricky))
        for round_ in (1, 2):
            for (schedule, count, base), want in zip(self.tricky, fresh):
                for _ in range(share):
                    try:
                        busy.call("reminders.preview", *noise(rng))
                    except RpcError as e:
                        self.assertEqual(e.code, "invalid_params", e.message)
                        refused += 1
                try:
                    got = busy.call("reminders.preview", schedule, count, base)
                except RpcError as e:
                    got = (e.code, e.message)
                self.assertEqual(got, want, "preview(%r, %d, %d) under TZ=%s, asked after %d "
                                 "other previews: not what a fresh daemon answers"
                                 % (schedule, count, base, self.tz, share * round_))
        self.assertLess(refused, NOISE // 2, "the others should be mostly schedules that parse")

    def test_a_fresh_daemon_answers_as_systemd_analyze(self):
        if not shutil.which(SYSTEMD_ANALYZE):
            self.skipTest("systemd-analyze is not installed")
        got = self.previews(self.daemon())
        for (schedule, count, base), answer in zip(self.tricky, got):
            want = systemd_analyze(self.tz, schedule, count, base)
            self.assertEqual(answer if isinstance(answer, list) else "refused", want,
                             "preview(%r, %d, %d) under TZ=%s" % (schedule, count, base,
                                                                  self.tz))


def systemd_analyze(tz, schedule, count, base):
    """systemd-analyze calendar for this schedule alone: its elapses in unix
    seconds, as it prints them, or "refused"."""
    out = subprocess.run([SYSTEMD_ANALYZE, "calendar", "--base-time=@%d" % base,
                          "--iterations=%d" % count, "--", schedule], capture_output=True,
                         text=True, env=dict(os.environ, TZ=tz, LC_ALL="C"))
    if out.returncode != 0:
        return "refused"
    lines = [l.split(": ", 1)[1] for l in out.stdout.splitlines()
             if l.strip().startswith("(in UTC):")]
    return [int(datetime.datetime.strptime(l, "%a %Y-%m-%d %H:%M:%S UTC")
                .replace(tzinfo=datetime.timezone.utc).timestamp()) for l in lines]


NEW_YEAR_2026 = 1767225600
YEAR_1983 = 410227200


class LordHowe(StateTest):
    """+1030 and +11 are Lord Howe's names; before 1986 its DST was +1130."""
    tz = "Australia/Lord_Howe"
    tricky = [("daily +11", 3, NEW_YEAR_2026), ("*:0/30 +1030", 3, NEW_YEAR_2026),
              ("Mon..Fri 09:00 +11", 3, YEAR_1983), ("daily +1130", 2, NEW_YEAR_2026),
              ("*:*:0.9995", 3, NEW_YEAR_2026), ("*-*-* 01:45", 3, 1775314800 - 7200),
              ("*-*-* 02:15", 3, 1791041400 - 7200)]


class Casablanca(StateTest):
    """+01 is Casablanca's standard time since 2018 and +00 its DST in Ramadan,
    the other way round before."""
    tz = "Africa/Casablanca"
    tricky = [("daily +01", 3, NEW_YEAR_2026), ("daily +00", 3, 1772323200),
              ("*:0/30 +00", 3, 1771120800 - 1800), ("Mon..Fri 09:00 +01", 3, YEAR_1983),
              ("*-*-* 02:30", 3, 1771120800 - 86400), ("*-*-* 02:30", 3, 1774144800 - 86400)]


class Moscow(StateTest):
    """01:00-02:00 came twice on 2014-10-26 (+04, then +03), both without DST."""
    tz = "Europe/Moscow"
    tricky = [("minutely", 3, 1414272600), ("minutely", 3, 1414276200),
              ("*:0/15", 5, 1414270200), ("*-*-* 01:30", 2, 1414270200), ("daily MSK", 2,
                                                                            NEW_YEAR_2026),
              ("daily MSD", 2, 1277942400), ("*:*:59.999999", 3, 1414274399),
              ("*:0/20 America/Caracas", 4, 1197181200)]


class Caracas(StateTest):
    """02:30-03:00 came twice on 2007-12-09 (-04, then -0430) and was skipped on
    2016-05-01, without DST."""
    tz = "America/Caracas"
    tricky = [("*:0/10", 3, 1197181200), ("*-*-* 02:45", 2, 1197181200),
              ("minutely", 3, 1197183000), ("*:0/15", 3, 1197183300),
              ("*:0/10", 3, 1462084200), ("*-*-* 02:45", 2, 1462084200), ("daily -04", 2,
                                                                            NEW_YEAR_2026),
              ("daily -0430", 2, 1277942400), ("*:*:0/0.5", 4, 1197183000),
              ("minutely Europe/Moscow", 3, 1414272600)]


if __name__ == "__main__":
    unittest.main()
