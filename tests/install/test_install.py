"""lumbard installed like any daemon: `cmake --install` of the build into a
temporary prefix, then every installed path checked, the man pages rendered
with man -l, the units verified by systemd-analyze, the installed daemon run
(from that prefix and from a copy of it elsewhere), and the example plugin in
plugins/example built against the *installed* SDK through pkg-config, loaded
with --plugin-dir and called over the socket and over D-Bus.

Each class installs into its own prefix (LB_BUILD_DIR is the build tree)."""
import fcntl
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import lbtest
from lbtest import Bus, Client, Daemon

BUILD = os.environ.get("LB_BUILD_DIR", "")
SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIBDIR = os.environ.get("LB_INSTALL_LIBDIR", "lib")
WITH_MAN = os.environ.get("LB_WITH_MAN", "ON").upper() in ("ON", "1", "YES", "TRUE")
NAME = "org.lumbard.Lumbard1"
PATH = "/org/lumbard/Lumbard1"

MAN_PAGES = ["man8/lumbard.8", "man1/lumbarctl.1", "man1/lumbar-notify.1",
             "man5/lumbard.conf.5", "man7/lumbard-plugin.7"]
PLUGINS = ["rest", "reminders", "pain", "train"]


def run(args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 120)
    return subprocess.run(args, **kw)


class Installed(unittest.TestCase):
    """A fresh install of the build tree into a temporary prefix."""

    @classmethod
    def setUpClass(cls):
        if not BUILD:
            raise unittest.SkipTest("LB_BUILD_DIR is not set (ctest sets it)")
        cls.prefix = tempfile.mkdtemp(prefix="lumbard-prefix-")
        # a HOME of its own, so that the prefix is never in it (that would move the units)
        cls.home = tempfile.mkdtemp(prefix="lumbard-home-")
        # every install rewrites the build's install_manifest.txt: one at a
        # time, each reading its own
        with open(os.path.join(BUILD, "install_manifest.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            out = run(["cmake", "--install", BUILD, "--prefix", cls.prefix],
                      env=dict(os.environ, HOME=cls.home))
            try:
                with open(os.path.join(BUILD, "install_manifest.txt")) as f:
                    cls.manifest = f.read().splitlines()
            except OSError:
                cls.manifest = []
        if out.returncode != 0:
            shutil.rmtree(cls.prefix, True)
            shutil.rmtree(cls.home, True)
            raise AssertionError("cmake --install failed:\n" + out.stdout + out.stderr)
        cls.installed = out.stdout

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix, True)
        shutil.rmtree(cls.home, True)

    def p(self, *parts):
        return os.path.join(self.prefix, *parts)

    def daemon(self, binary=None, **kw):
        """The installed lumbard (or another binary), with its own XDG dirs."""
        old = lbtest.LUMBARD
        lbtest.LUMBARD = binary or self.p("bin", "lumbard")
        try:
            d = Daemon(builtin_plugins=True, **kw)
        finally:
            lbtest.LUMBARD = old
        self.addCleanup(d.cleanup)
        return d


