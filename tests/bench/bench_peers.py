"""lumbard beside Workrave and Safe Eyes (the Debian packages), at idle, in
the same run. Each runs in turn in a world of its own: Xvfb on a free
display, a private session bus (`dbus-daemon --session`, so that D-Bus
activation works as on a desktop), a second private bus standing in for the
system bus (Safe Eyes stops at start without one), and a throwaway HOME with
the XDG directories under it, so that no one's configuration is read or
written. Nobody is at the keyboard: each sees an idle X session (Safe Eyes
pauses itself, Workrave's timers stand still), which is how they spend most
of a day's minutes. Each is left to settle for BENCH_PEERS_SETTLE seconds
(20; 5 with BENCH_QUICK=1), then measured over BENCH_PEERS_SECONDS (60; 10):

- wakeups/s: the voluntary and involuntary context switches of every thread
  of the program's process tree, from /proc/PID/task/*/status at the start
  and the end of the window, plus those of the threads and processes that
  ended within it, from the kernel's exit records (taskstats), so that a
  helper run every two seconds (Safe Eyes' xprintidle) is counted;
- CPU ms per minute: the same threads' time on a CPU, from
  /proc/PID/task/*/schedstat and the exit records (without exit records:
  utime + stime + cutime + cstime of /proc/PID/stat, in clock ticks);
- at the end of the window: RSS, PSS and private memory summed over the tree
  (/proc/PID/smaps_rollup), and its threads.

The services the session bus starts for a program (the accessibility bus,
dconf) are not in its row: a desktop runs them once for all its programs.
They, the X server and the bus are reported beside it. A peer that is not
installed or does not stay up is reported as not measured, and the bench
still succeeds. lumbard's target: fewer wakeups and less PSS than each peer
measured. Every process the bench started is stopped at the end, on failure
and on Ctrl-C too (the bench is their subreaper: what a program leaves
behind is the bench's to stop)."""
import ctypes
import errno
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from benchlib import Daemon, env_int, figure, kib, quiet_config, thread_context_switches

QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = env_int("BENCH_PEERS_SECONDS", 10 if QUICK else 60)
SETTLE = env_int("BENCH_PEERS_SETTLE", 5 if QUICK else 20)
TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")
# Every process the bench starts dies with it, should the bench itself be
# killed before it can stop them (setpriv execs the command: same process).
PDEATH = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []

# (key, name, command, Debian package)
PEERS = [("workrave", "Workrave", ["workrave"], "workrave"),
         ("safeeyes", "Safe Eyes", ["safeeyes"], "safeeyes")]


class Stopped(Exception):
    """SIGTERM or SIGHUP: stop everything, as on Ctrl-C."""


def on_signal(signum, _frame):
    raise Stopped(signal.Signals(signum).name)


# ---- processes -----------------------------------------------------------------------------

def become_subreaper():
    """Orphans of anything the bench starts (D-Bus activated services, what a
    program double-forks) become the bench's children, not init's: the bench
    finds them all, stops them and reaps them."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def stat(pid):
    """(comm, ppid, CPU ticks: utime + stime + cutime + cstime) of a process."""
    with open("/proc/%d/stat" % pid) as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()
    return (text[text.index("(") + 1:text.rindex(")")], int(fields[1]),
            sum(int(x) for x in fields[11:15]))


def process_table():
    """{pid: ppid} of every process."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                table[int(name)] = stat(int(name))[1]
            except (OSError, ValueError, IndexError):
                pass  # gone
    return table


def descendants(roots, table=None):
    """The roots still running and everything below them."""
    table = process_table() if table is None else table
    children = {}
    for pid, ppid in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [p for p in roots if p in table]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo += children.get(pid, [])
    return found


def smaps_rollup(pid):
    """Rss, Pss and private (clean + dirty + hugetlb) in KiB."""
    got = {}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 3 and fields[2] == "kB":
                got[fields[0].rstrip(":")] = int(fields[1])
    private = sum(got.get(k, 0) for k in ("Private_Clean", "Private_Dirty", "Private_Hugetlb"))
    return got.get("Rss", 0), got.get("Pss", 0), private


