"""A MessagePack-RPC server that does what lumbard never does, so that
lumbarctl and the client library can be seen to cope: events before the
response, stale responses, bytes one at a time, odd values, garbage, messages
over the limit, hang-ups. What it does depends on the method called.

usage: fake_daemon.py SOCKET READY_FILE
"""
import math
import os
import socket
import sys
import time

import msgpack


def response(msgid, result=None, error=None):
    return msgpack.packb([1, msgid, error, result], use_bin_type=True)


def event(name, *params):
    return msgpack.packb([2, name, list(params)], use_bin_type=True)


def raw_response(msgid, result_bytes):
    """A response whose result is given as already packed bytes."""
    return b"\x94\x01" + msgpack.packb(msgid) + b"\xc0" + result_bytes


def odd_values():
    """A map of what JSON has no word for, packed by hand."""
    pairs = [
        (msgpack.packb("bin"), msgpack.packb(b"\x00\x01\xfe", use_bin_type=True)),
        (msgpack.packb("ext"), msgpack.packb(msgpack.ExtType(5, b"hi"))),
        (msgpack.packb("int_keys"), msgpack.packb({1: "one", -2: "minus two"})),
        (msgpack.packb("bool_key"), b"\x81\xc3\xa3yes"),  # {true: "yes"}
        (msgpack.packb("bad_utf8"), b"\xa3a\xffb"),  # str "a\xffb"
        (msgpack.packb("u64_max"), msgpack.packb(2**64 - 1)),
        (msgpack.packb("i64_min"), msgpack.packb(-(2**63))),
        (msgpack.packb("f32"), msgpack.packb(1.5, use_single_float=True)),
        (msgpack.packb("nan"), msgpack.packb(math.nan)),
        (msgpack.packb("control"), msgpack.packb("bell\x07")),
    ]
    out = bytes([0x80 | len(pairs)])
    for k, v in pairs:
        out += k + v
    return out


def nested(depth):
    return b"\x91" * depth + b"\xc0"


def send_slowly(conn, data):
    for i in range(len(data)):
        conn.sendall(data[i : i + 1])
        time.sleep(0.001)


def serve(conn):
    unpacker = msgpack.Unpacker(raw=False)
    while True:
        data = conn.recv(65536)
        if not data:
            return
        unpacker.feed(data)
        for msg in unpacker:
            if msg[0] != 0:
                continue
            _, msgid, method, params = msg
            if not handle(conn, msgid, method, params):
                return


def handle(conn, msgid, method, params):
    """Answer one request; False closes the connection."""
    if method == "daemon.ping":
        conn.sendall(response(msgid, "pong"))
    elif method == "daemon.status":
        # Fields missing, of other types, and one this lumbarctl never heard of.
        conn.sendall(response(msgid, {"version": 2, "pid": "many", "socket": "/s",
                                      "plugins": "all", "from_the_future": [1, 2]}))
    elif method == "daemon.plugins":
        conn.sendall(response(msgid, ["not a map", {"name": "p", "events": 5,
                                      "methods": [{"name": "p.m", "params": "oops"}, 7]}]))
    elif method == "fake.echo":
        types = [type(p).__name__ for p in params]
        conn.sendall(response(msgid, {"params": params, "types": types}))
    elif method == "fake.events_first":
        # Events and a stale answer before the answer: the call still gets
        # its own response.
        conn.sendall(event("fake.one", {"n": 1}))
        time.sleep(0.01)
        conn.sendall(response(msgid + 1000, "stale") + event("fake.two", {"n": 2}))
        conn.sendall(msgpack.packb([0, 77, "fake.question", []]))
        conn.sendall(response(msgid, "the answer"))
    elif method == "daemon.subscribe":
        # Events that come before the subscription is confirmed are queued,
        # then handed out in order; odd shapes still print; then it goes.
        conn.sendall(event("fake.early", {"n": 1}))
        conn.sendall(event("fake.odd", 1, 2) + event("fake.bare"))
        conn.sendall(response(msgid, params[0]))
        time.sleep(0.01)
        send_slowly(conn, event("fake.late", {"label": "hip abduction", "n": 3}))
        time.sleep(0.05)
        return False
    elif method == "fake.trickle":
        send_slowly(conn, response(msgid, {"whole": "slow but whole"}))
    elif method == "fake.garbage":
        conn.sendall(b"\xc1")
    elif method == "fake.huge":
        conn.sendall(response(msgid, "x" * (3 * 1024 * 1024 // 2)))
    elif method == "fake.deep":
        conn.sendall(raw_response(msgid, nested(40)))
    elif method == "fake.hangup":
        return False
    elif method == "fake.odd_error":
        conn.sendall(response(msgid, error="just a string"))
    elif method == "fake.odd_types":
        conn.sendall(raw_response(msgid, odd_values()))
    elif method == "fake.bad_shape":
        conn.sendall(msgpack.packb([1, "x", None, None]))
    else:
        conn.sendall(response(msgid, error={"code": "no_such_method", "message": method}))
    return True


def main():
    path, ready = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    with open(ready + ".tmp", "w") as f:
        f.write("ready\n")
    os.rename(ready + ".tmp", ready)
    while True:
        conn, _ = srv.accept()
        try:
            serve(conn)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
