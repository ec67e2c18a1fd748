#!/usr/bin/python3
"""The calendar engine against systemd itself.

    oracle.py CALENDAR_TOOL [LUMBARD]

Runs `systemd-analyze calendar` (systemd 252) and lumbard's calendar_tool over the same corpus
-- systemd.time(7)'s examples, cases in the spirit of systemd's own tests, and seeded random
combinations of every feature of the grammar, valid and broken -- from many base times (ordinary
days, month ends, leap days, the nights clocks change in Europe, the US, Lord Howe and Chatham,
2024-2030) under several TZ values, and compares what they print line by line: the normalized
form, every elapse, the failure lines. Every expression systemd rejects must be rejected, with a
reason that quotes the expression and points at the bad part.

The engine answers each expression as a systemd-analyze run for it alone does, whatever was asked
before. A systemd-analyze given many expressions may not: glibc's tzname (which names of the local
zone it recognises) and the offset glibc's mktime guesses from (which pass of an hour repeated
without a change of DST flag it takes) carry over from one expression to the next. So an
expression whose answer can depend on them -- one ending in a name of the local zone, one asked
from inside such a repeated hour, or in a zone of its own whose elapses fall there while the local
zone is not UTC -- is compared with a systemd-analyze run for it alone. Further sections: the
nights a zone's offset changes without a change of DST flag, or by half an hour, or by a day
(Moscow 2011 and 2014, Caracas 2007 and 2016, Samoa 2011, Casablanca's Ramadan, Lord Howe, Tehran),
in the zone itself and named by a suffix; every name of the local zone, under many TZ values; and
a history: many requests, each tricky one asked twice with random others between (other bases,
eras and zones), in one calendar_tool process and, given LUMBARD, in one daemon through
reminders.preview, whose answers must be systemd's elapses down to the second.

LB_CALENDAR_ORACLE_CASES=big runs a corpus ten times larger (minutes, not seconds);
LB_CALENDAR_ORACLE_SEED picks another random corpus; LB_CALENDAR_ORACLE_JOBS the parallelism;
LB_CALENDAR_ORACLE_SHOW how many differences are printed (25).
"""
import collections
import concurrent.futures
import datetime
import os
import functools
import random
import re
import struct
import subprocess
import sys
import time
import zoneinfo

SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze"
BIG = os.environ.get("LB_CALENDAR_ORACLE_CASES", "") == "big"
SEED = int(os.environ.get("LB_CALENDAR_ORACLE_SEED", "252"))
JOBS = int(os.environ.get("LB_CALENDAR_ORACLE_JOBS", str(os.cpu_count() or 2)))
SCALE = 10 if BIG else 1
SHOW = int(os.environ.get("LB_CALENDAR_ORACLE_SHOW", "25"))  # differences printed
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
                "Europe/Dublin", "Etc/UTC", "GMT", "EST5EDT", "Pacific/Auckland", "posixrules",
                "Europe/Moscow", "America/Caracas", "Pacific/Apia", "Africa/Casablanca"]
# Names of local zones, which systemd takes as "the local zone, in standard/daylight time".
ABBREVIATIONS = ["CET", "CEST", "GMT", "BST", "EST", "EDT", "PST", "PDT", "IST", "+0330",
                 "+1030", "+11", "+1245", "+1345", "cet", "Cest", "est", "+1130", "+01", "+00",
                 "MSK", "MSD", "msk", "-04", "-0430", "+14", "+13", "-10", "-11", "+0430", "LMT"]