def thread_runtimes(pid):
    """{tid: time on a CPU in ns} of every thread of pid (schedstat)."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                out[int(tid)] = int(f.read().split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            pass  # a thread that just ended
    return out


def snapshot(pids):
    """({pid: (comm, CPU ticks)}, {tid: context switches}, {tid: CPU ns}) of
    these processes."""
    procs, switches, runtimes = {}, {}, {}
    for pid in pids:
        try:
            comm, _, ticks = stat(pid)
            switches.update(thread_context_switches(pid))
            runtimes.update(thread_runtimes(pid))
            procs[pid] = (comm, ticks)
        except (OSError, ValueError, IndexError):
            pass  # ended meanwhile
    return procs, switches, runtimes


def wakeups_of(pids, seconds):
    """Context switches per second of a few processes over a window: a
    function that takes the second reading (for what is beside a program)."""
    before = snapshot(pids)[1]

    def after():
        now = snapshot(pids)[1]
        return sum(n - before[t] for t, n in now.items() if t in before) / seconds
    return after


def stop_process(proc, grace=5.0):
    """TERM, then KILL; reaps it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_descendants(grace=3.0):
    """Stop every process below the bench (TERM, then KILL) and reap them;
    returns the names of any that would not go."""
    me = os.getpid()
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        live = descendants([me]) - {me}
        for pid in live:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while live and time.monotonic() < deadline:
            reap()
            time.sleep(0.05)
            live = {p for p in descendants([me]) - {me} if not zombie(p)}
        if not live:
            break
    reap()
    left = {p for p in descendants([me]) - {me} if not zombie(p)}
    return sorted(comm_of(p) for p in left)


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def comm_of(pid):
    try:
        return stat(pid)[0]
    except (OSError, ValueError, IndexError):
        return str(pid)


# ---- the kernel's exit records -------------------------------------------------------------

