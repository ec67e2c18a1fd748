"""Faults around the real daemon: SIGKILL while pain entries stream in, a
full disk under the database, the session bus killed while both transports
are busy, plugins that crash, hang, fail or declare nonsense while they
load."""
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from lbtest import (BADDECL_PLUGINS, CRASH_PLUGINS, GOOD_PLUGINS, Bus, Client, Daemon, RpcError,
                    asan_options, slow)

NAME = "org.lumbard.Lumbard1"
PATH = "/org/lumbard/Lumbard1"
PAIN = "[pain]\ncheckin = off\n"


def integrity(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


class KillDuringStream(unittest.TestCase):
    """Four clients stream pain.log (8 requests in flight each) and the
    daemon is SIGKILLed in the middle of it, three times. Every entry whose
    answer reached a client, even one read after the kill, is in the diary
    after the restart, with its level and note; nothing is in it twice; and
    the database passes PRAGMA integrity_check straight after each kill."""
    WRITERS = 4
    WINDOW = 8
    ROUNDS = 3

    def test_sigkill_while_pain_entries_stream_in(self):
        d = Daemon(config=PAIN, builtin_plugins=True)
        self.addCleanup(d.cleanup)
        d.start()
        db_path = os.path.join(d.root, "data", "lumbard", "lumbard.db")
        acked = {}  # id -> (note, level)
        lock = threading.Lock()
        failures = []

        def write(c, rnd, w):
            inflight, seq = {}, 0

            def settle(msgid, msg):
                note, level = inflight.pop(msgid)
                if msg[2] is not None:
                    failures.append("%s answered %r" % (note, msg[2]))
                else:
                    with lock:
                        acked[msg[3]["id"]] = (note, level)

            try:
                while True:
                    while len(inflight) < self.WINDOW:
                        note = "round %d writer %d entry %d" % (rnd, w, seq)
                        level = seq % 11
                        inflight[c.request("pain.log", level, {"note": note})] = (note, level)
                        seq += 1
                    msgid = min(inflight)
                    settle(msgid, c.response(msgid))
            except (EOFError, ConnectionResetError, BrokenPipeError):
                pass  # the daemon is gone
            for msgid in list(inflight):  # answers read in the last gulp
                if msgid in c.responses:
                    settle(msgid, c.responses.pop(msgid))

        for rnd in range(self.ROUNDS):
            clients = [Client(d.socket, timeout=30) for _ in range(self.WRITERS)]
            threads = [threading.Thread(target=write, args=(c, rnd, w))
                       for w, c in enumerate(clients)]
            before = len(acked)
            for t in threads:
                t.start()
            deadline = time.monotonic() + slow(30)
            while len(acked) < before + 60 + 40 * rnd and time.monotonic() < deadline:
                time.sleep(0.005)
            d.stop(signal.SIGKILL)
            for t in threads:
                t.join(slow(30))
            for c in clients:
                c.close()
            self.assertEqual(failures, [])
            self.assertGreater(len(acked), before, "round %d: no entry was logged" % rnd)
            self.assertEqual(integrity(db_path), "ok", "after the kill in round %d" % rnd)
            d.start()
            c = Client(d.socket)
            self.addCleanup(c.close)
            have = {e["id"]: (e["note"], e["level"])
                    for e in c.call("pain.history", {"limit": 10000})}
            lost = {i: v for i, v in acked.items() if have.get(i) != v}
            self.assertEqual(lost, {}, "round %d: acknowledged entries missing or changed "
                             "(id: (note, level))" % rnd)
            notes = [v[0] for v in have.values()]
            self.assertEqual(len(notes), len(set(notes)), "an entry is in the diary twice")
            stray = [n for n in notes if not n.startswith("round ")]
            self.assertEqual(stray, [])
            print("\nround %d: %d entries acknowledged, %d in the diary"
                  % (rnd, len(acked), len(have)))
        self.assertEqual(integrity(db_path), "ok")


def tmpfs_wrapper(mountpoint, size):
    """A command prefix that runs a program in a mount namespace of its own
    with a tmpfs of that size on mountpoint: as root, or in a user namespace
    without it. Returns (prefix, None), or (None, why none works)."""
    script = 'mount -t tmpfs -o size=%s,mode=0700 lumbard-test "$0" && exec "$@"' % size
    why = []
    for ns in (["unshare", "--mount"], ["unshare", "--map-root-user", "--mount"]):
        prefix = ns + ["sh", "-c", script, mountpoint]
        try:
            probe = subprocess.run(prefix + ["true"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            why.append("%s: %s" % (" ".join(ns), e))
            continue
        if probe.returncode == 0:
            return prefix, None
        why.append("%s: %s" % (" ".join(ns), probe.stderr.strip() or
                                "exit status %d" % probe.returncode))
    return None, "; ".join(why)


class FullDisk(unittest.TestCase):
    """The data dir on a 4 MiB tmpfs (in a mount namespace of the daemon's
    own), filled to the last byte while the daemon runs. pain.log and
    reminders.add must then fail with a clear error (internal, saying the
    disk is full and that nothing was saved), the daemon keeps serving,
    nothing half-written appears, and once space is freed both work again
    and PRAGMA integrity_check is ok."""

    def setUp(self):
        self.d = Daemon(config=PAIN, builtin_plugins=True)
        self.addCleanup(self.d.cleanup)
        self.data = os.path.join(self.d.root, "data")
        prefix, why = tmpfs_wrapper(self.data, "4m")
        if prefix is None:
            self.skipTest("cannot mount a tmpfs for the data dir: " + why)
        self.d.wrapper = prefix
        self.d.start()
        self.c = Client(self.d.socket)
        self.addCleanup(self.c.close)

    def inside(self, *parts):
        """A path in the daemon's mount namespace, seen from here."""
        return "/proc/%d/root%s" % (self.d.pid, os.path.join(self.data, *parts))

    def snapshot(self):
        """A copy of the database and its WAL, idle as the daemon is now.
        SQLite cannot open them where they are: it resolves /proc/PID/root
        to this namespace's root."""
        where = tempfile.mkdtemp(prefix="lumbard-fulldisk-")
        self.addCleanup(shutil.rmtree, where, True)
        for name in ("lumbard.db", "lumbard.db-wal"):
            if os.path.exists(self.inside("lumbard", name)):
                shutil.copy(self.inside("lumbard", name), os.path.join(where, name))
        return os.path.join(where, "lumbard.db")

    def fill(self):
        """Write a file until the tmpfs is full; returns its size."""
        path = self.inside("filler")
        chunk = b"\0" * 65536
        with open(path, "wb", buffering=0) as f:
            for size in (65536, 4096, 512, 1):
                try:
                    while True:
                        f.write(chunk[:size])
                except OSError as e:
                    self.assertEqual(e.errno, 28, "filling the disk: %s" % e)  # ENOSPC
        return os.path.getsize(path)

    def test_full_disk_clear_errors_then_recovery(self):
        self.assertEqual(self.c.call("daemon.status")["database"],
                         os.path.join(self.data, "lumbard", "lumbard.db"))
        self.assertEqual(os.statvfs(self.inside()).f_blocks * os.statvfs(self.inside()).f_frsize,
                         4 * 1024 * 1024, "the data dir is not on the 4 MiB tmpfs")
        acked = [self.c.call("pain.log", 3, {"note": "before"})["id"]]
        first = self.c.call("reminders.add", "before", "every 1h")["id"]
        filled = self.fill()
        # Pages the database already has may take a few entries more; the
        # disk has no room for many.
        error = None
        for i in range(200):
            try:
                acked.append(self.c.call("pain.log", 4, {"note": "full %d " % i + "x" * 900})["id"])
            except RpcError as e:
                error = e
                break
        self.assertIsNotNone(error, "200 entries of 1 KiB logged on a full disk (%d bytes filled)"
                             % filled)
        self.assertEqual(error.code, "internal")
        self.assertIn("is full; free some space", error.message)
        self.assertIn("nothing was logged", error.message)
        self.d.wait_log("cannot save a pain entry: the disk that holds")
        with self.assertRaises(RpcError) as cm:
            self.c.call("reminders.add", "while-full", "every 2h")
        self.assertEqual(cm.exception.code, "internal")
        self.assertIn("is full; free some space", cm.exception.message)
        self.assertIn("nothing was added", cm.exception.message)
        # still serving, reads still work
        self.assertEqual(self.c.call("daemon.ping"), "pong")
        other = Client(self.d.socket)
        self.addCleanup(other.close)
        self.assertEqual(other.call("daemon.ping"), "pong")
        names = [r["name"] for r in self.c.call("reminders.list")]
        self.assertIn("before", names)
        self.assertNotIn("while-full", names, "a reminder that was not saved is listed")
        self.assertEqual(sorted(e["id"] for e in self.c.call("pain.history", {"limit": 1000})),
                         sorted(acked))

        os.unlink(self.inside("filler"))
        after = self.c.call("pain.log", 5, {"note": "after"})["id"]
        acked.append(after)
        r = self.c.call("reminders.add", "while-full", "every 2h")  # the name is free
        self.assertGreater(r["id"], first)
        self.assertEqual(sorted(e["id"] for e in self.c.call("pain.history", {"limit": 1000})),
                         sorted(acked), "the diary after the disk was full")
        # what the disk holds now, as a restart (or a crash) would find it
        copy = self.snapshot()
        self.assertEqual(integrity(copy), "ok")
        db = sqlite3.connect(copy)
        saved = [row[0] for row in db.execute("SELECT name FROM reminders_reminders")]
        db.close()
        self.assertIn("while-full", saved)
        self.assertIn("before", saved)
        print("\n%d bytes filled; %d entries fitted in after that" % (filled, len(acked) - 2))


class BusKilledUnderLoad(unittest.TestCase):
    """The session bus dies (SIGKILL) while a client streams requests on the
    socket, a subscriber takes events and a D-Bus caller waits for a
    deferred answer: the socket goes on serving every request and event, the
    orphaned answer goes nowhere, and the daemon stops cleanly later."""

    def test_bus_killed_while_socket_and_bus_are_busy(self):
        root = tempfile.mkdtemp(prefix="lumbard-buskill-")
        self.addCleanup(shutil.rmtree, root, True)
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(plugin_dirs=[GOOD_PLUGINS], bus=bus)
        self.addCleanup(d.cleanup)
        d.start()
        control = Client(d.socket)
        self.addCleanup(control.close)
        sub = Client(d.socket)
        self.addCleanup(sub.close)
        sub.call("daemon.subscribe", ["test.*"])
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=bus.address)
        later = subprocess.Popen(["gdbus", "call", "--session", "--dest", NAME, "--object-path",
                                  PATH, "--method", "org.lumbard.Lumbard1.Test.Later", "1000"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        self.addCleanup(later.wait)
        deadline = time.monotonic() + slow(10)
        while control.call("daemon.status")["pending_calls"] < 1:
            self.assertLess(time.monotonic(), deadline, "the D-Bus Later call never arrived")
            time.sleep(0.01)

        worker = Client(d.socket, timeout=30)
        self.addCleanup(worker.close)
        stop = threading.Event()
        answered = [0]
        wrong = []

        def stream():
            try:
                while not stop.is_set():
                    ids = [worker.request("test.echo", "w%d" % (answered[0] + i))
                           for i in range(20)]
                    for i, msgid in enumerate(ids):
                        r = worker.result(msgid)
                        if r["text"] != "w%d" % (answered[0]):
                            wrong.append(r)
                        answered[0] += 1
            except BaseException as e:
                wrong.append(e)

        t = threading.Thread(target=stream)
        t.start()
        try:
            control.call("test.emit", 50)
            bus.kill()
            d.wait_log("lost the D-Bus session bus; serving on the socket only")
            at_loss = answered[0]
            control.call("test.emit", 50)  # signals for these have nowhere to go
            deadline = time.monotonic() + slow(10)
            while answered[0] < at_loss + 200 and time.monotonic() < deadline and not wrong:
                time.sleep(0.01)
        finally:
            stop.set()
            t.join(slow(30))
        self.assertEqual(wrong, [])
        self.assertGreaterEqual(answered[0], at_loss + 200,
                                "the streaming client was not served after the bus died")
        ticks = [sub.notification()[2][0]["n"] for _ in range(100)]
        self.assertEqual(ticks, list(range(1, 101)), "events on the socket across the loss")
        # the answer to the D-Bus caller is due now and has nowhere to go
        deadline = time.monotonic() + slow(10)
        while control.call("daemon.status")["pending_calls"] > 0:
            self.assertLess(time.monotonic(), deadline, "the orphaned Later call never ended")
            time.sleep(0.05)
        status = control.call("daemon.status")
        self.assertEqual(status["dbus"], "lost the session bus")
        self.assertEqual(control.call("daemon.ping"), "pong")
        self.assertNotIn("This is normally a bug", d.log())  # libdbus complaining
        self.assertEqual(d.stop(), 0)
        self.assertIn("stopped cleanly", d.log())


class PluginTest(unittest.TestCase):
    """One data dir across several starts, with a private copy of the
    crashing plugin (so that changing it disturbs no other test)."""

    def setUp(self):
        self.d = Daemon(plugin_dirs=[GOOD_PLUGINS],
                        env={"ASAN_OPTIONS": asan_options(handle_segv=0)})
        self.addCleanup(self.d.cleanup)
        self.plugins = os.path.join(self.d.root, "plugins")
        os.makedirs(self.plugins)
        self.plugin = os.path.join(self.plugins, "crashy.so")
        shutil.copy2(os.path.join(CRASH_PLUGINS, "crashy.so"), self.plugin)
        self.d.args += ["--plugin-dir", self.plugins]
        self.guard = os.path.join(self.d.root, "data", "lumbard", "plugin-guard")

    def configure(self, text):
        with open(self.d.config_path, "w") as f:
            f.write(text)

    def guard_text(self):
        try:
            with open(self.guard) as f:
                return f.read()
        except FileNotFoundError:
            return None

    def plugin_names(self):
        c = Client(self.d.socket)
        try:
            return [p["name"] for p in c.call("daemon.plugins")]
        finally:
            c.close()

    def crash(self):
        """Start with the plugin set to crash: lumbard dies of SIGSEGV."""
        self.configure("[crashy]\nmode = segv\n")
        self.d.start(wait=False)
        rc = self.d.proc.wait(slow(10))
        self.assertEqual(rc, -signal.SIGSEGV, "expected lumbard to die of SIGSEGV in crashy's "
                         "init; the log:\n" + self.d.log())
        self.d.log_file.close()
        self.assertIn("initialising ", self.guard_text() or "", "the guard has no record")
        self.assertIn(self.plugin, self.guard_text())


class PluginCrash(PluginTest):
    def test_crash_at_init_then_skipped_until_the_file_changes(self):
        self.crash()
        # second start: the crash is noticed, the plugin skipped, the rest served
        self.d.start()
        log = self.d.log()
        self.assertIn("lumbard stopped while it was loading the plugin %s at its last start"
                      % self.plugin, log)
        skip = "skipping plugin %s: it crashed lumbard while loading" % self.plugin
        self.assertIn(skip, log)
        self.assertIn("fix or remove the plugin and restart lumbard", log)
        self.assertIn("or delete %s to try it as it is" % self.guard, log)
        self.assertEqual(self.plugin_names(), ["test"])
        c = Client(self.d.socket)
        self.assertEqual(c.call("test.echo", "still here")["text"], "still here")
        c.close()
        self.assertIn("crashed ", self.guard_text())
        self.assertNotIn("initialising ", self.guard_text())
        self.assertEqual(self.d.stop(), 0)
        # third start, the file unchanged: still skipped, without trying it
        self.d.start()
        self.assertEqual(self.d.log().count(skip), 2)
        self.assertEqual(self.d.log().count("crashy: init in mode"), 1, "crashy was run again")
        self.assertEqual(self.plugin_names(), ["test"])
        self.assertEqual(self.d.stop(), 0)
        # a rebuilt plugin (here: touched) is tried again; this one loads
        st = os.stat(self.plugin)
        os.utime(self.plugin, ns=(st.st_atime_ns, st.st_mtime_ns + 1000000000))
        self.configure("[crashy]\nmode = ok\n")
        self.d.start()
        self.assertIn("the plugin %s changed since it crashed lumbard: trying it again"
                      % self.plugin, self.d.log())
        self.assertEqual(self.plugin_names(), ["test", "crashy"])
        self.assertIsNone(self.guard_text(), "the guard file stays with nothing in it")

    def test_deleting_the_guard_tries_it_again(self):
        self.crash()
        self.d.start()
        self.assertEqual(self.plugin_names(), ["test"])
        self.assertEqual(self.d.stop(), 0)
        os.unlink(self.guard)
        self.configure("[crashy]\nmode = ok\n")
        self.d.start()
        self.assertEqual(self.plugin_names(), ["test", "crashy"])
        c = Client(self.d.socket)
        self.assertIs(c.call("crashy.alive"), True)
        c.close()

    def test_killed_while_loading_is_skipped_but_sigterm_is_not(self):
        # SIGTERM while a plugin loads: handled once loading is over
        self.configure("[crashy]\nmode = sleep\nsleep_ms = 1000\n")
        self.d.start(wait=False)
        self.d.wait_log("crashy: init in mode sleep")
        self.assertEqual(self.d.stop(signal.SIGTERM), 0)
        self.assertIn("stopped cleanly", self.d.log())
        self.assertIsNone(self.guard_text())
        self.configure("[crashy]\nmode = ok\n")
        self.d.start()
        self.assertEqual(self.plugin_names(), ["test", "crashy"])
        self.assertEqual(self.d.stop(), 0)
        # SIGKILL while it loads (a hang killed by hand or by systemd's
        # start timeout): that plugin is skipped next time
        self.configure("[crashy]\nmode = sleep\nsleep_ms = 1000\n")
        self.d.start(wait=False)
        self.d.wait_log("crashy: init in mode sleep", count=2)
        self.d.stop(signal.SIGKILL)
        self.configure("[crashy]\nmode = ok\n")
        self.d.start()
        self.assertIn("skipping plugin %s: it crashed lumbard while loading" % self.plugin,
                      self.d.log())
        self.assertEqual(self.plugin_names(), ["test"])


class PluginFaults(PluginTest):
    def test_init_error_is_not_a_crash(self):
        self.configure("[crashy]\nmode = fail\n")
        for start in (1, 2):
            self.d.start()
            self.assertEqual(self.plugin_names(), ["test"])
            self.assertEqual(self.d.stop(), 0)
            self.assertEqual(self.d.log().count("crashy: init in mode fail"), start,
                             "a failing init is tried again at each start")
        self.assertIn("skipping plugin crashy (%s): its init failed (Input/output error)"
                      % self.plugin, self.d.log())
        self.assertNotIn("crashed lumbard", self.d.log())
        self.assertIsNone(self.guard_text())

    def test_invalid_declarations_are_refused_and_the_daemon_runs_on(self):
        self.d.args += ["--plugin-dir", BADDECL_PLUGINS]
        self.configure("[crashy]\nmode = ok\n")
        self.d.start()
        c = Client(self.d.socket)
        self.addCleanup(c.close)
        plugins = {p["name"]: p for p in c.call("daemon.plugins")}
        self.assertEqual(sorted(plugins), ["baddecl", "crashy", "test"])
        self.assertEqual([m["name"] for m in plugins["baddecl"]["methods"]],
                         ["baddecl.good", "baddecl.late"])
        self.assertEqual(plugins["baddecl"]["events"], [])
        self.assertEqual(c.call("baddecl.good"), "good")
        self.assertEqual(c.call("baddecl.late"), -1)  # -EPERM: declared after init
        log = self.d.log()
        for words in ('method name "Bad-Name" must match', 'method "no_handler" has no handler',
                      'method "twice": parameter "a" is declared twice',
                      'method "bad_default": the default of parameter "n"',
                      'required parameter "b" follows an optional one',
                      'parameter "a" has a type a parameter cannot have',
                      'method "bad_result" has an unknown result type',
                      'method "baddecl.good" is declared twice',
                      'event name "bad field" must match', 'field name "Level" must match',
                      'event "dup": field "x" is declared twice', 'method name "(null)"',
                      "12 of 12 bad declarations refused", "declare_method(later) after init"):
            self.assertIn(words, log)
        self.assertEqual(c.call("test.echo", "x")["text"], "x")
        self.assertEqual(self.d.stop(), 0)
        # strict: init returns the first refusal; the plugin is skipped whole
        self.configure("[crashy]\nmode = ok\n[baddecl]\nstrict = yes\n")
        self.d.start()
        self.assertEqual(sorted(self.plugin_names()), ["crashy", "test"])
        self.assertIn("skipping plugin baddecl (%s/baddecl.so): its init failed (Invalid argument)"
                      % BADDECL_PLUGINS, self.d.log())
        c2 = Client(self.d.socket)
        self.addCleanup(c2.close)
        with self.assertRaises(RpcError) as cm:
            c2.call("baddecl.good")
        self.assertEqual(cm.exception.code, "no_such_method")
        self.assertIsNone(self.guard_text())


if __name__ == "__main__":
    unittest.main()
