"""Conformance: every method that daemon.plugins declares, called through
three independent clients (python3-msgpack on the raw socket, dbus-python on
a private bus, an npm MessagePack client under node), each answer checked
against the declaration: its result type, and each declared result field
present with its declared type. Wrong arguments must be invalid_params
naming the parameter (over the socket, where any value can be sent)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from lbtest import Bus, Client, Daemon, RpcError, wall  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.environ.get("LB_NODE_MODULES_DIR")  # where make test ran npm ci

CONFIG = """
[rest]
default = 90s

[rest.preset.conf]
description = the conformance test's routine
label = conf
sets = 3
reps = 10
weight = light
rest = 600s

[rest.preset.seq]
step1 = 600s | Left side
step2 = 600s | Right side
"""

# Ranges whose ends are valid only with some other value (a set number must
# be under the routine's sets, which another option gives).
EDGE_SKIP = {("rest.preset", "set"),  # under the routine's sets
             ("rest.start", "until"),  # longer than the rest
             ("rest.extend", "seconds")}  # the rest as extended within 24 h

# Values for declared parameters whose name says more than their type.
BY_NAME = {"schedule": "in 10m", "name": "conf", "format": "json", "location": "lower-back",
           "trigger": "deadlift", "note": "conformance", "label": "conf", "message": "conf",
           "reason": "conformance", "from": "08:00", "to": "20:00", "unit": "kg",
           "exercise": "conf"}
# Options without which a call cannot be valid (DESIGN gives train.import's
# path in its options map): in the "required only" call too.
NEEDS_OPTION = {"train.import": ("path",)}
# Options that only apply with some other value: left out of the full call.
SKIP_OPTION = {("reminders.add", "from"), ("reminders.add", "to"),
               ("reminders.preview", "from"), ("reminders.preview", "to")}


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def type_ok(kind, v):
    """Whether a value on the wire has the declared type."""
    if kind == "string":
        return isinstance(v, str)
    if kind in ("uint", "u64"):
        return is_int(v) and v >= 0 and (kind == "u64" or v < 2 ** 32)
    if kind in ("int", "time"):
        return is_int(v)
    if kind == "bool":
        return isinstance(v, bool)
    if kind == "double":
        return isinstance(v, float) or is_int(v)
    if kind == "strings":
        return isinstance(v, list) and all(isinstance(x, str) for x in v)
    if kind == "ints":
        return isinstance(v, list) and all(is_int(x) for x in v)
    if kind == "map":
        return isinstance(v, dict)
    if kind == "maps":
        return isinstance(v, list) and all(isinstance(x, dict) for x in v)
    if kind == "none":
        return v is None
    if kind == "any":
        return True
    raise AssertionError("a type the test does not know: %r" % kind)


def field_problems(fields, rows, where, present, type_of):
    """What is wrong with rows (maps) against declared fields, nested ones
    ("fields" of a map or maps field) checked in each map they hold.
    present(row, name) and type_of(field, value) differ per transport."""
    bad = []
    for i, row in enumerate(rows):
        for f in fields:
            at = "%s%d.%s" % (where, i, f["name"])
            if not present(row, f["name"]):
                bad.append("%s: missing" % at)
                continue
            problem = type_of(f, row[f["name"]])
            if problem:
                bad.append("%s: %s" % (at, problem))
            elif f.get("fields"):
                # an empty map is "none" (PROTOCOL.md): current_episode without an episode
                inner = [row[f["name"]]] if f["type"] == "map" and row[f["name"]] else \
                    [] if f["type"] == "map" else list(row[f["name"]])
                bad += field_problems(f["fields"], inner, at + "/", present, type_of)
    return bad


def shape_problems(method, result):
    """What is wrong with a result, against its method's declaration."""
    if not type_ok(method["result"], result):
        return ["result is %r, declared %s" % (type(result).__name__, method["result"])]
    rows = [result] if method["result"] == "map" else result if method["result"] == "maps" else []
    return field_problems(
        method.get("result_fields", []), rows, "row ", lambda row, name: name in row,
        lambda f, v: None if type_ok(f["type"], v) else "%r, declared %s" % (v, f["type"]))


