"""Nobody else can sit behind the socket, and two daemons never share one.

- PeerCheck: a client (lumbarctl, lumbar-notify) that reaches a socket
  served by another user refuses it before it sends a byte.
- FallbackDir: the daemon refuses a /tmp/lumbard-UID made by another user,
  a symlink in its place, or one other users can write to.
- OneDaemonPerSocket: the lock beside the socket; a stopping daemon removes
  only its own socket.

The first two need root: to add the users (useradd; removed at the end) and
to run processes as them (setpriv). Without root or useradd they are skipped
(run.py exits 77)."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from lbtest import Bus, Client, Daemon, slow

BUILD = os.environ.get("LB_BUILD_DIR", "")
LUMBARCTL = os.path.join(BUILD, "bin", "lumbarctl")
NOTIFY = os.path.join(BUILD, "bin", "lumbar-notify")
PYTHON = "/usr/bin/python3"

# Another user's server on a socket path: it answers every request the way
# lumbard would answer pain.log (so that a client that talks to it goes on as
# if all were well) and prints, for each connection once it ends, how many
# bytes the client sent. It makes the socket's directory itself, as an
# attacker on /tmp would, unless it exists.
IMPOSTOR = r"""
import msgpack, os, socket, sys, time
path = sys.argv[1]
d = os.path.dirname(path)
if not os.path.isdir(d):
    os.mkdir(d, 0o755)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o777)
s.listen(16)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.settimeout(2)
    got = 0
    u = msgpack.Unpacker(raw=False)
    try:
        while True:
            data = c.recv(65536)
            if not data:
                break
            got += len(data)
            u.feed(data)
            for m in u:
                if isinstance(m, list) and len(m) == 4 and m[0] == 0:
                    c.sendall(msgpack.packb([1, m[1], None, {"id": 1, "at": int(time.time())}]))
    except (socket.timeout, OSError):
        pass
    c.close()
    print("connection %d" % got, flush=True)
