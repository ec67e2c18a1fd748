"""lumbard on D-Bus, each test on its own private dbus-daemon, driven by the
real clients: busctl, gdbus, dbus-send and dbus-monitor."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

from lbtest import Bus, Client, Daemon, Monitor, GOOD_PLUGINS, LUMBARD, RpcError

NAME = "org.lumbard.Lumbard1"
PATH = "/org/lumbard/Lumbard1"
CORE = "org.lumbard.Lumbard1"
TEST = "org.lumbard.Lumbard1.Test"


def camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


class DbusTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="lumbard-dbus-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.bus = Bus(self.root)
        self.addCleanup(self.bus.kill)
        self.daemon = Daemon(plugin_dirs=[GOOD_PLUGINS], bus=self.bus)
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = Client(self.daemon.socket)
        self.addCleanup(self.client.close)

    def busctl_json(self, *args):
        out = self.bus.busctl("--json=short", *args)
        return json.loads(out.stdout)

    def dbus_send(self, member, *args):
        """dbus-send prints the error's name, which busctl does not."""
        return self.bus.run("dbus-send", "--print-reply", "--dest=" + NAME, PATH, member,
                            *args, check=False)

    def monitor(self):
        m = Monitor(self.bus, "type='signal',sender='%s'" % NAME)
        self.addCleanup(m.stop)
        return m


class Introspection(DbusTest):
    def test_xml_complete_and_typed(self):
        xml = self.bus.gdbus("introspect", "--dest", NAME, "--object-path", PATH, "--xml").stdout
        root = ET.fromstring(xml)  # well-formed, or this raises
        ifaces = {i.get("name"): i for i in root.findall("interface")}
        for name in ("org.freedesktop.DBus.Introspectable", "org.freedesktop.DBus.Properties",
                     "org.freedesktop.DBus.Peer", CORE, TEST):
            self.assertIn(name, ifaces)
        self.assertNotIn("org.lumbard.Lumbard1.Failinit", ifaces)  # skipped plugin: no interface
        for arg in root.iter("arg"):
            self.assertTrue(arg.get("type"), "an argument without a type: %r" % arg.attrib)

        # every method and event the socket describes is there, typed alike
        for plugin in self.client.call("daemon.plugins"):
            iface = ifaces["org.lumbard.Lumbard1." + camel(plugin["name"])]
            methods = {m.get("name"): m for m in iface.findall("method")}
            signals = {s.get("name"): s for s in iface.findall("signal")}
            for m in plugin["methods"]:
                el = methods[camel(m["name"].split(".", 1)[1])]
                ins = [a.get("type") for a in el.findall("arg") if a.get("direction") == "in"]
                outs = [a.get("type") for a in el.findall("arg") if a.get("direction") == "out"]
                want = [p["dbus"] for p in m["params"]] + (["a{sv}"] if m["options"] else [])
                self.assertEqual(ins, want, m["name"])
                result = {"map": "a{sv}", "maps": "aa{sv}", "none": None, "string": "s",
                          "strings": "as", "u64": "t", "int": "x", "any": "v"}[m["result"]]
                self.assertEqual(outs, [result] if result else [], m["name"])
            for e in plugin["events"]:
                el = signals[camel(e["name"].split(".", 1)[1])]
                self.assertEqual([a.get("type") for a in el.findall("arg")],
                                 [f["dbus"] for f in e["fields"]])
        core = {m.get("name") for m in ifaces[CORE].findall("method")}
        self.assertEqual(core, {"Ping", "Version", "Status", "Plugins", "Reload"})
        props = {p.get("name"): (p.get("type"), p.get("access"))
                 for p in ifaces[CORE].findall("property")}
        self.assertEqual(props, {"Version": ("s", "read"), "Plugins": ("as", "read"),
                                 "StartedAt": ("x", "read")})
        props = {p.get("name"): (p.get("type"), p.get("access"))
                 for p in ifaces[TEST].findall("property")}
        self.assertEqual(props, {"Ticks": ("t", "read"), "Greeting": ("s", "readwrite")})

    def test_busctl_agrees_with_gdbus(self):
        xml = self.bus.gdbus("introspect", "--dest", NAME, "--object-path", PATH, "--xml").stdout
        from_xml = set()
        for iface in ET.fromstring(xml).findall("interface"):
            for m in iface.findall("method"):
                ins = "".join(a.get("type") for a in m.findall("arg") if a.get("direction") == "in")
                outs = "".join(a.get("type") for a in m.findall("arg")
                               if a.get("direction") == "out")
                from_xml.add((iface.get("name"), m.get("name"), "method", ins or "-", outs or "-"))
            for s in iface.findall("signal"):
                sig = "".join(a.get("type") for a in s.findall("arg"))
                from_xml.add((iface.get("name"), s.get("name"), "signal", sig or "-", "-"))
        table = self.bus.busctl("introspect", "--no-pager", "--no-legend", NAME, PATH).stdout
        from_busctl, iface = set(), None
        for line in table.splitlines():
            cols = line.split()
            if len(cols) >= 2 and cols[1] == "interface":
                iface = cols[0]
            elif len(cols) >= 4 and cols[1] in ("method", "signal"):
                from_busctl.add((iface, cols[0][1:], cols[1], cols[2], cols[3]))
        self.assertEqual(from_busctl, from_xml)

    def test_docs_use_a_documentation_annotation(self):
        """org.freedesktop.DBus.* annotations are reserved to the specification's
        own (Deprecated, ...): the docs go in org.gtk.GDBus.DocString."""
        xml = self.bus.gdbus("introspect", "--dest", NAME, "--object-path", PATH, "--xml").stdout
        names = {a.get("name") for a in ET.fromstring(xml).iter("annotation")}
        self.assertIn("org.gtk.GDBus.DocString", names)
        self.assertNotIn("org.freedesktop.DBus.Description", names)

    def test_tree_and_peer(self):
        tree = self.bus.busctl("tree", "--list", NAME).stdout.split()
        self.assertIn(PATH, tree)
        self.bus.busctl("call", NAME, PATH, "org.freedesktop.DBus.Peer", "Ping")
        out = self.dbus_send("org.freedesktop.DBus.Introspectable.Introspect")
        self.assertEqual(out.returncode, 0, out.stderr)


