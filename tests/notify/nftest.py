"""Harness for the lumbar-notify tests: the real lumbard (tests/integration's
lbtest), a private session bus, python3-dbusmock's notification_daemon
template as a notification server whose calls the tests read back, and
lumbar-notify itself (LUMBAR_NOTIFY_BIN) between them."""
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

import dbus  # noqa: E402  (python3-dbus, a dependency of python3-dbusmock)

from lbtest import Bus, Client, Daemon, RpcError  # noqa: E402,F401

NOTIFY = os.environ.get("LUMBAR_NOTIFY_BIN", "lumbar-notify")
PYTHON = "/usr/bin/python3"
FDN = "org.freedesktop.Notifications"
FDN_PATH = "/org/freedesktop/Notifications"

# The daemon's config in these tests: no built-in reminders (a config file
# replaces the built-in one whole), no scheduled check-in, a one-step
# sequence whose end asks for a check-in.
DAEMON_CONFIG = """
[daemon]
log_level = info

[pain]
checkin = off

[rest.preset.quick]
label = quick
step1 = 1s | Test step
done = Quick done

[rest.preset.pair]
label = pair
sets = 2
rest = 60s
"""

TAG = re.compile(r"<[^>]*>")


def plain(text):
    """A body as the user reads it: markup tags dropped, entities decoded."""
    return html.unescape(TAG.sub("", text))


def py(value):
    """dbus-python values as plain Python ones."""
    if isinstance(value, (dbus.Boolean,)):
        return bool(value)
    if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16, dbus.UInt32,
                          dbus.UInt64)):
        return int(value)
    if isinstance(value, dbus.Double):
        return float(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath, dbus.Signature)):
        return str(value)
    if isinstance(value, dbus.Dictionary):
        return {py(k): py(v) for k, v in value.items()}
    if isinstance(value, (dbus.Array, dbus.Struct, list, tuple)):
        return [py(v) for v in value]
    return value


class Note:
    """One Notify call as the server received it, with the id the server
    answered."""

    def __init__(self, index, args, nid):
        self.index = index  # its place among all the calls the server logged
        (self.app, self.replaces, self.icon, self.summary, self.body, actions, hints,
         self.timeout) = [py(a) for a in args]
        self.raw_hints = args[6]
        self.hints = hints
        self.actions = actions
        self.action_keys = actions[0::2]
        self.id = nid

    @property
    def text(self):
        """Summary and body, as read."""
        return self.summary + "\n" + plain(self.body)

    def __repr__(self):
        return ("Notify(id=%d, replaces=%d, app=%r, summary=%r, body=%r, actions=%r, hints=%r, "
                "timeout=%d)" % (self.id, self.replaces, self.app, self.summary, self.body,
                                 self.actions, self.hints, self.timeout))


