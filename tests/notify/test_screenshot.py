"""docs/notifications.png, taken and checked: lumbar-notify's notifications
as a real notification server that draws action buttons (xfce4-notifyd)
shows them under Xvfb, on a private session bus: the warm-up reminder of the
built-in config with Done and Snooze, "Rest over: set 2 of 3" with Next set,
and the check-in after a routine with its quick scores.

The test finds the notifications and their buttons in the picture itself,
checks them against the windows X reports and the events the daemon sent,
then presses a button of each notification where the picture shows it, and
sees the daemon do what the button says. Last, docs/notifications.png must
show the same: as many notifications of the same sizes, with their buttons
in the same places (run tools/notify-screenshot docs/notifications.png to
draw it again).

LB_SCREENSHOT_OUT=FILE writes the picture there, and leaves out the
comparison with docs/notifications.png (tools/notify-screenshot)."""
import glob
import os
import re
import shutil
import signal
import subprocess
import time
import unittest

import dbus

import xshot
from nftest import FDN, NotifyTest

SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PICTURE = os.path.join(SOURCE, "docs", "notifications.png")
OUT = os.environ.get("LB_SCREENSHOT_OUT")
NOTIFYD = (glob.glob("/usr/lib/*/xfce4/notifyd/xfce4-notifyd") + [None])[0]
DESKTOP = "#4c566a"  # the root window's colour around the notifications
MARGIN = 16  # of the desktop, around them in the picture
SCREEN = (1280, 800)

# The fonts and their rendering, as a desktop's GTK settings give them:
# DejaVu Sans (fonts-dejavu-core), greyscale antialiasing (no colour fringes).
GTK_SETTINGS = """[Settings]
gtk-font-name = DejaVu Sans 10
gtk-xft-antialias = 1
gtk-xft-hinting = 1
gtk-xft-hintstyle = hintslight
gtk-xft-rgba = none
"""

NOTIFY_CONFIG = "[notify]\nevents = %s\ntimeout = 0\nsound = no\n"


def daemon_config():
    """The built-in config (daemon/default.conf) word for word, but for when
    things happen: the warm-up reminder due 2 s after the start, no daily
    check-in, and a routine of two sets whose end asks for one."""
    with open(os.path.join(SOURCE, "daemon", "default.conf")) as f:
        text = f.read()
    text, n = re.subn(r"(?m)(^\[reminders\.warmup\]\n)schedule = .*\n", r"\1schedule = in 2s\n",
                      text)
    assert n == 1, "no [reminders.warmup] schedule in daemon/default.conf"
    text, n = re.subn(r"(?m)^checkin = .*$", "checkin = off", text)
    assert n == 1, "no [pain] checkin in daemon/default.conf"
    return text + "\n[rest.preset.stretch]\nlabel = stretch\nsets = 2\nrest = 60s\n"


