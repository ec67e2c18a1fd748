#!/usr/bin/python3
"""Write the seed corpora of the fuzz targets into tests/fuzz/corpus/.

    /usr/bin/python3 tests/fuzz/make-seeds.py

The seeds are checked in; run this again only to change them. RPC seeds are
packed with python3-msgpack, D-Bus messages marshalled with GLib's
Gio.DBusMessage (python3-gi), both as any client would make them. Files
are named after what they hold, so a new seed can be added by hand too."""

import os
import sys

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def req(msgid, method, *params):
    return msgpack.packb([0, msgid, method, list(params)])


def note(method, *params):
    return msgpack.packb([2, method, list(params)])


def rpc():
    s = {
        "ping": req(1, "daemon.ping"),
        "version": req(1, "daemon.version"),
        "status": req(7, "daemon.status"),
        "plugins": req(2, "daemon.plugins"),
        "reload": req(3, "daemon.reload"),
        "subscribe-all": req(1, "daemon.subscribe", ["*"]),
        "subscribe-some": req(1, "daemon.subscribe", ["fuzz.*", "rest.*", "pain.logged"])
        + req(2, "daemon.unsubscribe", ["rest.*"])
        + req(3, "daemon.unsubscribe"),
        "subscribe-glob": req(1, "daemon.subscribe", ["fuzz.t[a-z]ck", "*.?ick", "[!r]*"]),
        "subscribe-empty": req(1, "daemon.subscribe", []),
        "start-default": req(1, "fuzz.start"),
        "start-options": req(2, "fuzz.start", "2min", {"label": "abduction", "sets": 3,
                                                         "set": 1, "warn": "5s", "until": 120}),
        "start-nil": req(3, "fuzz.start", None, {"label": "warm-up"}),
        "start-bad-option": req(4, "fuzz.start", 60, {"lable": "x"}),
        "start-out-of-range": req(5, "fuzz.start", "1d 1s"),
        "start-negative": req(6, "fuzz.start", -5),
        "log": req(1, "fuzz.log", 6, {"location": "lower-back-left", "trigger": "deadlift",
                                      "note": "no belt", "symptoms": ["leg-weakness"],
                                      "at": 1774745400}),
        "log-missing": req(1, "fuzz.log"),
        "log-float": req(1, "fuzz.log", 6.5),
        "put": req(1, "fuzz.put", {"k": 1, "nested": {"a": [1, 2, {"b": None}]}}, {"x": True}),
        "put-one-map": req(1, "fuzz.put", {"x": True}),
        "types": req(1, "fuzz.types", True, -3, 7, 2**64 - 1, 1.5, "text", "1h 30m", 1774745400,
                     ["a", "b"], {"k": "v"}, [{"a": 1}, {}], [1, -2, 3], [None, 1.25, "x"],
                     {"flag": False, "when": 0, "any": {"deep": [[[]]]}}),
        "types-wrong": req(1, "fuzz.types", "yes", 99, -1, -1, "x", 5, "soon", "now", [1],
                           [], [1], ["x"]),
        "preview": req(1, "fuzz.preview", "Mon..Fri 08:30", 5, 1774745400),
        "later": req(1, "fuzz.later", 0) + req(2, "fuzz.later", 2) + req(3, "daemon.ping"),
        "fail": b"".join(req(i, "fuzz.fail", i, "failed %s %n") for i in range(8)),
        "bad-result": req(1, "fuzz.bad_result"),
        "big": req(1, "fuzz.big", 1024 * 1024 + 1),
        "big-ok": req(1, "fuzz.big", 900000) + req(2, "daemon.ping"),
        "emit": req(1, "daemon.subscribe", ["*"]) + req(2, "fuzz.emit", 3, {"payload": "hi"}),
        "notification": note("daemon.ping") + note("fuzz.start", "x"),
        "response-ignored": msgpack.packb([1, 5, None, "pong"]),
        "no-such-method": req(1, "rest.start", 90) + req(2, "daemon.pong"),
        "pipelined": b"".join(req(i, "daemon.ping") for i in range(20)),
        "utf8-params": req(1, "fuzz.start", "é" * 30, {"label": "ü" * 50}),
        "bin-param": req(1, "fuzz.put", {"k": b"\x00\x01"}),
        "dup-keys": bytes([0x94, 0x00, 0x01, 0xa8]) + b"fuzz.put" + bytes([0x91, 0x82, 0xa1])
        + b"k" + bytes([0x01, 0xa1]) + b"k" + bytes([0x02]),
        "not-an-array": msgpack.packb({"method": "daemon.ping"}),
        "short-request": msgpack.packb([0, 1, "daemon.ping"]),
        "bad-msgid": msgpack.packb([0, -1, "daemon.ping", []]),
        "msgid-max": msgpack.packb([0, 2**32 - 1, "daemon.ping", []]),
        "msgid-array16": bytes([0xdc, 0x00, 0x04, 0x00, 0xce, 0x12, 0x34, 0x56, 0x78, 0xa0, 0x90]),
        "too-deep": bytes([0x94, 0x00, 0x01, 0xab]) + b"daemon.ping" + bytes([0x91] * 40),
        "not-msgpack": bytes([0xc1, 0x00, 0x01]),
        "partial": req(1, "daemon.ping")[:-3],
        "huge-str-header": bytes([0x94, 0x00, 0x01, 0xdb, 0x7f, 0xff, 0xff, 0xff]) + b"dae",
    }
    for name, data in s.items():
        write("rpc", name, data)