class MockServer:
    """dbusmock's notification_daemon template on the bus, with the given
    capabilities. The template answers Notify with a new id (1, 2, ...) or
    with replaces_id when it is not 0; CloseNotification emits
    NotificationClosed. Every call is logged; GetCalls reads them back."""

    def __init__(self, bus, caps="actions body body-markup"):
        self.bus = bus
        self.caps = caps
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=bus.address)
        self.log_path = os.path.join(bus.root, "dbusmock-%d.log" % time.monotonic_ns())
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "dbusmock", "--template", "notification_daemon",
             "-p", json.dumps({"capabilities": caps})],
            env=env, stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)
        self.conn = dbus.bus.BusConnection(bus.address)
        deadline = time.monotonic() + 10
        while not self.conn.name_has_owner(FDN):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the dbusmock notification server did not start:\n"
                                     + open(self.log_path).read())
            time.sleep(0.02)
        self.mock = dbus.Interface(self.conn.get_object(FDN, FDN_PATH), "org.freedesktop.DBus.Mock")

    def stop(self):
        if self.conn is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()
        # wait until the name is gone from the bus
        deadline = time.monotonic() + 5
        while self.conn.name_has_owner(FDN) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.conn.close()
        self.conn = None

    def calls(self):
        """[(method, args)] in the order the server handled them."""
        return [(str(c[1]), list(c[2])) for c in self.mock.GetCalls()]

    def notes(self):
        """Every Notify, with the id the template answered."""
        out, next_id = [], 1
        for i, (method, args) in enumerate(self.calls()):
            if method != "Notify":
                continue
            replaces = int(args[1])
            if replaces:
                nid = replaces
            else:
                nid, next_id = next_id, next_id + 1
            out.append(Note(i, args, nid))
        return out

    def closes(self):
        """The ids passed to CloseNotification, in order."""
        return [int(args[0]) for method, args in self.calls() if method == "CloseNotification"]

    def count(self, method):
        return len([1 for m, _ in self.calls() if m == method])

    def wait(self, what, pred, timeout=10.0, after=-1):
        """The first Notify after call index `after` for which pred is true."""
        deadline = time.monotonic() + timeout
        while True:
            notes = [n for n in self.notes() if n.index > after]
            for n in notes:
                if pred(n):
                    return n
            if time.monotonic() > deadline:
                raise AssertionError("expected %s within %.0f s; the notification server got:\n%s"
                                     % (what, timeout, "\n".join(map(repr, notes)) or "(no Notify)"))
            time.sleep(0.05)

    def wait_summary(self, summary, timeout=10.0, after=-1):
        return self.wait("a Notify with summary %r" % summary, lambda n: n.summary == summary,
                         timeout, after)

    def wait_text(self, text, timeout=10.0, after=-1):
        return self.wait("a Notify whose summary or body has %r" % text,
                         lambda n: text in n.text, timeout, after)

    def wait_close(self, nid, timeout=10.0):
        deadline = time.monotonic() + timeout
        while nid not in self.closes():
            if time.monotonic() > deadline:
                raise AssertionError("expected CloseNotification(%d) within %.0f s; calls: %s"
                                     % (nid, timeout, self.describe()))
            time.sleep(0.05)

    def wait_method(self, method, timeout=10.0, count=1):
        deadline = time.monotonic() + timeout
        while self.count(method) < count:
            if time.monotonic() > deadline:
                raise AssertionError("expected %d call(s) of %s within %.0f s; calls: %s"
                                     % (count, method, timeout, self.describe()))
            time.sleep(0.05)

    def last_index(self):
        return len(self.calls()) - 1

    def describe(self):
        return "\n".join("%s%r" % (m, tuple(py(a) for a in args)) for m, args in self.calls()) \
            or "(none)"

    def emit_action(self, nid, key):
        self.mock.EmitSignal(FDN, "ActionInvoked", "us", [dbus.UInt32(nid), key])

    def emit_closed(self, nid, reason=2):
        """reason 2: dismissed by the user."""
        self.mock.EmitSignal(FDN, "NotificationClosed", "uu", [dbus.UInt32(nid),
                                                               dbus.UInt32(reason)])


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Notifier:
    """lumbar-notify with stderr to a file."""

    def __init__(self, root, args=(), env=None, bus=None, config=None):
        self.root = root
        self.env = dict(os.environ)
        for k in ("LUMBARD_SOCKET", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"):
            self.env.pop(k, None)
        # its own runtime and config dirs unless a test says otherwise: only
        # what the test passes counts
        for sub in ("notify-run", "notify-config"):
            os.makedirs(os.path.join(root, sub), exist_ok=True)
        os.chmod(os.path.join(root, "notify-run"), 0o700)
        self.env.update(XDG_RUNTIME_DIR=os.path.join(root, "notify-run"),
                        XDG_CONFIG_HOME=os.path.join(root, "notify-config"))
        if bus is not None:
            self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        if env:
            for k, v in env.items():
                if v is None:
                    self.env.pop(k, None)
                else:
                    self.env[k] = v
        self.args = [NOTIFY] + list(args)
        self.config_path = None
        if config is not None:
            self.config_path = os.path.join(root, "notify.conf")
            self.write_config(config)
            self.args += ["--config", self.config_path]
        self.log_path = os.path.join(root, "lumbar-notify-%d.log" % time.monotonic_ns())
        self.proc = None

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def start(self):
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=self.log_file,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return self

    @property
    def pid(self):
        return self.proc.pid

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def assert_running(self, when=""):
        if not self.running():
            raise AssertionError("lumbar-notify exited (status %s)%s; its log:\n%s"
                                 % (self.proc.returncode, " " + when if when else "", self.log()))

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def lines(self):
        return [l for l in self.log().splitlines() if l.strip()]

    def wait_log(self, pred, what, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines():
                if pred(line):
                    return line
            time.sleep(0.05)
        raise AssertionError("expected a log line %s within %.0f s; lumbar-notify's log:\n%s"
                             % (what, timeout, self.log()))

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def wait_exit(self, timeout=10.0):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("lumbar-notify still runs after %.0f s; its log:\n%s"
                                 % (timeout, self.log()))

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("lumbar-notify did not exit within %.0f s of %s; its log:\n%s"
                                 % (timeout, signal.Signals(sig).name, self.log()))
        return rc

    def cleanup(self):
        """Every test ends with SIGTERM → exit 0, and no sanitizer report."""
        if self.proc is None:
            return
        if os.environ.get("LB_NOTIFY_SHOW_LOG"):  # for a person reading along
            sys.stderr.write("---- lumbar-notify's log (%s)\n%s----\n" % (" ".join(self.args),
                                                                         self.log()))
        try:
            if self.proc.poll() is None:
                rc = self.stop(signal.SIGTERM)
                if rc != 0:
                    raise AssertionError("lumbar-notify exited with %d on SIGTERM, expected 0; "
                                         "its log:\n%s" % (rc, self.log()))
            for bad in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
                if bad in self.log():
                    raise AssertionError("%r in lumbar-notify's log:\n%s" % (bad, self.log()))
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.log_file.close()


def wait_event(client, event, timeout=10.0, **fields):
    """lbtest's Client.wait_event, for fields that its own parameters shadow
    (a reminder's `name`)."""
    deadline = time.monotonic() + timeout
    while True:
        for i, note in enumerate(client.notifications):
            got = note[2][0]
            if note[1] == event and all(got.get(k) == v for k, v in fields.items()):
                del client.notifications[i]
                if getattr(client, "arrivals", None):
                    client.arrivals.pop(i)
                return got
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no %s %r within %.0f s; events seen: %r"
                                 % (event, fields, timeout, client.notifications))
        client.sock.settimeout(left)
        try:
            client._read()
        except OSError:  # socket.timeout
            pass


def call_many(client, method, params, window=500):
    """method called once with each params list, `window` calls in flight
    at a time, and their results in order. Pipelined, thousands of calls
    take a second; the window keeps the answers the daemon queues for this
    client under its 4 MiB bound."""
    results, pending = [], []
    for p in params:
        pending.append(client.request(method, *p))
        if len(pending) >= window:
            results.append(client.result(pending.pop(0)))
    results += [client.result(msgid) for msgid in pending]
    return results


def digits_out(line):
    return re.sub(r"[0-9.]+", "#", line)


class NotifyTest(unittest.TestCase):
    """A daemon, a private bus, a mock notification server with `caps`
    (None: no server), lumbar-notify with `notify_config` between them, and
    a test client subscribed to every event."""
    caps = "actions body body-markup"
    daemon_config = DAEMON_CONFIG
    daemon_env = None
    notify_config = ""
    notifier_args = None  # None: --socket DAEMON_SOCKET
    notifier_env = None
    start_daemon = True
    start_notifier = True
    tmp_dir = None  # where the test's files go; None: tempfile's default

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="lumbar-notify-test-", dir=self.tmp_dir)
        self.addCleanup(shutil.rmtree, self.root, True)
        self.bus = Bus(self.root)
        self.addCleanup(self.bus.kill)
        self.daemon = Daemon(builtin_plugins=True, config=self.daemon_config,
                             root=os.path.join(self.root, "daemon"), env=self.daemon_env)
        self.addCleanup(self.daemon.cleanup)
        self.client = None
        if self.start_daemon:
            self.daemon.start()
            self.client = self.connect()
            self.client.call("daemon.subscribe", ["*"])
        self.server = None
        if self.caps is not None:
            self.server = self.start_server(self.caps)
        self.notifier = None
        if self.start_notifier:
            self.notifier = self.make_notifier(args=self.notifier_args, env=self.notifier_env)
            self.notifier.start()
            if self.start_daemon:
                self.wait_subscribed()
            if self.server is not None:
                self.server.wait_method("GetCapabilities")

    def start_server(self, caps):
        s = MockServer(self.bus, caps)
        self.addCleanup(s.stop)
        return s

    def make_notifier(self, args=None, env=None, config=None, bus=True):
        """config: None for the class's notify_config (passed with --config),
        False for no --config."""
        if config is None:
            config = self.notify_config
        n = Notifier(self.root, args=["--socket", self.daemon.socket] if args is None else args,
                     env=env, bus=self.bus if bus else None,
                     config=None if config is False else config)
        self.addCleanup(n.cleanup)
        return n

    def connect(self):
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        return c

    def wait_subscribed(self, count=2, timeout=10.0, client=None):
        """Until `count` connections (the test's client and lumbar-notify)
        are subscribed on the daemon."""
        client = client or self.client
        deadline = time.monotonic() + timeout
        while True:
            if self.notifier is not None:
                self.notifier.assert_running("before it subscribed")
            n = client.call("daemon.status")["subscribers"]
            if n >= count:
                time.sleep(0.1)  # its other subscribe calls, if it makes several
                return
            if time.monotonic() > deadline:
                raise AssertionError("lumbar-notify did not subscribe on the daemon within %.0f s "
                                     "(%d subscribers); its log:\n%s"
                                     % (timeout, n, self.notifier.log() if self.notifier else ""))
            time.sleep(0.05)

    def remind(self, name, message, when="in 1s", client=None):
        return (client or self.client).call("reminders.add", name, when, {"message": message})

    @staticmethod
    def stop_proc(p):
        """Stop a helper process (Xvfb, a notification server): TERM, then KILL."""
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def routine(self):
        """The preset `pair` run through at once (set 1 done, set 2 now, set 2
        done): its end makes a check-in due."""
        r = self.client.call("rest.preset", "pair")
        for _ in range(3):
            self.client.call("rest.next", r["id"])
        return r

    def assert_notifier_log_once(self, lines, what):
        """Lines logged while something lasted: it was said (at least one
        line), and no line repeats (numbers aside)."""
        self.assertTrue(lines, "lumbar-notify logged nothing %s; its log:\n%s"
                        % (what, self.notifier.log()))
        shapes = [digits_out(l) for l in lines]
        dups = sorted({s for s in shapes if shapes.count(s) > 1})
        self.assertEqual(dups, [], "lumbar-notify repeated itself %s (it should say so once); "
                         "the lines:\n%s" % (what, "\n".join(lines)))