SOURCE = os.path.join(HERE, "..", "..")
# Where each plugin's methods are written down for people, besides PROTOCOL.md.
READMES = {"rest": "plugins/rest/README.md", "reminders": "plugins/reminders/README.md",
           "pain": "plugins/pain/README.md", "train": "plugins/train/README.md"}


def parse_signature(text):
    """`a, b?, c = 5, {x, y}` -> ([(name, optional)], {options}) or None for
    options. A name with ? or = default is optional."""
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    if cur.strip():
        items.append(cur.strip())
    params, options = [], set()
    for it in items:
        if it.startswith("{"):
            options = {o.strip() for o in it.strip("{}").split(",") if o.strip()}
        else:
            name = re.split(r"[?= ]", it, 1)[0]
            params.append((name, "?" in it or "=" in it))
    return params, options


def signature_problems(m, params, options, where):
    """What a written signature says differently from the declaration m."""
    want = [(p["name"], p["optional"]) for p in m["params"]]
    bad = []
    if params != want:
        bad.append("%s: %s is written with parameters %s, declared %s"
                   % (where, m["name"], params, want))
    declared = {o["name"] for o in m["options"]}
    if options != declared:
        bad.append("%s: %s is written with options %s, declared %s"
                   % (where, m["name"], sorted(options), sorted(declared)))
    return bad


def document_problems(declarations):
    """Every method written down where people read it (the plugins' READMEs;
    PROTOCOL.md's core methods) as it is declared, and every declared one
    written down."""
    methods = {m["name"]: m for plugin in declarations for m in plugin["methods"]}
    bad, seen = [], set()
    for plugin, rel in READMES.items():
        with open(os.path.join(SOURCE, rel), encoding="utf-8") as f:
            text = f.read()
        for name, sig in re.findall(r"`(%s\.[a-z_]+)\(([^)`]*)\)`" % plugin, text):
            if name not in methods:
                bad.append("%s: %s is written down but not declared" % (rel, name))
                continue
            seen.add(name)
            bad += signature_problems(methods[name], *parse_signature(sig), where=rel)
    with open(os.path.join(SOURCE, "proto", "PROTOCOL.md"), encoding="utf-8") as f:
        text = f.read()
    for name, col in re.findall(r"^\| `(daemon\.[a-z_]+)` \| ([^|]*) \|", text, re.M):
        if name not in methods:
            bad.append("PROTOCOL.md: %s is written down but not declared" % name)
            continue
        seen.add(name)
        written = "" if col.strip() == "—" else re.findall(r"`([^`]+)`", col)[0]
        bad += signature_problems(methods[name], *parse_signature(written), where="PROTOCOL.md")
    for name in sorted(set(methods) - seen - {m for m in methods if m.startswith("daemon.test_")}):
        where = "PROTOCOL.md" if name.startswith("daemon.") else READMES.get(name.split(".")[0])
        bad.append("%s: %s is declared but not written down as `%s(...)`" % (where, name, name))
    return bad


def valid_value(method, p, objects):
    """A valid value for a declared parameter or option."""
    name, kind = p["name"], p["type"]
    if kind == "u64" and name in ("id", "after"):
        return objects(method["name"]) if name == "id" else 0
    if method["name"] == "rest.preset" and name == "name":
        return "conf"
    if method["name"] == "rest.preset" and name == "set":
        return 1
    if method["name"] == "rest.start" and name == "until":
        return 900
    if method["name"] == "reminders.add" and name == "name":
        return "conf-%d" % time.monotonic_ns()
    if method["name"] == "train.import" and name == "path":
        return os.path.join(SOURCE, "tests", "fixtures", "train", "strong_semicolon.csv")
    if method["name"] == "train.import" and name == "format":
        return "auto"
    if method["name"] == "train.export" and name == "path":
        return os.path.join(objects.root, "export-%d.csv" % time.monotonic_ns())
    if method["name"] == "pain.export_file" and name == "path":
        return os.path.join(objects.root, "export-%d.json" % time.monotonic_ns())
    if name == "patterns":
        return ["rest.*"]
    if name == "reason" and kind == "string":
        return "conformance"
    if kind in ("uint", "duration", "int"):
        lo, hi = p.get("min", 1), p.get("max", 600)
        return min(max(lo, 3 if name in ("level", "count") else 60), hi) if kind != "duration" \
            else min(max(lo, 600), hi)
    if kind == "time":
        if name == "until":
            return int(wall()) + 60
        if name == "at":
            return int(wall()) - 60
        return int(wall()) - 86400
    if kind == "string":
        return BY_NAME.get(name, "conf")
    if kind == "bool":
        return False
    if kind == "strings":
        return []
    if kind == "ints":
        return []
    if kind == "double":
        return 1.5
    if kind == "u64":
        return 1
    raise AssertionError("no valid value for %s %r" % (method["name"], p))