class Calls(DbusTest):
    def test_good_call_typed_result(self):
        r = self.busctl_json("call", NAME, PATH, TEST, "Echo", "sua{sv}", "abduction", "3", "2",
                             "upper", "b", "true", "pause", "s", "1m30s")
        self.assertEqual(r["type"], "a{sv}")
        data = r["data"][0]
        self.assertEqual(data["text"], {"type": "s", "data": "ABDUCTION"})
        self.assertEqual(data["times"], {"type": "u", "data": 3})  # typed by result_fields
        self.assertEqual(data["pause"]["data"], 90)
        # 0 for an optional argument means "the default"
        r = self.busctl_json("call", NAME, PATH, TEST, "Echo", "sua{sv}", "x", "0", "0")
        self.assertEqual(r["data"][0]["times"]["data"], 1)
        r = self.busctl_json("call", NAME, PATH, CORE, "Ping")
        self.assertEqual(r["data"], ["pong"])

    def test_bare_call_when_every_argument_may_be_left_out(self):
        """A method whose arguments are all optional is also served with none
        (its defaults), as `busctl call ... Plugins` was before it had
        options; one with a required argument still names its signature."""
        r = self.busctl_json("call", NAME, PATH, CORE, "Plugins")
        self.assertEqual(r["type"], "aa{sv}")
        self.assertEqual([p["name"]["data"] for p in r["data"][0]], ["test"])
        r = self.busctl_json("call", NAME, PATH, CORE, "Plugins", "a{sv}", "1", "core", "b",
                             "true")
        self.assertEqual([p["name"]["data"] for p in r["data"][0]], ["daemon", "test"])
        core = {m["name"]["data"] for m in r["data"][0][0]["methods"]["data"]}
        self.assertLessEqual({"daemon.ping", "daemon.plugins", "daemon.subscribe"}, core)
        out = self.dbus_send(TEST + ".Echo")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("org.freedesktop.DBus.Error.InvalidArgs", out.stderr)
        self.assertIn("Test.Echo takes (s text", out.stderr)
        self.assertIn("got ''", out.stderr)

    def test_bad_values_get_the_socket_words(self):
        cases = [(["x", 11], ["x", "11", "@a{sv} {}"]),
                 (["x", {"shout": True}], ["x", "0", "{'shout': <true>}"]),
                 (["x", {"pause": "soon"}], ["x", "0", "{'pause': <'soon'>}"])]
        for sock_args, gdbus_args in cases:
            with self.assertRaises(RpcError) as cm:
                self.client.call("test.echo", *sock_args)
            out = self.bus.gdbus("call", "--dest", NAME, "--object-path", PATH, "--method",
                                 TEST + ".Echo", *gdbus_args, check=False)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("GDBus.Error:org.freedesktop.DBus.Error.InvalidArgs: "
                          + cm.exception.message, out.stderr)

    def test_error_names(self):
        out = self.dbus_send(TEST + ".Echo", "string:x")
        self.assertIn("Error org.freedesktop.DBus.Error.InvalidArgs: Test.Echo takes (s text, u "
                      "times, a{sv} options), signature 'sua{sv}'; got 's'", out.stderr)
        out = self.dbus_send(TEST + ".Nope")
        self.assertIn("Error org.freedesktop.DBus.Error.UnknownMethod", out.stderr)
        out = self.dbus_send("org.lumbard.Lumbard1.Nope.Echo")
        self.assertIn("Error org.freedesktop.DBus.Error.UnknownInterface", out.stderr)
        out = self.dbus_send(TEST + ".Fail", "string:sciatica")
        self.assertIn("Error org.lumbard.Lumbard1.Error.NotFound: no such thing as sciatica",
                      out.stderr)
        out = self.dbus_send(TEST + ".BadResult")
        self.assertIn("Error org.lumbard.Lumbard1.Error.Internal", out.stderr)
        # subscriptions are the socket's
        out = self.dbus_send(CORE + ".Subscribe", "array:string:*")
        self.assertIn("Error org.freedesktop.DBus.Error.UnknownMethod", out.stderr)
        self.assertEqual(self.client.call("daemon.ping"), "pong")

    def test_deferred_answer_does_not_block_the_bus(self):
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.bus.address)
        later = subprocess.Popen(["gdbus", "call", "--session", "--dest", NAME, "--object-path",
                                  PATH, "--method", TEST + ".Later", "1500"],
                                 stdout=subprocess.PIPE, text=True, env=env)
        self.addCleanup(later.wait)
        self.daemon.wait_log("")  # nothing to wait for; keeps the order obvious
        deadline = time.monotonic() + 5
        while self.client.call("daemon.status")["pending_calls"] < 1:
            self.assertLess(time.monotonic(), deadline, "the Later call never arrived")
            time.sleep(0.01)
        r = self.busctl_json("call", NAME, PATH, CORE, "Ping")
        self.assertEqual(r["data"], ["pong"])
        self.assertIsNone(later.poll(), "Later answered before its time")
        out, _ = later.communicate(timeout=10)
        waited = int(re.search(r"'waited_ms': <int64 (\d+)>", out).group(1))
        self.assertGreaterEqual(waited, 1500)