def dbus():
    import gi
    gi.require_version("Gio", "2.0")
    from gi.repository import Gio, GLib

    def call(name, member, sig, *args):
        m = Gio.DBusMessage.new_method_call("org.lumbard.Lumbard1", "/org/lumbard/Lumbard1",
                                            "org.lumbard.Lumbard1.Fuzz", member)
        if sig:
            m.set_body(GLib.Variant("(" + sig + ")", args))
        m.set_serial(1)
        write("dbus", name, m.to_blob(Gio.DBusCapabilityFlags.NONE))

    V = GLib.Variant
    call("start", "Start", "ua{sv}", 90, {"label": V("s", "abduction"), "sets": V("u", 3)})
    call("start-zero", "Start", "ua{sv}", 0, {})
    call("start-wrong-option", "Start", "ua{sv}", 60, {"sets": V("s", "three" * 10)})
    call("log", "Log", "ua{sv}", 6, {"location": V("s", "glute-right"),
                                     "symptoms": V("as", ["fever"]), "at": V("x", 1774745400)})
    call("put", "Put", "a{sv}a{sv}", {"k": V("i", 1), "v": V("av", [V("s", "x"), V("d", 1.5)])},
         {"x": V("b", True)})
    call("types", "Types", "bxutdsuxasa{sv}aa{sv}axva{sv}", True, -3, 7, 2**64 - 1, 1.5, "text",
         90, 1774745400, ["a", "b"], {"k": V("s", "v")}, [{"a": V("u", 1)}], [1, -2],
         V("(iay)", (5, b"ab")), {"flag": V("b", False), "any": V("g", "a{sv}")})
    call("preview", "Preview", "sux", "Mon..Fri 08:30", 5, 1774745400)
    call("later", "Later", "u", 1)
    call("fail", "Fail", "us", 3, "conflict")
    call("big", "Big", "u", 70000)
    call("emit", "Emit", "ua{sv}", 2, {"payload": V("s", "é")})
    call("struct", "Put", "(ib(sv))a{sv}", (1, True, ("s", V("o", "/a/b"))), {})
    call("dict-int-keys", "Put", "a{iv}a{sv}", {1: V("s", "x")}, {})
    call("nested-variants", "Put", "v", V("v", V("v", V("av", [V("i", 1)]))))
    call("all-basic", "Put", "ynqiuxtdsogb", 1, -2, 3, -4, 5, -6, 7, 8.5, "s", "/o", "sv", True)
    call("no-args", "BadResult", "")


