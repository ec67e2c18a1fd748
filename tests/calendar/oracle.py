#!/usr/bin/python3
"""The calendar engine against systemd itself.

    oracle.py CALENDAR_TOOL

Runs `systemd-analyze calendar` (systemd 252) and lumbard's calendar_tool over the same corpus
-- systemd.time(7)'s examples, cases in the spirit of systemd's own tests, and seeded random
combinations of every feature of the grammar, valid and broken -- from many base times (ordinary
days, month ends, leap days, the nights clocks change in Europe, the US, Lord Howe and Chatham,
2024-2030) under several TZ values, and compares what they print line by line: the normalized
form, every elapse, the failure lines. Every expression systemd rejects must be rejected, with a
reason that quotes the expression and points at the bad part.

LB_CALENDAR_ORACLE_CASES=big runs a corpus ten times larger (minutes, not seconds);
LB_CALENDAR_ORACLE_SEED picks another random corpus; LB_CALENDAR_ORACLE_JOBS the parallelism.
"""
import collections
import concurrent.futures
import datetime
import os
import random
import re
import subprocess
import sys
import time
import zoneinfo

SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze"
BIG = os.environ.get("LB_CALENDAR_ORACLE_CASES", "") == "big"
SEED = int(os.environ.get("LB_CALENDAR_ORACLE_SEED", "252"))
JOBS = int(os.environ.get("LB_CALENDAR_ORACLE_JOBS", str(os.cpu_count() or 2)))
SCALE = 10 if BIG else 1
BATCH = 400  # expressions per process; both tools take many at once