class Signals(DbusTest):
    def test_event_reaches_socket_and_bus_alike(self):
        mon = self.monitor()
        self.client.call("daemon.subscribe", ["test.*"])
        self.bus.busctl("call", NAME, PATH, TEST, "Emit", "ua{sv}", "1", "1", "size", "u", "3")
        self.assertEqual(self.client.notification(),
                         [2, "test.tick", [{"n": 1, "payload": "xxx"}]])
        text = mon.wait_for("member=Tick")
        block = text[text.index("member=Tick"):]
        self.assertIn("interface=org.lumbard.Lumbard1.Test", text)
        self.assertRegex(block, r'member=Tick\s+uint64 1\s+string "xxx"')

    def test_properties_changed_coalesced(self):
        self.assertEqual(self.busctl_json("get-property", NAME, PATH, TEST, "Ticks")["data"], 0)
        mon = self.monitor()
        self.bus.busctl("call", NAME, PATH, TEST, "Emit", "ua{sv}", "5", "0")
        mon.wait_for("member=PropertiesChanged")
        self.bus.busctl("call", NAME, PATH, CORE, "Ping")  # a later loop turn has passed
        time.sleep(0.2)
        text = mon.text()
        self.assertEqual(text.count("member=Tick\n"), 5)
        self.assertEqual(text.count("member=PropertiesChanged"), 1, text)
        self.assertRegex(text, r'string "Ticks"\s+variant\s+uint64 5')
        self.assertEqual(self.busctl_json("get-property", NAME, PATH, TEST, "Ticks")["data"], 5)

    def test_get_with_any_interface(self):
        """Get with an empty interface name (the specification's "any
        interface") finds the property on whichever interface has it."""
        for args, want in ((["string:", "string:Version"], 'string "0.1.0"'),
                           (["string:", "string:Ticks"], "uint64 0"),
                           (["string:" + CORE, "string:Version"], 'string "0.1.0"')):
            out = self.dbus_send("org.freedesktop.DBus.Properties.Get", *args)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn(want, out.stdout)
        out = self.dbus_send("org.freedesktop.DBus.Properties.Get", "string:", "string:Nope")
        self.assertIn("Error org.freedesktop.DBus.Error.UnknownProperty: no property Nope on any "
                      "interface of " + PATH, out.stderr)

    def test_set_and_get_all(self):
        out = self.bus.busctl("set-property", NAME, PATH, TEST, "Greeting", "s", "", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("a greeting is 1 to 127 bytes", out.stderr)
        mon = self.monitor()
        self.bus.busctl("set-property", NAME, PATH, TEST, "Greeting", "s", "warm up first")
        mon.wait_for('string "Greeting"')
        self.assertEqual(self.busctl_json("get-property", NAME, PATH, TEST, "Greeting")["data"],
                         "warm up first")
        out = self.bus.busctl("set-property", NAME, PATH, TEST, "Ticks", "t", "3", check=False)
        self.assertIn("read-only", out.stderr)
        out = self.dbus_send("org.freedesktop.DBus.Properties.Set", "string:" + TEST,
                             "string:Greeting", "variant:uint32:5")
        self.assertIn("Error org.freedesktop.DBus.Error.InvalidArgs: property 'Greeting' must be "
                      "a string, got the integer 5", out.stderr)
        all_core = self.busctl_json("call", NAME, PATH, "org.freedesktop.DBus.Properties",
                                    "GetAll", "s", CORE)["data"][0]
        self.assertEqual(all_core["Version"], {"type": "s", "data": "0.1.0"})
        self.assertEqual(all_core["Plugins"], {"type": "as", "data": ["test"]})
        status = self.client.call("daemon.status")
        self.assertEqual(all_core["StartedAt"], {"type": "x", "data": status["started_at"]})


SIG_CONFIG = """
[rest]
default = 90s
warn = 1s
expire = 2s

[rest.preset.sets]
sets = 2
rest = 1s
until = 2s

[rest.preset.quick]
step1 = 1s | Left side
step2 = 1s | Right side
"""


def split_types(sig):
    """'sua{sv}' -> ['s', 'u', 'a{sv}']: one complete type each."""
    out, i = [], 0
    while i < len(sig):
        j, depth = i, 0
        while True:
            c = sig[j]
            if c in "({":
                depth += 1
            elif c in ")}":
                depth -= 1
            j += 1
            if depth == 0 and c != "a":
                break
        out.append(sig[i:j])
        i = j
    return out


def busctl_args(sig):
    """Arguments busctl takes for one value of each type (0 or empty: the defaults)."""
    args = []
    for t in split_types(sig):
        if t in ("u", "t", "x", "i", "q", "n", "y"):
            args.append("1")
        elif t == "d":
            args.append("1")
        elif t == "b":
            args.append("false")
        elif t in ("s", "o", "g"):
            args.append("x")
        elif t.startswith("a"):
            args.append("0")
        elif t == "v":
            args += ["s", "x"]
        else:
            raise AssertionError("no sample for " + t)
    return args


class Signatures(unittest.TestCase):
    """The D-Bus type of every value comes from its declaration, never from
    what it holds: what each method answers and each signal carries is what
    introspection says, an empty list of maps is aa{sv} as a full one is, and
    a field has one type wherever it appears (a{sv} entries, list items,
    nested maps), the declared one where it is declared."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="lumbard-sig-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.bus = Bus(self.root)
        self.addCleanup(self.bus.kill)
        self.daemon = Daemon(plugin_dirs=[GOOD_PLUGINS], bus=self.bus, config=SIG_CONFIG,
                             builtin_plugins=True)
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = Client(self.daemon.socket)
        self.addCleanup(self.client.close)

    def introspect(self):
        xml = self.bus.gdbus("introspect", "--dest", NAME, "--object-path", PATH, "--xml").stdout
        methods, signals = {}, {}
        for iface in ET.fromstring(xml).findall("interface"):
            name = iface.get("name")
            if not name.startswith(CORE):
                continue
            for m in iface.findall("method"):
                ins = "".join(a.get("type") for a in m.findall("arg") if a.get("direction") == "in")
                outs = "".join(a.get("type") for a in m.findall("arg")
                               if a.get("direction") == "out")
                methods[(name, m.get("name"))] = (ins, outs)
            for sg in iface.findall("signal"):
                signals[(name, sg.get("name"))] = "".join(a.get("type") for a in sg.findall("arg"))
        return methods, signals

    def declared(self):
        """{(interface, member): {field: dbus type}} from daemon.plugins."""
        out = {}
        for plugin in self.client.call("daemon.plugins"):
            iface = CORE + "." + camel(plugin["name"])
            for m in plugin["methods"]:
                member = camel(m["name"].split(".", 1)[1])
                out[(iface, member)] = {f["name"]: f["dbus"] for f in m.get("result_fields", [])}
        return out

    def walk(self, where, value, seen, declared):
        """Record the type of every a{sv} entry under value (busctl's JSON)."""
        t, data = value["type"], value["data"]
        if t == "a{sv}":
            for key, var in data.items():
                if key in declared and var["type"] != declared[key]:
                    self.undeclared.append("%s.%s is %s, declared %s"
                                           % (where, key, var["type"], declared[key]))
                seen.setdefault(where + "." + key, set()).add(var["type"])
                self.walk(where + "." + key, var, seen, declared)
        elif t == "aa{sv}":
            for item in data:
                self.walk(where + "[]", {"type": "a{sv}", "data": item}, seen, declared)
        elif t == "av":
            for item in data:
                self.walk(where + "[]", item, seen, declared)
        elif t == "v":
            self.walk(where, data, seen, declared)

    def call_all(self, methods, declared, seen, skip=()):
        answered = set()
        for (iface, member), (ins, outs) in sorted(methods.items()):
            if member in skip:
                continue
            out = self.bus.busctl("--json=short", "call", NAME, PATH, iface, member, ins,
                                  *busctl_args(ins), check=False)
            if out.returncode != 0:
                continue  # an error answer has no signature to check
            r = json.loads(out.stdout) if out.stdout.strip() else {"type": "", "data": []}
            self.assertEqual(r["type"], outs, "%s.%s answers %r, introspection says %r"
                             % (iface, member, r["type"], outs))
            for t, data in zip(split_types(r["type"]), r["data"]):
                self.walk(iface + "." + member, {"type": t, "data": data}, seen.setdefault(
                    (iface, member), {}), declared.get((iface, member), {}))
            answered.add((iface, member))
        return answered

    maxDiff = None

    def test_wire_types_match_introspection(self):
        methods, signals = self.introspect()
        declared = self.declared()
        seen = {}
        self.undeclared = []
        mon_path = os.path.join(self.root, "monitor.json")
        mon_out = open(mon_path, "w")
        self.addCleanup(mon_out.close)
        mon = subprocess.Popen(["stdbuf", "-oL", "busctl", "--address=" + self.bus.address,
                                "monitor", "--json=short"], stdout=mon_out,
                               stderr=subprocess.DEVNULL)
        self.addCleanup(mon.wait)
        self.addCleanup(mon.kill)
        time.sleep(0.5)
        # first with nothing logged or running: empty lists
        slow_ones = ("Later", "Reload", "Crash", "Exit")
        first = self.call_all(methods, declared, seen, skip=slow_ones)
        # then with something in each list
        bc = self.bus.busctl
        bc("call", NAME, PATH, CORE + ".Rest", "Start", "ua{sv}", "1", "0")
        bc("call", NAME, PATH, CORE + ".Rest", "Preset", "sa{sv}", "quick", "0")
        bc("call", NAME, PATH, CORE + ".Rest", "Preset", "sa{sv}", "sets", "0")
        for level in ("2", "4", "7"):
            bc("call", NAME, PATH, CORE + ".Pain", "Log", "ua{sv}", level, "0")
        bc("call", NAME, PATH, TEST, "Emit", "ua{sv}", "1", "0")
        second = self.call_all(methods, declared, seen, skip=slow_ones)
        for must in ((CORE + ".Rest", "Presets"), (CORE, "Plugins"), (CORE + ".Pain", "Stats"),
                     (CORE + ".Rest", "List"), (CORE + ".Pain", "History"), (CORE, "Status")):
            self.assertIn(must, first & second)
        time.sleep(3)  # rests finish, warnings and routine steps go out
        mon.terminate()
        mon.wait()
        with open(mon_path) as f:
            out = f.read()
        got = 0
        for line in out.splitlines():
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("type") != "signal" or not str(msg.get("interface", "")).startswith(CORE):
                continue
            key = (msg["interface"], msg["member"])
            payload = msg.get("payload", {"type": "", "data": []})
            self.assertIn(key, signals)
            self.assertEqual(payload["type"], signals[key], key)
            got += 1
            for t, data in zip(split_types(payload["type"]), payload["data"]):
                self.walk("%s.%s" % key, {"type": t, "data": data}, seen.setdefault(key, {}), {})
        self.assertGreater(got, 5, "signals seen")
        # a field has one type in every answer and signal, in every item of a list
        mixed = {path: types for fields in seen.values() for path, types in fields.items()
                 if len(types) > 1}
        self.assertEqual(self.undeclared, [])
        self.assertEqual(mixed, {})

    def test_empty_list_of_maps(self):
        r = json.loads(self.bus.busctl("--json=short", "call", NAME, PATH, CORE + ".Rest",
                                       "Presets").stdout)
        presets = {p["name"]["data"]: p for p in r["data"][0]}
        self.assertEqual(presets["sets"]["steps"], {"type": "aa{sv}", "data": []})
        self.assertEqual(presets["quick"]["steps"]["type"], "aa{sv}")
        self.assertEqual(presets["sets"]["sets"]["type"], "u")
        r = json.loads(self.bus.busctl("--json=short", "call", NAME, PATH, CORE,
                                       "Plugins").stdout)
        test = [p for p in r["data"][0] if p["name"]["data"] == "test"][0]
        kinds = {m["params"]["type"] for m in test["methods"]["data"]}
        self.assertEqual(kinds, {"aa{sv}"})


class BusLife(DbusTest):
    def test_status_reports_the_name(self):
        self.assertEqual(self.client.call("daemon.status")["dbus"],
                         "org.lumbard.Lumbard1 on the session bus")

    def test_second_daemon_refused(self):
        second = Daemon(plugin_dirs=[GOOD_PLUGINS], bus=self.bus)  # its own socket
        self.addCleanup(second.cleanup)
        second.start(wait=False)
        self.assertEqual(second.proc.wait(10), 1)
        self.assertIn("another lumbard already owns org.lumbard.Lumbard1 on this session bus",
                      second.log())
        self.assertFalse(os.path.exists(second.socket))
        self.assertEqual(self.busctl_json("call", NAME, PATH, CORE, "Ping")["data"], ["pong"])

    def test_bus_killed_mid_run(self):
        self.client.call("daemon.subscribe", ["*"])
        self.bus.kill()
        self.daemon.wait_log("lost the D-Bus session bus; serving on the socket only")
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        self.client.call("test.emit", 1)  # events still flow on the socket
        self.assertEqual(self.client.notification()[1], "test.tick")
        self.assertEqual(self.client.call("daemon.status")["dbus"], "lost the session bus")


class Activation(unittest.TestCase):
    """Calling the name starts lumbard (here through the service file's Exec=,
    as a bus without systemd does; with systemd it goes through
    SystemdService=lumbard.service)."""

    def test_call_starts_the_daemon(self):
        root = tempfile.mkdtemp(prefix="lumbard-act-")
        self.addCleanup(shutil.rmtree, root, True)
        bus = Bus(root)
        self.addCleanup(bus.kill)
        for sub in ("run", "data", "config"):
            os.makedirs(os.path.join(root, sub), mode=0o700)
        log = os.path.join(root, "lumbard.log")
        with open(os.path.join(bus.services, NAME + ".service"), "w") as f:
            f.write("[D-BUS Service]\nName=%s\nExec=/bin/sh -c 'exec /usr/bin/env "
                    "XDG_RUNTIME_DIR=%s/run XDG_DATA_HOME=%s/data XDG_CONFIG_HOME=%s/config "
                    "%s --plugin-dir %s 2>>%s'\n"
                    % (NAME, root, root, root, LUMBARD, GOOD_PLUGINS, log))
        r = json.loads(bus.busctl("--json=short", "call", NAME, PATH, CORE, "Ping").stdout)
        self.assertEqual(r["data"], ["pong"])
        c = Client(os.path.join(root, "run", "lumbard.sock"))
        pid = c.call("daemon.status")["pid"]
        c.close()
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        with open(log) as f:
            text = f.read()
        self.assertIn("stopped cleanly", text)


class ActivationRefused(unittest.TestCase):
    """Activation while a socket-only lumbard (--no-dbus) holds the socket and
    the data: the activated one exits, and says on stderr, which the bus (or
    the journal) shows, which lumbard holds them and what to do."""

    def test_bus_output_names_the_other_lumbard(self):
        first = Daemon(plugin_dirs=[GOOD_PLUGINS])  # --no-dbus
        self.addCleanup(first.cleanup)
        first.start()
        root = first.root
        services = os.path.join(root, "dbus-services")
        os.makedirs(services, exist_ok=True)
        conf = os.path.join(root, "bus.conf")
        with open(conf, "w") as f:
            f.write("""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=%s/bus</listen><servicedir>%s</servicedir>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>
<allow own="*"/></policy></busconfig>
""" % (root, services))
        # the activated lumbard's stderr is the bus's, as it is the journal's
        # under systemd: no redirection in Exec=
        with open(os.path.join(services, NAME + ".service"), "w") as f:
            f.write("[D-BUS Service]\nName=%s\nExec=/usr/bin/env XDG_RUNTIME_DIR=%s/run "
                    "XDG_DATA_HOME=%s/data XDG_CONFIG_HOME=%s/config %s --plugin-dir %s\n"
                    % (NAME, root, root, root, LUMBARD, GOOD_PLUGINS))
        err_path = os.path.join(root, "bus.err")
        with open(err_path, "w") as err:
            bus = subprocess.Popen(["dbus-daemon", "--config-file", conf, "--nofork",
                                    "--print-address=1"], stdout=subprocess.PIPE, stderr=err,
                                   text=True)
        self.addCleanup(bus.wait)
        self.addCleanup(bus.kill)
        address = bus.stdout.readline().strip()
        out = subprocess.run(["busctl", "--address=" + address, "call", NAME, PATH, CORE, "Ping"],
                             capture_output=True, text=True, timeout=30)
        self.assertNotEqual(out.returncode, 0)
        deadline = time.monotonic() + 10
        while True:
            with open(err_path) as f:
                text = f.read()
            if "another lumbard" in text or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertRegex(text, r"another lumbard \(pid %d[,)]" % first.pid)
        self.assertIn(first.socket, text)
        self.assertIn("--no-dbus", text)  # how to fix it: that one runs without D-Bus
        self.assertEqual(Client(first.socket).call("daemon.ping"), "pong")

if __name__ == "__main__":
    unittest.main()
