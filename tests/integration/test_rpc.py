"""The MessagePack-RPC surface of the real daemon, driven by a client written
from the spec: core methods, pipelining, bad input, limits, slow readers."""
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import msgpack

from lbtest import Client, Daemon, DaemonTest, RpcError, GOOD_PLUGINS, DUP_PLUGINS


class CoreMethods(DaemonTest):
    def test_ping_version_status(self):
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        v = self.client.call("daemon.version")
        self.assertEqual(v["version"], "0.1.0")
        self.assertEqual(v["plugin_abi"], 1)
        s = self.client.call("daemon.status")
        self.assertEqual(s["socket"], self.daemon.socket)
        self.assertEqual(s["config_source"], "built-in defaults")
        self.assertEqual(s["plugins"], ["test"])
        self.assertEqual(s["dbus"], "disabled (--no-dbus)")
        self.assertEqual(s["clients"], 1)
        self.assertTrue(s["database"].endswith("/data/lumbard/lumbard.db"), s["database"])
        self.assertTrue(os.path.exists(s["database"]))

    def test_plugins_describes_declarations(self):
        plugins = self.client.call("daemon.plugins")
        self.assertEqual([p["name"] for p in plugins], ["test"])
        p = plugins[0]
        self.assertEqual(p["version"], "1.0")
        echo = next(m for m in p["methods"] if m["name"] == "test.echo")
        self.assertEqual([(x["name"], x["type"], x["optional"]) for x in echo["params"]],
                         [("text", "string", False), ("times", "uint", True)])
        self.assertEqual(echo["params"][1]["default"], 1)
        self.assertEqual([(o["name"], o["type"], o["dbus"]) for o in echo["options"]],
                         [("upper", "bool", "b"), ("pause", "duration", "u")])
        self.assertEqual(echo["result"], "map")
        tick = next(e for e in p["events"] if e["name"] == "test.tick")
        self.assertEqual([(f["name"], f["dbus"]) for f in tick["fields"]],
                         [("n", "t"), ("payload", "s")])

    def test_unknown_method(self):
        self.assertRpcError("no_such_method", 'no method "rest.nope"', "rest.nope")
        self.assertEqual(self.client.call("daemon.ping"), "pong")  # still served

    def test_file_mode_and_owner(self):
        st = os.stat(self.daemon.socket)
        self.assertEqual(st.st_mode & 0o777, 0o600)


class PluginSdk(DaemonTest):
    def test_defaults_and_options(self):
        r = self.client.call("test.echo", "abduction")
        self.assertEqual(r, {"text": "abduction", "times": 1, "upper": False, "pause": None})
        r = self.client.call("test.echo", "abduction", 3, {"upper": True, "pause": "1m30s"})
        self.assertEqual(r, {"text": "ABDUCTION", "times": 3, "upper": True, "pause": 90})
        r = self.client.call("test.echo", "x", {"pause": 120})
        self.assertEqual(r["times"], 1)
        self.assertEqual(r["pause"], 120)

    def test_invalid_params_name_the_parameter(self):
        self.assertRpcError("invalid_params", "missing parameter 'text'", "test.echo")
        self.assertRpcError("invalid_params", "parameter 'text' must be a string, got the integer 5",
                            "test.echo", 5)
        self.assertRpcError("invalid_params", "parameter 'times' must be between 1 and 10, got 11",
                            "test.echo", "x", 11)
        self.assertRpcError("invalid_params", "unknown option 'shout'", "test.echo", "x",
                            {"shout": True})
        self.assertRpcError("invalid_params", "option 'pause': duration \"soon\"", "test.echo",
                            "x", {"pause": "soon"})
        self.assertRpcError("invalid_params", "binary data is not accepted", "test.echo",
                            b"\x00\x01")

    def test_deferred_reply_does_not_block_others(self):
        later = self.client.request("test.later", 300)
        ping = self.client.request("daemon.ping")
        # the ping is answered while the deferred call still waits
        self.assertEqual(self.client.result(ping), "pong")
        self.assertNotIn(later, self.client.responses)
        r = self.client.result(later)
        self.assertGreaterEqual(r["waited_ms"], 300)

    def test_event_reaches_subscriber_and_listener(self):
        self.assertEqual(self.client.call("daemon.subscribe", ["test.*"]), ["test.*"])
        other = self.connect()
        self.assertEqual(other.call("test.emit", 2, {"size": 3}), {"emitted": 2})
        for n in (1, 2):
            msg = self.client.notification()
            self.assertEqual(msg, [2, "test.tick", [{"n": n, "payload": "xxx"}]])
        self.assertEqual(other.notifications, [])  # not subscribed: nothing
        self.assertEqual(other.call("test.heard"), 2)  # the plugin's own listener

    def test_patterns_filter_and_unsubscribe(self):
        self.client.call("daemon.subscribe", ["rest.*", "pain.logged"])
        self.client.call("test.emit", 1)
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        self.assertEqual(self.client.notifications, [])
        self.assertEqual(self.client.call("daemon.subscribe", ["*"]), ["rest.*", "pain.logged", "*"])
        self.assertEqual(self.client.call("daemon.unsubscribe", ["rest.*"]), ["pain.logged", "*"])
        self.client.call("test.emit", 1)
        self.assertEqual(self.client.notification()[1], "test.tick")
        self.assertEqual(self.client.call("daemon.unsubscribe"), [])
        self.client.call("test.emit", 1)
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        self.assertEqual(self.client.notifications, [])
        self.assertRpcError("invalid_params", "at least one pattern", "daemon.subscribe", [])

    def test_client_notification_runs_the_method(self):
        self.client.call("daemon.subscribe", ["*"])
        self.client.send([2, "test.emit", [1]])  # no msgid, no answer
        self.assertEqual(self.client.notification()[1], "test.tick")
        self.client.send([2, "no.such", []])
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        self.assertEqual(self.client.responses, {})

    def test_plugin_errors(self):
        self.assertRpcError("not_found", "no such thing as sciatica", "test.fail", "sciatica")
        self.assertRpcError("internal", "did not match its declaration", "test.bad_result")
        self.daemon.wait_log("test.bad_result answered with a value that does not match")
        self.assertEqual(self.client.call("daemon.ping"), "pong")

    def test_storage_survives_restart(self):
        self.assertEqual(self.client.call("test.note", "deadlift without a belt"), 1)
        self.assertEqual(self.daemon.stop(), 0)
        self.daemon.start()
        c = Client(self.daemon.socket)
        self.assertEqual(c.call("test.notes"), ["deadlift without a belt"])
        c.close()