class ExitRecords:
    """Taskstats over generic netlink: the kernel sends a record for every
    task (thread) that exits on the machine, with its context switches, its
    thread group and its parent. Read while a window lasts, they count what
    /proc no longer shows at its end. Needs root (CAP_NET_ADMIN) and a kernel
    with taskstats v12 (Linux 6.0); without them, error says why and the
    figures count the living only."""
    # struct taskstats offsets (linux/taskstats.h; the struct only grows)
    OFF_RUNTIME, OFF_COMM, OFF_PID, OFF_NVCSW, OFF_TGID = 72, 80, 128, 272, 368

    def __init__(self):
        self.sock, self.error, self.lost, self.family = None, None, False, None
        try:
            with open("/sys/devices/system/cpu/possible") as f:
                self.cpus = f.read().strip()
        except OSError:
            self.cpus = "0-%d" % ((os.cpu_count() or 1) - 1)
        try:
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
            except OSError:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
            self.sock.bind((0, 0))
            self.sock.settimeout(5)
            self.family = self.resolve_family()
            self.request(1, 3, self.cpus)  # TASKSTATS_CMD_GET, ..._ATTR_REGISTER_CPUMASK
            self.sock.setblocking(False)
        except OSError as e:
            self.error = "taskstats: %s" % (e.strerror or e)
            self.close()

    @staticmethod
    def attr(kind, payload):
        n = 4 + len(payload)
        return struct.pack("=HH", n, kind) + payload + b"\0" * (-n % 4)

    @staticmethod
    def attrs(data):
        out = {}
        while len(data) >= 4:
            n, kind = struct.unpack_from("=HH", data)
            if n < 4:
                break
            out[kind & 0x3fff] = data[4:n]
            data = data[(n + 3) & ~3:]
        return out

    @staticmethod
    def messages(data):
        """(type, payload after the nlmsghdr) of each netlink message."""
        while len(data) >= 16:
            n, kind = struct.unpack_from("=IH", data)
            if n < 16:
                return
            yield kind, data[16:n]
            data = data[(n + 3) & ~3:]

    def send(self, family, cmd, payload, ack):
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        flags = 1 | (4 if ack else 0)  # NLM_F_REQUEST | NLM_F_ACK
        self.sock.send(struct.pack("=IHHII", 16 + len(body), family, flags, 1, 0) + body)

    def resolve_family(self):
        self.send(0x10, 3, self.attr(2, b"TASKSTATS\0"), False)  # CTRL_CMD_GETFAMILY
        for kind, payload in self.messages(self.sock.recv(65536)):
            if kind == 2:  # NLMSG_ERROR
                raise OSError(-struct.unpack_from("=i", payload)[0], "no TASKSTATS family")
            family = self.attrs(payload[4:]).get(1)  # CTRL_ATTR_FAMILY_ID
            if family:
                return struct.unpack_from("=H", family)[0]
        raise OSError(errno.ENOENT, "no TASKSTATS family")

    def request(self, cmd, attr, cpus):
        self.send(self.family, cmd, self.attr(attr, cpus.encode() + b"\0"), True)
        while True:
            for kind, payload in self.messages(self.sock.recv(65536)):
                if kind == 2:
                    code = -struct.unpack_from("=i", payload)[0]
                    if code:
                        raise OSError(code, os.strerror(code))
                    return

    def read(self, until=None):
        """The records that came before `until` (monotonic; None: those
        already here): [(tid, tgid, ppid, context switches, CPU ns, comm)]
        (CPU: cpu_run_virtual_total, the sum_exec_runtime schedstat shows)."""
        out = []
        if self.sock is None:
            if until:
                time.sleep(max(0.0, until - time.monotonic()))
            return out
        while True:
            wait = 0 if until is None else max(0.0, until - time.monotonic())
            if until is not None and wait == 0:
                until = None  # the window is over: take what is already here
            ready, _, _ = select.select([self.sock], [], [], wait)
            if not ready:
                if until is None:
                    return out
                continue
            try:
                data = self.sock.recv(1 << 16)
            except BlockingIOError:
                continue
            except OSError as e:
                if e.errno == errno.ENOBUFS:
                    self.lost = True  # records dropped: the socket's buffer overflowed
                    continue
                raise
            for kind, payload in self.messages(data):
                if kind != self.family or len(payload) < 4 or payload[0] != 2:  # TASKSTATS_CMD_NEW
                    continue
                aggr = self.attrs(payload[4:]).get(4)  # TASKSTATS_TYPE_AGGR_PID
                stats = self.attrs(aggr).get(3) if aggr else None  # TASKSTATS_TYPE_STATS
                if not stats or len(stats) < self.OFF_TGID + 4:
                    continue
                if struct.unpack_from("=H", stats)[0] < 12:
                    continue  # no ac_tgid before v12
                tid, ppid = struct.unpack_from("=II", stats, self.OFF_PID)
                nv, niv = struct.unpack_from("=QQ", stats, self.OFF_NVCSW)
                tgid = struct.unpack_from("=I", stats, self.OFF_TGID)[0]
                runtime = struct.unpack_from("=Q", stats, self.OFF_RUNTIME)[0]
                comm = stats[self.OFF_COMM:self.OFF_COMM + 32].split(b"\0")[0].decode(
                    "utf-8", "replace")
                out.append((tid, tgid, ppid, nv + niv, runtime, comm))

    def close(self):
        if self.sock is not None:
            try:
                self.sock.settimeout(2)
                self.request(1, 4, self.cpus)  # ..._ATTR_DEREGISTER_CPUMASK
            except (OSError, TypeError):
                pass
            self.sock.close()
            self.sock = None


# ---- a world for one program ---------------------------------------------------------------