# Zones whose offset changed without a change of DST flag, by half an hour, or by a day, and the
# years they did: (zone, year, what).
SPECIAL_NIGHTS = [
    ("Europe/Moscow", 2011, "Moscow keeps summer time: +03 to +04, no DST flag"),
    ("Europe/Moscow", 2014, "Moscow back to +03: 01:00-02:00 twice, no DST flag"),
    ("America/Caracas", 2007, "Caracas to -0430: 02:30-03:00 twice, no DST flag"),
    ("America/Caracas", 2016, "Caracas back to -04: 02:30-03:00 skipped, no DST flag"),
    ("Pacific/Apia", 2011, "Samoa skips 2011-12-30, DST on both sides"),
    ("Africa/Casablanca", 2018, "Casablanca: DST for good, then the flag alone changes"),
    ("Africa/Casablanca", 2026, "Casablanca's Ramadan: +00 is its DST"),
    ("Australia/Lord_Howe", 2026, "Lord Howe's half-hour DST"),
    ("Asia/Tehran", 2022, "Tehran's last DST"),
]
# The local zones whose names are tried as suffixes: every form TZ takes.
ABBREVIATION_TZS = [None, "", "UTC", "Europe/Berlin", ":Europe/Berlin", "Europe/London",
                    "Europe/Dublin", "America/New_York", "America/Los_Angeles",
                    "Australia/Lord_Howe", "Africa/Casablanca", "Europe/Moscow",
                    "America/Caracas", "Asia/Tehran", "Pacific/Apia", "Pacific/Chatham",
                    "Asia/Kolkata", "CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0",
                    "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"]
# Expressions that walk through those nights: every minute, quarter, hour, the repeated hours,
# and elapses in the last microseconds of a second.
TRICKY = ["minutely", "*:0/15", "*:0/10", "*:05/20", "hourly", "*:30", "*:15,45", "*-*-* 01:30",
          "*-*-* 02:45", "*-*-* 02:30:00", "daily", "*-*-* 23:59:59", "*:*:0.9995",
          "*:*:59.999999", "*:*:0/0.5", "*:*:0.25/0.5", "*-*-* 00:00:00.999999",
          "Sun *-*-* 01..03:00", "*-*-29..31 00:00", "Sat,Sun *:00/30"]


# ---- what glibc reads: zone files and TZ ----

ZONEINFO = "/usr/share/zoneinfo"


