"""Reading the config never hangs, stalls or blows up the daemon (DESIGN.md
section 8): a FIFO, a device or a file over 1 MiB is refused with what to do,
at start (exit 1 at once) and on SIGHUP (the daemon keeps running, answering,
with its previous config); a 1 MiB config of many keys loads; a key given
again, even on the very next line, replaces the value."""
import os
import signal
import time
import unittest

from lbtest import Client, Daemon, DaemonTest, RpcError, GOOD_PLUGINS, slow

LIMIT = 1 << 20  # LB_READFILE_CONFIG_MAX


def not_regular(path, kind):
    return ("%s is a %s, not a regular file; lumbard reads its config only from a regular file: "
            "replace it with one" % (path, kind))


def many_keys(size):
    """[test] greeting = hello, then keys k000000 = value 0, ... up to size
    bytes (padded with a comment to exactly size); returns (text, key
    count)."""
    lines = ["[test]\n", "greeting = hello\n"]
    total = sum(map(len, lines))
    n = 0
    while True:
        line = "k%06d = value %d\n" % (n, n)
        if total + len(line) > size - 2:
            break
        lines.append(line)
        total += len(line)
        n += 1
    lines.append("#" * (size - total - 1) + "\n")
    text = "".join(lines)
    assert len(text) == size, len(text)
    return text, n


class Refusals(unittest.TestCase):
    """At start: a config lumbard must not read stops it at once with status 1
    and the reason."""

    def daemon(self, **kw):
        d = Daemon(plugin_dirs=[GOOD_PLUGINS], **kw)
        self.addCleanup(d.cleanup)
        return d

    def assertRefusedAtStart(self, d, message):
        d.start(wait=False)
        began = time.monotonic()
        try:
            rc = d.proc.wait(slow(10))
        except Exception:
            raise AssertionError("lumbard still runs %.0f s after it started (it should exit 1 "
                                 "at once, refusing its config):\n%s"
                                 % (time.monotonic() - began, d.log()))
        self.assertEqual(rc, 1, d.log())
        self.assertIn(message, d.log())
        self.assertNotIn("loaded plugin", d.log())  # it stopped before its plugins

    def test_fifo_given_with_config(self):
        d = self.daemon()
        fifo = os.path.join(d.root, "config.fifo")
        os.mkfifo(fifo)
        d.args += ["--config", fifo]
        self.assertRefusedAtStart(d, not_regular(fifo, "FIFO"))

    def test_dev_zero_given_with_config(self):
        d = self.daemon(extra_args=["--config", "/dev/zero"])
        self.assertRefusedAtStart(d, not_regular("/dev/zero", "character device"))

    def test_default_path_is_a_fifo_with_a_writer(self):
        # A writer that never closes: a reader would wait for the end forever.
        d = self.daemon()
        os.mkfifo(d.config_path)
        w = os.open(d.config_path, os.O_RDWR)
        self.addCleanup(os.close, w)
        os.write(w, b"[test]\ngreeting = hello\n")
        self.assertRefusedAtStart(d, not_regular(d.config_path, "FIFO"))

    def test_over_1_MiB(self):
        text, _ = many_keys(LIMIT)
        d = self.daemon(config=text + "\n")
        self.assertRefusedAtStart(d, "%s is larger than 1 MiB; a lumbard config is a few KB: "
                                     "check that this is the right file" % d.config_path)