class Screenshot(NotifyTest):
    caps = None
    start_notifier = False
    daemon_config = daemon_config()

    def setUp(self):
        missing = [p for p in ("Xvfb", "xsetroot", "xwd", "xdotool") if shutil.which(p) is None]
        if NOTIFYD is None:
            missing.append("xfce4-notifyd")
        if missing:
            self.skipTest("%s not installed (apt-get install xfce4-notifyd xvfb x11-apps "
                          "x11-xserver-utils xdotool)" % ", ".join(missing))
        super().setUp()
        self.start_x()
        self.start_notifyd()
        self.notifier = self.make_notifier(config=NOTIFY_CONFIG % "reminders, rest, checkin")
        self.notifier.start()
        self.wait_subscribed()

    # ---- the world: Xvfb, the desktop's colour, xfce4-notifyd
    def start_x(self):
        r, w = os.pipe()
        log = open(os.path.join(self.root, "xvfb.log"), "w")
        self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0",
                                      "%dx%dx24" % SCREEN, "-nolisten", "tcp", "-noreset"],
                                     pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=log)
        os.close(w)
        self.addCleanup(self.stop_proc, self.xvfb)
        got = b""  # the number, then "\n" in a second write
        while not got.endswith(b"\n"):
            chunk = os.read(r, 64)
            if not chunk:
                break
            got += chunk
        os.close(r)
        self.assertTrue(got.strip(), "Xvfb did not start")
        self.x_env = dict(os.environ, DISPLAY=":" + got.decode().strip())
        self.x_env.pop("WAYLAND_DISPLAY", None)
        self.x("xsetroot", "-solid", DESKTOP)

    def x(self, *args):
        out = subprocess.run(list(args), env=self.x_env, capture_output=True, text=True,
                             timeout=10)
        self.assertEqual(out.returncode, 0, "%s: %s" % (" ".join(args), out.stderr))
        return out.stdout

    def start_notifyd(self):
        home = os.path.join(self.root, "notifyd")
        for sub in ("config/gtk-3.0", "cache", "data", "run"):
            os.makedirs(os.path.join(home, sub), exist_ok=True)
        os.chmod(os.path.join(home, "run"), 0o700)
        with open(os.path.join(home, "config/gtk-3.0/settings.ini"), "w") as f:
            f.write(GTK_SETTINGS)
        env = dict(self.x_env, DBUS_SESSION_BUS_ADDRESS=self.bus.address, HOME=home,
                   XDG_CONFIG_HOME=os.path.join(home, "config"),
                   XDG_CACHE_HOME=os.path.join(home, "cache"),
                   XDG_DATA_HOME=os.path.join(home, "data"),
                   XDG_RUNTIME_DIR=os.path.join(home, "run"), NO_AT_BRIDGE="1", GDK_BACKEND="x11")
        self.notifyd_log = os.path.join(self.root, "xfce4-notifyd.log")
        self.notifyd = subprocess.Popen([NOTIFYD], env=env, stdout=open(self.notifyd_log, "w"),
                                        stderr=subprocess.STDOUT)
        self.addCleanup(self.stop_proc, self.notifyd)
        conn = dbus.bus.BusConnection(self.bus.address)
        self.addCleanup(conn.close)
        deadline = time.monotonic() + 10
        while not conn.name_has_owner(FDN):
            if self.notifyd.poll() is not None or time.monotonic() > deadline:
                self.fail("xfce4-notifyd did not take %s:\n%s"
                          % (FDN, open(self.notifyd_log).read()))
            time.sleep(0.05)

    # ---- what is on the screen
    def windows(self):
        """The notifications' windows as X has them: (x0, y0, x1, y1), top first."""
        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--class", "xfce4-notifyd"],
                             env=self.x_env, capture_output=True, text=True, timeout=10)
        found = []
        for wid in out.stdout.split():
            geo = dict(re.findall(r"(\w+)=(\d+)", self.x("xdotool", "getwindowgeometry", "--shell",
                                                         wid)))
            x, y, w, h = (int(geo[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
            found.append((x, y, x + w, y + h))
        return sorted(found, key=lambda b: b[1])

    def screen(self):
        path = os.path.join(self.root, "screen.xwd")
        # xwd's XGetImage of the root fails now and then with BadMatch while
        # a notification window (another depth) is being mapped: try again
        for _ in range(5):
            out = subprocess.run(["xwd", "-root", "-silent", "-out", path], env=self.x_env,
                                 capture_output=True, text=True, timeout=10)
            if out.returncode == 0 or "BadMatch" not in out.stderr:
                break
            time.sleep(0.1)
        self.assertEqual(out.returncode, 0, "xwd -root: %s" % out.stderr)
        with open(path, "rb") as f:
            return xshot.read_xwd(f.read())

    def wait_screen(self, buttons, what, timeout=10.0):
        """Until the notifications on screen have these numbers of buttons
        (top first), and stay so for a moment: (picture, windows, buttons)."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            wins = self.windows()
            shot = self.screen()
            found = [xshot.buttons(shot, w) for w in wins]
            if [len(b) for b in found] == buttons:
                time.sleep(0.3)  # drawn whole, nothing moving: the same again
                again = self.screen()
                if self.windows() == wins and again[2] == shot[2]:
                    return shot, wins, found
            last = (wins, found)
            if time.monotonic() > deadline:
                xshot.write_png(os.path.join(self.root, "timeout.png"), shot)
                self.fail("%s: expected notifications with %r buttons, saw windows %r with buttons "
                          "%r; lumbar-notify's log:\n%s\nxfce4-notifyd's log:\n%s"
                          % (what, buttons, last[0], last[1], self.notifier.log(),
                             open(self.notifyd_log).read()))
            time.sleep(0.2)

    def click(self, box):
        x, y = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
        self.x("xdotool", "mousemove", "--sync", str(x), str(y))
        time.sleep(0.1)
        self.x("xdotool", "click", "1")

    # ---- the test
    def test_the_picture(self):
        # 1. the warm-up reminder, as the built-in config says it
        due, _ = self.client.wait_event("reminders.due", timeout=10)
        self.assertEqual(due["name"], "warmup")
        self.assertNotRegex(due["message"], r"[`*_<>&\[\]]",
                            "the reminder's message is plain text, shown as it is")
        self.wait_screen([2], "the reminder")

        # 2. a rest before set 2 of 3, over after 1 s: "Rest over: set 2 of 3"
        rest = self.client.call("rest.start", 1, {"label": "abduction", "sets": 3, "until": 120,
                                                  "warn": 0})
        self.client.wait_event("rest.finished", timeout=10, id=rest["id"])
        self.wait_screen([2, 1], "the reminder and the rest")

        # 3. the check-in after a routine: lumbar-notify shows no rests now,
        # so the routine's own notification does not come and go between them
        self.notifier.write_config(NOTIFY_CONFIG % "reminders, checkin")
        self.notifier.proc.send_signal(signal.SIGHUP)
        self.notifier.wait_log(lambda l: "read %s again" % self.notifier.config_path in l,
                               "on SIGHUP")
        stretch = self.client.call("rest.preset", "stretch")
        for _ in range(3):  # set 1 done, set 2 at once (its rest ends early), set 2 done
            self.client.call("rest.next", stretch["id"])
        checkin, _ = self.client.wait_event("pain.checkin_due", timeout=10)
        scores = checkin["scores"]
        self.assertTrue(scores)
        shot, wins, found = self.wait_screen([2, 1, len(scores)], "all three")

        # the picture: the notifications on the desktop, with a margin
        x0 = min(w[0] for w in wins) - MARGIN
        y0 = min(w[1] for w in wins) - MARGIN
        x1 = max(w[2] for w in wins) + MARGIN
        y1 = max(w[3] for w in wins) + MARGIN
        picture = xshot.crop(shot, max(x0, 0), max(y0, 0), min(x1, SCREEN[0]), min(y1, SCREEN[1]))
        out = OUT or os.path.join(self.root, "notifications.png")
        xshot.write_png(out, picture)
        # what the picture shows is what X has: the windows, one below the other
        desktop = bytes.fromhex(DESKTOP[1:])
        self.assertEqual(xshot.boxes(picture, desktop),
                         [(w[0] - x0, w[1] - y0, w[2] - x0, w[3] - y0) for w in wins])

        # 4. each notification's buttons do what they say, where the picture
        # shows them: Snooze (the reminder's second), Next set, the third score
        self.click(found[0][1])
        self.client.wait_event("reminders.snoozed", timeout=5, id=due["id"])
        self.click(found[1][0])
        self.client.wait_event("rest.set_started", timeout=5, id=rest["id"], set=2)
        self.click(found[2][2])
        logged, _ = self.client.wait_event("pain.logged", timeout=5)
        self.assertEqual(logged["level"], scores[2])

        # 5. docs/notifications.png shows the same
        if OUT:
            return
        committed = xshot.read_png(PICTURE)
        mine = xshot.read_png(out)  # the same reading of both pictures

        def layout(p):
            """Each notification's size and its buttons, relative to it."""
            boxes = xshot.boxes(p, xshot.pixel(p, 0, 0))
            return [((b[2] - b[0], b[3] - b[1]),
                     [(k[0] - b[0], k[1] - b[1], k[2] - b[0], k[3] - b[1])
                      for k in xshot.buttons(p, b)]) for b in boxes]

        theirs, ours = layout(committed), layout(mine)
        self.assertEqual([len(k) for _, k in ours], [2, 1, len(scores)])
        near = len(theirs) == len(ours) and all(
            abs(a - b) <= 2 for (s1, k1), (s2, k2) in zip(theirs, ours)
            for a, b in zip(s1 + sum(map(tuple, k1), ()), s2 + sum(map(tuple, k2), ()))
            if len(k1) == len(k2)) and all(len(k1) == len(k2) for (_, k1), (_, k2)
                                           in zip(theirs, ours))
        self.assertTrue(near, "docs/notifications.png does not show what lumbar-notify shows now "
                        "(notifications and buttons %r; the picture: %r): draw it again with "
                        "tools/notify-screenshot docs/notifications.png" % (ours, theirs))


if __name__ == "__main__":
    unittest.main()
