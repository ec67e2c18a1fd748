"""Test harness: a real lumbard in a temporary XDG world, and a raw
MessagePack-RPC client written from the spec with Debian's python3-msgpack.

LB_VALGRIND=1 runs every daemon under valgrind's memcheck (tests/integration/
memcheck does that for the whole suite): a daemon that exits by itself must
exit with no error and no definite or indirect leak, and the harness's
timeouts grow to match valgrind's pace (LB_SLOW scales them further)."""
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import msgpack

LUMBARD = os.environ.get("LUMBARD_BIN", "lumbard")
GOOD_PLUGINS = os.environ.get("LB_TEST_PLUGIN_DIR")
DUP_PLUGINS = os.environ.get("LB_TEST_DUP_PLUGIN_DIR")
CRASH_PLUGINS = os.environ.get("LB_TEST_CRASH_PLUGIN_DIR")
BADDECL_PLUGINS = os.environ.get("LB_TEST_BADDECL_PLUGIN_DIR")

VALGRIND = os.environ.get("LB_VALGRIND") == "1"
VALGRIND_ARGS = ["valgrind", "--error-exitcode=99", "--leak-check=full",
                 "--errors-for-leak-kinds=definite,indirect",
                 "--show-leak-kinds=definite,indirect", "--num-callers=30"]
# Where each daemon's valgrind report is copied, for memcheck's summary.
VALGRIND_DIR = os.environ.get("LB_VALGRIND_DIR")
SLOW = float(os.environ.get("LB_SLOW", "1")) * (20 if VALGRIND else 1)


# A fixed date and time for the clock-sensitive tests (ctest runs them again
# with LB_TEST_NOW=unix seconds and LB_TEST_TZ=zone): every daemon's wall
# clock runs from that moment on (the daemon's LUMBARD_TEST_NOW seam), and
# the tests compare with wall() and zone(), never with time.time().
FAKE_NOW = os.environ.get("LB_TEST_NOW")
CLOCK_OFFSET = int(FAKE_NOW) - time.time() if FAKE_NOW else 0.0
FAKE_TZ = os.environ.get("LB_TEST_TZ")


def wall():
    """Now on the daemons' wall clock, in unix seconds."""
    return time.time() + CLOCK_OFFSET


def zone(default):
    """The time zone a test runs its daemons in: its own, or the fixed run's."""
    return FAKE_TZ or default


def slow(seconds):
    """A timeout for this run: valgrind runs the daemon many times slower."""
    return seconds * SLOW


# No test daemon may leave a core file in the source tree, where they run.
resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
if VALGRIND:
    # valgrind keeps a few descriptors at the top of the limit it starts
    # with: leave room above the 1024 clients the daemon serves.
    _soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    _want = 4096 if _hard == resource.RLIM_INFINITY else min(_hard, 4096)
    if _soft < _want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (_want, _hard))


def asan_options(**options):
    """ASAN_OPTIONS with these set, for a daemon whose fault is the point
    (harmless without the sanitizer)."""
    given = [o for o in os.environ.get("ASAN_OPTIONS", "").split(":") if o]
    given += ["%s=%s" % kv for kv in options.items()]
    return ":".join(given)