@functools.lru_cache(maxsize=None)
def tzif(path):
    """A TZif file's transitions [(unix time, utoff, isdst, name)], every name in it (footer's
    too) and whether every offset is 0; None when it is no TZif file."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if data[:4] != b"TZif":
        return None

    def block(at, size):
        isut, isstd, leap, n, ntypes, nchars = struct.unpack(">6l", data[at + 20:at + 44])
        p = at + 44
        times = struct.unpack(">%d%s" % (n, "q" if size == 8 else "l"), data[p:p + n * size])
        p += n * size
        idx = data[p:p + n]
        p += n
        types = [struct.unpack(">lBB", data[p + 6 * i:p + 6 * i + 6]) for i in range(ntypes)]
        p += 6 * ntypes
        chars = data[p:p + nchars]
        p += nchars + leap * (size + 4) + isstd + isut
        return times, idx, types, chars, p

    times, idx, types, chars, end = block(0, 4)
    footer = ""
    if data[4] >= ord("2"):
        times, idx, types, chars, end = block(end, 8)
        footer = data[end:].split(b"\n")[1].decode()

    def name(i):
        return chars[i:chars.index(b"\0", i)].decode()

    changes = [(t, types[i][0], types[i][1], name(types[i][2])) for t, i in zip(times, idx)]
    names = {name(t[2]) for t in types} | set(posix_names(footer))
    return changes, names, all(t[0] == 0 for t in types)


def posix_names(spec):
    """The zone names a POSIX TZ string spells ("CET-1CEST,M3.5.0,M10.5.0/3": CET, CEST)."""
    m = re.match(r"(<[^>]*>|[A-Za-z]{3,})[-+0-9:]*(<[^>]*>|[A-Za-z]{3,})?", spec or "")
    return [n.strip("<>") for n in (m.groups() if m else ()) if n]


def zone_path(tz):
    """The file glibc reads for TZ=tz, or None when it parses tz as a POSIX string."""
    if tz is None:
        return "/etc/localtime"
    if tz == "":
        return os.path.join(ZONEINFO, "Universal")
    name = tz[1:] if tz.startswith(":") else tz
    path = name if name.startswith("/") else os.path.join(ZONEINFO, name)
    return path if tzif(path) else None


@functools.lru_cache(maxsize=None)
def local_zone(tz):
    """What can make systemd's answers under TZ=tz depend on what it was asked before: the names
    glibc's tzname may hold (lower case), the stretches of instants [from, to) whose local time
    comes twice without a change of DST flag, and whether the zone is UTC throughout (its mktime
    guess is then always 0)."""
    path = zone_path(tz)
    if path is None:
        return frozenset(n.lower() for n in posix_names(tz)), (), False
    changes, names, utc = tzif(path)
    return frozenset(n.lower() for n in names), folds(changes), utc


def folds(changes):
    out = []
    for (t0, off0, dst0, _), (t1, off1, dst1, _) in zip(changes, changes[1:]):
        if dst0 == dst1 and off1 < off0:
            out.append((t1 - (off0 - off1), t1 + (off0 - off1)))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def suffix_zone(expr):
    """The zone an expression is evaluated in when it names one (systemd.time(7)'s last word),
    "UTC" for UTC, None for the local zone. (A name of the local zone comes first in systemd; the
    callers ask about those before.)"""
    if expr.lower().endswith(" utc"):
        return "UTC"
    word = expr.rsplit(" ", 1)[-1] if " " in expr else ""
    if not word or word.startswith("/") or "//" in word or word.endswith("/") \
            or not re.fullmatch(r"[A-Za-z0-9_+/-]+", word):
        return None
    if not tzif(os.path.join(ZONEINFO, word)) or os.path.isdir(os.path.join(ZONEINFO, word)):
        return None
    return "UTC" if word == "UTC" else word


def ends_in_local_name(expr, tz):
    low = expr.lower()
    if low.endswith(" utc"):
        return False
    return any(low.endswith(" " + n) and len(low) > len(n) + 1 for n in local_zone(tz)[0])


def in_fold(stretches, start):
    return any(a <= start < b for a, b in stretches)


def base_start(base):
    """The second systemd starts its search in: one microsecond after the base."""
    sec, _, frac = base.partition(".")
    return (int(sec) * 1000000 + int((frac + "000000")[:6]) + 1) // 1000000


def alone_first(expr, tz, base):
    """Whether systemd's answer for expr may depend on the expressions before it in one run, as
    far as the expression and its base tell: it ends in a name of the local zone, or it is
    evaluated in the local zone from inside an hour repeated without a change of DST flag."""
    if ends_in_local_name(expr, tz):
        return True
    return suffix_zone(expr) is None and in_fold(local_zone(tz)[1], base_start(base))


def alone_after(expr, tz, base, block):
    """Whether, seen its elapses in a run of many, an expression in a zone of its own started a
    search inside an hour of that zone repeated without a change of DST flag: systemd then
    searches in a child that starts from the guess the parent's mktime left, which a local zone
    other than UTC moves."""
    zone = suffix_zone(expr)
    if zone in (None, "UTC") or local_zone(tz)[2]:
        return False
    stretches = local_zone(":" + zone)[1]
    starts = [base_start(base)] + [t + d for t in utc_elapses(block)[:-1] for d in (0, 1)]
    return any(in_fold(stretches, t) for t in starts)


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


def gen_valid(rng, suffix=True):
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
    z = rng.random() if suffix else 1
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
    if stdout == "":
        return [[]] if n == 1 else None
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
    """Both tools on one batch; an expression whose systemd answer may depend on the ones before
    it, against a systemd-analyze run for it alone."""
    tool, tz, (base, kind), iters, cases = job
    args = ["--base-time=@" + base, "--iterations=%d" % iters]
    alone = [c for c in cases if alone_first(c.expr, tz, base)]
    batch = [c for c in cases if not alone_first(c.expr, tz, base)]
    problems, counts = [], collections.Counter()
    if batch:
        exprs = [c.expr for c in batch]
        expected = run([SYSTEMD_ANALYZE, "calendar"] + args + ["--"] + exprs, tz)
        got = run([tool] + args + ["--explain", "--"] + exprs, tz)
        b1 = blocks(strip_from_now(expected[1]), len(exprs)) or []
        later = [c for c, x in zip(batch, b1) if alone_after(c.expr, tz, base, x)]
        p, n = compare_one(tz, base, batch, expected, got, "", skip=later)
        problems += p
        counts.update(n)
        alone += later
    for case in alone:
        expected = run([SYSTEMD_ANALYZE, "calendar"] + args + ["--", case.expr], tz)
        got = run([tool] + args + ["--explain", "--", case.expr], tz)
        p, n = compare_one(tz, base, [case], expected, got, " (asked alone)")
        problems += p
        counts.update(n)
        counts["compared with a systemd-analyze run for it alone"] += 1
    counts["base: " + kind] += len(cases)
    return problems, counts


def strip_from_now(out):
    return "\n".join(l for l in out.split("\n") if not l.lstrip().startswith("From now:"))


UTC_LINE = re.compile(r"^\s*(\(in UTC\)|Next elapse|Iter\. #\d+): \w+ "
                      r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC$")


def utc_elapses(block):
    """The elapses of one expression's table, unix seconds: its "(in UTC)" lines, or when the
    local zone is UTC (there are none), its elapses themselves."""
    found = [(m.group(1), m.group(2)) for m in (UTC_LINE.search(line) for line in block) if m]
    if any(k == "(in UTC)" for k, _ in found):
        found = [f for f in found if f[0] == "(in UTC)"]
    return [int(datetime.datetime.strptime(v, "%Y-%m-%d %H:%M:%S")
                .replace(tzinfo=datetime.timezone.utc).timestamp()) for _, v in found]


def before_base_quirk(base, x, y):
    """systemd 252 can answer an elapse that is not after its base, or not after
    the iteration before it: an event naming the daylight time ("... CEST"),
    asked from the hour repeated when the clocks go back, matches that hour's
    first pass; so does a search that starts in the second pass of an hour
    repeated without a change of DST flag west of UTC (Caracas 2007), whose
    first normalization takes the first pass. The engine answers the first of
    systemd's elapses after that start instead, or never when none is; and
    when systemd's iterations do not get past it (they may go round the first
    pass for ever), an elapse after it of its own. True when x (systemd) and y
    (the engine) differ only so: the same up to systemd's step back, the
    engine's elapses from there on none before the one before, and those after
    it equal to systemd's after it, as far as both go. (Both print whole
    seconds: *:*:0.9995 from @T answers T too.)"""
    sx, sy = utc_elapses(x), utc_elapses(y)
    prev, k = int(float(base)), None
    for i, u in enumerate(sx):
        if u < prev:
            k = i
            break
        prev = u
    if k is None or x[:2] != y[:2] or sx[:k] != sy[:k]:
        return False
    rest = sy[k:]
    if any(b < a for a, b in zip([prev] + rest, rest)):
        return False
    after = [u for u in sx[k:] if u > prev]
    ours = [u for u in rest if u > prev]
    n = min(len(after), len(ours))
    return ours[:n] == after[:n] and (rest or not after)


def compare_one(tz, base, cases, expected, got, mode, skip=()):
    """Compare the two runs of cases, but for those in skip (compared elsewhere), whose failure
    lines are left out of the comparison of stderr too."""
    exprs = [c.expr for c in cases]
    rc1, out1, err1 = expected
    rc2, out2, err2 = got
    problems = []
    where = "TZ=%s base=@%s%s" % ("(unset)" if tz is None else repr(tz), base, mode)
    b1 = blocks(strip_from_now(out1), len(exprs))
    b2 = blocks(out2, len(exprs))
    if b1 is None or b2 is None:
        problems.append("%s: could not split the outputs into %d expressions" % (where,
                                                                                 len(exprs)))
        return problems, {}
    skipped = {c.expr for c in skip}
    quoted = ["'%s'" % c.expr for c in skip] + ['"%s"' % c.expr for c in skip]
    quoted += [l.split(": ", 1)[1] for c, x in zip(cases, b1) if c.expr in skipped
               for l in x if "Normalized form:" in l]

    def kept(line):
        return not any(q in line for q in quoted)

    e1 = [l for l in err1.splitlines() if kept(l)]
    e2 = [l for l in err2.splitlines() if not l.startswith("Reason:") and kept(l)]
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
    if rc1 != rc2 and not skip:
        problems.append("%s: exit status %d expected, got %d" % (where, rc1, rc2))
    counts = collections.Counter()
    for case, x, y in zip(cases, b1, b2):
        if case.expr in skipped:
            continue
        if x != y and before_base_quirk(base, x, y):
            counts["systemd went back before its base; the engine, after it"] += 1
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
        if not ok:
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


# ---- the nights offsets change otherwise, and the local zone's names ----

def changes_in(zone, year):
    """zone's changes in year (every entry of its file there, DST flag alone included, and what
    its rules add): [(instant, seconds the clocks move, what)]."""
    start = int(datetime.datetime(year, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    end = int(datetime.datetime(year + 1, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    table = tzif(zone_path(":" + zone))[0]
    out = {}
    for before, after in zip(table, table[1:]):
        if start <= after[0] < end:
            kind = "DST flag alone" if after[1] == before[1] else \
                "no change of DST flag" if after[2] == before[2] else "a DST change"
            out[after[0]] = (after[1] - before[1], kind)
    tz = zoneinfo.ZoneInfo(zone)
    for t in transitions(zone, year):
        if t not in out:
            move = datetime.datetime.fromtimestamp(t, tz).utcoffset() - \
                datetime.datetime.fromtimestamp(t - 1, tz).utcoffset()
            out[t] = (int(move.total_seconds()), "a DST change")
    return sorted((t, move, kind) for t, (move, kind) in out.items())


def special_jobs(tool, rng):
    """SPECIAL_NIGHTS: bases inside each pass of the repeated or skipped time and around it, in
    the zone itself (local events), named by a suffix under UTC, and under Berlin (whose mktime
    guess is not UTC's: the suffixed events that start a search in a repeated hour are then asked
    alone)."""
    jobs = []
    local = TRICKY if BIG else TRICKY[:14]
    named = TRICKY if BIG else rng.sample(TRICKY, 6)
    for zone, year, what in SPECIAL_NIGHTS:
        for t, move, kind in changes_in(zone, year):
            d = max(abs(move), 1800)
            inside = [-d, -d // 2, -1, 0, d // 2, d - 1]
            outside = [-86400 - 1800, -d - 1, d, d + 1800, 86400]
            deltas = inside + outside if BIG else \
                [-d // 2, -1, 0, d // 2] + rng.sample(outside, 2)
            label = "%s (%s)" % (what, kind)
            for delta in deltas:
                base = str(t + delta) if rng.random() < 0.8 else "%d.999999" % (t + delta)
                cases = [Case(e, {"night: " + label}) for e in local]
                cases += [Case(gen_valid(rng, suffix=False).expr, {"night: " + label})
                          for _ in range(4 * SCALE)]
                jobs.append((tool, ":" + zone, (base, "a night " + label), 5, cases))
                sfx = [Case(e + " " + zone, {"night, named: " + label})
                       for e in named + [c.expr for c in cases[len(local):]][:2 * SCALE]]
                jobs.append((tool, "UTC", (base, "a night, named " + label), 3, sfx))
                if local_zone(":" + zone)[1]:
                    jobs.append((tool, "Europe/Berlin", (base, "a night, named " + label), 3,
                                 sfx))
    return jobs


def zone_names(tz):
    """Every name glibc may hold in tzname under TZ=tz, as spelled."""
    path = zone_path(tz)
    return sorted(tzif(path)[1]) if path else posix_names(tz)


# Bases from eras with other names: (base, what).
ABBREVIATION_BASES = [
    ("1767225600", "2026-01-01"),
    ("410227200", "1983: Lord Howe +1130, Moscow MSD"),
    ("1277942400", "2010-07-01: Moscow MSD, Caracas -0430"),
    ("1772323200", "Ramadan 2026: Casablanca +00"),
    ("1197183599", "Caracas 2007, first pass"),
    ("946684800", "2000-01-01"),
    ("1414274500", "Moscow 2014, second pass"),
]


def abbreviation_jobs(tool, rng):
    """Every name of the local zone as a suffix (and some of other zones), under every form of
    TZ: each is asked alone of systemd, whose later expressions may see other names."""
    jobs = []
    for tz in ABBREVIATION_TZS:
        exprs = []
        for name in zone_names(tz):
            exprs += ["daily " + name, "*:0/30 " + name.lower(), "Mon..Fri 09:00 " + name.upper(),
                      gen_valid(rng, suffix=False).expr + " " + name]
        exprs += ["daily " + n for n in rng.sample(ABBREVIATIONS, 4)]
        if not BIG:
            exprs = rng.sample(exprs, min(len(exprs), 18))
        by_base = collections.defaultdict(list)
        for e in exprs:
            for base in rng.sample(ABBREVIATION_BASES, 3 if BIG else 1):
                by_base[base].append(Case(e, {"zone-abbrev: the local zone's names"}))
        for base, cases in by_base.items():
            jobs.append((tool, tz, base, 3, cases))
    return jobs


# ---- history: many requests in one process ----

HISTORY_TZS = ["Australia/Lord_Howe", "Europe/Moscow", "America/Caracas", "Africa/Casablanca",
               "Asia/Tehran", "Pacific/Apia", "Europe/Berlin", None]
# Eras whose names or offsets differ from today's: converting a time there rewrites glibc's
# tzname, and an mktime there leaves another guess.
ERAS = [(0, 7258118399), (347155200, 504921599), (599616000, 662687999), (1293840000, 1414270800),
        (1197185400, 1462085999), (1262304000, 1540691999), (1577836800, 1663788600),
        (1414270800, 1414278000), (1197181800, 1197185400), (1325152800, 1325282400)]


def history_targets(rng, tz):
    """The requests asked twice: (base, iterations, expression). Bases are whole seconds, as
    reminders.preview takes them."""
    out = []
    for name in zone_names(tz):
        for e in ("daily ", "*:0/30 ", "Mon..Fri 09:00 "):
            out.append((rng.choice(ABBREVIATION_BASES)[0].split(".")[0], 3, e + name))
    nights = [(z, t, move) for z, y, _ in SPECIAL_NIGHTS for t, move, kind in changes_in(z, y)
              if kind == "no change of DST flag"]
    for z, t, move in nights:
        d = abs(move)
        for delta in (-d // 2, -1, 0, d // 2):
            e = rng.choice(TRICKY)
            if tz == ":" + z or tz == z:
                out.append((str(t + delta), 5, e))
            out.append((str(t + delta), 4, e + " " + z))
    for e in ("*:*:0.9995", "*:*:59.999999", "*:*:0/0.5", "*-*-* 00:00:00.999999"):
        out.append((str(rng.randint(*rng.choice(ERAS[:1] + ERAS[3:6]))), 5, e))
    rng.shuffle(out)
    return out if BIG else out[:45]


def noise(rng):
    """A request from anywhere: another era, zone, name of a zone."""
    r = rng.random()
    if r < 0.15:
        expr = gen_valid(rng, suffix=False).expr + " " + rng.choice(ABBREVIATIONS)
    elif r < 0.45:
        expr = gen_valid(rng, suffix=False).expr + " " + rng.choice(SUFFIX_ZONES)
    else:
        expr = gen_valid(rng).expr
    return (str(rng.randint(*rng.choice(ERAS))), rng.randint(1, 5), expr)


def history(tool, tz, rng):
    """Each target twice with noise between, in one calendar_tool; then each target in a
    systemd-analyze run for it alone. Returns the requests, the tool's answers, problems and
    counts."""
    targets = history_targets(rng, tz)
    requests, where = [], {}
    for _ in range(2):
        order = list(range(len(targets)))
        rng.shuffle(order)
        for k in order:
            where.setdefault(k, []).append(len(requests))
            requests.append(targets[k])
            requests += [noise(rng) for _ in range(rng.randint(1, 6))]
    env = dict(os.environ, LC_ALL="C")
    env.pop("TZ", None)
    if tz is not None:
        env["TZ"] = tz
    text = "".join("%s\t%d\t%s\n" % r for r in requests)
    out = subprocess.run([tool, "--requests", "--explain"], input=text, capture_output=True,
                         text=True, env=env).stdout
    answers = [a.split("\n")[:-1] for a in (out + "\n").split("--\n")[:-1]]
    label = "history TZ=%s" % ("(unset)" if tz is None else tz)
    problems, counts = [], collections.Counter()
    if len(answers) != len(requests):
        return requests, [], ["%s: %d answers to %d requests" % (label, len(answers),
                                                                   len(requests))], counts
    for k, (base, iters, expr) in enumerate(targets):
        first, second = (answers[i] for i in where[k])
        if first != second:
            problems.append("%s: %r from @%s answered otherwise the second time\n"
                            "    first:  %s\n    second: %s" % (label, expr, base,
                                                                 " | ".join(first),
                                                                 " | ".join(second)))
            continue
        sd = run([SYSTEMD_ANALYZE, "calendar", "--base-time=@" + base, "--iterations=%d" % iters,
                  "--", expr], tz)
        want = [l for l in strip_from_now(sd[1]).split("\n") if l] + \
            ["stderr: " + l for l in sd[2].splitlines()]
        got = [l for l in first if not l.startswith("stderr: Reason:")]
        if want != got and not before_base_quirk(base, want, got):
            problems.append("%s: %r from @%s, amid other requests\n    systemd alone: %s\n"
                            "    the engine:    %s" % (label, expr, base, " | ".join(want),
                                                       " | ".join(got)))
            continue
        counts["history: asked twice amid others, as systemd alone"] += 1
    counts["history: requests in all"] += len(requests)
    return requests, answers, problems, counts


def daemon_history(lumbard, tz, requests, answers):
    """The same requests, in the same order, to one daemon's reminders.preview: every answer must
    be the engine's elapses as systemd prints them, to the second (a rejection: invalid_params),
    both times a target is asked."""
    harness = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration")
    if harness not in sys.path:
        sys.path.insert(0, harness)
    os.environ["LUMBARD_BIN"] = lumbard
    try:
        import lbtest
    except ImportError as e:  # python3-msgpack
        return [], collections.Counter({"daemon history not run: %s" % e: 1})
    label = "daemon history TZ=%s" % ("(unset)" if tz is None else tz)
    d = lbtest.Daemon(builtin_plugins=True, env={} if tz is None else {"TZ": tz})
    if tz is None:
        d.env.pop("TZ", None)
    problems, counts = [], collections.Counter()
    try:
        d.start()
        c = lbtest.Client(d.socket)
        for (base, iters, expr), answer in zip(requests, answers):
            if any("Failed to determine next elapse" in l for l in answer):
                counts["daemon history: systemd gives up, not compared"] += 1
                continue
            parse_failed = any("Failed to parse calendar" in l for l in answer)
            want = ("invalid_params",) if parse_failed else utc_elapses(answer)
            try:
                got = c.call("reminders.preview", expr, iters, int(base))
            except lbtest.RpcError as e:
                got = (e.code,)
            if got != want:
                problems.append("%s: preview(%r, %d, %s)\n    calendar_tool: %s\n"
                                "    the daemon:    %s" % (label, expr, iters, base, want, got))
            else:
                counts["daemon history: previews as systemd prints them"] += 1
        c.close()
    finally:
        d.cleanup()
    return problems, counts


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: oracle.py CALENDAR_TOOL [LUMBARD]")
    tool = sys.argv[1]
    lumbard = sys.argv[2] if len(sys.argv) == 3 else None
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
    jobs += special_jobs(tool, rng)
    jobs += abbreviation_jobs(tool, rng)
    problems, counts, groups = [], collections.Counter(), collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as ex:
        histories = [ex.submit(history, tool, tz, random.Random(rng.random()))
                     for tz in HISTORY_TZS]
        for (p, c), job in zip(ex.map(compare, jobs), jobs):
            problems += p
            counts.update(c)
            groups["(unset)" if job[1] is None else job[1] or '""'] += len(job[4])
        histories = [h.result() for h in histories]
    for tz, (requests, answers, p, c) in zip(HISTORY_TZS, histories):
        problems += p
        counts.update(c)
        if lumbard and answers:
            p, c = daemon_history(lumbard, tz, requests, answers)
            problems += p
            counts.update(c)
    if not lumbard:
        print("note: no lumbard given, the daemon's history is not run")

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
        for p in problems[:SHOW]:
            print("- " + p)
        sys.exit(1)
    print("\nno differences")


if __name__ == "__main__":
    main()