class Layout(Installed):
    def test_manifest_lists_the_units(self):
        """The units and the activation file, written by install(CODE), are in
        install_manifest.txt as every other installed file (so that what
        removes an install by its manifest removes them too)."""
        for path in ("lib/systemd/user/lumbard.service", "lib/systemd/user/lumbar-notify.service",
                     "share/dbus-1/services/" + NAME + ".service", "bin/lumbard"):
            self.assertTrue(os.path.exists(self.p(path)), path)
            self.assertIn(self.p(path), self.manifest)

    def test_every_path(self):
        for exe in ("lumbard", "lumbarctl", "lumbar-notify"):
            self.assertTrue(os.access(self.p("bin", exe), os.X_OK), exe)
        for name in PLUGINS:
            self.assertTrue(os.path.isfile(self.p(LIBDIR, "lumbard/plugins", name + ".so")), name)
        expected = [
            "include/lumbard/plugin.h",
            LIBDIR + "/pkgconfig/lumbard-plugin.pc",
            "lib/systemd/user/lumbard.service",
            "lib/systemd/user/lumbar-notify.service",
            "share/dbus-1/services/org.lumbard.Lumbard1.service",
            "share/bash-completion/completions/lumbarctl",
            "share/zsh/vendor-completions/_lumbarctl",
            "share/fish/vendor_completions.d/lumbarctl.fish",
            "share/doc/lumbard/lumbard.conf.example",
            "share/doc/lumbard/README.md",
            "share/doc/lumbard/PROTOCOL.md",
        ]
        if WITH_MAN:
            expected += ["share/man/" + m for m in MAN_PAGES]
        for rel in expected:
            self.assertTrue(os.path.isfile(self.p(rel)), rel)
        # nothing of the build or the tests leaks into the install
        for root, _, files in os.walk(self.prefix):
            for f in files:
                self.assertNotRegex(f, r"^(test|fuzz|bench|floor)_", os.path.join(root, f))

    def test_pkg_config(self):
        env = dict(os.environ, PKG_CONFIG_PATH=self.p(LIBDIR, "pkgconfig"))
        out = run(["pkg-config", "--cflags", "lumbard-plugin"], env=env)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.split(), ["-I" + self.p("include")])
        libs = run(["pkg-config", "--libs", "lumbard-plugin"], env=env)
        self.assertEqual(libs.stdout.strip(), "")  # a header, no library
        for var, want in (("plugindir", self.p(LIBDIR, "lumbard/plugins")),
                          ("abi", "1"), ("prefix", self.prefix)):
            out = run(["pkg-config", "--variable=" + var, "lumbard-plugin"], env=env)
            self.assertEqual(out.stdout.strip(), want, var)
        version = run([self.p("bin", "lumbard"), "--version"]).stdout.split()[1]
        out = run(["pkg-config", "--modversion", "lumbard-plugin"], env=env)
        self.assertEqual(out.stdout.strip(), version)
        # the ABI the .pc names is the header's
        with open(self.p("include/lumbard/plugin.h")) as f:
            self.assertRegex(f.read(), r"#define LB_PLUGIN_ABI 1\b")

    def test_the_installed_daemon_finds_its_plugins_from_any_prefix(self):
        d = self.daemon()
        d.start()
        c = Client(d.socket)
        self.addCleanup(c.close)
        self.assertEqual(sorted(p["name"] for p in c.call("daemon.plugins")), sorted(PLUGINS))
        c.close()
        d.stop()
        # the whole prefix moved elsewhere: still its own plugins, by their
        # place next to the binary
        moved = tempfile.mkdtemp(prefix="lumbard-moved-")
        self.addCleanup(shutil.rmtree, moved, True)
        shutil.copytree(self.prefix, os.path.join(moved, "usr"), symlinks=True)
        d2 = self.daemon(binary=os.path.join(moved, "usr", "bin", "lumbard"))
        d2.start()
        c2 = Client(d2.socket)
        self.addCleanup(c2.close)
        self.assertEqual(sorted(p["name"] for p in c2.call("daemon.plugins")), sorted(PLUGINS))
        with open(d2.log_path, errors="replace") as f:
            log = f.read()
        for name in PLUGINS:
            self.assertIn("loaded plugin %s 1.0 from %s\n" % (name, os.path.join(
                os.path.realpath(moved), "usr", LIBDIR, "lumbard", "plugins", name + ".so")), log)

    def test_the_example_config_is_the_default_and_loads_cleanly(self):
        with open(self.p("share/doc/lumbard/lumbard.conf.example")) as f:
            text = f.read()
        with open(os.path.join(SOURCE, "daemon", "default.conf")) as f:
            self.assertEqual(text, f.read())
        self.assertIn("not a medical device", text)
        # a reminder's message is shown as it is (a notification, a list):
        # plain text, no markup
        messages = re.findall(r"(?m)^\[reminders\.\w+\]\n(?:\w+ = .*\n)*?"
                              r"message = (.*\n(?:  .*\n)*)", text)
        self.assertGreaterEqual(len(messages), 2)
        for m in messages:
            self.assertNotRegex(m, r"[`*_<>&\[\]]", m)
        d = self.daemon(config=text)
        d.start()
        c = Client(d.socket)
        self.addCleanup(c.close)
        presets = c.call("rest.presets")
        self.assertTrue(presets)
        d.stop()
        with open(d.log_path, errors="replace") as f:
            log = f.read()
        self.assertNotRegex(log, r"(?m)^<[0-4]>", "warnings or errors with the example config")