class Reload(DaemonTest):
    """On SIGHUP or daemon.reload: a config replaced by something lumbard must
    not read is refused; the daemon keeps running and answering, with its
    previous config."""
    config = "[test]\ngreeting = hello\n"

    def replace_config(self, make):
        os.remove(self.daemon.config_path)
        make(self.daemon.config_path)

    def assertStillServing(self):
        # at once: a daemon stuck reading its config would not answer
        c = Client(self.daemon.socket, timeout=2)
        try:
            self.assertEqual(c.call("daemon.ping"), "pong")
            self.assertEqual(c.call("test.config", "greeting"), "hello", "the previous config")
        finally:
            c.close()
        self.assertIsNone(self.daemon.proc.poll(), "lumbard exited")

    def assertReloadRefused(self, message):
        d = self.daemon
        refusals = d.log().count(message)
        d.send_signal(signal.SIGHUP)
        d.wait_log("reload: %s; keeping the previous configuration" % message, timeout=5)
        self.assertStillServing()
        with self.assertRaises(RpcError) as cm:
            self.client.call("daemon.reload")
        self.assertEqual(cm.exception.code, "internal")
        self.assertEqual(cm.exception.message,
                         "%s; the previous configuration stays in effect" % message)
        self.assertEqual(d.log().count(message), refusals + 2)
        self.assertStillServing()

    def test_fifo_refused_then_a_file_again_read(self):
        self.replace_config(os.mkfifo)
        self.assertReloadRefused(not_regular(self.daemon.config_path, "FIFO"))
        # a writer that never closes changes nothing
        w = os.open(self.daemon.config_path, os.O_RDWR)
        self.addCleanup(os.close, w)
        os.write(w, b"[test]\ngreeting = from the fifo\n")
        self.assertReloadRefused(not_regular(self.daemon.config_path, "FIFO"))
        # a regular file again: read as ever
        self.replace_config(lambda p: open(p, "w").write("[test]\ngreeting = back\n"))
        self.daemon.send_signal(signal.SIGHUP)
        self.daemon.wait_log("configuration reloaded from " + self.daemon.config_path)
        self.assertEqual(self.client.call("test.config", "greeting"), "back")

    def test_symlink_to_dev_urandom_refused(self):
        self.replace_config(lambda p: os.symlink("/dev/urandom", p))
        self.assertReloadRefused(not_regular(self.daemon.config_path, "character device"))

    def test_directory_refused(self):
        self.replace_config(os.mkdir)
        self.assertReloadRefused(not_regular(self.daemon.config_path, "directory"))

    def test_over_1_MiB_refused(self):
        text, _ = many_keys(LIMIT + 1)
        self.replace_config(lambda p: open(p, "w").write(text))
        self.assertReloadRefused("%s is larger than 1 MiB; a lumbard config is a few KB: check "
                                 "that this is the right file" % self.daemon.config_path)

    def test_symlink_to_a_regular_file_read(self):
        # as dotfile managers (stow, home-manager) install it
        target = os.path.join(self.daemon.root, "dotfiles.conf")
        with open(target, "w") as f:
            f.write("[test]\ngreeting = linked\n")
        self.replace_config(lambda p: os.symlink(target, p))
        self.client.call("daemon.reload")
        self.assertEqual(self.client.call("test.config", "greeting"), "linked")


class Loads(unittest.TestCase):
    """Configs that load: 1 MiB of keys, and a key given twice."""

    def start(self, config):
        d = Daemon(plugin_dirs=[GOOD_PLUGINS], config=config)
        self.addCleanup(d.cleanup)
        d.start()
        c = Client(d.socket)
        self.addCleanup(c.close)
        return d, c

    def test_1_MiB_of_keys(self):
        text, n = many_keys(LIMIT)
        d, c = self.start(text)
        self.assertEqual(c.call("daemon.status")["config_source"], "file")
        self.assertEqual(c.call("test.config", "greeting"), "hello")
        for i in (0, n // 2, n - 1):
            self.assertEqual(c.call("test.config", "k%06d" % i), "value %d" % i)
        self.assertIsNone(c.call("test.config", "k%06d" % n))
        # and again, on SIGHUP
        d.send_signal(signal.SIGHUP)
        d.wait_log("configuration reloaded from " + d.config_path)
        self.assertEqual(c.call("test.config", "k%06d" % (n - 1)), "value %d" % (n - 1))

    def test_key_given_again_on_the_next_line_replaces_the_value(self):
        d, c = self.start("[test]\ngreeting = hello\ngreeting = goodbye\nother = a\n  b\n")
        self.assertEqual(c.call("test.config", "greeting"), "goodbye")
        self.assertEqual(c.call("test.config", "other"), "a b")