class World:
    """Xvfb on a free display, a private session bus and a stand-in system
    bus, a throwaway HOME: the environment one program runs in."""

    def __init__(self, name):
        self.root = tempfile.mkdtemp(prefix="lumbard-peers-%s-" % name)
        self.procs = []
        home = os.path.join(self.root, "home")
        run = os.path.join(self.root, "run")
        for d in (".config", ".local/share", ".local/state", ".cache"):
            os.makedirs(os.path.join(home, d))
        os.makedirs(run, mode=0o700)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XDG_", "DBUS_", "WAYLAND_", "DESKTOP_", "GNOME_", "KDE_"))
               and k not in ("DISPLAY", "XAUTHORITY", "SESSION_MANAGER")}
        # the XDG directories where they are by default: Safe Eyes 2.1.5 makes
        # its style directory under ~/.config whatever XDG_CONFIG_HOME says
        env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                   XDG_DATA_HOME=os.path.join(home, ".local/share"),
                   XDG_STATE_HOME=os.path.join(home, ".local/state"),
                   XDG_CACHE_HOME=os.path.join(home, ".cache"), XDG_RUNTIME_DIR=run)
        for k in ("XDG_DATA_DIRS", "XDG_CONFIG_DIRS"):
            if k in os.environ:
                env[k] = os.environ[k]
        self.env = env
        self.xvfb, self.display = self.start_xvfb()
        env["DISPLAY"] = ":" + self.display
        self.system_bus, env["DBUS_SYSTEM_BUS_ADDRESS"] = self.start_bus("system-bus")
        # the session bus with the environment its activated services inherit
        self.bus, env["DBUS_SESSION_BUS_ADDRESS"] = self.start_bus("session-bus")
        self.address = env["DBUS_SESSION_BUS_ADDRESS"]  # for benchlib.Daemon

    def log(self, name):
        return open(os.path.join(self.root, name + ".log"), "w")

    def spawn(self, args, **kw):
        proc = subprocess.Popen(PDEATH + args, env=self.env, cwd=self.env["HOME"],
                                stdin=subprocess.DEVNULL, start_new_session=True, **kw)
        self.procs.append(proc)
        return proc

    def start_xvfb(self):
        r, w = os.pipe()
        xvfb = self.spawn(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24",
                           "-nolisten", "tcp", "-noreset"], pass_fds=(w,),
                          stdout=subprocess.DEVNULL, stderr=self.log("xvfb"))
        os.close(w)
        # the number, then "\n" in a second write: read the whole line before
        # closing the pipe (a closed pipe is fatal to Xvfb)
        got = b""
        while not got.endswith(b"\n"):
            chunk = os.read(r, 64)
            if not chunk:
                break
            got += chunk
        os.close(r)
        if not got.strip():
            raise RuntimeError("Xvfb did not start: %s" % self.tail("xvfb"))
        return xvfb, got.decode().strip()

    def start_bus(self, name):
        bus = self.spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                         stdout=subprocess.PIPE, stderr=self.log(name), text=True)
        address = bus.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not start: %s" % self.tail(name))
        return bus, address

    def tail(self, name, lines=3):
        try:
            with open(os.path.join(self.root, name + ".log"), errors="replace") as f:
                text = [line.strip() for line in f if line.strip()]
            return " / ".join(text[-lines:]) or "(nothing in its log)"
        except OSError:
            return "(no log)"

    def own(self):
        """The pids of the world itself: Xvfb and the two buses."""
        return {"xvfb": self.xvfb.pid, "bus": self.bus.pid, "system bus": self.system_bus.pid}

    def close(self):
        for proc in reversed(self.procs):
            stop_process(proc, 3.0)
        shutil.rmtree(self.root, ignore_errors=True)


# ---- measuring -----------------------------------------------------------------------------