class ManPages(Installed):
    def setUp(self):
        if not WITH_MAN:
            self.skipTest("built with -DLUMBARD_MAN=OFF")
        if not shutil.which("man"):
            self.skipTest("man is not installed (Debian: man-db)")

    def test_each_page_renders(self):
        for rel in MAN_PAGES:
            page = self.p("share/man", rel)
            name, section = os.path.basename(rel).rsplit(".", 1)
            out = run(["man", "-l", page], env=dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="",
                                                    LANG="C.UTF-8"))
            self.assertEqual(out.returncode, 0, rel + ": " + out.stderr)
            self.assertEqual(out.stderr, "", rel)  # no troff warnings
            text = re.sub(r".\x08", "", out.stdout)
            self.assertIn("NAME", text, rel)
            self.assertIn(name, text.split("\n", 1)[0], rel)  # the header: NAME(SECTION)
            self.assertIn("(%s)" % section, text.split("\n", 1)[0], rel)
            self.assertGreater(len(text.splitlines()), 30, rel)
            for line in text.splitlines():
                self.assertLessEqual(len(line), 80, "%s: %r" % (rel, line))

    def test_the_pages_name_each_other(self):
        with open(self.p("share/man/man1/lumbarctl.1")) as f:
            self.assertIn("lumbard", f.read())
        # every option of lumbard --help is documented in lumbard(8)
        helptext = run([self.p("bin", "lumbard"), "--help"]).stdout
        page = run(["man", "-l", self.p("share/man/man8/lumbard.8")],
                   env=dict(os.environ, MANWIDTH="200")).stdout
        page = re.sub(r".\x08", "", page)
        for opt in re.findall(r"(--[a-z][a-z-]+)", helptext):
            self.assertIn(opt, page, "lumbard(8) does not document " + opt)


class Units(Installed):
    """The installed units and activation file carry the install prefix and
    pass systemd-analyze verify, man pages included."""

    def test_installed_units_verify(self):
        unit = self.p("lib/systemd/user/lumbard.service")
        with open(unit) as f:
            text = f.read()
        self.assertIn("ExecStart=%s/bin/lumbard\n" % self.prefix, text)
        self.assertIn("Type=dbus\nBusName=org.lumbard.Lumbard1\n", text)
        with open(self.p("share/dbus-1/services", NAME + ".service")) as f:
            act = f.read()
        self.assertIn("Exec=%s/bin/lumbard\n" % self.prefix, act)
        self.assertIn("SystemdService=lumbard.service\n", act)
        # a filtered system call fails with EPERM rather than killing with SIGSYS
        self.assertIn("SystemCallFilter=@system-service\nSystemCallErrorNumber=EPERM\n", text)
        notify = self.p("lib/systemd/user/lumbar-notify.service")
        with open(notify) as f:
            ntext = f.read()
        self.assertIn("ExecStart=%s/bin/lumbar-notify\n" % self.prefix, ntext)
        self.assertIn("PartOf=graphical-session.target", ntext)
        self.assertIn("WantedBy=graphical-session.target", ntext)
        self.assertIn("SystemCallFilter=@system-service\nSystemCallErrorNumber=EPERM\n", ntext)
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze is not installed (Debian: systemd)")
        # A user unit, checked as one: --user, where dbus.socket (which
        # Type=dbus needs) is the user bus's, from dbus-user-session. The man
        # pages of Documentation= are looked up in the prefix's share/man
        # (--man=yes, the default). verify exits 0 on some warnings, so its
        # output must be empty too.
        runtime = self.p("runtime")
        os.makedirs(runtime, 0o700, exist_ok=True)
        env = dict(os.environ, XDG_RUNTIME_DIR=runtime, MANPATH=self.p("share/man") + ":")
        for path in (unit, notify):
            args = ["systemd-analyze", "--user", "verify", path]
            if not WITH_MAN:
                args.insert(3, "--man=no")
            out = run(args, env=env)
            self.assertEqual((out.returncode, out.stdout + out.stderr), (0, ""), path)