"""


def run_as(user, argv):
    """argv as that user (no supplementary groups)."""
    return ["setpriv", "--reuid=%d" % user.pw_uid, "--regid=%d" % user.pw_gid,
            "--clear-groups"] + list(argv)


class Users:
    """Users made for a test class with useradd, removed with userdel."""

    def __init__(self, test_class):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root: to add users and run processes as them")
        for tool in ("useradd", "userdel", "setpriv"):
            if not shutil.which(tool):
                raise unittest.SkipTest("needs %s, which is not installed" % tool)
        self.cls = test_class

    def add(self, role):
        name = "lbt-%s-%d" % (role, os.getpid())
        out = subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                              "/usr/sbin/nologin", name], capture_output=True, text=True)
        if out.returncode != 0:
            raise unittest.SkipTest("useradd %s failed (%d): %s" % (name, out.returncode,
                                                                    out.stderr.strip()))
        self.cls.addClassCleanup(subprocess.run, ["userdel", name], capture_output=True)
        return pwd.getpwnam(name)


class Impostor:
    """IMPOSTOR running as user on path; connections() are the bytes each
    finished connection carried."""

    def __init__(self, user, path):
        self.path = path
        self.proc = subprocess.Popen(run_as(user, [PYTHON, "-c", IMPOSTOR, path]),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line != "listening\n":
            self.proc.kill()
            raise AssertionError("the other user's server did not start: %r %s"
                                 % (line, self.proc.stderr.read()))
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def connections(self):
        return [int(l.split()[1]) for l in list(self.lines) if l.startswith("connection ")]

    def wait_connections(self, n, timeout=10.0):
        deadline = time.monotonic() + slow(timeout)
        while len(self.connections()) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.connections()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(5)
        self.proc.stdout.close()
        self.proc.stderr.close()


def client_env(**extra):
    env = dict(os.environ)
    for k in ("LUMBARD_SOCKET", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY",
              "WAYLAND_DISPLAY"):
        env.pop(k, None)
    env.update(extra)
    return env


class PeerCheck(unittest.TestCase):
    """A client refuses a socket that another user serves, before it sends
    anything: on the /tmp fallback another user can make the directory and
    listen first, and would be sent the whole diary entry."""

    @classmethod
    def setUpClass(cls):
        users = Users(cls)
        cls.mallory = users.add("mallory")
        cls.victim = users.add("victim")

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="lumbard-socket-")
        os.chmod(self.root, 0o755)
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)

    def mallory_dir(self):
        """A directory of the other user's, where they put their socket."""
        d = os.path.join(self.root, "mallory")
        os.mkdir(d, 0o755)
        os.chown(d, self.mallory.pw_uid, self.mallory.pw_gid)
        return d

    def impostor(self, path):
        imp = Impostor(self.mallory, path)
        self.addCleanup(imp.stop)
        return imp

    def assertRefusalSaid(self, text, path):
        self.assertIn("%s is served by uid %d (%s, pid " % (path, self.mallory.pw_uid,
                                                            self.mallory.pw_name), text)
        self.assertIn("refusing to send anything", text)
        self.assertIn("LUMBARD_SOCKET", text)

    def test_lumbarctl_refuses_another_users_socket(self):
        path = os.path.join(self.mallory_dir(), "lumbard.sock")
        imp = self.impostor(path)
        out = subprocess.run([LUMBARCTL, "--socket", path, "pain", "log", "8", "--symptom",
                              "saddle-numbness"], capture_output=True, text=True,
                             env=client_env(), timeout=slow(60))
        self.assertEqual(out.returncode, 3, "expected exit 3 (cannot reach the daemon); stdout:"
                         " %r stderr: %r" % (out.stdout, out.stderr))
        self.assertRefusalSaid(out.stderr, path)
        self.assertNotIn("Logged", out.stdout)
        self.assertEqual(imp.wait_connections(1), [0], "the other user's server got bytes")

    def test_lumbarctl_refuses_the_fallback_made_by_another_user(self):
        """The real case: no LUMBARD_SOCKET, no XDG_RUNTIME_DIR, no
        /run/user/UID; another user made /tmp/lumbard-UID and listens."""
        uid = self.victim.pw_uid
        if os.path.exists("/run/user/%d" % uid):
            self.skipTest("/run/user/%d exists: the fallback is not used" % uid)
        fallback = "/tmp/lumbard-%d" % uid
        if os.path.lexists(fallback):
            self.skipTest("%s exists already; not touching it" % fallback)
        self.addCleanup(shutil.rmtree, fallback, ignore_errors=True)
        path = fallback + "/lumbard.sock"
        imp = self.impostor(path)
        ctl = os.path.join(self.root, "lumbarctl")  # where the victim can run it
        shutil.copy2(LUMBARCTL, ctl)
        out = subprocess.run(run_as(self.victim, [ctl, "pain", "log", "8", "--symptom",
                                                  "saddle-numbness"]),
                             capture_output=True, text=True, timeout=slow(60),
                             env=client_env(HOME=self.root))
        self.assertEqual(out.returncode, 3, "expected exit 3 (cannot reach the daemon); stdout:"
                         " %r stderr: %r" % (out.stdout, out.stderr))
        self.assertRefusalSaid(out.stderr, path)
        self.assertIn("not by you (uid %d)" % uid, out.stderr)
        self.assertNotIn("Logged", out.stdout)
        self.assertEqual(imp.wait_connections(1), [0], "the other user's server got bytes")

    def test_notify_refuses_and_keeps_trying(self):
        path = os.path.join(self.mallory_dir(), "lumbard.sock")
        imp = self.impostor(path)
        bus = Bus(self.root)
        self.addCleanup(bus.kill)
        for sub in ("run", "config"):
            os.makedirs(os.path.join(self.root, sub), mode=0o700)
        log_path = os.path.join(self.root, "lumbar-notify.log")
        log = open(log_path, "wb")
        self.addCleanup(log.close)
        env = client_env(DBUS_SESSION_BUS_ADDRESS=bus.address,
                         XDG_RUNTIME_DIR=os.path.join(self.root, "run"),
                         XDG_CONFIG_HOME=os.path.join(self.root, "config"))
        proc = subprocess.Popen([NOTIFY, "--socket", path], env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def stop():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.addCleanup(stop)

        def text():
            with open(log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        # it tries again after 0.25 s, 0.5 s, 1 s...: three attempts, all refused
        got = imp.wait_connections(3)
        self.assertEqual(got[:3], [0, 0, 0], "the other user's server got bytes; lumbar-notify's "
                         "log:\n%s" % text())
        self.assertIsNone(proc.poll(), "lumbar-notify exited:\n%s" % text())
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(slow(10)), 0, text())
        log_text = text()
        self.assertRefusalSaid(log_text, path)
        self.assertEqual(log_text.count("refusing to send anything"), 1,
                         "the refusal is said once, not at every try:\n" + log_text)
        self.assertNotIn("connected to lumbard", log_text)
        for bad in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            self.assertNotIn(bad, log_text)


class FallbackDir(unittest.TestCase):
    """The daemon of a user with no XDG_RUNTIME_DIR and no /run/user/UID puts
    its socket in /tmp/lumbard-UID, a name any user can take first. It runs
    here as a user made for the test, so that the real /tmp/lumbard-0 is not
    touched; the other user is a second one."""

    @classmethod
    def setUpClass(cls):
        users = Users(cls)
        cls.victim = users.add("victim")
        cls.mallory = users.add("mallory")

    def setUp(self):
        uid = self.victim.pw_uid
        if os.path.exists("/run/user/%d" % uid):
            self.skipTest("/run/user/%d exists: the fallback is not used" % uid)
        self.dir = "/tmp/lumbard-%d" % uid
        if os.path.lexists(self.dir):
            self.skipTest("%s exists already; not touching it" % self.dir)
        self.addCleanup(self.remove_dir)
        d = Daemon(plugin_dirs=[])
        self.addCleanup(d.cleanup)
        os.chmod(d.root, 0o755)
        for sub in ("run", "data", "config", "config/lumbard"):
            os.chown(os.path.join(d.root, sub), uid, self.victim.pw_gid)
        d.env.pop("XDG_RUNTIME_DIR")
        d.env["HOME"] = d.root
        d.wrapper = run_as(self.victim, [])
        d.socket = self.dir + "/lumbard.sock"
        self.daemon = d

    def remove_dir(self):
        if os.path.islink(self.dir) or os.path.isfile(self.dir):
            os.unlink(self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def refused(self):
        d = self.daemon
        d.start(wait=False)
        try:
            rc = d.proc.wait(slow(10))
        except subprocess.TimeoutExpired:
            raise AssertionError("lumbard started on %s, expected a refusal:\n%s"
                                 % (self.dir, d.log()))
        self.assertEqual(rc, 1, d.log())
        d.log_file.close()
        return d.log()

    def test_another_users_directory(self):
        os.mkdir(self.dir, 0o700)
        os.chown(self.dir, self.mallory.pw_uid, self.mallory.pw_gid)
        log = self.refused()
        self.assertIn("the socket directory %s belongs to uid %d (%s), not to lumbard's uid %d"
                      % (self.dir, self.mallory.pw_uid, self.mallory.pw_name,
                         self.victim.pw_uid), log)
        self.assertIn("set XDG_RUNTIME_DIR or pass --socket", log)
        self.assertEqual(os.listdir(self.dir), [])

    def test_symlink_in_its_place(self):
        """A link to a directory of the other user's: a socket made through
        it would be theirs to swap."""
        target = tempfile.mkdtemp(prefix="lumbard-elsewhere-")
        self.addCleanup(shutil.rmtree, target, ignore_errors=True)
        os.chown(target, self.mallory.pw_uid, self.mallory.pw_gid)
        os.chmod(target, 0o777)
        os.symlink(target, self.dir)
        os.lchown(self.dir, self.mallory.pw_uid, self.mallory.pw_gid)
        log = self.refused()
        self.assertIn("%s is a symlink, not the directory lumbard makes for its socket"
                      % self.dir, log)
        self.assertEqual(os.listdir(target), [])

    def test_writable_by_others_then_fixed(self):
        os.mkdir(self.dir)
        os.chown(self.dir, self.victim.pw_uid, self.victim.pw_gid)
        os.chmod(self.dir, 0o777)
        log = self.refused()
        self.assertIn("the socket directory %s can be written by other users (mode 0777)"
                      % self.dir, log)
        self.assertIn("Run chmod 700 %s" % self.dir, log)
        self.assertEqual(os.listdir(self.dir), [])
        # what the message says to do is enough (the daemon serves only its
        # own user, so the test, root, reads its log rather than pinging it)
        os.chmod(self.dir, 0o700)
        self.daemon.start(wait=False)
        self.daemon.wait_log("ready on %s/lumbard.sock" % self.dir)
        self.assertTrue(os.path.exists(self.daemon.socket))


class OneDaemonPerSocket(unittest.TestCase):
    """The lock file beside the socket (SOCKET.lock) is held for a daemon's
    whole life, taken before the socket path is looked at."""

    def setUp(self):
        self.run_dir = tempfile.mkdtemp(prefix="lumbard-shared-")
        self.addCleanup(shutil.rmtree, self.run_dir, ignore_errors=True)
        self.path = os.path.join(self.run_dir, "lumbard.sock")

    def daemon(self):
        """A daemon with its own data directory on the shared socket."""
        d = Daemon(plugin_dirs=[], extra_args=["--socket", self.path])
        d.socket = self.path
        self.addCleanup(d.cleanup)
        return d

    def served_by(self):
        c = Client(self.path, timeout=5)
        try:
            return c.call("daemon.status")["pid"]
        finally:
            c.close()

    def test_two_started_at_once(self):
        """Started at the same moment, 20 times: exactly one is ready, the
        other exits 1 naming the first's pid."""
        a, b = self.daemon(), self.daemon()
        for round_ in range(20):
            before = {d: len(d.log()) for d in (a, b)}
            a.start(wait=False)
            b.start(wait=False)
            deadline = time.monotonic() + slow(10)
            while a.proc.poll() is None and b.proc.poll() is None:
                if time.monotonic() > deadline:
                    raise AssertionError("round %d: both daemons run on %s:\n%s\n%s"
                                         % (round_, self.path, a.log(), b.log()))
                time.sleep(0.01)
            loser, winner = (a, b) if a.proc.poll() is not None else (b, a)
            self.assertEqual(loser.proc.wait(), 1, loser.log()[before[loser]:])
            loser.log_file.close()
            winner.wait_ready()
            self.assertIsNone(winner.proc.poll())
            self.assertEqual(self.served_by(), winner.pid)
            self.assertIn("another lumbard is already running on %s (pid %d); stop it first"
                          % (self.path, winner.pid), loser.log()[before[loser]:])
            self.assertEqual(winner.stop(), 0, winner.log())
            self.assertFalse(os.path.exists(self.path), "round %d: the socket stayed" % round_)

    def test_socket_removed_by_hand_lock_still_holds(self):
        """A's socket file is removed (rm, a /tmp cleaner): A is unreachable
        but running, and a second daemon is refused, naming A, instead of
        starting beside it."""
        a = self.daemon().start()
        os.unlink(self.path)
        b = self.daemon()
        b.start(wait=False)
        try:
            rc = b.proc.wait(slow(10))
        except subprocess.TimeoutExpired:
            raise AssertionError("a second daemon started while the first still runs:\n%s"
                                 % b.log())
        self.assertEqual(rc, 1, b.log())
        b.log_file.close()
        self.assertIn("another lumbard is already running on %s (pid %d)" % (self.path, a.pid),
                      b.log())
        self.assertEqual(a.stop(), 0, a.log())

    def test_stopping_daemon_leaves_the_next_ones_socket(self):
        """Real with the lock: the lock file and the socket are removed under
        a running daemon A (a cleaner of /tmp, or someone tidying the
        directory by hand), so B takes a new lock and the path. When A stops
        it must not remove B's socket: B would run on, unreachable."""
        a = self.daemon().start()
        os.unlink(self.path)
        try:
            os.unlink(self.path + ".lock")
        except FileNotFoundError:  # a lumbard that takes no lock
            pass
        b = self.daemon().start()
        self.assertEqual(self.served_by(), b.pid)
        self.assertEqual(a.stop(), 0, a.log())
        self.assertTrue(os.path.exists(self.path), "A removed B's socket")
        self.assertEqual(self.served_by(), b.pid)
        self.assertIn("leaving %s in place: it is no longer the socket this daemon made"
                      % self.path, a.log())
        self.assertEqual(b.stop(), 0, b.log())
        self.assertFalse(os.path.exists(self.path), "B left its own socket behind")
        self.assertTrue(os.path.exists(self.path + ".lock"), "the lock file stays, on purpose")


if __name__ == "__main__":
    unittest.main()
