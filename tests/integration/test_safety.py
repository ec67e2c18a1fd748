"""Safe with a person's data: what a local mishap, a second daemon, a planted
file or odd input does to the real daemon, each scenario against its own
daemon with a config of its own.

- ExportTargets: pain.export_file onto lumbard's own files, a directory, a
  device, a FIFO or a link is refused and the diary survives a restart; a
  regular file is replaced by rename, keeping its mode.
- OneDaemonPerDataDir: two daemons on one data directory (different
  sockets), started at the same moment: one runs, the other names it.
- PlantedFiles: a data directory another user can write in, or owns, is
  refused; links planted where lumbard creates its files are not followed.
- CoreSignature: a bad signature on the core D-Bus interface is answered
  in full words (it read past a heap buffer).
- BigArrays: a 1 MiB message of 170,000 symptoms, and a 1,000,000-item
  array over D-Bus, are answered while other clients are served.
- Damaged: a database with a damaged page of the diary answers every read
  with an error that says so and what to do, never a short diary.
- Locked: another program holding SQLite's write lock stalls no client,
  and nothing answered OK is lost: it lands once the lock ends.
- Pruned: the reminders' history keeps a horizon.
- Lists: rest.list and reminders.list of 20,000 answer in pages, and an
  unpaged list that is too large says how to page.
- ReadOnly: a read-only database or file system is refused at start with
  what to do, not called damaged.
- NewerSchema: a plugin whose tables come from a newer lumbard says why in
  the answer to its methods and in daemon.status.
- Preview: a base out of range is invalid_params.
- SqliteLog: what SQLite itself reports (a WAL recovered after a crash)
  reaches lumbard's log.
"""
import os
import select
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import tempfile
import threading
import time
import unittest

import msgpack

from lbtest import GOOD_PLUGINS, Bus, Client, Daemon, RpcError, slow

PAIN = "[pain]\ncheckin = off\n"
NAME = "org.lumbard.Lumbard1"
PATH = "/org/lumbard/Lumbard1"


def db_path(d):
    return os.path.join(d.root, "data", "lumbard", "lumbard.db")


