"""The real daemon under load: 200 clients pipelining at once, 1,100
connections against the limit of 1024, a subscriber that never reads while
20,000 events go out, random and truncated input on 500 connections. Nothing
here times the daemon: each test checks that every answer came and was the
right one, that limits are enforced where PROTOCOL.md puts them, and that
what the daemon holds (clients, descriptors, memory) comes back down."""
import os
import random
import re
import resource
import selectors
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import msgpack

from lbtest import Bus, Client, Daemon, DaemonTest, GOOD_PLUGINS, VALGRIND, asan_options, slow

MAX_CLIENTS = 1024
MAX_QUEUED = 4 * 1024 * 1024  # PROTOCOL.md: unread data per client
CODES = {"no_such_method", "invalid_params", "not_found", "conflict", "too_large", "internal"}


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < want:
        raise unittest.SkipTest("needs %d file descriptors, the hard limit is %d" % (want, hard))
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def run_threads(target, args_list):
    """Run target(*args) in one thread each, all started together; returns
    the exceptions they raised."""
    errors = []
    barrier = threading.Barrier(len(args_list))

    def body(*args):
        try:
            barrier.wait(slow(30))
            target(*args)
        except BaseException as e:  # reported by the test, with its thread's args
            errors.append((args, e))

    threads = [threading.Thread(target=body, args=a) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


class LoadTest(DaemonTest):
    def wait_clients(self, want, timeout=10.0):
        """daemon.status's client count (this test's own client included)
        comes down to want."""
        deadline = time.monotonic() + slow(timeout)
        while True:
            n = self.client.call("daemon.status")["clients"]
            if n == want or time.monotonic() > deadline:
                return n
            time.sleep(0.05)

    def wait_fds(self, want, timeout=10.0):
        """The daemon's descriptors come down to want; when they do not,
        self.fd_report names those left over."""
        deadline = time.monotonic() + slow(timeout)
        while True:
            n = self.daemon.open_fds()
            if n <= want or time.monotonic() > deadline:
                if n > want:
                    self.fd_report = self.leftover_fds()
                return n
            time.sleep(0.05)

    def leftover_fds(self):
        """The descriptors that are new since fds_now(), for a socket with
        ss's line for it and for its peer (who holds the other end), and the
        end of the daemon's log."""
        before = self.fds_seen
        new = sorted((fd, t) for fd, t in self.daemon.fd_targets().items() if before.get(fd) != t)
        inodes = {t[len("socket:["):-1] for _, t in new if t.startswith("socket:[")}
        try:
            ss = subprocess.run(["ss", "-xpn"], capture_output=True, text=True).stdout
        except OSError:
            ss = ""
        rows = [line.split() for line in ss.splitlines()]
        peers = {r[7] for r in rows if len(r) > 7 and r[5] in inodes}
        sockets = [" ".join(r) for r in rows if len(r) > 5 and r[5] in inodes | peers]
        return "; descriptors new since before: %r %r; the daemon's log:\n%s" % (
            new, sockets, self.daemon.log()[-1500:])

    def fds_now(self):
        """The daemon's descriptors now, once it surely holds this test's own
        connection (connected in setUp, accepted when the loop gets to it: a
        count taken before that would miss it)."""
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        self.fds_seen = self.daemon.fd_targets()
        self.fd_report = ""
        return len(self.fds_seen)


class Concurrency(LoadTest):
    CLIENTS = 200
    REQUESTS = 500
    WINDOW = 50  # requests in flight per client

    @staticmethod
    def request(client, i):
        """The i-th request of a client and the answer it must get, as
        (method, params, expected result or ("error", code, words))."""
        text = "c%d r%d" % (client, i)
        kind = i % 10
        if kind in (0, 5):
            return "daemon.ping", [], "pong"
        if kind in (1, 6):
            return "test.echo", [text], {"text": text, "times": 1, "upper": False, "pause": None}
        if kind == 2:
            return ("test.echo", [text, 1 + i % 10, {"upper": True, "pause": "1m30s"}],
                    {"text": text.upper(), "times": 1 + i % 10, "upper": True, "pause": 90})
        if kind == 3:
            return "test.echo", [i], ("error", "invalid_params", "parameter 'text' must be a string")
        if kind == 4:
            return "test.echo", [text, 11], ("error", "invalid_params", "between 1 and 10, got 11")
        if kind == 7:
            return "no.such", [text], ("error", "no_such_method", 'no method "no.such"')
        if kind == 8 and i % 50 == 8:
            return "test.later", [i % 5], "deferred"  # answered from a timer
        return "daemon.version", [], "version"

    def check(self, expected, msg):
        _, _, error, result = msg
        if isinstance(expected, tuple):
            _, code, words = expected
            return error is not None and error["code"] == code and words in error["message"]
        if error is not None:
            return False
        if expected == "deferred":
            return isinstance(result, dict) and result.get("waited_ms", -1) >= 0
        if expected == "version":
            return isinstance(result, dict) and result.get("plugin_abi") == 1
        return result == expected

    def test_200_clients_500_requests_each(self):
        raise_fd_limit(self.CLIENTS + 100)
        # each kind of request once, so that what the daemon opens on first
        # use (a timer's descriptor) is open before counting
        for i in range(50):
            method, params, want = self.request(0, i)
            self.assertTrue(self.check(want, self.client.response(
                self.client.request(method, *params))), (method, params))
        fds_before = self.fds_now()
        clients = [Client(self.daemon.socket, timeout=30) for _ in range(self.CLIENTS)]
        self.addCleanup(lambda: [c.close() for c in clients])
        self.assertEqual(self.client.call("daemon.status")["clients"], self.CLIENTS + 1)
        wrong = []

        def drive(n):
            c = clients[n]
            expected = {}
            for start in range(0, self.REQUESTS, self.WINDOW):
                batch = []
                for i in range(start, start + self.WINDOW):
                    method, params, want = self.request(n, i)
                    msgid = n * 100000 + i
                    expected[msgid] = want
                    batch.append(msgpack.packb([0, msgid, method, params]))
                c.send_raw(b"".join(batch))
                for i in range(start, start + self.WINDOW):
                    msgid = n * 100000 + i
                    msg = c.response(msgid)
                    if not self.check(expected.pop(msgid), msg):
                        wrong.append("client %d request %d %s: got %r"
                                     % (n, i, self.request(n, i), msg))
            if c.responses:
                wrong.append("client %d got answers to requests it did not send: %r"
                             % (n, sorted(c.responses)[:5]))
            if c.notifications:
                wrong.append("client %d got notifications: %r" % (n, c.notifications[:3]))

        errors = run_threads(drive, [(n,) for n in range(self.CLIENTS)])
        self.assertEqual(errors, [], "clients failed (client, exception); the daemon log:\n"
                         + self.daemon.log()[-3000:])
        self.assertEqual(wrong[:10], [], "%d wrong answers of %d" % (len(wrong),
                                                                    self.CLIENTS * self.REQUESTS))
        status = self.client.call("daemon.status")
        self.assertEqual(status["pending_calls"], 0)
        for c in clients:
            c.close()
        self.assertEqual(self.wait_clients(1), 1, "clients still counted after all 200 left")
        self.assertLessEqual(self.wait_fds(fds_before), fds_before,
                             "the daemon holds more descriptors than before the 200 clients"
                             + self.fd_report)


class ConnectionStorm(LoadTest):
    TOTAL = 1100

    def test_1100_at_once_1024_served_the_rest_refused(self):
        raise_fd_limit(self.TOTAL + 200)
        fds_before = self.fds_now()
        socks = [None] * self.TOTAL

        def connect(first, last):
            for i in range(first, last):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.daemon.socket)  # blocking: waits for room in the backlog
                socks[i] = s

        step = 100
        errors = run_threads(connect, [(i, min(i + step, self.TOTAL))
                                       for i in range(0, self.TOTAL, step)])
        self.addCleanup(lambda: [s.close() for s in socks if s])
        self.assertEqual(errors, [], "connecting failed")
        ping = msgpack.packb([0, 1, "daemon.ping", []])
        for s in socks:
            try:
                s.sendall(ping)
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused and closed already
        served, refused, other = 0, 0, []
        sel = selectors.DefaultSelector()
        data = {}
        for i, s in enumerate(socks):
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, i)
            data[i] = b""
        pending = set(range(self.TOTAL))
        deadline = time.monotonic() + slow(30)
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(1):
                i = key.data
                try:
                    chunk = key.fileobj.recv(4096)
                except ConnectionResetError:
                    chunk = b""
                except BlockingIOError:
                    continue
                if chunk:
                    data[i] += chunk
                    if msgpack.unpackb(data[i], raw=False) == [1, 1, None, "pong"]:
                        served += 1
                        pending.discard(i)
                        sel.unregister(key.fileobj)
                    continue
                sel.unregister(key.fileobj)
                pending.discard(i)
                if data[i]:
                    other.append((i, data[i]))
                else:
                    refused += 1  # closed without a byte
        sel.close()
        self.assertEqual(pending, set(), "%d connections neither answered nor closed within "
                         "%.0f s" % (len(pending), slow(30)))
        self.assertEqual(other, [], "connections that got something other than one pong")
        # this test's own client is one of the 1024
        self.assertEqual((served, refused), (MAX_CLIENTS - 1, self.TOTAL - MAX_CLIENTS + 1),
                         "expected (served, refused)")
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        self.assertEqual(self.daemon.log().count("the most lumbard serves"), 1,
                         "expected one warning that the limit was reached:\n"
                         + self.daemon.log()[-2000:])
        for s in socks:
            s.close()
        self.assertEqual(self.wait_clients(1), 1, "clients still counted after all left")
        self.assertLessEqual(self.wait_fds(fds_before), fds_before,
                             "the daemon holds more descriptors than before the storm" + self.fd_report)
        # and the room is there again
        again = [Client(self.daemon.socket) for _ in range(50)]
        self.addCleanup(lambda: [c.close() for c in again])
        self.assertEqual([c.call("daemon.ping") for c in again], ["pong"] * 50)