def settle(proc, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return "%s exited with status %s within %d s of its start" % (
                what, proc.returncode, seconds)
        time.sleep(0.25)
    return None


def measure(world, proc, exits):
    """The program's tree (proc and below) over one window; None and why when
    it did not stay up."""
    me = os.getpid()
    start_tree = descendants([proc.pid])
    start_procs, start_switches, start_runtimes = snapshot(start_tree)
    others = {}
    for what, pid in world.own().items():
        others[what] = wakeups_of([pid], SECONDS)
    helpers = descendants([me]) - {me} - start_tree - set(world.own().values())
    others["helpers"] = wakeups_of(helpers, SECONDS)
    exits.read()  # what ended before the window
    exits.lost = False
    t0 = time.monotonic()
    records = []
    while time.monotonic() - t0 < SECONDS:
        records += exits.read(until=min(t0 + SECONDS, time.monotonic() + 1.0))
        if proc.poll() is not None:
            return None, "exited with status %s during the window" % proc.returncode
    end_tree = descendants([proc.pid])
    end_procs, end_switches, end_runtimes = snapshot(end_tree)
    records += exits.read()
    elapsed = time.monotonic() - t0

    # the exit records that belong to the tree: a thread of one of its
    # processes, or a process whose parent is one (found in any order)
    members, ended, pending, changed = set(start_tree) | end_tree, {}, records, True
    while changed:
        changed, rest = False, []
        for record in pending:
            tid, tgid, ppid = record[:3]
            if tgid in members or (tid == tgid and ppid in members):
                members.add(tgid)
                ended[tid] = record
                changed = True
            else:
                rest.append(record)
        pending = rest
    # each thread's count at the end of the window (or at its end), less its
    # count at the start (0 for one that started within)
    final_switches, final_runtimes = dict(end_switches), dict(end_runtimes)
    for tid, (_, _, _, n, runtime, _) in ended.items():
        final_switches[tid], final_runtimes[tid] = n, runtime
    switches = sum(n - start_switches.get(tid, 0) for tid, n in final_switches.items())
    unseen = [tid for tid in start_switches if tid not in final_switches]  # ended, no record
    if exits.error:
        # no exit records: the processes' CPU with their reaped children's, in ticks
        ticks = sum(t for _, t in end_procs.values()) - sum(t for _, t in start_procs.values())
        cpu_ms = ticks * TICK_MS
    else:
        cpu_ms = sum(ns - start_runtimes.get(tid, 0)
                     for tid, ns in final_runtimes.items()) / 1e6
    rss = pss = private = threads = 0
    for pid in end_tree:
        try:
            r, p, v = smaps_rollup(pid)
            threads += len(os.listdir("/proc/%d/task" % pid))
        except OSError:
            continue
        rss, pss, private = rss + r, pss + p, private + v
    helper_pss = 0
    for pid in helpers:
        try:
            helper_pss += smaps_rollup(pid)[1]
        except OSError:
            pass

    names = {}
    for pid in sorted(end_tree):
        comm = end_procs[pid][0] if pid in end_procs else comm_of(pid)
        names[comm] = names.get(comm, 0) + 1
    gone, gone_switches = {}, 0
    for tid, (_, tgid, _, n, _, comm) in ended.items():
        if tid == tgid:
            gone[comm] = gone.get(comm, 0) + 1
        if tgid not in start_tree and tgid not in end_tree:
            gone_switches += n  # a process that started and ended within the window
    counted = "%s (%d process%s, %d thread%s)" % (
        ", ".join(n if k == 1 else "%s x%d" % (n, k) for n, k in names.items()),
        len(end_tree), "" if len(end_tree) == 1 else "es", threads, "" if threads == 1 else "s")
    if gone:
        counted += "; ended in the window: %s (%d context switches)" % (", ".join(
            "%s x%d" % kv for kv in sorted(gone.items(), key=lambda kv: -kv[1])), gone_switches)
    elif ended:
        counted += "; %d thread%s ended in the window" % (len(ended), "" if len(ended) == 1
                                                          else "s")
    if exits.error:
        counted += "; threads that ended not counted (%s)" % exits.error
    elif exits.lost:
        counted += "; some exit records lost (socket buffer overflowed)"
    elif unseen:
        counted += "; %d thread%s ended without a record" % (len(unseen), "" if len(unseen) == 1
                                                              else "s")
    beside = {what: f() for what, f in others.items()}
    helper_names = sorted({comm_of(p) for p in helpers})
    return {
        "wakeups": switches / elapsed, "switches": switches, "seconds": elapsed,
        "cpu": cpu_ms * 60.0 / elapsed, "rss": rss, "pss": pss, "private": private,
        "threads": threads, "counted": counted, "beside": beside, "helpers": helper_names,
        "helper_pss": helper_pss,
    }, None


def measure_lumbard(exits):
    lumbard = os.environ.get("LUMBARD_BIN", "lumbard")
    version = subprocess.run([lumbard, "--version"], capture_output=True, text=True)
    name = " ".join(version.stdout.split()[:2]) or "lumbard"
    world = daemon = None
    try:
        world = World("lumbard")
        # benchlib's Daemon: the built-in plugins next to the binary, a config
        # with nothing due for months, the world's session bus and display
        daemon = Daemon(builtin_plugins=True, bus=world, root=world.root,
                        config=quiet_config(),
                        env={k: world.env[k] for k in ("HOME", "DISPLAY",
                                                       "DBUS_SYSTEM_BUS_ADDRESS")})
        daemon.wrapper = PDEATH
        daemon.start()
        why = settle(daemon.proc, SETTLE, "lumbard")
        if why:
            raise RuntimeError(why)
        result, why = measure(world, daemon.proc, exits)
        if why:
            raise RuntimeError("lumbard " + why)
        return name, result
    finally:
        try:
            if daemon:
                daemon.cleanup()
        finally:
            if world:
                world.close()
            stop_descendants()


def package_version(package):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}\t${Version}", package],
                         capture_output=True, text=True)
    status, _, version = out.stdout.partition("\t")
    return version if out.returncode == 0 and status.endswith(" installed") else None