class Pipelining(DaemonTest):
    def test_1000_pipelined_requests(self):
        buf = b"".join(msgpack.packb([0, i, "test.echo", ["set %d" % i]]) for i in range(1000))
        self.client.send_raw(buf)
        for i in range(1000):
            self.assertEqual(self.client.result(i)["text"], "set %d" % i)
        self.assertEqual(self.client.responses, {})

    def test_message_split_across_writes(self):
        data = msgpack.packb([0, 77, "test.echo", ["slow " * 1000]])
        for i in range(0, len(data), 7):
            self.client.send_raw(data[i:i + 7])
            if i < 50:
                time.sleep(0.005)
        self.assertEqual(self.client.result(77)["text"], ("slow " * 1000)[:255])


class BadInput(DaemonTest):
    def assertOthersServed(self):
        c = self.connect()
        self.assertEqual(c.call("daemon.ping"), "pong")

    def test_garbage_bytes_close_only_that_connection(self):
        bystander = self.connect()
        bystander.call("daemon.subscribe", ["*"])
        self.client.send_raw(b"\xc1\xc1\xc1 this is not msgpack")
        self.assertTrue(self.client.closed_by_peer())
        self.daemon.wait_log("sent bytes that are not MessagePack")
        self.assertEqual(bystander.call("daemon.ping"), "pong")
        self.assertOthersServed()

    def test_wrong_shape_with_msgid_is_answered_then_closed(self):
        self.client.send([0, 9, "daemon.ping"])
        self.assertTrue(self.client.closed_by_peer())
        _, msgid, error, _ = self.client.responses[9]
        self.assertEqual(error["code"], "invalid_params")
        self.assertIn("a request must be [0, msgid, method, params], got 3 elements",
                      error["message"])
        self.assertOthersServed()

    def test_wrong_shapes_close(self):
        for bad in ([5, 1], {"method": "daemon.ping"}, "ping", [0, "1", "daemon.ping", []],
                    [0, 1, 42, []], [2, "daemon.ping"]):
            c = self.connect()
            c.send(bad)
            self.assertTrue(c.closed_by_peer(), "not closed after %r" % (bad,))
        self.assertOthersServed()

    def test_message_over_1mib(self):
        bystander = self.connect()
        big = msgpack.packb([0, 4242, "test.echo", ["x" * (2 * 1024 * 1024)]])
        try:
            self.client.send_raw(big)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the daemon may close before it has read it all
        self.assertTrue(self.client.closed_by_peer())
        _, msgid, error, _ = self.client.responses[4242]
        self.assertEqual(error["code"], "too_large")
        self.assertIn("1 MiB", error["message"])
        self.assertEqual(bystander.call("daemon.ping"), "pong")

    def test_huge_declared_sizes_refused_before_allocating(self):
        """An array or map header announcing billions of elements is refused
        from its few bytes: msgpack-c would allocate them all at once. A
        message that announces no more than 1 MiB can hold still passes."""
        bystander = self.connect()
        head = msgpack.packb(0) + msgpack.packb(77) + msgpack.packb("test.echo")
        for header in (b"\xdd\x10\x00\x00\x00",           # array32 of 2^28
                       b"\xdf\xff\xff\xff\xff",           # map32 of 2^32 - 1
                       b"\x91" * 5 + b"\xdd\x00\x09\x27\xc0" * 2):  # two of 600,000 nested
            client = self.connect()
            client.send_raw(b"\x94" + head + b"\x91" + header)
            self.assertTrue(client.closed_by_peer(), header[:8])
            _, _, error, _ = client.responses[77]
            self.assertEqual(error["code"], "too_large")
            self.assertIn("announces more elements than 1 MiB can hold", error["message"])
        # Up to the limit is read: 500,000 nils in one array get test.echo's
        # own answer (its text must be a string), and the connection stays.
        ok = msgpack.packb([0, 78, "test.echo", [[None] * 500000]])
        self.client.send_raw(ok)
        self.assertEqual(self.client.response(78)[2]["code"], "invalid_params")
        self.assertEqual(self.client.call("daemon.ping"), "pong")
        self.assertEqual(bystander.call("daemon.ping"), "pong")

    def test_nesting_limit(self):
        def nested(depth):
            v = "leaf"
            for _ in range(depth):
                v = [v]
            return v
        # [0, id, method, params] is level 1 and params level 2: 30 more fit in 32
        ok = self.connect()
        with self.assertRaises(RpcError) as cm:
            ok.call("test.echo", nested(30))
        self.assertEqual(cm.exception.code, "invalid_params")
        self.client.send([0, 5, "test.echo", [nested(31)]])
        self.assertTrue(self.client.closed_by_peer())
        self.assertEqual(self.client.responses[5][2]["code"], "too_large")
        self.assertIn("nested deeper than 32", self.client.responses[5][2]["message"])
        self.assertOthersServed()

    def test_huge_maps_do_not_stall_the_loop(self):
        # 90,000 keys fit in 1 MiB; checking them for duplicates pairwise
        # would hold the loop for many seconds
        keys = {"k%06d" % i: 1 for i in range(90000)}
        packed = msgpack.packb([0, 7, "test.echo", ["x", 1, keys]])
        dup = packed.replace(b"k000001", b"k000000", 1)  # one key twice
        self.assertLess(len(dup), 1024 * 1024)
        bystander = self.connect()
        self.client.send_raw(dup)
        _, _, error, _ = self.client.response(7)
        self.assertEqual(error["code"], "invalid_params")
        self.assertIn('map key "k000000" appears twice', error["message"])
        self.client.send_raw(packed)
        _, _, error, _ = self.client.response(7)
        self.assertIn("unknown option 'k000000'", error["message"])
        self.assertEqual(bystander.call("daemon.ping"), "pong")

    def test_response_from_client_is_ignored(self):
        self.client.send([1, 3, None, "hello"])
        self.assertEqual(self.client.call("daemon.ping"), "pong")