class SlowSubscriber(DaemonTest):
    """A subscriber that never reads, while 20,000 events of 2 KiB go out
    (40 batches of 500). It must be dropped at its send-queue bound (4 MiB,
    PROTOCOL.md) long before the flood ends; meanwhile every ping of another
    client is answered and a subscriber that does read gets every event, in
    order.

    Memory: the daemon's peak resident size may grow by at most 24 MiB (40
    under AddressSanitizer, whose redzones about double it). What it
    legitimately holds at once is the sleeper's queue (at most 4 MiB of
    packed events and ~2,000 write requests of ~200 bytes), one batch on its
    way to the reader (500 x 2 KiB, the test waits for each batch to be read
    before the next) and the test plugin's listener copies of that batch (~1
    MiB): under 8 MiB, the rest is allocator slack (measured: ~9 MiB, ~19
    under ASan). Without the bound, the sleeper alone would hold all 20,000
    events: over 40 MiB, twice that under ASan."""
    EVENTS = 20000
    BATCH = 500
    SIZE = 2048

    def setUp(self):
        # AddressSanitizer keeps freed memory in quarantine (256 MiB by
        # default), which would count here as the daemon's own.
        self.daemon = Daemon(plugin_dirs=[GOOD_PLUGINS],
                             env={"ASAN_OPTIONS": asan_options(quarantine_size_mb=1)})
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()

    def test_flood_past_a_subscriber_that_never_reads(self):
        sleeper = self.connect()
        sleeper.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.assertEqual(sleeper.call("daemon.subscribe", ["*"]), ["*"])
        reader = self.connect()
        reader.call("daemon.subscribe", ["test.tick"])
        bystander = self.connect()
        publisher = self.connect()

        received = []
        got = threading.Condition()
        stop = threading.Event()
        failures = []

        def read_events():
            try:
                reader.sock.settimeout(slow(30))
                while len(received) < self.EVENTS:
                    reader._read()
                    with got:
                        for note in reader.notifications:
                            received.append(note[2][0]["n"])
                        reader.notifications.clear()
                        got.notify_all()
            except BaseException as e:
                failures.append("the reading subscriber: %r after %d events" % (e, len(received)))
                with got:
                    got.notify_all()

        pings, worst = [0], [0.0]
        pinger = Client(self.daemon.socket, timeout=30)
        self.addCleanup(pinger.close)

        def ping_all_along():
            try:
                while not stop.is_set():
                    t = time.monotonic()
                    if pinger.call("daemon.ping") != "pong":
                        failures.append("a ping was not answered pong")
                    worst[0] = max(worst[0], time.monotonic() - t)
                    pings[0] += 1
            except BaseException as e:
                failures.append("the pinging client: %r after %d pings" % (e, pings[0]))

        threads = [threading.Thread(target=read_events), threading.Thread(target=ping_all_along)]
        for t in threads:
            t.start()
        rss_before = self.daemon.proc_status("VmRSS")
        dropped_at = None
        try:
            for batch in range(self.EVENTS // self.BATCH):
                self.assertEqual(publisher.call("test.emit", self.BATCH, {"size": self.SIZE}),
                                 {"emitted": self.BATCH})
                # another client is served while the sleeper's queue is full
                self.assertEqual(bystander.call("daemon.ping"), "pong",
                                 "a ping during batch %d" % batch)
                with got:
                    got.wait_for(lambda: len(received) >= (batch + 1) * self.BATCH or failures,
                                 slow(30))
                self.assertEqual(failures, [])
                self.assertEqual(len(received), (batch + 1) * self.BATCH,
                                 "events read after batch %d" % batch)
                if dropped_at is None and "is not reading" in self.daemon.log():
                    dropped_at = batch
        finally:
            stop.set()
            for t in threads:
                t.join(slow(60))
        hwm = self.daemon.proc_status("VmHWM")
        self.assertEqual(failures, [])
        self.assertEqual(received, list(range(1, self.EVENTS + 1)),
                         "the reading subscriber must get every event, in order")
        self.assertIsNotNone(dropped_at, "the sleeper was never dropped:\n" + self.daemon.log())
        self.assertLess(dropped_at, 10, "the sleeper should be dropped once 4 MiB wait for it, "
                        "within the first 10 batches of 1 MiB")
        # the count may take in the one event that tips the queue over
        m = re.search(r"is not reading: (\d+) bytes wait for it", self.daemon.log())
        self.assertLessEqual(int(m.group(1)), MAX_QUEUED + self.SIZE + 64,
                             "bytes queued for the sleeper when it was dropped")
        self.assertTrue(sleeper.closed_by_peer(), "the sleeper's connection is still open")
        self.assertGreater(pings[0], 0, "no ping was answered during the flood")
        status = self.client.call("daemon.status")
        self.assertEqual(status["subscribers"], 1, "only the reader is subscribed now")
        print("\n%d pings answered during the flood, the slowest in %.1f ms; the sleeper was "
              "dropped in batch %d; peak RSS %d kB over %d kB before"
              % (pings[0], worst[0] * 1000, dropped_at, hwm - rss_before, rss_before))
        if not VALGRIND:  # valgrind's own memory is no measure of the daemon's
            bound = (40 if self.daemon.sanitized() else 24) * 1024
            self.assertLess(hwm - rss_before, bound,
                            "the daemon's peak RSS grew by %d kB during the flood (from %d kB); "
                            "expected under %d kB" % (hwm - rss_before, rss_before, bound))


class InputStorm(LoadTest):
    """500 connections at once, each sending something broken: random bytes,
    a request cut short (then closed, or left open and finished later), a
    request followed by garbage, a request with bytes flipped, msgpack of
    the wrong shape. The inputs come from a fixed seed (LB_SEED to vary it).
    Whatever the daemon answers must be well-formed responses; the requests
    that were whole must be answered right; a bystander is served
    throughout; and once the connections are gone, so are their traces."""
    CONNECTIONS = 500
    KINDS = ("random", "cut_close", "cut_finish", "then_garbage", "flipped", "wrong_shape")

    def setUp(self):
        # msgpack-c allocates the array or map a header announces before its
        # elements arrive: random bytes announce up to 2^32 of them (64 GiB).
        # A plain build's malloc refuses that, or only reserves the address
        # space, and the connection is closed as too large. AddressSanitizer
        # would abort instead, or poison gigabytes of shadow memory for a
        # few seconds: tell it to refuse such sizes, as malloc does.
        self.daemon = Daemon(plugin_dirs=[GOOD_PLUGINS], env={"ASAN_OPTIONS": asan_options(
            allocator_may_return_null=1, max_allocation_size_mb=256)})
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()

    def make(self, rng, i):
        kind = self.KINDS[i % len(self.KINDS)]
        req = msgpack.packb([0, i, "test.echo", ["storm %d" % i, 1 + i % 10,
                                                  {"upper": bool(i % 2)}]])
        if kind == "random":
            return kind, rng.randbytes(rng.randint(1, 2048)), None
        if kind in ("cut_close", "cut_finish"):
            return kind, req[:rng.randint(1, len(req) - 1)], req
        if kind == "then_garbage":
            return kind, req + rng.randbytes(rng.randint(1, 256)), req
        if kind == "flipped":
            b = bytearray(req)
            for _ in range(rng.randint(1, 3)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            return kind, bytes(b), None
        shapes = [[0, i], [0, i, "test.echo"], [3, i, "x", []], [0, i, "test.echo", {}],
                  {"id": i}, [0, -i, "daemon.ping", []], [2, 5, []], [0, i, b"bin", []],
                  "just a string", [[[[[[[[[[]]]]]]]]]], [0, i, "daemon.ping", [None] * 40]]
        return kind, msgpack.packb(rng.choice(shapes), use_bin_type=True), None

    def test_random_and_truncated_input_on_500_connections(self):
        raise_fd_limit(self.CONNECTIONS + 200)
        seed = int(os.environ.get("LB_SEED", "20241126"))
        rng = random.Random(seed)
        where = "(seed %d; LB_SEED=%d reproduces it)" % (seed, seed)
        fds_before = self.fds_now()
        bystander = self.connect()
        bystander.call("daemon.subscribe", ["*"])
        inputs = [self.make(rng, i) for i in range(self.CONNECTIONS)]
        socks = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in inputs]
        self.addCleanup(lambda: [s.close() for s in socks])
        for s in socks:
            s.connect(self.daemon.socket)
        for s, (kind, data, _) in zip(socks, inputs):
            try:
                s.sendall(data)
                if kind == "cut_close":
                    s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the daemon may close before it has read everything
        self.assertEqual(bystander.call("daemon.ping"), "pong", "the bystander during the storm")
        # the cut requests left open still wait for their end: finish them
        for i, (s, (kind, data, whole)) in enumerate(zip(socks, inputs)):
            if kind == "cut_finish":
                s.sendall(whole[len(data):])

        def answered_right(i, msgs):
            kind, _, whole = inputs[i]
            if kind not in ("cut_finish", "then_garbage"):
                return True
            text = "storm %d" % i
            want = {"text": text.upper() if i % 2 else text, "times": 1 + i % 10,
                    "upper": bool(i % 2), "pause": None}
            return any(m[1] == i and m[2] is None and m[3] == want for m in msgs)

        # read until each connection is closed, or has its answer and stays
        # quiet (random bytes may well be the start of a long message)
        got = {i: b"" for i in range(len(socks))}
        closed = set()
        sel = selectors.DefaultSelector()
        for i, s in enumerate(socks):
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, i)
        deadline = time.monotonic() + slow(10)
        quiet_since = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - quiet_since < slow(1.5):
            for key, _ in sel.select(0.2):
                i = key.data
                try:
                    chunk = key.fileobj.recv(65536)
                except ConnectionResetError:
                    chunk = b""
                except BlockingIOError:
                    continue
                quiet_since = time.monotonic()
                if chunk:
                    got[i] += chunk
                else:
                    closed.add(i)
                    sel.unregister(key.fileobj)
        sel.close()

        problems = []
        for i, data in got.items():
            kind = inputs[i][0]
            u = msgpack.Unpacker(raw=False, strict_map_key=False)
            u.feed(data)
            try:
                msgs = list(u)
            except Exception as e:
                problems.append("connection %d (%s): the daemon sent bytes that do not decode: %r"
                                % (i, kind, e))
                continue
            for m in msgs:
                ok = (isinstance(m, list) and len(m) == 4 and m[0] == 1 and isinstance(m[1], int)
                      and (m[2] is None or (isinstance(m[2], dict) and m[2].get("code") in CODES
                                            and isinstance(m[2].get("message"), str))))
                if not ok:
                    problems.append("connection %d (%s): not a response: %r" % (i, kind, m))
            if not answered_right(i, msgs):
                problems.append("connection %d (%s): the whole request was not answered right; "
                                "got %r%s" % (i, kind, msgs, " (closed)" if i in closed else ""))
        if problems:
            self.fail("%d problems %s:\n%s" % (len(problems), where, "\n".join(problems[:20])))
        by_kind = {k: sum(1 for i in closed if inputs[i][0] == k) for k in self.KINDS}
        # a request cut short by the end of its stream always ends the
        # connection
        self.assertEqual(by_kind["cut_close"], sum(1 for k, _, _ in inputs if k == "cut_close"),
                         "cut_close connections closed " + where)
        self.assertEqual(bystander.call("daemon.ping"), "pong")
        for s in socks:
            s.close()
        self.assertEqual(self.wait_clients(2), 2, "clients still counted after the storm " + where)
        self.assertLessEqual(self.wait_fds(fds_before + 1), fds_before + 1,
                             "the daemon holds more descriptors than before the storm " + where
                             + self.fd_report)
        print("\nclosed by the daemon, by kind: %r %s" % (by_kind, where))

    def test_error_messages_quoting_input_stay_utf8(self):
        """An error message quotes what the client sent, cut to fit: cut in
        the middle of a character it must still be UTF-8 (msgpack clients
        refuse anything else, and libdbus aborts the daemon on it)."""
        words = "a" + "\u00e9" * 400  # 2-byte characters from an odd offset
        cases = [("test.echo", ["x", words], "parameter 'times' must be"),
                 ("test.echo", ["x", 1, {"pause": words}], "option 'pause': duration"),
                 (b"test.\xc3cho".decode("utf-8", "surrogateescape"), [], "is not valid UTF-8")]
        for method, params, start in cases:
            raw = msgpack.packb([0, 9, method.encode("utf-8", "surrogateescape"), params],
                                use_bin_type=False)  # bytes as a msgpack str
            self.client.send_raw(raw)
            _, _, error, _ = self.client.response(9)  # the client decodes strictly
            self.assertIn(start, error["message"])
        root = tempfile.mkdtemp(prefix="lumbard-utf8-")
        self.addCleanup(shutil.rmtree, root, True)
        bus = Bus(root)
        self.addCleanup(bus.kill)
        d = Daemon(builtin_plugins=True, bus=bus)
        self.addCleanup(d.cleanup)
        d.start()
        out = bus.busctl("call", "org.lumbard.Lumbard1", "/org/lumbard/Lumbard1",
                         "org.lumbard.Lumbard1.Reminders", "Add", "ssa{sv}", "n", words, "0",
                         check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("expected a number at", out.stderr)
        self.assertIsNone(d.proc.poll(), "lumbard died on a D-Bus error message:\n" + d.log())
        c = Client(d.socket)
        self.addCleanup(c.close)
        self.assertEqual(c.call("daemon.ping"), "pong")


if __name__ == "__main__":
    unittest.main()