def calendar():
    # systemd.time(7), "CALENDAR EVENTS", and lumbard's own defaults.
    exprs = {
        "weekdays-time": "Mon,Wed,Fri 17:30",
        "leg-day": "Wed 18:30",
        "weekday-range": "Mon..Fri 08:30",
        "sat-sun-old-range": "Sat-Sun 10:00",
        "full-date": "2026-12-24 18:00:00",
        "two-digit-year": "26-12-24",
        "month-day": "*-*-01 00:00:00",
        "month-end": "*-02~1",
        "month-end-list": "*-*~03,07 12:00",
        "repeat": "*:0/15",
        "range-repeat": "08..18/2:00",
        "seconds-fraction": "*:*:0/0.5",
        "seconds-range": "*:*:10..20/2.25",
        "list": "Mon 09,12,15:00,30",
        "minutely": "minutely",
        "hourly": "hourly",
        "daily": "daily",
        "weekly": "weekly",
        "monthly": "monthly",
        "yearly": "yearly",
        "quarterly": "quarterly",
        "semiannually": "semi-annually",
        "at": "@1774745400",
        "utc": "Mon 08:00 UTC",
        "zone": "Fri 09:00 America/New_York",
        "zone-tehran": "*-*-* 00:00 Asia/Tehran",
        "zone-local-dst": "*-*-* 02:30:00 CEST",
        "dst-gap": "2026-03-29 02:30",
        "dst-repeat": "2026-10-25 02:30",
        "leap-day": "*-02-29 12:00",
        "feb-30": "*-02-30",
        "year-range": "2026..2030-01-01",
        "weekday-date": "Sun *-*-01..07 10:00",
        "time-only": "18:30",
        "hour-out-of-range": "Mon 25:00",
        "backwards": "Fri..Mon",
        "too-many": ",".join(str(i % 60) for i in range(250)) + ":00",
        "big-number": "*:99999999999999999999",
        "repeat-zero": "*:0/0",
        "empty": "",
        "spaces-before-zone": "daily  UTC",
        "right-zone": "daily right/Europe/Berlin",
    }
    for name, e in exprs.items():
        write("calendar", name, e)


def durations():
    for d in ["90", "90s", "1m30s", "2min", "1.5min", "1h", "1h 30m", "1d", "10 minutes",
              "2 hours 3 sec", "0", "0.5s", "1.0000001h", "36500d", "36501d", "99999999999999999999",
              " 5m ", "5 m 3", "3hr", "1x", "", "1e3s", "-5s", "1..5m"]:
        write("duration", d.strip().replace(" ", "_").replace(".", "p") or "empty", d)
    # Eight bytes: a number of seconds for the formatter (little-endian).
    for n in [0, 59, 3600 + 120 + 5, 86400 * 365 * 100, 2**64 - 1]:
        write("duration", "u64-%d" % n, n.to_bytes(8, "little"))


def config():
    with open(os.path.join(HERE, "..", "..", "daemon", "default.conf"), "rb") as f:
        write("config", "default.conf", f.read())
    snippets = {
        "sections": "[daemon]\nlog_level = debug\n\n[rest]\ndefault = 2min\nwarn = 10s\n",
        "continuation": "[reminders]\nmessage = warm up:\n  deep upper-glute massage,\n"
                        "  60 s each side\nnext = x\n",
        "repeated-key": "[rest]\ndefault = 90s\nwarn = 5s\ndefault = 2min\n",
        "repeated-key-consecutive": "[rest]\ndefault = 90s\ndefault = 2min\n",
        "subsections": "[rest.preset.abduction]\nsets = 3\nreps = 20-30\n[rest.preset.warmup]\n"
                       "step1 = 60s\n",
        "comments": "; a comment\n# another\n[pain] ; inline\ncheckin = 21:00 ; at night\n",
        "colon": "[notify]\nurgency: critical\n",
        "long-line": "[rest]\nnote = " + "x" * 250 + "\n",
        "long-line-with-equals": "[rest]\nnote = " + "x" * 200 + "a=b\n",
        "199-chars": "[r]\nk = " + "y" * 191 + "\n",
        "bad-line": "[rest]\nthis is not a key\n",
        "continuation-first": "[rest]\n  continued\n",
        "no-section": "key = value\n",
        "bom": "\ufeff[daemon]\nlog_level = info\n",
        "crlf": "[daemon]\r\nlog_level = info\r\n",
        "empty-value": "[rest]\ndefault =\n",
        "unclosed-section": "[rest\ndefault = 1\n",
        "spaces-in-section": "[ rest ]\n default = 1\n",
    }
    for name, text in snippets.items():
        write("config", name, text)


def main():
    targets = sys.argv[1:] or ["rpc", "dbus", "calendar", "duration", "config"]
    for t in targets:
        {"rpc": rpc, "dbus": dbus, "calendar": calendar, "duration": durations,
         "config": config}[t]()


if __name__ == "__main__":
    main()