class SlowReader(DaemonTest):
    def test_client_that_never_reads_is_dropped(self):
        before = self.client.call("daemon.status")["clients"]
        sleeper = Client(self.daemon.socket)
        self.addCleanup(sleeper.close)
        sleeper.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sleeper.call("daemon.subscribe", ["*"])
        worker = self.connect()
        # 40 x 100 events of 4 KiB: far past the 4 MiB queue the sleeper may hold
        for _ in range(40):
            self.assertEqual(worker.call("test.emit", 100, {"size": 4096}), {"emitted": 100})
            if "is not reading" in self.daemon.log():
                break
        self.daemon.wait_log("is not reading")
        # the sleeper is gone; the worker is still here
        self.assertEqual(worker.call("daemon.status")["clients"], before + 1)
        self.assertEqual(worker.call("daemon.ping"), "pong")


class ManyClients(DaemonTest):
    def test_1024_clients_then_refused(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard < 1200:
            self.skipTest("needs 1200 file descriptors, the hard limit is %d" % hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
        clients = [self.client]
        for _ in range(1023):
            clients.append(Client(self.daemon.socket))
        self.addCleanup(lambda: [c.close() for c in clients])
        self.assertEqual(clients[-1].call("daemon.status")["clients"], 1024)
        extra = Client(self.daemon.socket)
        self.addCleanup(extra.close)
        self.assertTrue(extra.closed_by_peer())
        self.daemon.wait_log("the most lumbard serves")
        clients[5].close()
        time.sleep(0.1)
        again = Client(self.daemon.socket)
        self.addCleanup(again.close)
        self.assertEqual(again.call("daemon.ping"), "pong")


class Lifecycle(unittest.TestCase):
    def daemon(self, **kw):
        d = Daemon(plugin_dirs=[GOOD_PLUGINS], **kw)
        self.addCleanup(d.cleanup)
        return d

    def test_sigterm_exits_zero_and_removes_socket(self):
        d = self.daemon().start()
        self.assertEqual(d.stop(signal.SIGTERM), 0)
        self.assertFalse(os.path.exists(d.socket))
        self.assertIn("stopped cleanly", d.log())
        self.assertNotIn("left open", d.log())

    def test_sigint_exits_zero_and_answers_pending_calls(self):
        d = self.daemon().start()
        c = Client(d.socket)
        msgid = c.request("test.later", 10000)  # deferred, still waiting at exit
        self.assertEqual(c.call("daemon.status")["pending_calls"], 1)
        self.assertEqual(d.stop(signal.SIGINT), 0)
        _, _, error, _ = c.response(msgid)
        self.assertEqual(error["code"], "internal")
        self.assertIn("test.later did not answer: the daemon is stopping", error["message"])
        self.assertTrue(c.closed_by_peer())
        c.close()

    def test_second_daemon_refused(self):
        d = self.daemon().start()
        second = Daemon(plugin_dirs=[GOOD_PLUGINS], root=d.root)
        second.log_path = os.path.join(d.root, "second.log")
        second.start(wait=False)
        rc = second.proc.wait(10)
        self.assertEqual(rc, 1)
        # the same data directory: its lock names the first daemon
        self.assertIn("another lumbard (pid %d, serving %s) is using the data directory"
                      % (d.pid, d.socket), second.log())
        self.assertNotIn("loaded plugin", second.log())  # it stopped before its plugins
        c = Client(d.socket)
        self.assertEqual(c.call("daemon.ping"), "pong")
        c.close()

    def test_stale_socket_replaced(self):
        d = self.daemon().start()
        d.stop(signal.SIGKILL)
        self.assertTrue(os.path.exists(d.socket))  # left behind
        d.start()
        self.assertIn("replacing the stale socket", d.log())

    def test_sighup_reloads_config(self):
        d = self.daemon(config="[test]\ngreeting = hello\n").start()
        c = Client(d.socket)
        self.assertEqual(c.call("test.config", "greeting"), "hello")
        with open(d.config_path, "w") as f:
            f.write("[test]\ngreeting = rest 90 s between sets\n")
        d.send_signal(signal.SIGHUP)
        d.wait_log("configuration reloaded")
        self.assertEqual(c.call("test.config", "greeting"), "rest 90 s between sets")
        with open(d.config_path, "w") as f:
            f.write("[test\nbroken\n")
        with self.assertRaises(RpcError) as cm:
            c.call("daemon.reload")
        self.assertEqual(cm.exception.code, "internal")
        self.assertIn("lumbard.conf:1:", cm.exception.message)
        self.assertIn("the previous configuration stays in effect", cm.exception.message)
        self.assertEqual(c.call("test.config", "greeting"), "rest 90 s between sets")
        c.close()

    def test_bad_config_at_start(self):
        d = self.daemon(config="this is not ini\n")
        d.start(wait=False)
        self.assertEqual(d.proc.wait(10), 1)
        self.assertIn("lumbard.conf:1: not a [section] header or a key = value line", d.log())

    def test_bad_plugins_skipped_others_load(self):
        d = Daemon(plugin_dirs=[GOOD_PLUGINS, DUP_PLUGINS])
        self.addCleanup(d.cleanup)
        d.start()
        c = Client(d.socket)
        self.assertEqual([p["name"] for p in c.call("daemon.plugins")], ["test"])
        c.close()
        log = d.log()
        self.assertIn("skipping plugin %s/badabi.so: it was built for plugin ABI 42" % GOOD_PLUGINS,
                      log)
        self.assertIn("skipping plugin failinit", log)
        self.assertIn("a plugin named \"test\" is already loaded", log)

    def test_help_and_version(self):
        out = subprocess.run([os.environ["LUMBARD_BIN"], "--version"], capture_output=True,
                             text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("lumbard 0.1.0", out.stdout)
        out = subprocess.run([os.environ["LUMBARD_BIN"], "--help"], capture_output=True, text=True)
        self.assertIn("--plugin-dir", out.stdout)
        self.assertIn("not a medical device", out.stdout)
        out = subprocess.run([os.environ["LUMBARD_BIN"], "--bogus"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 2)


class PeerCredentials(unittest.TestCase):
    """A client of another uid is refused. Needs root to run the daemon as
    another user and connect past the socket's 0600 mode."""

    def test_other_uid_refused(self):
        if os.geteuid() != 0:
            self.skipTest("needs root")
        import pwd
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            self.skipTest("no user nobody")
        d = Daemon(plugin_dirs=[GOOD_PLUGINS])
        self.addCleanup(d.cleanup)
        os.chmod(d.root, 0o755)
        for sub in ("run", "data", "config", "config/lumbard"):
            os.chown(os.path.join(d.root, sub), nobody.pw_uid, nobody.pw_gid)
        d.env["HOME"] = d.root
        d.wrapper = ["setpriv", "--reuid=%d" % nobody.pw_uid, "--regid=%d" % nobody.pw_gid,
                     "--clear-groups"]
        d.start(wait=False)
        # until it listens: the socket's file comes a moment before (bind,
        # then listen), and a connection then is refused
        deadline = time.monotonic() + 10
        while True:
            try:
                c = Client(d.socket)  # root passes the 0600 mode; SO_PEERCRED does not
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        self.assertTrue(c.closed_by_peer())
        c.close()
        d.wait_log("refused a connection from uid 0")


if __name__ == "__main__":
    unittest.main()


class BuiltinTest(DaemonTest):
    """A daemon with the built-in plugins (rest, reminders, pain)."""

    def setUp(self):
        self.daemon = Daemon(builtin_plugins=True, env={"TZ": "UTC"})
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()


class NilMeansOmitted(BuiltinTest):
    def test_trailing_nil_is_omitted(self):
        """PROTOCOL.md: "An omitted or `nil` optional value takes its declared
        default" and "an option given as `nil` counts as not given": a
        trailing nil, even where the options map would be, is no parameter."""
        self.assertEqual(self.client.call("rest.start", 5, None)["seconds"], 5)
        self.assertEqual(self.client.call("rest.start", None, None)["seconds"], 90)
        self.assertEqual(self.client.call("rest.start", 7, None, None)["seconds"], 7)
        self.assertEqual(self.client.call("rest.start", None, {"label": "x", "sets": None})
                         ["label"], "x")
        self.assertEqual(self.client.call("daemon.ping", None), "pong")

    def test_empty_options_map_to_a_method_without_options(self):
        """PROTOCOL.md: "`params` ... may end with one map of named options";
        "Option keys that the method does not declare are an error": an empty
        map names none, so daemon.ping [{}] is a ping; a key in it is named."""
        self.assertEqual(self.client.call("daemon.ping", {}), "pong")
        self.assertEqual(self.client.call("daemon.ping", {"x": None}), "pong")
        self.assertRpcError("invalid_params", "unknown option 'x': daemon.ping takes ()",
                            "daemon.ping", {"x": 1})
        self.assertRpcError("invalid_params", "too many parameters", "daemon.ping", 1)


class MethodNames(BuiltinTest):
    def test_nul_and_invalid_utf8_in_the_name(self):
        """PROTOCOL.md: "Strings must be valid UTF-8 without NUL bytes" and
        `invalid_params` is for a value that is unparsable: a method name with
        a NUL or invalid UTF-8 is answered invalid_params saying so, with its
        bytes escaped, never no_such_method naming another method."""
        m = self.client.request("daemon.ping\0x")
        _, _, error, _ = self.client.response(m)
        self.assertEqual(error["code"], "invalid_params", error)
        self.assertIn('"daemon.ping\\x00x"', error["message"])
        self.assertIn("NUL", error["message"])
        # [0, 77, <the 5-byte str "rest" 0xff>, []]
        self.client.send_raw(b"\x94\x00\x4d\xa5rest\xff\x90")
        _, _, error, _ = self.client.response(77)
        self.assertEqual(error["code"], "invalid_params", error)
        self.assertIn('"rest\\xff"', error["message"])
        self.assertIn("not valid UTF-8", error["message"])
        self.assertEqual(self.client.call("daemon.ping"), "pong")


class TypeErrors(BuiltinTest):
    def test_float_for_an_integer(self):
        """PROTOCOL.md: "The message names the parameter"; a float is not an
        integer, and is shown as the float it is, with every digit."""
        e = self.assertRpcError("invalid_params", "parameter 'seconds'", "rest.start", 3.0)
        self.assertIn("got the float 3.0", e.message)
        e = self.assertRpcError("invalid_params", "parameter 'base'", "reminders.preview",
                                "daily", 2, 1796660000.0)
        self.assertIn("got the float 1796660000.0", e.message)
        e = self.assertRpcError("invalid_params", "option 'sets'", "rest.start", 5,
                                {"sets": 0.1 + 0.2})
        self.assertIn("got the float 0.30000000000000004", e.message)

    def test_refused_values_name_the_parameter(self):
        """PROTOCOL.md: "binary data and extension types are refused", "map
        keys must be strings", strings valid UTF-8; "The message names the
        parameter"."""
        c = self.client
        for params, name in (
                ([b"bin"], "parameter 'seconds'"),
                ([msgpack.ExtType(5, b"x")], "parameter 'seconds'"),
                ([5, {"label": b"x"}], "option 'label'"),
                ([5, {1: "x"}], "the options map"),
                ([5, {"label": msgpack.ExtType(1, b"")}], "option 'label'")):
            m = c.request("rest.start", *params)
            _, _, error, _ = c.response(m)
            self.assertEqual(error["code"], "invalid_params", params)
            self.assertIn(name, error["message"], params)
        # invalid UTF-8 in a string parameter
        raw = msgpack.packb([0, 90, "reminders.preview", ["xxxx"]])
        c.send_raw(raw.replace(b"xxxx", b"da\xffy"))
        _, _, error, _ = c.response(90)
        self.assertEqual(error["code"], "invalid_params")
        self.assertIn("parameter 'schedule'", error["message"])
        self.assertIn("UTF-8", error["message"])


class Msgids(BuiltinTest):
    def test_out_of_range_msgid_is_answered_and_the_connection_kept(self):
        """PROTOCOL.md: "a malformed request whose `msgid` can be read is first
        answered `invalid_params`"; a request of the right shape whose msgid
        is outside 0 ... 2^32-1 is answered to that msgid as it came, and the
        connection stays open."""
        for msgid in (2 ** 32, -1, 2 ** 64 - 1, -2 ** 63):
            self.client.send([0, msgid, "daemon.ping", []])
            _, _, error, result = self.client.response(msgid)
            self.assertEqual(error["code"], "invalid_params", msgid)
            self.assertIn("unsigned 32-bit", error["message"])
            self.assertIn(str(msgid), error["message"])
            self.assertEqual(self.client.call("daemon.ping"), "pong")

    def test_unknown_type_with_msgid_is_answered_then_closed(self):
        """PROTOCOL.md: "a value that is not one of the three shapes ... close
        that connection (a malformed request whose `msgid` can be read is
        first answered `invalid_params`, saying what was wrong)"."""
        self.client.send([3, 55, "daemon.ping", []])
        self.assertTrue(self.client.closed_by_peer())
        _, _, error, _ = self.client.responses[55]
        self.assertEqual(error["code"], "invalid_params")
        self.assertIn("the first element of a message must be its type", error["message"])
        c = self.connect()
        c.send([7, -3])
        self.assertTrue(c.closed_by_peer())
        self.assertEqual(c.responses[-3][2]["code"], "invalid_params")


class PreviewBase(BuiltinTest):
    def test_base_range(self):
        """reminders.preview declares base 0 ... 253402214399 (9999-12-30
        23:59:59 UTC, the last second calendar.c takes); PROTOCOL.md:
        "out of range ... The message names the parameter"."""
        for base in (2 ** 61, -1, 10 ** 12, 2 ** 63 - 1, 253402214400):
            e = self.assertRpcError("invalid_params", "parameter 'base'", "reminders.preview",
                                    "daily", 2, base)
            self.assertIn("9999-12-30 23:59:59 UTC", e.message)
        self.assertIsInstance(self.client.call("reminders.preview", "daily", 2, 253402214399), list)
        self.assertEqual(len(self.client.call("reminders.preview", "daily", 2, 0)), 2)


class LongReads(DaemonTest):
    """lb_host.db_read (host API 3): a read that takes long runs on a worker
    thread with a connection of its own, and the loop answers every other
    client meanwhile (test.long_read counts to n in SQL)."""

    def sized_read(self, at_least=0.4):
        """An n whose count takes at least at_least seconds here, and how long."""
        n = 100000
        while True:
            t0 = time.monotonic()
            self.assertEqual(self.client.call("test.long_read", n)["count"], n)
            took = time.monotonic() - t0
            if took >= at_least or n >= 2000000000:
                return n, took
            n *= 2 if took > at_least / 4 else 8

    def test_the_loop_answers_others_while_a_long_read_runs(self):
        n, took = self.sized_read()
        other = self.connect()
        slow = self.client.request("test.long_read", n)
        answer = {}
        reader = threading.Thread(target=lambda: answer.update(r=self.client.result(slow)))
        reader.start()
        waits = []
        while reader.is_alive():
            t0 = time.monotonic()
            self.assertEqual(other.call("daemon.ping"), "pong")
            waits.append(time.monotonic() - t0)
        reader.join()
        self.assertEqual(answer["r"]["count"], n)
        # Read on the loop, every ping would wait for the whole read: a ping
        # waits a small part of it at the most.
        self.assertGreater(len(waits), 10, "pings answered during a %.2f s read" % took)
        self.assertLess(max(waits), took / 4,
                        "the worst ping waited %.3f s of a %.3f s read" % (max(waits), took))

    def test_a_read_sees_one_state_and_writes_go_on(self):
        n, _ = self.sized_read(0.3)
        self.client.call("test.note", "before")
        slow = self.client.request("test.long_read", n)
        other = self.connect()
        other.call("test.note", "during")  # a write, committed while the read counts
        # answered while the read still runs: on the loop, it would have waited
        self.assertEqual(other.call("daemon.status")["pending_calls"], 1)
        self.assertEqual(other.call("test.notes"), ["before", "during"])
        r = self.client.result(slow)
        # the notes before and after the count, in statements of their own,
        # are one state: the write landed in neither or in both
        self.assertEqual(r["notes"], r["notes_after"], r)
        self.assertEqual(self.client.call("test.long_read", 1)["notes"], 2)

    def test_more_reads_than_readers_wait_their_turn(self):
        n, _ = self.sized_read(0.1)
        ids = [self.client.request("test.long_read", n + i) for i in range(7)]
        self.assertEqual([self.client.result(i)["count"] for i in ids],
                         [n + i for i in range(7)])

    def test_a_stop_interrupts_a_read_and_answers_its_call(self):
        # minutes of counting each: two run, the others wait for a reader
        slow = [self.client.request("test.long_read", 4000000000) for _ in range(5)]
        other = self.connect()
        while other.call("daemon.status")["pending_calls"] < 5:
            time.sleep(0.01)
        time.sleep(0.2)  # the workers are in the middle of theirs
        self.daemon.send_signal(signal.SIGTERM)
        for one in slow:
            with self.assertRaises(RpcError) as cm:
                self.client.result(one)
            self.assertEqual(cm.exception.code, "internal")
            self.assertIn("daemon is stopping", cm.exception.message)
        # one SIGTERM is enough: a second, once lumbard has stopped listening
        # for it, would kill it
        self.assertEqual(self.daemon.proc.wait(30), 0)


class ZoneWatch(DaemonTest):
    """Only what can change the local time wakes the daemon: DIR/localtime
    replaced or written (LUMBARD_ZONE_DIR names DIR here; /etc otherwise),
    not the account files rewritten beside it all day."""

    def setUp(self):
        self.zone_dir = tempfile.mkdtemp(prefix="lumbard-etc-")
        self.addCleanup(shutil.rmtree, self.zone_dir)
        self.link("Europe/Berlin")
        for name in ("passwd", "group"):
            self.rewrite(name, "root:x:0:0\n")
        self.daemon = Daemon(plugin_dirs=[GOOD_PLUGINS], env={"LUMBARD_ZONE_DIR": self.zone_dir})
        self.addCleanup(self.daemon.cleanup)
        self.daemon.start()
        self.client = self.connect()

    def link(self, zone):
        """As timedatectl does it: a new link renamed over the old one."""
        tmp = os.path.join(self.zone_dir, ".localtime.new")
        os.symlink("/usr/share/zoneinfo/" + zone, tmp)
        os.rename(tmp, os.path.join(self.zone_dir, "localtime"))

    def rewrite(self, name, text):
        """As shadow-utils does it: a new file renamed over the old one."""
        tmp = os.path.join(self.zone_dir, name + "+")
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, os.path.join(self.zone_dir, name))

    def wakeups(self):
        """Context switches of the loop thread so far."""
        pid = self.daemon.pid
        with open("/proc/%d/task/%d/status" % (pid, pid)) as f:
            return sum(int(line.split()[1]) for line in f
                       if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt")))

    def test_account_files_rewritten_beside_it_wake_nothing(self):
        self.client.close()  # the connection's own wakeups are not counted
        time.sleep(0.3)
        before = self.wakeups()
        for i in range(20):
            self.rewrite("passwd", "root:x:0:0\nuser%d:x:1000:1000\n" % i)
            self.rewrite("group", "root:x:0:\ngroup%d:x:1000:\n" % i)
            time.sleep(0.01)
        time.sleep(0.3)
        woke = self.wakeups() - before
        self.assertLess(woke, 5, "40 rewrites of passwd and group woke the daemon %d times" % woke)
        self.assertNotIn("time zone changed", self.daemon.log())

    def test_the_link_replaced_is_heard_each_time(self):
        self.link("Asia/Tokyo")
        self.daemon.wait_log("the wall clock or the time zone changed", count=1)
        self.link("America/Caracas")  # the watch follows the new link
        self.daemon.wait_log("the wall clock or the time zone changed", count=2)
        os.unlink(os.path.join(self.zone_dir, "localtime"))  # UTC
        self.daemon.wait_log("the wall clock or the time zone changed", count=3)
        self.link("Europe/Berlin")  # and back
        self.daemon.wait_log("the wall clock or the time zone changed", count=4)


class PluginCalls(DaemonTest):
    """lb_host.call (host API 3): a plugin calls a declared method of another
    as a client would; the request runs on a later loop turn, the answer
    comes back on a later one still (test.relay answers what it heard)."""

    def relay(self, method, *params, client=None):
        return (client or self.client).call("test.relay", method, {"params": list(params)})

    def test_answers_as_a_client_would_get_them(self):
        r = self.relay("test.echo", "abduction", 2, {"upper": True})
        self.assertEqual(r["error"], 0, r["message"])
        self.assertEqual(r["result"], {"text": "ABDUCTION", "times": 2, "upper": True,
                                       "pause": None})
        self.assertFalse(r["inside"], "done ran inside call()")
        # the callee never runs inside the caller's call()
        self.assertEqual(self.relay("test.probe")["result"], {"inside": False})
        # checked against the declaration, in the socket's words
        r = self.relay("test.echo", 5)
        self.assertEqual((r["error"], r["result"]), (1, None))
        self.assertEqual(r["message"], "parameter 'text' must be a string, got the integer 5")
        r = self.relay("test.fail", "no")
        self.assertEqual((r["error"], r["message"]), (2, "no such thing as no"))  # not_found

    def test_what_cannot_be_called(self):
        r = self.relay("nosuch.method")
        self.assertEqual(r["error"], 5)  # LB_ERR_NO_SUCH_METHOD
        self.assertIn('no method "nosuch.method"', r["message"])
        r = self.relay("daemon.ping")
        self.assertEqual(r["error"], 5)
        self.assertIn("daemon.ping is the clients'", r["message"])
        self.assertRpcError("invalid_params", "call refused the method name", "test.relay",
                            "nodot")

    def test_a_deferred_answer_holds_up_nothing(self):
        slow = self.client.request("test.relay", "test.later", {"params": [1500]})
        other = self.connect()
        self.assertEqual(other.call("daemon.ping"), "pong")
        self.assertEqual(self.relay("test.echo", "x", client=other)["result"]["text"], "x")
        # answered while the relay and the later it called still wait
        self.assertEqual(other.call("daemon.status")["pending_calls"], 2)
        r = self.client.result(slow)
        self.assertEqual(r["error"], 0)
        self.assertGreaterEqual(r["result"]["waited_ms"], 1500)

    def test_stopping_with_calls_in_flight(self):
        """The daemon stops cleanly (status 0, nothing leaked under ASan)
        with a call between plugins still waiting, and its client hears why."""
        slow = self.client.request("test.relay", "test.later", {"params": [60000]})
        queued = self.client.request("test.relay", "test.echo", {"params": ["x"]})
        self.assertEqual(self.client.result(queued)["error"], 0)
        self.assertEqual(self.daemon.stop(), 0)
        _, _, error, _ = self.client.response(slow)
        self.assertEqual(error["code"], "internal")
        self.assertIn("test.relay did not answer", error["message"])

    def test_pipelined_calls_each_answered_once(self):
        ids = [self.client.request("test.relay", "test.echo", {"params": ["n%d" % i]})
               for i in range(200)]
        got = [self.client.result(i)["result"]["text"] for i in ids]
        self.assertEqual(got, ["n%d" % i for i in range(200)])
        self.assertEqual(self.client.call("daemon.status")["pending_calls"], 0)


class HostApi(unittest.TestCase):
    """Host API 3 across plugins: the test plugin starts a rest through
    rest.start, as train will; a plugin built against the frozen host API 2
    SDK still loads, runs and is called."""

    def test_an_api2_plugin_still_loads(self):
        daemon = Daemon(plugin_dirs=[os.environ["LB_TEST_API2_PLUGIN_DIR"], GOOD_PLUGINS])
        self.addCleanup(daemon.cleanup)
        daemon.start()
        c = Client(daemon.socket)
        self.addCleanup(c.close)
        self.assertIn("old: built for host API 2, running on 3", daemon.log())
        self.assertEqual(sorted(p["name"] for p in c.call("daemon.plugins")), ["old", "test"])
        c.call("daemon.subscribe", ["old.*"])
        r = c.call("old.hello", "1m30s")
        self.assertEqual(r, {"greeting": "hello", "api": 3, "seconds": 90})
        self.assertEqual(c.wait_event("old.greeted")[0], {"greeting": "hello"})
        # and an API-3 plugin calls it
        r = c.call("test.relay", "old.hello", {"params": ["2min"]})
        self.assertEqual((r["error"], r["result"]["seconds"]), (0, 120))

    def test_a_plugin_starts_a_rest(self):
        daemon = Daemon(plugin_dirs=[GOOD_PLUGINS], builtin_plugins=True,
                        config="[rest]\ndefault = 90s\n")
        self.addCleanup(daemon.cleanup)
        daemon.start()
        c = Client(daemon.socket)
        self.addCleanup(c.close)
        c.call("daemon.subscribe", ["rest.started"])
        r = c.call("test.relay", "rest.start", {"params": [30, {"label": "from a plugin"}]})
        self.assertEqual(r["error"], 0, r["message"])
        self.assertEqual((r["result"]["label"], r["result"]["seconds"]), ("from a plugin", 30))
        fields, _ = c.wait_event("rest.started", id=r["result"]["id"])
        self.assertEqual(fields["label"], "from a plugin")
        self.assertEqual([x["id"] for x in c.call("rest.list")], [r["result"]["id"]])
        r = c.call("test.relay", "rest.pause", {"params": [999]})
        self.assertEqual(r["error"], 2)  # not_found
        self.assertIn("999", r["message"])


class Declarations(BuiltinTest):
    def test_reminder_results_match_their_declaration(self):
        """PROTOCOL.md: `daemon.plugins` gives each method's `result_fields`;
        a reminders result holds exactly its declared fields, unset ones as ""
        or 0 (as rest's results do), and `kind` is declared."""
        methods = {m["name"].split(".")[-1]: m for p in self.client.call("daemon.plugins")
                   if p["name"] == "reminders" for m in p["methods"]}
        view = {f["name"] for f in methods["add"]["result_fields"]}
        self.assertIn("kind", view)
        r = self.client.call("reminders.add", "t1", "daily")
        self.assertEqual(set(r), view)
        self.assertEqual((r["from"], r["to"], r["skipped_at"]), ("", "", 0))
        s = self.client.call("reminders.skip", r["id"])
        self.assertEqual(set(s), view)
        self.assertGreater(s["skipped_at"], 0)
        for row in self.client.call("reminders.list"):
            self.assertEqual(set(row), view)
        p = self.client.call("reminders.pause", 60)
        self.assertEqual(set(p), {f["name"] for f in methods["pause"]["result_fields"]})
        q = self.client.call("reminders.resume")
        self.assertEqual(set(q), {f["name"] for f in methods["resume"]["result_fields"]})

    def test_options_are_optional(self):
        """PROTOCOL.md: params are "required positional values first, then the
        optional ones, and may end with one map of named options": every
        option is optional, and daemon.plugins says so."""
        n = 0
        for p in self.client.call("daemon.plugins"):
            for m in p["methods"]:
                for o in m["options"]:
                    self.assertIs(o["optional"], True, (m["name"], o["name"]))
                    n += 1
        self.assertGreater(n, 0)

    def test_protocol_lists_every_type(self):
        """PROTOCOL.md's type table names every type daemon.plugins uses
        (`ints`: reminders.preview's result)."""
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", "..", "proto", "PROTOCOL.md")) as f:
            doc = f.read()
        types = {m["result"] for p in self.client.call("daemon.plugins") for m in p["methods"]}
        for t in types:
            self.assertIn("| `%s` |" % t, doc)