class SafetyTest(unittest.TestCase):
    config = PAIN

    def start(self, **kw):
        kw.setdefault("config", self.config)
        kw.setdefault("builtin_plugins", True)
        d = Daemon(**kw)
        self.addCleanup(d.cleanup)
        d.start()
        return d

    def client(self, d, timeout=10.0):
        c = Client(d.socket, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def assertRefused(self, c, contains, method, *params):
        with self.assertRaises(RpcError) as cm:
            c.call(method, *params)
        self.assertIn(contains, cm.exception.message)
        return cm.exception


class ExportTargets(SafetyTest):
    def setUp(self):
        self.d = self.start()
        self.c = self.client(self.d)
        for level in (3, 5, 8):
            self.c.call("pain.log", level, {"note": "entry %d" % level})
        self.data = os.path.join(self.d.root, "data", "lumbard")

    def diary(self):
        return sorted(e["level"] for e in self.c.call("pain.history"))

    def test_lumbards_own_files_are_refused(self):
        targets = {
            db_path(self.d): "in lumbard's data directory",
            db_path(self.d) + "-wal": "in lumbard's data directory",
            db_path(self.d) + "-shm": "in lumbard's data directory",
            os.path.join(self.data, "plugin-guard"): "in lumbard's data directory",
            os.path.join(self.data, "lumbard.lock"): "in lumbard's data directory",
            self.d.config_path: "lumbard's own config file",
            self.d.socket: "it is a socket",
            self.d.socket + ".lock": "lumbard's own socket",
            # another spelling of the same file
            os.path.join(self.d.root, "data", "lumbard", "..", "lumbard", "lumbard.db"):
                "in lumbard's data directory",
        }
        for path, why in targets.items():
            e = self.assertRefused(self.c, why, "pain.export_file", path)
            self.assertEqual(e.code, "invalid_params", path)
            self.assertIn("will not write", e.message)
        # a hard link to the database elsewhere is the database too
        link = os.path.join(self.d.root, "hardlink.db")
        os.link(db_path(self.d), link)
        self.assertRefused(self.c, "lumbard's own database", "pain.export_file", link)
        # a config path that does not exist yet (the built-in defaults in use)
        # is still the config's
        os.unlink(self.d.config_path)
        self.assertRefused(self.c, "lumbard's own config file", "pain.export_file",
                           self.d.config_path)
        # the diary is whole after a restart
        self.assertEqual(self.d.stop(), 0)
        self.d.start()
        self.c = self.client(self.d)
        self.assertEqual(self.diary(), [3, 5, 8])

    def test_anything_but_a_regular_file_is_refused(self):
        folder = os.path.join(self.d.root, "folder")
        os.mkdir(folder)
        fifo = os.path.join(self.d.root, "fifo")
        os.mkfifo(fifo)
        target = os.path.join(self.d.root, "precious.txt")
        with open(target, "w") as f:
            f.write("keep me")
        link = os.path.join(self.d.root, "link.csv")
        os.symlink(target, link)
        cases = [(folder, "a directory"), (fifo, "a FIFO"), (link, "a symbolic link"),
                 ("/dev/null", "a character device"), (folder + "/", "does not name a file")]
        for path, why in cases:
            self.assertRefused(self.c, why, "pain.export_file", path)
        with open(target) as f:
            self.assertEqual(f.read(), "keep me")  # not written through the link
        self.assertTrue(stat.S_ISCHR(os.stat("/dev/null").st_mode))
        self.assertEqual([n for n in os.listdir(self.d.root) if n.endswith(".tmp")], [])

    def test_a_regular_file_is_replaced_whole_by_rename(self):
        path = os.path.join(self.d.root, "diary.csv")
        with open(path, "w") as f:
            f.write("old\n")
        os.chmod(path, 0o640)
        before = os.stat(path)
        r = self.c.call("pain.export_file", path)
        self.assertEqual(r["rows"], 3)
        after = os.stat(path)
        self.assertNotEqual(after.st_ino, before.st_ino)  # a new file renamed in
        self.assertEqual(stat.S_IMODE(after.st_mode), 0o640)  # the mode it had
        with open(path) as f:
            self.assertTrue(f.read().startswith("id,at,level"))
        new = os.path.join(self.d.root, "new.json")
        self.c.call("pain.export_file", new, {"format": "json"})
        self.assertEqual(stat.S_IMODE(os.stat(new).st_mode), 0o600)  # a health diary
        self.assertEqual(sorted(n for n in os.listdir(self.d.root) if n.endswith(".tmp")), [])


class OneDaemonPerDataDir(unittest.TestCase):
    """Two daemons with one data directory and two sockets (one started
    with XDG_RUNTIME_DIR, one without), started at the same moment, 10
    times: exactly one runs; the other exits 1 naming it, before it opens
    the database or loads a plugin."""

    def test_two_at_once(self):
        root = tempfile.mkdtemp(prefix="lumbard-two-")
        self.addCleanup(shutil.rmtree, root, True)
        for rnd in range(10):
            a = Daemon(root=root, config=PAIN, builtin_plugins=True)
            b = Daemon(root=root, config=PAIN, builtin_plugins=True)
            for d in (a, b):  # stopped whatever happens
                self.addCleanup(lambda d=d: d.proc and d.proc.poll() is None and d.proc.kill())
            b.socket = os.path.join(root, "other.sock")
            b.args += ["--socket", b.socket]
            b.log_path = os.path.join(root, "b.log")
            for d in (a, b):
                d.start(wait=False)
            deadline = time.monotonic() + slow(10)
            while time.monotonic() < deadline and a.proc.poll() is None and \
                    b.proc.poll() is None:
                time.sleep(0.02)
            loser, winner = (a, b) if a.proc.poll() is not None else (b, a)
            self.assertEqual(loser.proc.wait(slow(10)), 1, loser.log())
            winner.wait_ready()
            self.assertIn("another lumbard (pid %d, serving %s) is using the data directory"
                          % (winner.pid, winner.socket), loser.log())
            self.assertNotIn("loaded plugin", loser.log())  # it stopped before its plugins
            self.assertEqual(winner.stop(), 0)
            for d in (a, b):
                d.log_file.close()
                os.unlink(d.log_path)


class PlantedFiles(SafetyTest):
    def data_dir(self, d):
        return os.path.join(d.root, "data", "lumbard")

    def test_a_data_directory_others_can_write_is_refused(self):
        d = Daemon(config=PAIN, builtin_plugins=True)
        self.addCleanup(d.cleanup)
        os.makedirs(self.data_dir(d))
        os.chmod(self.data_dir(d), 0o777)
        d.start(wait=False)
        self.assertEqual(d.proc.wait(slow(10)), 1)
        self.assertIn("can be written by other users (mode 0777)", d.log())
        self.assertIn("chmod go-w " + self.data_dir(d), d.log())
        self.assertFalse(os.path.exists(os.path.join(self.data_dir(d), "lumbard.db")))
        os.chmod(self.data_dir(d), 0o700)  # as the message says
        d.start()

    def test_a_data_directory_of_another_user_is_refused(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to give the directory to another user")
        import pwd
        nobody = pwd.getpwnam("nobody")
        d = Daemon(config=PAIN, builtin_plugins=True)
        self.addCleanup(d.cleanup)
        os.makedirs(self.data_dir(d))
        os.chown(self.data_dir(d), nobody.pw_uid, nobody.pw_gid)
        d.start(wait=False)
        self.assertEqual(d.proc.wait(slow(10)), 1)
        self.assertIn("belongs to uid %d (nobody), not to you" % nobody.pw_uid, d.log())

    def test_links_planted_in_the_data_directory_are_not_followed(self):
        d = Daemon(config=PAIN, builtin_plugins=True)
        self.addCleanup(d.cleanup)
        victim = os.path.join(d.root, "victim.txt")
        with open(victim, "w") as f:
            f.write("untouched")
        os.makedirs(self.data_dir(d), mode=0o700)
        # the crash guard's temporary file, where lumbard writes as it loads plugins
        os.symlink(victim, os.path.join(self.data_dir(d), "plugin-guard.new"))
        d.start()
        with open(victim) as f:
            self.assertEqual(f.read(), "untouched")
        self.assertEqual(d.stop(), 0)
        # a link in place of the database, or of the lock, is refused
        for name in ("lumbard.db", "lumbard.lock"):
            e = Daemon(config=PAIN, builtin_plugins=True)
            self.addCleanup(e.cleanup)
            os.makedirs(self.data_dir(e), mode=0o700)
            os.symlink(victim, os.path.join(self.data_dir(e), name))
            e.start(wait=False)
            self.assertEqual(e.proc.wait(slow(10)), 1, e.log())
            self.assertIn("symbolic link" if name == "lumbard.lock" else "lumbard.db", e.log())
        with open(victim) as f:
            self.assertEqual(f.read(), "untouched")


class CoreSignature(unittest.TestCase):
    def test_bad_signature_on_the_core_interface(self):
        root = tempfile.mkdtemp(prefix="lumbard-core-sig-")
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(root=root, config=PAIN, bus=bus, plugin_dirs=[GOOD_PLUGINS])
        d.owns_root = True
        self.addCleanup(d.cleanup)
        d.start()
        out = bus.busctl("call", NAME, PATH, "org.lumbard.Lumbard1", "Ping", "u", "1",
                         check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("org.lumbard.Lumbard1.Ping takes (), signature ''; got 'u'", out.stderr)
        # plugins' interfaces keep their short names
        out = bus.busctl("call", NAME, PATH, "org.lumbard.Lumbard1.Test", "Echo", "s", "x",
                         check=False)
        self.assertIn("Test.Echo takes (s text", out.stderr)


class BigArrays(SafetyTest):
    def test_a_megabyte_of_symptoms(self):
        d = self.start()
        c, other = self.client(d, timeout=slow(10)), self.client(d)
        n = 170000
        msgid = c.request("pain.log", 4, {"symptoms": ["fever"] * n})
        # another client is served meanwhile, and the answer comes in seconds
        # where it took 35 (a 10 s timeout, far from either)
        self.assertEqual(other.call("daemon.ping"), "pong")
        r = c.result(msgid)
        self.assertEqual([f["symptom"] for f in r["red_flags"]], ["fever"])
        entry = c.call("pain.history", {"limit": 1})[0]
        self.assertEqual(entry["symptoms"], ["fever"])
        self.assertIn("urgent medical care", r["red_flags"][0]["advice"])

    def test_a_million_item_array_over_dbus(self):
        try:
            import dbus  # Debian's python3-dbus
        except ImportError:
            self.skipTest("no python3-dbus")
        root = tempfile.mkdtemp(prefix="lumbard-bigarray-")
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(root=root, config=PAIN, bus=bus, builtin_plugins=True)
        d.owns_root = True
        self.addCleanup(d.cleanup)
        d.start()
        conn = dbus.bus.BusConnection(bus.address)
        self.addCleanup(conn.close)
        pain = dbus.Interface(conn.get_object(NAME, PATH), "org.lumbard.Lumbard1.Pain")
        symptoms = dbus.Array(["stiffness", "spasm"] * 500000, signature="s")
        r = pain.Log(dbus.UInt32(3), {"symptoms": symptoms}, timeout=slow(60))
        self.assertEqual(int(r["id"]), 1)
        c = self.client(d)
        self.assertEqual(c.call("pain.history")[0]["symptoms"], ["stiffness", "spasm"])


def corrupt_a_page(path, table):
    """Overwrite the middle of one leaf page of table with garbage; returns
    the page number."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [r[0] for r in db.execute(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
        (table,))]
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    page = pages[len(pages) // 2]
    with open(path, "r+b") as f:
        f.seek((page - 1) * size + 8)  # past the page header: its cells
        f.write(b"\xa5" * (size - 8))
    return page


class Damaged(SafetyTest):
    def test_a_damaged_diary_is_an_error_never_a_short_diary(self):
        d = self.start()
        pipeline(d.socket, [("pain.log", [i % 11, {"note": "entry %d " % i + "x" * 200}])
                            for i in range(600)])
        c = self.client(d)
        self.assertEqual(len(c.call("pain.history", {"limit": 1000})), 600)
        rest = c.call("rest.start", 3600, {"label": "kept"})
        self.assertEqual(d.stop(), 0)
        corrupt_a_page(db_path(d), "pain_entries")
        d.start()
        c = self.client(d)
        for method, params in (("pain.history", [{"limit": 1000}]),
                               ("pain.stats", [{"days": 36500}]),
                               ("pain.export", [{}]),
                               ("pain.export_file", [os.path.join(d.root, "out.csv")])):
            with self.assertRaises(RpcError, msg=method) as cm:
                c.call(method, *params)
            self.assertEqual(cm.exception.code, "internal", method)
            self.assertIn("is damaged", cm.exception.message, method)
            self.assertIn(".recover", cm.exception.message, method)  # what to do
        self.assertFalse(os.path.exists(os.path.join(d.root, "out.csv")))
        d.wait_log("is damaged")
        self.assertIn("damaged", c.call("daemon.status")["database_state"])
        # what is not damaged goes on: the rest survived the restart
        self.assertEqual([r["id"] for r in c.call("rest.list")], [rest["id"]])


class Locked(SafetyTest):
    def hold_lock(self, d):
        locker = sqlite3.connect(db_path(d), isolation_level=None, timeout=0)
        locker.execute("BEGIN IMMEDIATE")
        self.addCleanup(locker.close)
        return locker

    def test_writes_wait_for_the_lock_without_stalling_anyone(self):
        d = self.start()
        c, other = self.client(d), self.client(d, timeout=5)
        locker = self.hold_lock(d)
        # rests answered at once, written behind: each write-behind met the
        # lock (the old busy timeout stalled the loop 2 s each time)
        rests = [c.call("rest.start", 3600, {"label": "during the lock %d" % i})["id"]
                 for i in range(10)]
        for _ in range(10):
            self.assertEqual(other.call("daemon.ping"), "pong")  # 5 s timeout, never 20
        # durable writes wait (deferred) and are answered once it is on disk
        log = c.request("pain.log", 6, {"note": "while locked"})
        add = c.request("reminders.add", "tea", "in 1h")
        # nothing is answered while the lock holds: they are not on disk yet
        self.assertEqual(select.select([c.sock], [], [], 1.5)[0], [],
                         "an answer came while the database was locked")
        self.assertIn("locked by another program",
                      other.call("daemon.status")["database_state"])
        locker.execute("COMMIT")
        entry = c.result(log)
        self.assertEqual(c.result(add)["name"], "tea")
        d.wait_log("is locked by another program")
        d.wait_log("can be written again")
        self.assertEqual(d.stop(), 0)
        db = sqlite3.connect(db_path(d))
        saved = {r[0] for r in db.execute("SELECT id FROM rest_rests")}
        notes = [r[0] for r in db.execute("SELECT note FROM pain_entries WHERE id = ?",
                                          (entry["id"],))]
        names = [r[0] for r in db.execute("SELECT name FROM reminders_reminders")]
        db.close()
        self.assertEqual(saved, set(rests))
        self.assertEqual(notes, ["while locked"])
        self.assertIn("tea", names)

    def test_a_lock_that_stays_fails_a_durable_write_with_why(self):
        d = self.start()
        c = self.client(d, timeout=slow(30))
        self.hold_lock(d)
        with self.assertRaises(RpcError) as cm:
            c.call("pain.log", 2)
        self.assertEqual(cm.exception.code, "internal")
        self.assertIn("locked by another program for 10 s", cm.exception.message)
        self.assertIn("nothing was saved", cm.exception.message)

    def test_a_rest_written_behind_lands_after_the_lock_and_a_clean_stop(self):
        d = self.start()
        c = self.client(d)
        locker = self.hold_lock(d)
        r = c.call("rest.start", 3600, {"label": "late but saved"})
        time.sleep(2.5)  # longer than any busy timeout: its first save failed
        locker.execute("COMMIT")
        locker.close()
        self.assertEqual(d.stop(), 0)
        db = sqlite3.connect(db_path(d))
        labels = [x[0] for x in db.execute("SELECT label FROM rest_rests WHERE id = ?",
                                            (r["id"],))]
        db.close()
        self.assertEqual(labels, ["late but saved"])


class Pruned(SafetyTest):
    def test_the_reminders_history_keeps_a_horizon(self):
        d = self.start()
        self.assertEqual(d.stop(), 0)
        day = 86400 * 1000
        now = int(time.time() * 1000)
        db = sqlite3.connect(db_path(d))
        rows = [(1, "old", now - 500 * day + i, "due", "", now - 500 * day + i)
                for i in range(1000)]
        rows += [(1, "recent", now - day + i, "due", "", now - day + i) for i in range(150000)]
        db.executemany("INSERT INTO reminders_log(reminder_id, name, occurrence_ms, action, "
                       "reason, at_ms) VALUES(?,?,?,?,?,?)", rows)
        db.commit()
        db.close()
        d.start()
        c = self.client(d)
        c.call("daemon.subscribe", ["reminders.*"])
        r = c.call("reminders.add", "tick", "every 1s")
        c.wait_event("reminders.due", id=r["id"])
        c.call("reminders.done", r["id"])
        time.sleep(0.3)
        self.assertEqual(d.stop(), 0)
        db = sqlite3.connect(db_path(d))
        count = db.execute("SELECT count(*) FROM reminders_log").fetchone()[0]
        old = db.execute("SELECT count(*) FROM reminders_log WHERE name = 'old'").fetchone()[0]
        ticks = db.execute("SELECT count(*) FROM reminders_log WHERE name = 'tick'").fetchone()[0]
        db.close()
        self.assertLessEqual(count, 100000)
        self.assertEqual(old, 0)
        self.assertGreaterEqual(ticks, 2)  # what was just written is kept


def pipeline(sock_path, calls):
    """Send every call at once on one connection; returns the answers in
    order (raises on the first error)."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.sendall(b"".join(msgpack.packb([0, i, m, p]) for i, (m, p) in enumerate(calls)))
    up = msgpack.Unpacker(raw=False, strict_map_key=False)
    out = {}
    while len(out) < len(calls):
        data = s.recv(1 << 20)
        if not data:
            raise EOFError("closed after %d answers" % len(out))
        up.feed(data)
        for msg in up:
            if msg[2] is not None:
                raise RpcError(msg[2]["code"], msg[2]["message"])
            out[msg[1]] = msg[3]
    s.close()
    return [out[i] for i in range(len(calls))]


class Lists(SafetyTest):
    def test_twenty_thousand_rests_and_reminders_in_pages(self):
        d = self.start()
        n = 20000
        for lo in range(0, n, 5000):
            pipeline(d.socket, [("rest.start", [3600, {"label": "r%d" % i}])
                                for i in range(lo, lo + 5000)])
            pipeline(d.socket, [("reminders.add", ["m%d" % i, "every 1h"])
                                for i in range(lo, lo + 5000)])
        c = self.client(d, timeout=slow(30))
        for method in ("rest.list", "reminders.list"):
            e = self.assertRefused(c, "ask for it in pages", method)
            self.assertEqual(e.code, "too_large")
            self.assertIn('"after"', e.message)
            ids, after = [], 0
            while True:
                page = c.call(method, {"limit": 1000, "after": after})
                ids += [x["id"] for x in page]
                if len(page) < 1000:
                    break
                after = page[-1]["id"]
            self.assertEqual(len(ids), n)
            self.assertEqual(ids, sorted(set(ids)))


def as_nobody(d):
    """Run d as the user nobody (a root test's way to meet permissions that
    root itself ignores); None when that cannot be done here."""
    if os.geteuid() != 0:
        return None
    import pwd
    nobody = pwd.getpwnam("nobody")
    os.chmod(d.root, 0o755)
    for sub in ("run", "data", "config", "config/lumbard"):
        os.chown(os.path.join(d.root, sub), nobody.pw_uid, nobody.pw_gid)
    d.env["HOME"] = d.root
    d.wrapper = ["setpriv", "--reuid=%d" % nobody.pw_uid, "--regid=%d" % nobody.pw_gid,
                 "--clear-groups"]
    return nobody


class ReadOnly(SafetyTest):
    def test_a_read_only_database_is_refused_at_start(self):
        d = Daemon(config=PAIN, builtin_plugins=True)
        self.addCleanup(d.cleanup)
        if os.geteuid() == 0 and as_nobody(d) is None:
            self.skipTest("root writes a read-only file anyway")
        d.start(wait=False)  # as nobody: root's client would be refused
        d.wait_log(" ready on ")
        self.assertEqual(d.stop(), 0)
        os.chmod(db_path(d), 0o444)
        d.start(wait=False)
        self.assertEqual(d.proc.wait(slow(10)), 1, d.log())
        self.assertIn("can only be read", d.log())
        self.assertIn("chmod u+w", d.log())
        self.assertNotIn("damaged", d.log())

    def test_a_read_only_file_system_is_named_so(self):
        d = Daemon(config=PAIN, builtin_plugins=True)
        self.addCleanup(d.cleanup)
        data = os.path.join(d.root, "data")
        # lumbard's files made on a tmpfs, which is then made read-only
        d.start()
        self.assertEqual(d.stop(), 0)
        script = ('mount -t tmpfs -o size=4m,mode=0755 lumbard-test "$0" && '
                  'mkdir -m 700 "$0/lumbard" && cp -a "$1"/. "$0/lumbard/" && '
                  'mount -o remount,ro "$0" && shift && exec "$@"')
        saved = os.path.join(d.root, "saved")
        os.rename(os.path.join(data, "lumbard"), saved)
        for ns in (["unshare", "--mount"], ["unshare", "--map-root-user", "--mount"]):
            prefix = ns + ["sh", "-c", script, data, saved]
            if subprocess.run(prefix + ["true"], capture_output=True).returncode == 0:
                break
        else:
            self.skipTest("cannot mount a read-only tmpfs here")
        d.wrapper = prefix
        d.start(wait=False)
        self.assertEqual(d.proc.wait(slow(10)), 1, d.log())
        log = d.log().split("Terminated: stopping")[-1]
        self.assertIn("read-only file system", log)
        self.assertIn("another --data-dir", log)
        self.assertNotIn("damaged", log)


class NewerSchema(SafetyTest):
    def test_a_plugin_skipped_for_a_newer_schema_says_why(self):
        root = tempfile.mkdtemp(prefix="lumbard-newer-")
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(root=root, config=PAIN, bus=bus, builtin_plugins=True)
        d.owns_root = True
        self.addCleanup(d.cleanup)
        d.start()
        self.assertEqual(d.stop(), 0)
        db = sqlite3.connect(db_path(d))
        db.execute("UPDATE lb_schema SET version = 99 WHERE owner = 'pain'")
        db.commit()
        db.close()
        d.start()
        c = self.client(d)
        with self.assertRaises(RpcError) as cm:
            c.call("pain.log", 3)
        self.assertEqual(cm.exception.code, "no_such_method")
        self.assertIn("the pain plugin did not load", cm.exception.message)
        self.assertIn("schema version 99, newer than this version knows", cm.exception.message)
        failed = c.call("daemon.status")["not_loaded"]
        self.assertEqual([f["name"] for f in failed], ["pain"])
        out = bus.busctl("call", NAME, PATH, "org.lumbard.Lumbard1.Pain", "Log", "ua{sv}", "3",
                         "0", check=False)
        self.assertIn("the pain plugin did not load", out.stderr)
        self.assertIn("written by a newer lumbard", out.stderr)


class Preview(SafetyTest):
    def test_a_base_out_of_range_is_invalid(self):
        d = self.start()
        c = self.client(d)
        for base in (2 ** 62, -2 ** 63, 2 ** 61, -1, 2 ** 63 - 1, 10 ** 12):
            e = self.assertRefused(c, "parameter 'base' must be a time between 0 (1970-01-01 00:00:00 UTC) and 253402214399",
                                   "reminders.preview", "daily", 3, base)
            self.assertEqual(e.code, "invalid_params")
        self.assertEqual(len(c.call("reminders.preview", "daily", 3, 4102444800)), 3)


class SqliteLog(SafetyTest):
    def test_a_wal_recovered_after_a_crash_is_logged(self):
        d = self.start()
        c = self.client(d)
        for i in range(20):
            c.call("pain.log", 3, {"note": "before the crash %d" % i})
        d.stop(signal.SIGKILL)
        d.start()
        d.wait_log("sqlite (")
        self.assertIn("recovered", d.log())
        c = self.client(d)
        self.assertEqual(len(c.call("pain.history")), 20)


if __name__ == "__main__":
    unittest.main()