def plan(declarations, objects):
    """The valid calls: each method with its required parameters only, then
    with every parameter and option. Destructive methods come last, each on
    an object of its own (objects(method) makes one)."""
    methods = [m for plugin in declarations for m in plugin["methods"]
               if not m["name"].startswith("daemon.test_")]  # test seams
    last = ("remove", "cancel", "done", "skip")
    methods.sort(key=lambda m: m["name"].split(".", 1)[1] in last)
    calls = []
    for m in methods:
        required = [valid_value(m, p, objects) for p in m["params"] if not p["optional"]]
        needed = {o["name"]: valid_value(m, o, objects) for o in m["options"]
                  if o["name"] in NEEDS_OPTION.get(m["name"], ())}
        calls.append({"method": m, "params": required + ([needed] if needed else []),
                      "what": "required only"})
        if len(required) < len(m["params"]) or m["options"]:
            full = [valid_value(m, p, objects) for p in m["params"]]
            opts = {o["name"]: valid_value(m, o, objects) for o in m["options"]
                    if (m["name"], o["name"]) not in SKIP_OPTION}
            calls.append({"method": m, "params": full + ([opts] if opts else []),
                          "what": "every parameter and option"})
        calls += edge_calls(m, objects)
    return calls


def ranged(p):
    """Whether a parameter has a range worth calling at both ends."""
    return p["type"] in ("uint", "int", "duration") and "max" in p and p["max"] < 2 ** 32 - 1


def edge_calls(m, objects):
    """Valid calls at the ends of each declared range: a parameter at its
    min and at its max (the others valid), an option likewise."""
    calls = []
    for i, p in enumerate(m["params"]):
        if not ranged(p) or (m["name"], p["name"]) in EDGE_SKIP:
            continue
        for end in ("min", "max"):
            params = [valid_value(m, q, objects) for q in m["params"][:i]] + [p.get(end, 0)]
            calls.append({"method": m, "params": params, "what": "%s at its %s" % (p["name"], end)})
    base = [valid_value(m, p, objects) for p in m["params"] if not p["optional"]]
    for o in m["options"]:
        if not ranged(o) or (m["name"], o["name"]) in EDGE_SKIP:
            continue
        for end in ("min", "max"):
            calls.append({"method": m, "params": base + [{o["name"]: o.get(end, 0)}],
                          "what": "option %s at its %s" % (o["name"], end)})
    return calls


class Objects:
    """Makes the objects that a method's id names, fresh for each call, so
    that cancel/remove/done/skip only ever touch what the test created."""

    def __init__(self, client, root):
        self.client = client
        self.root = root
        self.due = []

    def __call__(self, method):
        plugin = method.split(".", 1)[0]
        if plugin == "rest":
            r = self.client.call("rest.start", 600, {"label": "conf"})["id"]
            if method == "rest.resume":
                self.client.call("rest.pause", r)
            return r
        if plugin == "reminders":
            if method in ("reminders.done", "reminders.skip", "reminders.snooze"):
                return self.due_reminder()
            return self.client.call("reminders.add", "conf-%d" % time.monotonic_ns(),
                                    "in 10m")["id"]
        if plugin == "pain":
            return self.client.call("pain.log", 2, {"note": "conformance"})["id"]
        if plugin == "train":
            return self.client.call("train.log", "conf", 3, {"rest": False})["id"]
        raise AssertionError("no way to make an object for %s" % method)

    def due_reminder(self):
        """A reminder that is due (done, skip and snooze want one): made a
        dozen at a time, so that the second of waiting is paid once."""
        if not self.due:
            ids = [self.client.call("reminders.add", "conf-%d" % time.monotonic_ns(),
                                    "in 1s")["id"] for _ in range(12)]
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                rows = {x["id"]: x for x in self.client.call("reminders.list")}
                if all(rows[i]["due_at"] for i in ids):
                    break
                time.sleep(0.05)
            self.due = ids
        return self.due.pop()