class UnitPaths(unittest.TestCase):
    """`cmake --install build --prefix P` puts the user units and the D-Bus
    activation file where systemd --user and the session bus look for P: a
    prefix in $HOME (~/.local) in share/systemd/user and share/dbus-1/services
    ($XDG_DATA_HOME's), /usr/local and /usr in lib/systemd/user and
    share/dbus-1/services. The prefix is the one given at install time, not
    the configured one. Every install goes under DESTDIR, with HOME a
    temporary directory: nothing outside this test's directory is touched."""

    @classmethod
    def setUpClass(cls):
        if not BUILD:
            raise unittest.SkipTest("LB_BUILD_DIR is not set (ctest sets it)")
        cls.root = os.path.realpath(tempfile.mkdtemp(prefix="lumbard-unitpaths-"))
        cls.home = os.path.join(cls.root, "home", "me")
        os.makedirs(cls.home)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, True)

    def install(self, prefix, home=None, args=None):
        """Installs into DESTDIR (a new directory) with HOME set; returns
        DESTDIR and the installed files' paths as the prefix sees them."""
        dest = tempfile.mkdtemp(dir=self.root, prefix="dest-")
        env = dict(os.environ, DESTDIR=dest, HOME=home or self.home)
        for var in ("XDG_DATA_HOME", "XDG_DATA_DIRS"):
            env.pop(var, None)
        out = run(args or ["cmake", "--install", BUILD, "--prefix", prefix], env=env)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        files = set()
        for root, _, names in os.walk(dest):
            for name in names:
                files.add("/" + os.path.relpath(os.path.join(root, name), dest))
        self.assertEqual(os.listdir(self.home), [], "the install wrote into HOME")
        return dest, files

    def check(self, prefix, unit_dir, dbus_dir, **kw):
        dest, files = self.install(prefix, **kw)
        installed = sorted(f for f in files if f.endswith(".service"))
        self.assertEqual(installed, sorted([unit_dir + "/lumbar-notify.service",
                                            unit_dir + "/lumbard.service",
                                            dbus_dir + "/" + NAME + ".service"]), prefix)
        # the paths in them are the prefix's, not DESTDIR's
        bindir = prefix.rstrip("/") + "/bin"
        for f, line in ((unit_dir + "/lumbard.service", "ExecStart=%s/lumbard\n"),
                        (unit_dir + "/lumbar-notify.service", "ExecStart=%s/lumbar-notify\n"),
                        (dbus_dir + "/" + NAME + ".service", "Exec=%s/lumbard\n")):
            with open(dest + f) as fh:
                self.assertIn(line % bindir, fh.read(), f)
        return dest, files

    def test_a_prefix_in_home(self):
        local = self.home + "/.local"
        dest, files = self.check(local, local + "/share/systemd/user",
                                 local + "/share/dbus-1/services")
        # the whole install stays in the prefix, under DESTDIR
        self.assertEqual([f for f in files if not f.startswith(local + "/")], [])
        self.assertIn(local + "/bin/lumbard", files)
        # HOME itself, a trailing slash, and a HOME reached through a symlink
        self.check(self.home, self.home + "/share/systemd/user",
                   self.home + "/share/dbus-1/services")
        self.check(local + "/", local + "/share/systemd/user", local + "/share/dbus-1/services")
        link = os.path.join(self.root, "home-link")
        os.symlink(self.home, link)
        self.check(local, local + "/share/systemd/user", local + "/share/dbus-1/services",
                   home=link)

    def test_usr_local_and_usr(self):
        self.check("/usr/local", "/usr/local/lib/systemd/user", "/usr/local/share/dbus-1/services")
        self.check("/usr", "/usr/lib/systemd/user", "/usr/share/dbus-1/services")

    def test_a_prefix_outside_home(self):
        # a name that merely begins like HOME's is not in it; a HOME of / counts as none
        other = self.home + "2/.local"
        self.check(other, other + "/lib/systemd/user", other + "/share/dbus-1/services")
        self.check("/usr/local", "/usr/local/lib/systemd/user",
                   "/usr/local/share/dbus-1/services", home="/")

    def test_the_cache_overrides(self):
        """-DLUMBARD_INSTALL_USER_UNIT_DIR and -DLUMBARD_INSTALL_DBUS_SERVICE_DIR
        win over the choice; the old LUMBARD_USER_UNIT_DIR's default does not
        stay in a build tree configured before. Each tree is configured only:
        its systemd/ install script writes nothing but the three files."""
        local = self.home + "/.local"

        def configure(*flags):
            tree = tempfile.mkdtemp(dir=self.root, prefix="tree-")
            out = run(["cmake", "-S", SOURCE, "-B", tree, "-DLUMBARD_TESTS=OFF",
                       "-DLUMBARD_MAN=OFF", *flags])
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            return ["cmake", "-DCMAKE_INSTALL_PREFIX=" + local, "-P",
                    os.path.join(tree, "systemd", "cmake_install.cmake")]

        script = configure("-DLUMBARD_INSTALL_USER_UNIT_DIR=/etc/systemd/user",
                           "-DLUMBARD_INSTALL_DBUS_SERVICE_DIR=share/dbus-elsewhere")
        self.check(local, "/etc/systemd/user", local + "/share/dbus-elsewhere", args=script)
        script = configure("-DLUMBARD_USER_UNIT_DIR=lib/systemd/user")
        self.check(local, local + "/share/systemd/user", local + "/share/dbus-1/services",
                   args=script)
        script = configure("-DLUMBARD_USER_UNIT_DIR=lib/units")
        self.check(local, local + "/lib/units", local + "/share/dbus-1/services", args=script)