class Bus:
    """A private dbus-daemon (session type) for one test, with a directory of
    activatable services."""

    def __init__(self, root):
        self.root = root
        self.services = os.path.join(root, "dbus-services")
        os.makedirs(self.services, exist_ok=True)
        self.config = os.path.join(root, "bus.conf")
        with open(self.config, "w") as f:
            f.write("""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s/bus</listen>
  <servicedir>%s</servicedir>
  <!-- as a desktop's session bus has it (/usr/share/dbus-1/session.conf):
       the built-in limit is far lower -->
  <limit name="max_replies_per_connection">50000</limit>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
""" % (root, self.services))
        self.proc = subprocess.Popen(["dbus-daemon", "--config-file", self.config, "--nofork",
                                      "--print-address=1"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            raise AssertionError("dbus-daemon did not start")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def run(self, *args, check=True, timeout=10):
        """Run a D-Bus client (busctl, gdbus, ...) against this bus."""
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)
        out = subprocess.run(list(args), capture_output=True, text=True, env=env,
                             timeout=slow(timeout))
        if check and out.returncode != 0:
            raise AssertionError("%s failed (%d): %s%s" % (" ".join(args), out.returncode,
                                                          out.stdout, out.stderr))
        return out

    def busctl(self, *args, check=True):
        return self.run("busctl", "--address=" + self.address, *args, check=check)

    def gdbus(self, *args, check=True):
        return self.run("gdbus", args[0], "--address", self.address, *args[1:], check=check)


class Monitor:
    """dbus-monitor on the bus, collecting its output in a file."""

    def __init__(self, bus, *match):
        self.path = os.path.join(bus.root, "monitor-%d.txt" % time.monotonic_ns())
        self.file = open(self.path, "w")
        self.proc = subprocess.Popen(["dbus-monitor", "--address", bus.address] + list(match),
                                     stdout=self.file, stderr=subprocess.STDOUT)
        # it prints its own NameLost once it has become a monitor
        self.wait_for("member=NameLost")

    def text(self):
        with open(self.path) as f:
            return f.read()

    def wait_for(self, needle, timeout=10.0):
        timeout = slow(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return self.text()
            time.sleep(0.02)
        raise AssertionError("dbus-monitor did not see %r within %.0f s:\n%s"
                             % (needle, timeout, self.text()))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.file.close()


class Daemon:
    """lumbard with its own XDG directories (and --no-dbus unless a bus is
    given); stderr goes to a file."""

    def __init__(self, plugin_dirs=(), config=None, extra_args=(), root=None, env=None, bus=None,
                 builtin_plugins=False):
        self.root = root or tempfile.mkdtemp(prefix="lumbard-test-")
        self.owns_root = root is None
        for sub in ("run", "data", "config/lumbard"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        os.chmod(os.path.join(self.root, "run"), 0o700)
        self.socket = os.path.join(self.root, "run", "lumbard.sock")
        self.config_path = os.path.join(self.root, "config", "lumbard", "lumbard.conf")
        if config is not None:
            with open(self.config_path, "w") as f:
                f.write(config)
        self.env = dict(os.environ)
        self.env.pop("LUMBARD_SOCKET", None)
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        if bus is not None:
            self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        self.env.update(XDG_RUNTIME_DIR=os.path.join(self.root, "run"),
                        XDG_DATA_HOME=os.path.join(self.root, "data"),
                        XDG_CONFIG_HOME=os.path.join(self.root, "config"))
        if env:
            self.env.update(env)
        # The daemon loads the plugins next to its executable. Core tests run
        # a copy from the test's root, where there are none, so that they do
        # not depend on which real plugins the build has.
        binary = LUMBARD
        if not builtin_plugins:
            os.makedirs(os.path.join(self.root, "bin"), exist_ok=True)
            binary = os.path.join(self.root, "bin", "lumbard")
            if not os.path.exists(binary):
                shutil.copy2(LUMBARD, binary)
        self.args = [binary] if bus is not None else [binary, "--no-dbus"]
        for d in plugin_dirs:
            self.args += ["--plugin-dir", d]
        self.args += list(extra_args)
        self.log_path = os.path.join(self.root, "lumbard.log")
        self.proc = None
        # Runs the daemon inside another program (unshare, ...), which must
        # exec it so that the process stays the daemon.
        self.wrapper = []
        self.runs = []  # (process, valgrind report) of each start

    def start(self, wait=True):
        self.log_file = open(self.log_path, "ab")
        command = list(self.args)
        report = None
        if VALGRIND:
            # writable by a daemon that runs as another user (PeerCredentials)
            reports = os.path.join(self.root, "valgrind")
            os.makedirs(reports, exist_ok=True)
            os.chmod(reports, 0o1777)
            report = os.path.join(reports, "valgrind-%d.log" % (len(self.runs) + 1))
            command = VALGRIND_ARGS + ["--log-file=" + report] + command
        env = dict(self.env)
        if FAKE_NOW and "LUMBARD_TEST_NOW" not in env:
            env.update(LUMBARD_TEST_SEAMS="1", LUMBARD_TEST_NOW="%.3f" % wall())
            if FAKE_TZ:
                env["TZ"] = FAKE_TZ
        self.proc = subprocess.Popen(self.wrapper + command, env=env, stdout=self.log_file,
                                     stderr=subprocess.STDOUT, preexec_fn=None)
        self.runs.append((self.proc, report))
        if wait:
            self.wait_ready()
        return self

    @property
    def pid(self):
        return self.proc.pid

    def proc_status(self, field):
        """A number from /proc/PID/status, e.g. VmRSS or VmHWM (in kB)."""
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise AssertionError("no %s in /proc/%d/status" % (field, self.pid))

    def sanitized(self):
        """Whether the daemon runs with AddressSanitizer (its redzones make
        every allocation larger)."""
        with open("/proc/%d/maps" % self.pid) as f:
            return "libasan" in f.read()

    def open_fds(self):
        """How many file descriptors the daemon holds."""
        return len(os.listdir("/proc/%d/fd" % self.pid))

    def fd_targets(self):
        """What each of the daemon's descriptors is (fd -> link target)."""
        out = {}
        d = "/proc/%d/fd" % self.pid
        for f in os.listdir(d):
            try:
                out[int(f)] = os.readlink(os.path.join(d, f))
            except OSError:
                pass
        return out

    def valgrind_problems(self):
        """The valgrind reports of the starts that ended by themselves (not by
        a signal) and found errors or leaks."""
        bad = []
        for proc, report in self.runs:
            if report is None or proc.poll() is None or proc.returncode < 0:
                continue
            try:
                with open(report) as f:
                    text = f.read()
            except OSError as e:
                bad.append("%s: %s" % (report, e))
                continue
            if VALGRIND_DIR:
                shutil.copy(report, os.path.join(VALGRIND_DIR, "%s-%s" % (
                    os.path.basename(self.root), os.path.basename(report))))
            if proc.returncode == 99 or "ERROR SUMMARY: 0 errors" not in text:
                bad.append(text)
        return bad

    def wait_ready(self, timeout=10.0):
        timeout = slow(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("lumbard exited with %d before it was ready:\n%s"
                                     % (self.proc.returncode, self.log()))
            try:
                c = Client(self.socket, timeout=1)
                c.call("daemon.ping")
                c.close()
                return
            except (OSError, EOFError):
                time.sleep(0.02)
        raise AssertionError("lumbard did not answer within %.0f s:\n%s" % (timeout, self.log()))

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_log(self, text, timeout=10.0, count=1):
        """Wait until text is in the log (count times: the log file goes on
        across restarts)."""
        timeout = slow(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log().count(text) >= count:
                return
            time.sleep(0.02)
        raise AssertionError("expected %r %d time(s) in the daemon log within %.0f s; the log:"
                             "\n%s" % (text, count, timeout, self.log()))

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Stop the daemon; returns its exit status."""
        timeout = slow(timeout)
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("lumbard did not exit within %.0f s of %s:\n%s"
                                 % (timeout, signal.Signals(sig).name, self.log()))
        self.log_file.close()
        return rc

    def cleanup(self):
        """Every test ends with a clean exit: a still-running daemon must stop
        on SIGTERM with status 0, and nothing in its log may show a sanitizer
        report or a handle left open."""
        try:
            if self.proc is not None and self.proc.poll() is None:
                rc = self.stop(signal.SIGTERM)
                if rc != 0:
                    raise AssertionError("lumbard exited with %d on SIGTERM, expected 0:\n%s"
                                         % (rc, self.log()))
            log = self.log()
            for bad in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                        "left open at exit"):
                if bad in log:
                    raise AssertionError("%r in the daemon log:\n%s" % (bad, log))
            reports = self.valgrind_problems()
            if reports:
                raise AssertionError("valgrind found errors or leaks in lumbard:\n%s\n"
                                     "the daemon log:\n%s" % ("\n".join(reports), log))
        finally:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self.owns_root:
                shutil.rmtree(self.root, ignore_errors=True)


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message


class Client:
    """A blocking MessagePack-RPC client over the daemon's socket."""

    def __init__(self, path, timeout=10.0):
        timeout = slow(timeout)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # A blocking connect waits for room in a full listen backlog; one in
        # timeout mode would fail with EAGAIN at once.
        self.sock.connect(path)
        self.sock.settimeout(timeout)
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        self.next_id = 1
        self.responses = {}
        self.notifications = []

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, obj):
        self.sock.sendall(msgpack.packb(obj, use_bin_type=True))

    def request(self, method, *params):
        msgid = self.next_id
        self.next_id += 1
        self.send([0, msgid, method, list(params)])
        return msgid

    def _read(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise EOFError("the daemon closed the connection")
        self.unpacker.feed(data)
        for msg in self.unpacker:
            if msg[0] == 1:
                self.responses[msg[1]] = msg
            elif msg[0] == 2:
                self.notifications.append(msg)
                self.arrivals = getattr(self, "arrivals", [])
                self.arrivals.append(time.time())
            else:
                raise AssertionError("unexpected message from the daemon: %r" % (msg,))

    def response(self, msgid):
        while msgid not in self.responses:
            self._read()
        return self.responses.pop(msgid)

    def result(self, msgid):
        _, _, error, result = self.response(msgid)
        if error is not None:
            raise RpcError(error["code"], error["message"])
        return result

    def call(self, method, *params):
        return self.result(self.request(method, *params))

    def notification(self):
        while not self.notifications:
            self._read()
        if getattr(self, "arrivals", None):
            self.arrivals.pop(0)
        return self.notifications.pop(0)

    def wait_event(self, name, timeout=10.0, **match):
        """The next event called name whose fields include match; other
        events before it are kept in self.seen. Returns (fields, arrival
        time in unix seconds)."""
        timeout = slow(timeout)
        deadline = time.monotonic() + timeout
        self.seen = getattr(self, "seen", [])
        while True:
            for i, note in enumerate(self.notifications):
                fields = note[2][0]
                if note[1] == name and all(fields.get(k) == v for k, v in match.items()):
                    del self.notifications[i]
                    return fields, self.arrivals.pop(i) if hasattr(self, "arrivals") else None
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %s %r within %.0f s; events seen: %r"
                                     % (name, match, timeout, self.notifications))
            self.sock.settimeout(left)
            try:
                self._read()
            except socket.timeout:
                pass

    def closed_by_peer(self, timeout=5.0):
        """True when the daemon closes the connection (pending bytes are read
        and kept)."""
        self.sock.settimeout(slow(timeout))
        try:
            while True:
                self._read()
        except (EOFError, ConnectionResetError):
            return True
        except socket.timeout:
            return False


class DaemonTest(unittest.TestCase):
    """Each test gets its own daemon with the test plugins."""
    plugin_dirs = property(lambda self: [GOOD_PLUGINS])
    config = None

    def setUp(self):
        self.daemon = Daemon(plugin_dirs=self.plugin_dirs, config=self.config)
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()

    def connect(self):
        c = Client(self.daemon.socket)
        self.addCleanup(c.close)
        return c

    def assertRpcError(self, code, contains, method, *params, client=None):
        with self.assertRaises(RpcError) as cm:
            (client or self.client).call(method, *params)
        self.assertEqual(cm.exception.code, code, cm.exception.message)
        self.assertIn(contains, cm.exception.message)
        return cm.exception