# Per-type wrong values: one of another type, and one past a declared range.
WRONG = {"string": 7, "uint": "seven", "u64": -1, "int": "seven", "time": "seven", "duration": [],
         "bool": "yes", "double": "seven", "strings": "seven", "ints": ["seven"]}


def wrong_calls(m, objects):
    """(description, params, the parameter the error must name)."""
    out = []
    params = m["params"]
    required = [p for p in params if not p["optional"]]
    if required:
        out.append(("nothing given", [], required[0]["name"]))
    for i, p in enumerate(params):
        before = [valid_value(m, q, objects) for q in params[:i]]
        out.append(("%s of the wrong type" % p["name"], before + [WRONG[p["type"]]], p["name"]))
        if "max" in p and p["max"] < 2 ** 32 - 1:
            out.append(("%s past its max" % p["name"], before + [p["max"] + 1], p["name"]))
        if "min" in p and p["min"] > 0:
            out.append(("%s under its min" % p["name"], before + [p["min"] - 1], p["name"]))
    base = [valid_value(m, p, objects) for p in required]
    for o in m["options"]:
        out.append(("option %s of the wrong type" % o["name"], base + [{o["name"]: WRONG[o["type"]]}],
                    o["name"]))
        if "max" in o and o["max"] < 2 ** 32 - 1:
            out.append(("option %s past its max" % o["name"], base + [{o["name"]: o["max"] + 1}],
                        o["name"]))
    out.append(("an undeclared option", base + [{"no_such_option": 1}], "no_such_option"))
    return out


class ConformanceTest(unittest.TestCase):
    bus = None

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="lumbard-conf-")
        self.addCleanup(shutil.rmtree, self.root, True)
        if self.use_bus:
            self.bus = Bus(self.root)
            self.addCleanup(self.bus.kill)
        self.daemon = Daemon(config=CONFIG, root=self.root, bus=self.bus, builtin_plugins=True)
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = Client(self.daemon.socket)
        self.addCleanup(self.client.close)
        self.declarations = self.client.call("daemon.plugins", {"core": True})
        self.assertEqual(self.declarations[0]["name"], "daemon", "the core's row comes first")
        self.assertTrue(self.declarations, "daemon.plugins declares nothing")
        self.objects = Objects(self.client, self.root)