ZONES = ["UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
         "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "Asia/Tehran", "Europe/Dublin"]
# Other ways to name the local zone, each with the zone whose nights its bases should cover:
# TZ unset (/etc/localtime), empty (UTC), with a colon, and bare POSIX rules (no file at all).
TZ_FORMS = [(None, "UTC"), ("", "UTC"), (":Europe/Berlin", "Europe/Berlin"),
            ("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Berlin"),
            ("EST5EDT,M3.2.0,M11.1.0", "America/New_York"),
            ("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "Australia/Lord_Howe")]
SUFFIX_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
                "Asia/Kolkata", "Europe/London", "America/Los_Angeles", "Asia/Tehran",
                "Europe/Dublin", "Etc/UTC", "GMT", "EST5EDT", "Pacific/Auckland", "posixrules"]
# Names of local zones, which systemd takes as "the local zone, in standard/daylight time".
ABBREVIATIONS = ["CET", "CEST", "GMT", "BST", "EST", "EDT", "PST", "PDT", "IST", "+0330",
                 "+1030", "+11", "+1245", "+1345", "cet", "Cest", "est"]


# ---- the corpus ----

class Case:
    __slots__ = ("expr", "features", "culprit")

    def __init__(self, expr, features, culprit=None):
        self.expr, self.features, self.culprit = expr, frozenset(features), culprit


MAN_EXAMPLES = [
    "Thu,Fri 2012-*-1,5 11:12:13", "Sat,Thu,Mon..Wed,Sat..Sun", "Mon,Sun 12-*-* 2,1:23",
    "Wed *-1", "Wed..Wed,Wed *-1", "Wed, 17:48", "Wed..Sat,Tue 12-10-15 1:2:3", "*-*-7 0:0:0",
    "10-15", "monday *-12-* 17:00", "Mon,Fri *-*-3,1,2 *:30:45", "12,14,13,12:20,10,30",
    "12..14:10,20,30", "mon,fri *-1/2-1,3 *:30:45", "03-05 08:05:40", "08:05:40", "05:40",
    "Sat,Sun 12-05 08:05:40", "Sat,Sun 08:05:40", "2003-03-05 05:40",
    "05:40:23.4200004/3.1700005", "2003-02..04-05", "2003-03-05 05:40 UTC", "2003-03-05",
    "03-05", "hourly", "daily", "daily UTC", "monthly", "weekly", "weekly Pacific/Auckland",
    "yearly", "annually", "*:2/3", "minutely", "quarterly", "semiannually", "*-02~03",
    "Mon *-05~07/1", "*-*-* *:*:*", "*:*:0/7.5",
]

# In the spirit of systemd's test-calendarspec: forms it normalizes, elapses it computes.
SYSTEMD_STYLE = [
    "Sat,Thu,Mon-Wed,Sat-Sun", "Mon,Sun 12-*-* 2,1:23", "Wed *-1", "Wed-Wed,Wed *-1",
    "Wed, 17:48", "Wed-Sat,Tue 12-10-15 1:2:3", "*-*-7 0:0:0", "10-15", "monday *-12-* 17:00",
    "Mon,Fri *-*-3,1,2 *:30:45", "12,14,13,12:20,10,30", "mon,fri *-1/2-1,3 *:30:45",
    "03-05 08:05:40", "08:05:40", "05:40", "Sat,Sun 12-05 08:05:40", "Sat,Sun 08:05:40",
    "2003-03-05 05:40", "2003-03-05 05:40 UTC", "2003-03-05", "03-05", "hourly", "daily",
    "monthly", "weekly", "yearly", "annually", "*-*-* 23:59:59.123456", "*-*-* *:*:15.25",
    "*:*:0..10/2.5", "2017-*-* 01:02:03 UTC", "*-*-* 10:45:00.123456/1", "*:00/15 UTC",
    "*-*-2..5,20..25/2 02:00", "*-*~1 00:00", "*-*~1,3 12:00", "*-02~1..3", "*-*-28~1",
    "Fri *-*-1..7 13:00", "Sun *-*~7/1 03:00", "*-12-24 18:00", "Tue..Thu *-*-* 9..17:00",
    "*-*-* 00..23/3:00", "00..06/2:00,30", "2026-02-29", "*-02-29", "*-02-30", "Mon *-02-29",
    "2199-12-31 23:59:59", "2200-01-01", "1970-01-01 00:00:00 UTC", "*-1..12/2-1..31/9",
    "@1395716396", "@0", "@1767225600 UTC", "@7258118399", "1..3/5:00", "5..5/2:00",
    "*:0/45", "*:0/59", "0..23/24:00", "*:*:0/1,5", "*:*:0.5/1", "*:*:1.9999995",
    "*:*:1.5..3", "*-*-1..31/31", "*-*~28", "*-*~7/1", "anually", "bi-annually",
    "semi-annually", "biannually", "MINUTELY", "Daily", "WEEKLY", "*~*", "*-*~*", "*-*",
    "Mon,", "Mon,Tue, 5:00", "Mon  12:00", "@ 5", "@+5", "*-*-* 02:30", "*-*-* 02:30:00",
    "*-*-* 01:30", "*-*-* 03:00", "*-*-* 02:00..03:00", "*-*-* *:30", "*-*-* *:15,45",
    "*-*-* 02:*", "*-*-* 2,3:00", "Sun *-*-* 01..03:00", "*-03,10~1..7 02:30",
    "*-*-* 00:00 America/New_York", "*-*-* 02:30 Europe/Berlin", "*:0/20 Australia/Lord_Howe",
    "*-*-* 02:45 Pacific/Chatham", "*-*-* 00:00 Asia/Tehran", "daily CET", "daily CEST",
    "hourly EST", "*:30 EDT", "Mon..Fri 07:30", "Mon,Wed,Fri 18:00 Europe/Berlin",
    "*-*-* 08,12,18:00", "Sat 10:00 Europe/London", "*:0/45:30", "*-*-* 1/5:07/11:03/17",
    "*-*-01/3 04:05", "2024..2030-02-29 12:00", "*-*-31", "Mon *-*-31", "*-02-28,29 23:59:59",
    # Edges systemd takes: 241 values in a list, 1970, "@" with a sign or a year that
    # becomes two-digit (year 37 is read as 2037), odd zones, rounding of fractions.
    "*:" + ",".join(str(i % 60) for i in range(241)), "1970-01-01 00:00:00", "@-61000000000",
    "@ -5", "@1e5", "daily posixrules", "daily GMT", "daily posix/Europe/Berlin",
    "Mon 2026-12-24 18:00 Etc/GMT+5", "tuesday", "TUESDAY,WEDNESDAY..friday", "*:*:59.9999995",
    "*:*:0/0.000001", "2024-02-29 12:00", "*-2-29", "Sun *-02-29", "Sat *-*-1..7 6:30",
    "*-*~1 23:59:59.999999", "*-*~01,03", "*-*~02,24", "*-*~1..3,5", "*:45,50",
    "*-01/5,08-* 3:06", "*-*-1,31", "*-*-2,31", "*:*:* Pacific/Chatham", "01:30 BST",
    "*:0/30 GMT", "daily IST", "daily +0330", "daily +0430", "*:15 +1345",
]

INVALID = [
    ("", None), ("UTC", None), (" UTC", None), ("daily  UTC", None), ("Mon..", "Mon.."),
    ("Mon.Fri", "Mon"), ("Mon..Wed..Fri", "Mon..Wed"), ("Fri..Mon", "Fri..Mon"),
    ("Mon Mon", "Mon"), ("Mon,,Tue", ",Tue"), ("Mondays", "Mondays"), ("Mon-05-01", "05-01"),
    ("Mon-", "Mon-"), ("*", None), ("5", None), ("*-*-* *", None), ("02~1-1", None),
    ("@-1", "@-1"), ("@18446744073709551615", None), ("@9223372036854775807", None),
    ("@99999999999", "@99999999999"), ("@7258118400", "@7258118400"), ("@5 12:00", "12:00"),
    ("@", None), ("*:*/2", "/2"), ("*/2:00", "/2"), ("*-*-*/2", "/2"), ("*:*:1.5..2", "1.5..2"),
    ("*:*:2147..2148", "2148"), ("*:*:2147", "2147"),
    ("2147483647..2147483647:00", "2147483647..2147483647"), ("5/0:00", "5/0"),
    ("5/0x", "5/0"), ("5..3:00", "5..3"), ("*-*~29", "29"), ("*-*~3/5", "3/5"),
    ("100-01-01", "100"), ("*:30/45", "30/45"), ("*:0/60", "0/60"), ("Mon 25:00", "25"),
    ("24:00", "24"), ("*:60", "60"), ("*:*:60", "60"), ("*-13-01", "13"), ("*-00-01", "0"),
    ("*-*-32", "32"), ("*-*-00", "0"), ("1969-01-01", "1969"), ("2200-01-01", "2200"),
    ("now", None), ("today", None), ("tomorrow", None), ("yesterday", None), ("epoch", None),
    ("+5min", None), ("daily europe/berlin", None), ("daily Europe/Berlin/", None),
    ("daily Europe", None), ("daily leapseconds", None), ("daily zone.tab", None),
    ("12:00:", None), ("12::00", None), ("12:00:00:00", None), ("12.5:00", "."),
    ("*:*:5.", "5."), ("*-*-1.5", None), ("2026-12-24T18:00", None), ("2026/12/24", None),
    ("Mon 2026-12-24 18:00 UTC UTC", None), ("daily UTC UTC", None), (",Mon", None),
    ("Mon, ,Tue", None), ("-Mon", None), ("Mon..Sun..Mon", None), ("*-*-1,,2", None),
    ("*-*-1,", None), ("1,:00", None), ("*-1..2..3-1", None), ("*:1..", None),
    ("*:1../2", None), ("*:..2", None),
    (" daily", None), ("daily ", None), ("\tdaily", None), ("12 :00", None), ("12: 00", None),
    ("*-*~1-1", None), ("*~1~1", None), ("x", None), ("Mon x", None), ("*~24,27", "27"),
    ("*-*~14,26..27", "26"), ("*~08,28", "28"), ("daily Europe/Berlin ", None),
    ("@0x10", None), ("*:*:0/0.0000004", "0/0.0000004"),
    (",".join(str(i % 60) for i in range(242)) + ":00", None),
    ("*:" + ",".join(str(i % 60) for i in range(242)), None),
    ("*:*:" + "9" * 30, None), ("99999999999999999999:00", None), ("*:*:18446744073710",
                                                                  None),
]

WEEKDAYS = [("Mon", "Monday"), ("Tue", "Tuesday"), ("Wed", "Wednesday"), ("Thu", "Thursday"),
            ("Fri", "Friday"), ("Sat", "Saturday"), ("Sun", "Sunday")]


def wd_name(rng, d):
    name = WEEKDAYS[d][rng.random() < 0.25]
    r = rng.random()
    if r < 0.1:
        return name.lower()
    if r < 0.15:
        return name.upper()
    if r < 0.18:
        return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)
    return name


def gen_weekdays(rng, feats):
    feats.add("weekday")
    parts = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        a = rng.randrange(7)
        if rng.random() < 0.4:
            b = rng.randrange(a, 7)
            sep = "-" if rng.random() < 0.15 else ".."
            parts.append(wd_name(rng, a) + sep + wd_name(rng, b))
            feats.add("weekday-range")
        else:
            parts.append(wd_name(rng, a))
    if len(parts) > 1:
        feats.add("weekday-list")
    s = ",".join(parts)
    if rng.random() < 0.05:
        s += ","
    return s


def num(rng, v, width):
    if width and rng.random() < 0.6:
        return str(v).zfill(width)
    return str(v)


def gen_component(rng, lo, hi, width, feats, tag, star=0.5, seconds=False):
    """One component: *, a value, a list, a range, a repetition; seconds may carry fractions."""
    if rng.random() < star:
        return "*"
    feats.add(tag)

    def value(a, b):
        if seconds and rng.random() < 0.25:
            feats.add("fraction")
            return "%d.%s" % (rng.randint(a, b), "".join(rng.choice("0123456789")
                                                         for _ in range(rng.randint(1, 8))))
        return num(rng, rng.randint(a, b), width)

    items = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        r = rng.random()
        if r < 0.45:
            items.append(value(lo, hi))
        elif r < 0.7:
            a = rng.randint(lo, hi)
            b = rng.randint(a, hi)
            items.append(value(a, a) + ".." + value(b, b))
            feats.add(tag + "-range")
        elif r < 0.85:
            a = rng.randint(lo, max(lo, (lo + hi) // 2))
            rep = rng.randint(1, max(1, (hi - lo) // 2))
            items.append(value(a, a) + "/" + (value(1, rep) if seconds else str(rep)))
            feats.add(tag + "-repeat")
        else:
            a = rng.randint(lo, hi)
            b = rng.randint(a, hi)
            rep = rng.randint(1, max(1, b - a + 1))
            items.append(value(a, a) + ".." + value(b, b) + "/" + str(rep))
            feats.add(tag + "-range")
            feats.add(tag + "-repeat")
    if len(items) > 1:
        feats.add(tag + "-list")
    return ",".join(items)


def gen_date(rng, feats):
    year = "*"
    if rng.random() < 0.3:
        feats.add("year")
        r = rng.random()
        if r < 0.5:
            year = str(rng.randint(2024, 2032))
        elif r < 0.7:
            year = str(rng.randint(24, 32))  # two digits: 20xx
            feats.add("year-2digit")
        elif r < 0.85:
            a = rng.randint(2024, 2030)
            year = "%d..%d" % (a, rng.randint(a, 2035))
        else:
            year = "%d/%d" % (rng.randint(2024, 2027), rng.randint(1, 4))
    month = gen_component(rng, 1, 12, 2, feats, "month", star=0.55)
    eom = rng.random() < 0.2
    if eom:
        feats.add("eom")
        day = gen_component(rng, 1, 7 if rng.random() < 0.8 else 28, 2, feats, "day", star=0.1)
    else:
        day = gen_component(rng, 1, 31, 2, feats, "day", star=0.45)
    sep = "~" if eom else "-"
    form = rng.random()
    if form < 0.45 or year != "*":
        return "%s-%s%s%s" % (year, month, sep, day)
    return "%s%s%s" % (month, sep, day)


def gen_time(rng, feats):
    hour = gen_component(rng, 0, 23, 2, feats, "hour", star=0.35)
    minute = gen_component(rng, 0, 59, 2, feats, "minute", star=0.3)
    if rng.random() < 0.45:
        feats.add("seconds")
        sec = gen_component(rng, 0, 59, 2, feats, "second", star=0.3, seconds=True)
        return "%s:%s:%s" % (hour, minute, sec)
    return "%s:%s" % (hour, minute)


SHORTHANDS = ["minutely", "hourly", "daily", "monthly", "weekly", "yearly", "annually",
              "anually", "quarterly", "semiannually", "semi-annually", "biannually",
              "bi-annually"]


def gen_valid(rng):
    feats = set()
    r = rng.random()
    if r < 0.08:
        s = rng.choice(SHORTHANDS)
        if rng.random() < 0.2:
            s = s.upper() if rng.random() < 0.5 else s.capitalize()
        feats.add("shorthand")
    elif r < 0.1:
        feats.add("@timestamp")
        s = "@%d" % rng.randint(1700000000, 1950000000)
    else:
        parts = []
        if rng.random() < 0.3:
            parts.append(gen_weekdays(rng, feats))
        if rng.random() < 0.6:
            parts.append(gen_date(rng, feats))
        if rng.random() < 0.8 or not parts:
            parts.append(gen_time(rng, feats))
        s = " ".join(parts)
    z = rng.random()
    if z < 0.06:
        s += rng.choice([" UTC", " utc", " Utc"])
        feats.add("zone-utc")
    elif z < 0.2:
        s += " " + rng.choice(SUFFIX_ZONES)
        feats.add("zone-iana")
    elif z < 0.25:
        s += " " + rng.choice(ABBREVIATIONS)
        feats.add("zone-abbrev")
    return Case(s, feats)


def mutate(rng, case):
    """Break a valid expression, remembering the bad part where it is clear."""
    s = case.expr
    r = rng.random()
    if r < 0.25:
        # An out-of-range value in a known place.
        bad = rng.choice([("hour", "24"), ("hour", "25"), ("hour", "99"), ("minute", "60"),
                          ("minute", "75"), ("second", "60"), ("second", "61.5"), ("day", "32"),
                          ("day", "0"), ("month", "13"), ("month", "0"), ("year", "1969"),
                          ("year", "2200"), ("eom", "29"), ("eom", "31")])
        kind, v = bad
        if kind == "hour":
            return Case("*-*-* %s:00" % v, {"invalid", "invalid-range"}, v)
        if kind == "minute":
            return Case("Mon *:%s" % v, {"invalid", "invalid-range"}, v)
        if kind == "second":
            return Case("*:*:%s" % v, {"invalid", "invalid-range"}, v)
        if kind == "day":
            return Case("*-*-%s 12:00" % v, {"invalid", "invalid-range"}, v)
        if kind == "month":
            return Case("2027-%s-01" % v, {"invalid", "invalid-range"}, v)
        if kind == "eom":
            return Case("*-*~%s" % v, {"invalid", "invalid-range"}, v)
        return Case("%s-01-01" % v, {"invalid", "invalid-range"}, v)
    if r < 0.4:
        i = rng.randrange(len(s) + 1)
        return Case(s[:i] + rng.choice(",.-~:/ *x@") + s[i:], {"invalid?", "mutation"})
    if r < 0.55 and s:
        i = rng.randrange(len(s))
        return Case(s[:i] + s[i + 1:], {"invalid?", "mutation"})
    if r < 0.65:
        return Case(s.replace("..", "...", 1) if ".." in s else s + "..",
                    {"invalid?", "mutation"})
    if r < 0.75:
        return Case(re.sub(r"/\d+", "/0", s, count=1) if "/" in s else s + "/0",
                    {"invalid?", "mutation"})
    if r < 0.85:
        return Case(s + rng.choice([" ", "  ", ",", " x", ":", " 12:00"]),
                    {"invalid?", "mutation"})
    return Case(rng.choice(["", " "]) + s.replace(" ", "  ", 1), {"invalid?", "mutation"})


def corpus(rng, n_random, n_broken):
    cases = [Case(e, {"man-example"}) for e in MAN_EXAMPLES]
    cases += [Case(e, {"systemd-style"}) for e in SYSTEMD_STYLE]
    cases += [Case(e, {"invalid", "invalid-hand"}, c) for e, c in INVALID]
    for _ in range(n_random):
        cases.append(gen_valid(rng))
    for _ in range(n_broken):
        cases.append(mutate(rng, gen_valid(rng)))
    return cases


# ---- base times ----

def transitions(zone, year):
    """The instants in year where zone's UTC offset changes (bisection on zoneinfo)."""
    tz = zoneinfo.ZoneInfo(zone)

    def off(t):
        return datetime.datetime.fromtimestamp(t, tz).utcoffset()

    start = int(datetime.datetime(year, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    end = int(datetime.datetime(year + 1, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    found, step, t = [], 86400 * 7, start
    while t < end:
        u = min(t + step, end)
        if off(t) != off(u):
            lo, hi = t, u
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if off(mid) == off(lo):
                    lo = mid
                else:
                    hi = mid
            found.append(hi)
        t = u
    return found


def bases(rng, zone, n_plain, n_dst):
    """Base times for a run under TZ=zone: (the string for --base-time=@, what kind of day)."""
    out = set()
    for y in range(2024, 2031):
        for m, d, hh, mm, ss, kind in [
                (1, 1, 0, 0, 0, "new year"), (1, 31, 23, 59, 59, "month end"),
                (2, 28, 23, 30, 0, "month end"), (2, 28, 12, 0, 0, "month end"),
                (4, 30, 12, 0, 0, "month end"), (12, 31, 23, 59, 59, "month end"),
                (6, 15, 8, 29, 59, "ordinary day")]:
            out.add((str(int(datetime.datetime(y, m, d, hh, mm, ss,
                                               tzinfo=datetime.timezone.utc).timestamp())), kind))
        if y % 4 == 0:
            for hh in (0, 12, 23):
                out.add((str(int(datetime.datetime(y, 2, 29, hh, 0, 0,
                                                   tzinfo=datetime.timezone.utc).timestamp())),
                         "leap day"))
    out = sorted(out)
    rng.shuffle(out)
    picked = out[:n_plain]
    for _ in range(max(1, n_plain // 3)):
        t = rng.randint(1704067200, 1924991999)
        picked.append(("%d.%06d" % (t, rng.randrange(1000000)) if rng.random() < 0.3 else str(t),
                       "random instant"))
    # The nights clocks change, in this zone and in the zones expressions name.
    nights = []
    for z in sorted({zone, "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                     "Pacific/Chatham"}):
        if z == "UTC":
            continue
        for y in range(2024, 2031):
            nights += [(z, t) for t in transitions(z, y)]
    rng.shuffle(nights)
    own = [n for n in nights if n[0] == zone]
    other = [n for n in nights if n[0] != zone]
    chosen = own[:n_dst] + other[:max(1, n_dst // 3)]
    for z, t in chosen:
        for delta in rng.sample([-86400 - 1800, -7200, -3601, -3600, -1801, -1, 0, 1, 1799,
                                 3599, 3600, 5400, 7200], 3):
            picked.append((str(t + delta), "DST night, %s" % ("local zone" if z == zone
                                                              else "a named zone")))
    return picked


# ---- running and comparing ----

def run(cmd, tz):
    env = dict(os.environ, LC_ALL="C", SYSTEMD_COLORS="0", SYSTEMD_PAGER="cat")
    env.pop("TZ", None)
    if tz is not None:
        env["TZ"] = tz
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def blocks(stdout, n):
    """One list of lines per expression (a blank line separates them)."""
    out, cur = [], []
    for line in stdout.split("\n")[:-1] if stdout.endswith("\n") else stdout.split("\n"):
        if line == "":
            out.append(cur)
            cur = []
        else:
            cur.append(line)
    out.append(cur)
    return out if len(out) == n else None


def compare(job):
    """Both tools on one batch."""
    tool, tz, (base, kind), iters, cases = job
    exprs = [c.expr for c in cases]
    args = ["--base-time=@" + base, "--iterations=%d" % iters]
    expected = run([SYSTEMD_ANALYZE, "calendar"] + args + ["--"] + exprs, tz)
    problems, counts = compare_one(tz, base, cases, expected,
                                   run([tool] + args + ["--explain", "--"] + exprs, tz), "")
    counts["base: " + kind] += len(cases)
    return problems, counts


UTC_LINE = re.compile(r"\(in UTC\): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC$")


def utc_elapses(block):
    return [int(datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
                .replace(tzinfo=datetime.timezone.utc).timestamp())
            for m in (UTC_LINE.search(line) for line in block) if m]


def before_base_quirk(base, x, y):
    """systemd 252 can answer an elapse before its base: an event naming the
    daylight time ("... CEST"), asked from the hour repeated when the clocks
    go back, matches that hour's first pass. The engine answers the first of
    systemd's elapses after the base instead (or never, when none is). True
    when x (systemd) and y (the engine) differ only so."""
    sx, sy = utc_elapses(x), utc_elapses(y)
    b = float(base)
    if not sx or sx[0] > b or x[:2] != y[:2] or any(u <= b for u in sy):
        return False
    after = [u for u in sx if u > b]
    n = min(len(after), len(sy))
    return sy[:n] == after[:n] and (sy or not after)


def compare_one(tz, base, cases, expected, got, mode):
    exprs = [c.expr for c in cases]
    rc1, out1, err1 = expected
    rc2, out2, err2 = got
    problems = []
    where = "TZ=%s base=@%s%s" % ("(unset)" if tz is None else repr(tz), base, mode)
    b1 = blocks("\n".join(l for l in out1.split("\n") if not l.lstrip().startswith("From now:")),
                len(exprs))
    b2 = blocks(out2, len(exprs))
    if b1 is None or b2 is None:
        problems.append("%s: could not split the outputs into %d expressions" % (where,
                                                                                 len(exprs)))
        return problems, {}
    e1 = err1.splitlines()
    e2 = [l for l in err2.splitlines() if not l.startswith("Reason:")]
    reasons = {}
    lines = err2.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("Failed to parse calendar specification '") and i + 1 < len(lines) \
                and lines[i + 1].startswith("Reason: "):
            reasons.setdefault(l, []).append(lines[i + 1][len("Reason: "):])
    if e1 != e2:
        for i in range(max(len(e1), len(e2))):
            x = e1[i] if i < len(e1) else "(nothing)"
            y = e2[i] if i < len(e2) else "(nothing)"
            if x != y:
                problems.append("%s: stderr line %d\n    expected: %s\n    got:      %s"
                                % (where, i + 1, x, y))
                break
    if rc1 != rc2:
        problems.append("%s: exit status %d expected, got %d" % (where, rc1, rc2))
    counts = collections.Counter()
    for case, x, y in zip(cases, b1, b2):
        if x != y and before_base_quirk(base, x, y):
            counts["systemd answered before its base; the engine, the next elapse after it"] += 1
            continue
        if x != y:
            problems.append("%s expr %r\n    expected: %s\n    got:      %s"
                            % (where, case.expr, " | ".join(x) or "(failure)",
                               " | ".join(y) or "(failure)"))
            continue
        ok = bool(x)
        feats = set(case.features)
        if "invalid?" in feats:
            feats.discard("invalid?")
            feats.add("mutation-accepted" if ok else "mutation-rejected")
        if "invalid" in feats and ok:
            feats.add("invalid-but-accepted-by-systemd")
        for f in feats:
            counts[f] += 1
        counts["expressions"] += 1
        counts["elapses compared"] += sum(1 for l in x if re.match(r"\s*(Next elapse|Iter\.)", l)
                                          and not l.endswith("never"))
        if not ok and mode == "":
            counts["rejections compared"] += 1
            # The reason must quote the expression and, where the bad part is known, name it.
            failed = "Failed to parse calendar specification '%s': " % case.expr
            key = next((k for k in reasons if k.startswith(failed)), None)
            why = reasons.get(key, [None])[0] if key else None
            if key and why is None:
                problems.append("%s expr %r: no reason given" % (where, case.expr))
            elif key:
                prefix = '"%s": ' % (case.expr if len(case.expr) <= 64
                                     else case.expr[:60] + "...")
                if not why.startswith(prefix) or len(why) == len(prefix):
                    problems.append("%s expr %r: the reason %r does not quote the expression"
                                    % (where, case.expr, why))
                elif case.culprit and case.culprit not in why[len(prefix):]:
                    problems.append("%s expr %r: the reason %r does not point at %r"
                                    % (where, case.expr, why, case.culprit))
    return problems, counts


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: oracle.py CALENDAR_TOOL")
    tool = sys.argv[1]
    if not os.access(SYSTEMD_ANALYZE, os.X_OK):
        print("SKIP: %s is not installed" % SYSTEMD_ANALYZE)
        sys.exit(77)
    version = subprocess.run([SYSTEMD_ANALYZE, "--version"], capture_output=True,
                             text=True).stdout.split()
    if version[:2] != ["systemd", "252"]:
        print("note: the oracle is %s, the engine imitates systemd 252" % " ".join(version[:3]))
    rng = random.Random(SEED)
    started = time.monotonic()

    jobs = []
    # Parsing and normalizing: everything, once per zone that changes what parses (local
    # abbreviations), one elapse each.
    everything = corpus(rng, 1500 * SCALE, 700 * SCALE)
    for tz in ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tehran", "Australia/Lord_Howe",
               None, "CET-1CEST,M3.5.0,M10.5.0/3"]:
        for i in range(0, len(everything), BATCH):
            jobs.append((tool, tz, ("1767225600", "new year"), 1, everything[i:i + BATCH]))
    # Elapses: valid expressions from many bases, several iterations, in every zone. Each base
    # gets the man page's examples, a share of the hand-written cases and fresh random ones
    # (systemd forks for every elapse of a zone-suffixed event, which is what costs time).
    for tz, like in [(z, z) for z in ZONES] + TZ_FORMS:
        forms = tz != like or tz is None
        for base in bases(rng, like, (1 if forms else 3) * SCALE, (1 if forms else 3) * SCALE):
            pick = [Case(e, {"man-example"}) for e in MAN_EXAMPLES]
            pick += [Case(e, {"systemd-style"}) for e in rng.sample(SYSTEMD_STYLE, 60)]
            pick += [gen_valid(rng) for _ in range(40 * SCALE)]
            for i in range(0, len(pick), BATCH):
                jobs.append((tool, tz, base, 5, pick[i:i + BATCH]))
    problems, counts, groups = [], collections.Counter(), collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as ex:
        for (p, c), job in zip(ex.map(compare, jobs), jobs):
            problems += p
            counts.update(c)
            groups["(unset)" if job[1] is None else job[1] or '""'] += len(job[4])

    elapsed = time.monotonic() - started
    print("calendar oracle: %s corpus, seed %d, %d runs of systemd-analyze, each against the "
          "engine, %.1f s"
          % ("big" if BIG else "normal", SEED, len(jobs), elapsed))
    print("\nexpressions compared per TZ:")
    for tz, n in sorted(groups.items()):
        print("  %-22s %7d" % (tz, n))
    print("\ncases compared per feature:")
    for f, n in sorted(counts.items()):
        print("  %-34s %7d" % (f, n))
    if problems:
        print("\n%d DIFFERENCES; the first ones:" % len(problems))
        for p in problems[:25]:
            print("- " + p)
        sys.exit(1)
    print("\nno differences")


if __name__ == "__main__":
    main()
