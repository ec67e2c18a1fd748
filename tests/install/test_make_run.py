"""`make run` as the README shows it, on a build directory of its own (the
Makefile's BUILD_DIR, in a temporary directory; the source tree is only
read): it builds only what runs, says nothing until the daemon's first line,
which comes at most a second after the build, and shows a failed build's
errors."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROGRAMS = ["lumbar-notify", "lumbarctl", "lumbard"]
PLUGINS = ["pain.so", "reminders.so", "rest.so", "train.so"]


class MakeRun(unittest.TestCase):
    def setUp(self):
        for tool in ("make", "cmake", "cc", "dpkg-query"):
            if not shutil.which(tool):
                self.skipTest("%s is not installed" % tool)
        self.root = tempfile.mkdtemp(prefix="lumbard-make-run-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.build = os.path.join(self.root, "build")
        run = os.path.join(self.root, "run")
        os.mkdir(run, 0o700)
        # the daemon's files in the test's directory; no session bus; a make of
        # our own (not the jobserver of a `make test` around ctest)
        self.env = dict(os.environ, XDG_RUNTIME_DIR=run, HOME=self.root,
                        XDG_CONFIG_HOME=os.path.join(self.root, "config"),
                        XDG_DATA_HOME=os.path.join(self.root, "data"), LC_ALL="C")
        for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "DBUS_SESSION_BUS_ADDRESS",
                    "LUMBARD_SOCKET", "DISPLAY", "CMAKE_GENERATOR"):
            self.env.pop(var, None)

    def make_run(self, *args):
        # a Debug build: what make run does is the same, the compiling half as long
        return subprocess.Popen(["make", "-C", SOURCE, "--no-print-directory", "run",
                                 "BUILD_DIR=" + self.build, "BUILD_TYPE=Debug", "ARGS=--no-dbus",
                                 *args],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env,
                                start_new_session=True)

    def stop(self, p):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
        try:
            return p.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            return p.communicate()[0].decode(errors="replace")

    def test_quiet_build_of_what_runs_then_the_daemon(self):
        p = self.make_run()
        self.addCleanup(self.stop, p)
        first = p.stdout.readline().decode(errors="replace")
        seen = time.time()
        rest = ""
        if not re.match(r"<[0-7]>", first):
            rest = self.stop(p)
        self.assertRegex(first, r"^<[0-7]>", "before the daemon's first line, make run said:\n"
                         + first + rest)
        # the daemon's first line, at most a second after the build's last
        # output (build.log's last write)
        log = os.path.join(self.build, "build.log")
        self.assertLess(seen - os.stat(log).st_mtime, 1.0)
        out = first
        ready = "ready on " + os.path.join(self.env["XDG_RUNTIME_DIR"], "lumbard.sock")
        while ready not in out:
            line = p.stdout.readline().decode(errors="replace")
            if not line:
                break
            out += line
        self.assertIn(ready, out)
        out += self.stop(p)
        self.assertIn("stopped cleanly", out)
        # built: the programs and the plugins, no test, fuzzer or benchmark
        self.assertEqual(sorted(os.listdir(os.path.join(self.build, "bin"))), PROGRAMS)
        plugins = os.path.join(self.build, "lib", "lumbard", "plugins")
        self.assertEqual(sorted(os.listdir(plugins)), PLUGINS)
        # and nothing else linked (an ELF program or shared object, e_type 2
        # or 3), nothing at all compiled for the tests (their objects included)
        linked, compiled_for_tests = [], []
        tests_dir = os.path.join(self.build, "tests") + os.sep
        for root, dirs, files in os.walk(self.build):
            # not CMake's own probes of the compiler (CMakeFiles/3.25.1/...)
            dirs[:] = [d for d in dirs if not re.fullmatch(r"[\d.]+|CMakeScratch", d)]
            for f in files:
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    head = fh.read(18)
                if head.startswith(b"!<arch>") or head[:4] == b"\x7fELF":
                    if path.startswith(tests_dir):
                        compiled_for_tests.append(os.path.relpath(path, self.build))
                if head[:4] == b"\x7fELF" and head[16] in (2, 3) and \
                        os.path.dirname(path) not in (os.path.join(self.build, "bin"), plugins):
                    linked.append(os.path.relpath(path, self.build))
        self.assertEqual(compiled_for_tests, [])
        self.assertEqual(linked, [])

    def test_a_failed_build_shows_its_errors(self):
        # the compiler works (CMake's check passes), but every project file
        # fails: its own -D_GNU_SOURCE redefines this one, and warnings are errors
        p = self.make_run("CMAKE_FLAGS=-DCMAKE_C_FLAGS=-D_GNU_SOURCE=lb_broken")
        try:
            out = p.communicate(timeout=120)[0].decode(errors="replace")
        finally:
            self.stop(p)
        self.assertNotEqual(p.returncode, 0, out)
        self.assertIn('error: "_GNU_SOURCE" redefined', out)
        self.assertIn(os.path.join(self.build, "build.log"), out)
        self.assertNotRegex(out, r"(?m)^\[ *\d+%\]")  # no progress lines
        self.assertNotRegex(out, r"(?m)^<[0-7]>")  # and no daemon


if __name__ == "__main__":
    unittest.main()