class Socket(ConformanceTest):
    """python3-msgpack on the raw socket, from a second connection."""
    use_bus = False

    def test_valid_calls_answer_their_declared_shape(self):
        other = Client(self.daemon.socket)
        self.addCleanup(other.close)
        watcher = Client(self.daemon.socket)  # hears every event the calls cause
        self.addCleanup(watcher.close)
        watcher.call("daemon.subscribe", ["*"])
        problems = []
        count = 0
        for call in plan(self.declarations, self.objects):
            m = call["method"]
            try:
                result = other.call(m["name"], *call["params"])
            except RpcError as e:
                problems.append("%s (%s) %r: error %s" % (m["name"], call["what"], call["params"], e))
                continue
            count += 1
            problems += ["%s (%s): %s" % (m["name"], call["what"], p) for p in shape_problems(m, result)]
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertGreater(count, 20)

        # every event as declared: each declared field there, with its type
        events = {e["name"] if "." in e["name"] else "%s.%s" % (p["name"], e["name"]): e
                  for p in self.declarations for e in p["events"]}
        time.sleep(0.3)  # events go out on a later loop turn than the call
        watcher.call("daemon.ping")
        seen = set()
        for _, name, params in watcher.notifications:
            seen.add(name)
            if name not in events:
                problems.append("event %s: not declared" % name)
                continue
            problems += ["event %s: %s" % (name, p) for p in field_problems(
                events[name]["fields"], params, "fields ", lambda row, n: n in row,
                lambda f, v: None if type_ok(f["type"], v) else "%r, declared %s" % (v, f["type"]))]
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertLessEqual({"rest.started", "rest.cancelled", "pain.logged", "pain.amended",
                              "reminders.due", "reminders.done"}, seen, "the events the calls cause")

    def test_wrong_arguments_are_invalid_params_naming_them(self):
        problems = []
        for plugin in self.declarations:
            for m in [m for m in plugin["methods"] if not m["name"].startswith("daemon.test_")]:
                for what, params, name in wrong_calls(m, self.objects):
                    try:
                        self.client.call(m["name"], *params)
                        problems.append("%s, %s %r: answered, not an error" % (m["name"], what, params))
                    except RpcError as e:
                        if e.code != "invalid_params" or ("'%s'" % name) not in e.message:
                            problems.append("%s, %s %r: %s: %s" % (m["name"], what, params,
                                                                   e.code, e.message))
        self.assertEqual(problems, [], "\n".join(problems))


    def test_written_signatures_are_the_declared_ones(self):
        problems = document_problems(self.declarations)
        self.assertEqual(problems, [], "\n".join(problems))
        # the check itself: a parameter that the docs lack is found
        broken = json.loads(json.dumps(self.declarations))
        broken[0]["methods"][0]["params"].append({"name": "extra", "optional": True})
        self.assertTrue(document_problems(broken), "a changed declaration went unnoticed")


class DbusWrong(ConformanceTest):
    """dbus-python: arguments of another signature, and values out of their
    declared ranges, are InvalidArgs in the socket's words."""
    use_bus = True

    def test_wrong_arguments_are_invalid_args_naming_them(self):
        import dbus
        import dbus.lowlevel
        conn = dbus.bus.BusConnection(self.bus.address)
        self.addCleanup(conn.close)
        problems, count = [], 0

        def call(m, sig, args, names, what):
            nonlocal count
            plugin, member = m["name"].split(".", 1)
            iface = NAME if plugin == "daemon" else "org.lumbard.Lumbard1." + camel(plugin)
            msg = dbus.lowlevel.MethodCallMessage(NAME, PATH, iface, camel(member))
            if args:
                msg.append(*args, signature=sig)
            count += 1
            try:
                conn.send_message_with_reply_and_block(msg, 10000)
                problems.append("%s, %s: answered, not an error" % (m["name"], what))
            except dbus.DBusException as e:
                if e.get_dbus_name() != "org.freedesktop.DBus.Error.InvalidArgs" or \
                        names not in e.get_dbus_message():
                    problems.append("%s, %s: %s: %s" % (m["name"], what, e.get_dbus_name(),
                                                       e.get_dbus_message()))

        for plugin in self.declarations:
            for m in plugin["methods"]:
                if m["name"] in SOCKET_ONLY or m["name"].startswith("daemon.test_"):
                    continue
                member = camel(m["name"].split(".", 1)[1])
                # one argument too many, of a signature no method has
                sig = "".join(p["dbus"] for p in m["params"]) + ("a{sv}" if m["options"] else "")
                full = [dbus_value(dbus, p["dbus"], valid_value(m, p, self.objects))
                        for p in m["params"]]
                opts = [dbus.Dictionary({}, signature="sv")] if m["options"] else []
                call(m, sig + "y", full + opts + [dbus.Byte(1)], "takes (", "a byte too many")
                for i, p in enumerate(m["params"]):
                    if not ranged(p) or p["max"] + 1 >= 2 ** 32:
                        continue
                    args = list(full)
                    args[i] = dbus_value(dbus, p["dbus"], p["max"] + 1)
                    call(m, sig, args + opts, "'%s'" % p["name"], "%s past its max" % p["name"])
                for o in m["options"]:
                    if not ranged(o):
                        continue
                    bad = dbus.Dictionary({o["name"]: dbus_value(dbus, o["dbus"], o["max"] + 1)},
                                          signature="sv")
                    call(m, sig, full + [bad], "'%s'" % o["name"], "option %s past its max"
                         % o["name"])
                bad = dbus.Dictionary({"no_such_option": dbus.Int64(1)}, signature="sv")
                if m["options"]:
                    call(m, sig, full + [bad], "'no_such_option'", "an undeclared option")
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertGreater(count, 40)