class ExamplePlugin(Installed):
    """plugins/example, built as a third party would: a copy of its folder,
    its own Makefile, the SDK found through pkg-config in the prefix."""

    def build_example(self):
        if not shutil.which("make") or not shutil.which("cc"):
            self.skipTest("make or cc is missing (Debian: build-essential)")
        src = tempfile.mkdtemp(prefix="lumbard-example-")
        self.addCleanup(shutil.rmtree, src, True)
        for f in ("posture.c", "Makefile"):
            shutil.copy(os.path.join(SOURCE, "plugins", "example", f), src)
        # PKG_CONFIG_PATH in the environment: make passes it to $(shell ...)
        self.env = dict(os.environ, PKG_CONFIG_PATH=self.p(LIBDIR, "pkgconfig"))
        self.env["CFLAGS"] = "-O2 -g -Wall -Wextra -Werror"  # warnings fail the test
        out = run(["make", "-C", src], env=self.env)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("-I" + self.p("include"), out.stdout)  # the installed header, not ours
        so = os.path.join(src, "posture.so")
        syms = run(["nm", "-D", "--defined-only", so]).stdout.split()
        self.assertIn("lumbard_plugin", syms)
        self.assertEqual([s for s in syms if not re.fullmatch(r"[0-9a-f]+|[A-Za-z]|lumbard_plugin",
                                                              s)], [])
        return src

    def test_round_trip_over_the_socket_and_dbus(self):
        src = self.build_example()
        busroot = tempfile.mkdtemp(prefix="lumbard-bus-")
        self.addCleanup(shutil.rmtree, busroot, True)
        bus = Bus(busroot)
        self.addCleanup(bus.kill)
        d = self.daemon(plugin_dirs=[src], bus=bus, config="[posture]\nevery = 2s\n")
        d.start()
        c = Client(d.socket)
        self.addCleanup(c.close)
        plugins = {p["name"]: p for p in c.call("daemon.plugins")}
        self.assertEqual(sorted(plugins), sorted(PLUGINS + ["posture"]))
        methods = {m["name"] for m in plugins["posture"]["methods"]}
        self.assertEqual(methods, {"posture.status", "posture.took_break", "posture.snooze"})
        events = {e["name"] for e in plugins["posture"]["events"]}
        self.assertEqual(events, {"posture.due", "posture.break_taken"})
        s = c.call("posture.status")
        self.assertEqual((s["every_s"], s["breaks_today"]), (2, 0))
        self.assertAlmostEqual(s["next_at"], time.time() + 2, delta=3)
        c.call("daemon.subscribe", ["posture.*"])
        self.assertEqual(c.call("posture.took_break")["breaks_today"], 1)
        ev, _ = c.wait_event("posture.due", timeout=10)
        self.assertEqual(ev["breaks_today"], 1)
        self.assertIn("get up", ev["message"].lower())
        later = c.call("posture.snooze", "10m")
        self.assertAlmostEqual(later["next_at"], time.time() + 600, delta=3)
        with self.assertRaises(lbtest.RpcError) as e:
            c.call("posture.snooze", 0)
        self.assertEqual(e.exception.code, "invalid_params")
        # over D-Bus, with the real busctl: Posture.TookBreak() -> a{sv}
        if not shutil.which("busctl"):
            self.skipTest("busctl is not installed (Debian: systemd)")
        out = bus.busctl("--json=short", "call", NAME, PATH, NAME + ".Posture", "TookBreak")
        self.assertIn('"breaks_today":{"type":"u","data":2}', out.stdout.replace(" ", ""))
        out = bus.busctl("introspect", NAME, PATH, NAME + ".Posture")
        for member in (".Status", ".TookBreak", ".Snooze", ".Due", ".BreakTaken"):
            self.assertIn(member, out.stdout)
        # the break survives a restart (its own table in the shared database)
        c.close()
        d.stop()
        d.start()
        c2 = Client(d.socket)
        self.addCleanup(c2.close)
        self.assertEqual(c2.call("posture.status")["breaks_today"], 2)

    def test_a_reminder_has_the_rest_plugin_time_the_standing_break(self):
        """With [posture] stand, a reminder calls rest.start in the rest
        plugin through the host (lb_host.call, from one plugin into
        another): the rest is in rest.list, labelled posture, as long as
        stand, and posture.due names it. Without a rest plugin the call
        answers no_such_method and the reminder comes all the same."""
        src = self.build_example()
        config = "[posture]\nevery = 2s\nstand = 3m\n"
        d = self.daemon(plugin_dirs=[src], config=config)
        d.start()
        c = Client(d.socket)
        self.addCleanup(c.close)
        c.call("daemon.subscribe", ["posture.due", "rest.started"])
        due, _ = c.wait_event("posture.due", timeout=10)
        self.assertGreater(due["rest_id"], 0)
        self.assertIn("get up", due["message"].lower())
        started, _ = c.wait_event("rest.started", id=due["rest_id"])
        self.assertEqual((started["label"], started["seconds"]), ("posture", 180))
        rests = {r["id"]: r for r in c.call("rest.list")}
        self.assertIn(due["rest_id"], rests)
        rest = rests[due["rest_id"]]
        self.assertEqual((rest["label"], rest["seconds"], rest["state"]),
                         ("posture", 180, "running"))
        self.assertGreater(rest["remaining_ms"], 170 * 1000)
        c.close()
        d.stop()
        # the installed lumbard copied elsewhere finds no plugins of its own:
        # posture alone, whose call into rest has no method to reach
        old = lbtest.LUMBARD
        lbtest.LUMBARD = self.p("bin", "lumbard")
        try:
            alone = Daemon(plugin_dirs=[src], config=config)
        finally:
            lbtest.LUMBARD = old
        self.addCleanup(alone.cleanup)
        alone.start()
        c2 = Client(alone.socket)
        self.addCleanup(c2.close)
        self.assertEqual([p["name"] for p in c2.call("daemon.plugins")], ["posture"])
        c2.call("daemon.subscribe", ["posture.due"])
        due, _ = c2.wait_event("posture.due", timeout=10)
        self.assertEqual(due["rest_id"], 0)
        self.assertIn("get up", due["message"].lower())
        c2.close()
        alone.stop()
        with open(alone.log_path, errors="replace") as f:
            log = f.read()
        self.assertIn("[posture] stand: no rest plugin to time the break", log)

    def test_make_install_puts_it_where_the_installed_daemon_looks(self):
        src = self.build_example()
        out = run(["make", "-C", src, "install"], env=self.env)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        installed = self.p(LIBDIR, "lumbard", "plugins", "posture.so")
        self.assertTrue(os.path.isfile(installed))
        self.addCleanup(os.unlink, installed)
        d = self.daemon()  # no --plugin-dir
        d.start()
        c = Client(d.socket)
        self.addCleanup(c.close)
        self.assertIn("posture", [p["name"] for p in c.call("daemon.plugins")])


class Cli(Installed):
    """lumbarctl as installed: --version, --help on every verb, exit codes."""

    def test_help_on_every_verb_and_version(self):
        ctl = self.p("bin", "lumbarctl")
        out = run([ctl, "--version"])
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^lumbarctl \d+\.\d+\.\d+\n$")
        overview = run([ctl, "--help"]).stdout
        verbs = re.findall(r"(?m)^  ([a-z]+(?: [a-z]+)?)(?= |$)", overview.split("Options")[0])
        self.assertGreater(len(verbs), 25)
        for verb in verbs:
            for form in ([*verb.split(), "--help"], ["help", *verb.split()]):
                r = run([ctl, *form])
                self.assertEqual(r.returncode, 0, form)
                self.assertTrue(r.stdout.startswith("Usage: lumbarctl " + verb), (form, r.stdout))
        # exit codes: 2 a usage error, 3 no daemon
        self.assertEqual(run([ctl, "rest", "frobnicate"]).returncode, 2)
        env = dict(os.environ, LUMBARD_SOCKET=self.p("no-such.sock"))
        r = run([ctl, "status"], env=env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("lumbard", r.stderr)


if __name__ == "__main__":
    unittest.main()