def measure_peer(name, command, package, exits):
    """(name with version, result or None, why not)."""
    version = package_version(package)
    label = "%s %s" % (name, version) if version else name
    if not version or not shutil.which(command[0]):
        return label, None, "%s is not installed (apt-get install %s)" % (command[0], package)
    world = None
    try:
        world = World(command[0])
        proc = world.spawn(command, stdout=world.log(command[0]),
                           stderr=subprocess.STDOUT)
        why = settle(proc, SETTLE, command[0])
        if why:
            return label, None, "%s: %s" % (why, world.tail(command[0]))
        result, why = measure(world, proc, exits)
        if why:
            return label, None, "%s %s: %s" % (command[0], why, world.tail(command[0]))
        stop_process(proc)
        return label, result, None
    except (RuntimeError, OSError) as e:
        return label, None, str(e)
    finally:
        if world:
            world.close()
        stop_descendants()  # the services its bus started, anything it left


def clean(text):
    """One cell of a line for summarise.py: no tabs, no newlines."""
    return " ".join(str(text).split())


def row(name, r):
    return [name, "%.2f" % r["wakeups"], "%.1f" % r["cpu"], kib(r["rss"]), kib(r["pss"]),
            kib(r["private"]), str(r["threads"])]


def main():
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    become_subreaper()
    exits = ExitRecords()
    results, failed = [], None
    try:
        print("each in turn: its own Xvfb, session bus, stand-in system bus and throwaway HOME; "
              "settled %d s, measured over %d s" % (SETTLE, SECONDS))
        if exits.error:
            print("  (%s: threads and processes that end within the window are not counted)"
                  % exits.error)
        try:
            name, r = measure_lumbard(exits)
            results.append(("lumbard", name, r, None))
        except (RuntimeError, AssertionError, OSError) as e:
            failed = str(e)
            results.append(("lumbard", "lumbard", None, str(e).splitlines()[0]))
        for key, name, command, package in PEERS:
            label, r, why = measure_peer(name, command, package, exits)
            results.append((key, label, r, why))

        head = ["program", "wakeups/s", "CPU ms/min", "RSS", "PSS", "private", "threads"]
        rows = [row(label, r) if r else [label, "not measured: " + why]
                for _, label, r, why in results]
        widths = [max(len(x[i]) for x in [head] + [r for r in rows if len(r) > 2])
                  for i in range(len(head))]
        print()
        print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        for cells in rows:
            print("  ".join(c.ljust(w) for c, w in zip(cells, widths)) if len(cells) > 2
                  else "%s  %s" % (cells[0].ljust(widths[0]), cells[1]))
        print()
        for _, label, r, why in results:
            if not r:
                continue
            b = r["beside"]
            print("%s: counted %s; %d context switches in %.1f s" % (
                label, r["counted"], r["switches"], r["seconds"]))
            print("  beside it, not counted: X server %.2f/s, session bus %.2f/s, system bus "
                  "%.2f/s%s" % (b["xvfb"], b["bus"], b["system bus"],
                                "; services its bus started (%s) %.2f/s, PSS %s"
                                % (", ".join(r["helpers"]), b["helpers"], kib(r["helper_pss"]))
                                if r["helpers"] else ""))

        for _, label, r, why in results:
            cells = row(label, r)[1:] + [r["counted"]] if r else ["not measured: " + why]
            print("@peer\t" + "\t".join(clean(c) for c in [label] + cells))
        print("@peer-note\tEach program alone and idle, in turn, on its own Xvfb with a private "
              "session bus, a stand-in system bus and a throwaway HOME; settled %d s, then "
              "measured over %d s. Its whole process tree is counted: wakeups are the "
              "context switches of every thread (/proc at both ends of the window, and the "
              "kernel's exit records for threads and processes that ended within it), CPU is "
              "those threads' time on a CPU, RSS, PSS and private memory are summed over its "
              "processes (smaps_rollup) at the end of the window. Nobody is at the keyboard: "
              "each sees an idle X session. Services the session bus starts for a program "
              "(the accessibility bus, dconf) are shared on a desktop and not counted; "
              "bench_peers.py prints them, and the X server's and the bus's wakeups, beside "
              "each program." % (SETTLE, SECONDS))

        lb = results[0][2]
        peers = [(label, r) for key, label, r, _ in results[1:] if r]
        if lb:
            against = "; ".join("%s %.2f/s, %s" % (label, r["wakeups"], kib(r["pss"]))
                                for label, r in peers)
            ok = all(lb["wakeups"] < r["wakeups"] and lb["pss"] < r["pss"] for _, r in peers)
            figure("peers.lumbard", "lumbard at idle beside Workrave and Safe Eyes (same run, "
                   "%d s)" % SECONDS, "fewer wakeups/s and less PSS than each",
                   "%.2f wakeups/s, PSS %s (%s)" % (lb["wakeups"], kib(lb["pss"]),
                                                     against or "no peer measured"),
                   ("pass" if ok else "miss") if peers else "info")
        for key, label, r, why in results[1:]:
            figure("peers." + key, "%s at idle, beside lumbard (same run)" % label,
                   "(for comparison)",
                   "%.2f wakeups/s, %.1f CPU ms/min, RSS %s, PSS %s, private %s, %d threads"
                   % (r["wakeups"], r["cpu"], kib(r["rss"]), kib(r["pss"]), kib(r["private"]),
                      r["threads"]) if r else "not measured: " + clean(why), "info")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        exits.close()
        left = stop_descendants()
        print("left running: %s" % (", ".join(left) if left else "nothing"))
    if failed:
        print("lumbard could not be measured:\n%s" % failed, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (KeyboardInterrupt, Stopped) as e:
        print("stopped (%s); everything it started was stopped" % (str(e) or "SIGINT"),
              file=sys.stderr)
        sys.exit(130)