class Node(ConformanceTest):
    """@msgpack/msgpack under node (npm ci put it in the build directory)."""
    use_bus = False

    def test_valid_calls_answer_their_declared_shape(self):
        calls = plan(self.declarations, self.objects)
        answers = self.run_node(calls)
        problems = []
        for call, a in zip(calls, answers):
            name = call["method"]["name"]
            self.assertEqual(a["method"], name)
            if "error" in a:
                problems.append("%s (%s): error %r" % (name, call["what"], a["error"]))
                continue
            problems += ["%s (%s): %s" % (name, call["what"], p) for p in a["problems"]]
        self.assertEqual(problems, [], "\n".join(problems))

    def test_wrong_arguments_are_invalid_params_naming_them(self):
        calls = [{"method": m, "params": params, "what": what, "names": name}
                 for plugin in self.declarations for m in plugin["methods"]
                 if not m["name"].startswith("daemon.test_")
                 for what, params, name in wrong_calls(m, self.objects)]
        problems = []
        for call, a in zip(calls, self.run_node(calls)):
            e = a.get("error")
            if not e:
                problems.append("%s, %s: answered, not an error" % (a["method"], call["what"]))
            elif e["code"] != "invalid_params" or ("'%s'" % call["names"]) not in e["message"]:
                problems.append("%s, %s: %s: %s" % (a["method"], call["what"], e["code"],
                                                   e["message"]))
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertGreater(len(calls), 50)

    def run_node(self, calls):
        """The calls made by client.js under node: one answer each."""
        modules = os.path.join(NODE_DIR or "", "node_modules", "@msgpack", "msgpack")
        if not NODE_DIR or not os.path.isdir(modules):
            self.fail("no %s: `make test` installs it with npm ci (is npm there, and the "
                      "registry reachable?)" % modules)
        path = os.path.join(self.root, "plan.json")
        with open(path, "w") as f:
            json.dump({"socket": self.daemon.socket,
                       "calls": [{"method": c["method"]["name"], "params": c["params"],
                                  "result": c["method"]["result"],
                                  "result_fields": c["method"].get("result_fields", [])}
                                 for c in calls]}, f)
        env = dict(os.environ, NODE_PATH=os.path.join(NODE_DIR, "node_modules"))
        out = subprocess.run(["node", os.path.join(HERE, "client.js"), path], capture_output=True,
                             text=True, env=env, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        answers = [json.loads(line) for line in out.stdout.splitlines()]
        self.assertEqual(len(answers), len(calls), out.stdout)
        return answers


NAME = "org.lumbard.Lumbard1"
PATH = "/org/lumbard/Lumbard1"
# PROTOCOL.md: subscriptions belong to a socket connection; D-Bus has signals.
SOCKET_ONLY = {"daemon.subscribe", "daemon.unsubscribe"}


def camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


def dbus_value(dbus, sig, v):
    """A python value as the D-Bus type sig, for dbus-python."""
    simple = {"s": dbus.String, "u": dbus.UInt32, "t": dbus.UInt64, "x": dbus.Int64,
              "b": dbus.Boolean, "d": dbus.Double}
    if sig in simple:
        return simple[sig](v)
    if sig in ("as", "ax"):
        return dbus.Array([dbus_value(dbus, sig[1], x) for x in v], signature=sig[1])
    raise AssertionError("the test sends no %s" % sig)


def dbus_signature(dbus, v):
    """The D-Bus signature of a value dbus-python unmarshalled."""
    for cls, sig in ((dbus.Boolean, "b"), (dbus.String, "s"), (dbus.UInt32, "u"),
                     (dbus.UInt64, "t"), (dbus.Int64, "x"), (dbus.Int32, "i"),
                     (dbus.Double, "d"), (dbus.Byte, "y"), (dbus.Int16, "n"),
                     (dbus.UInt16, "q"), (dbus.ObjectPath, "o")):
        if isinstance(v, cls):
            return sig
    if isinstance(v, dbus.Dictionary):
        return "a{%s}" % v.signature
    if isinstance(v, dbus.Array):
        return "a" + v.signature
    raise AssertionError("a value of no known D-Bus type: %r" % (v,))


class Dbus(ConformanceTest):
    """dbus-python on a private bus: the same calls, each reply's signature
    the introspected out-signature, each declared field there with its
    declared D-Bus type."""
    use_bus = True

    def test_valid_calls_answer_their_declared_signature(self):
        import dbus
        import dbus.lowlevel
        conn = dbus.bus.BusConnection(self.bus.address)
        self.addCleanup(conn.close)
        import xml.etree.ElementTree as ET
        xml = conn.call_blocking(NAME, PATH, "org.freedesktop.DBus.Introspectable", "Introspect",
                                 "", [])
        ifaces = {i.get("name"): i for i in ET.fromstring(str(xml)).findall("interface")}
        problems = []
        count = 0
        for call in plan(self.declarations, self.objects):
            m = call["method"]
            if call["what"] == "required only" and (
                    m["options"] or any(p["optional"] for p in m["params"])):
                continue  # D-Bus takes every argument: the full call only
            plugin, member = m["name"].split(".", 1)
            if m["name"] in SOCKET_ONLY:
                continue
            iface = NAME if plugin == "daemon" else "org.lumbard.Lumbard1." + camel(plugin)
            el = [x for x in ifaces[iface].findall("method") if x.get("name") == camel(member)]
            if not el:
                problems.append("%s: no %s.%s in the introspection" % (m["name"], iface,
                                                                      camel(member)))
                continue
            el = el[0]
            ins = [a.get("type") for a in el.findall("arg") if a.get("direction") == "in"]
            out_sig = "".join(a.get("type") for a in el.findall("arg")
                              if a.get("direction") == "out")
            params = list(call["params"])
            opts = params.pop() if params and isinstance(params[-1], dict) else {}
            # D-Bus takes every argument: one left out is its zero (PROTOCOL.md)
            zero = {"s": "", "as": [], "ax": []}
            params += [zero.get(p["dbus"], 0) for p in m["params"][len(params):]]
            args = [dbus_value(dbus, p["dbus"], v) for p, v in zip(m["params"], params)]
            if m["options"]:
                types = {o["name"]: o["dbus"] for o in m["options"]}
                args.append(dbus.Dictionary({k: dbus_value(dbus, types[k], v)
                                             for k, v in opts.items()}, signature="sv"))
            msg = dbus.lowlevel.MethodCallMessage(NAME, PATH, iface, camel(member))
            msg.append(*args, signature="".join(ins))
            try:
                reply = conn.send_message_with_reply_and_block(msg, 10000)
            except dbus.DBusException as e:
                problems.append("%s: %s" % (m["name"], e))
                continue
            count += 1
            if (reply.get_signature() or "") != out_sig:
                problems.append("%s: reply signature %r, introspected %r"
                                % (m["name"], reply.get_signature(), out_sig))
                continue
            result = reply.get_args_list()
            rows = [result[0]] if out_sig == "a{sv}" else list(result[0]) if out_sig == "aa{sv}" \
                else []
            problems += ["%s: %s" % (m["name"], p) for p in field_problems(
                m.get("result_fields", []), rows, "row ", lambda row, name: name in row,
                lambda f, v: None if dbus_signature(dbus, v) == f["dbus"]
                else "%s, declared %s" % (dbus_signature(dbus, v), f["dbus"]))]
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertGreater(count, 20)
