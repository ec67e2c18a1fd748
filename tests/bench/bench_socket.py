"""The socket: daemon.ping round trip and pipelined throughput against
floor_server (a blocking server that only decodes and answers), both
processes pinned to one CPU, side by side in one run; then one event fanned
out to 1,000 subscribers. lumbard runs with its built-in plugins, the test
plugin (for test.emit) and a private session bus."""
import os
import shutil
import subprocess
import sys
import tempfile

from benchlib import BIN, TEST_PLUGINS, Bus, Daemon, quiet_config, run


def main():
    root = tempfile.mkdtemp(prefix="lumbard-bench-")
    bus = daemon = floor = None
    status = 0
    try:
        bus = Bus(root)
        daemon = Daemon(plugin_dirs=[TEST_PLUGINS], builtin_plugins=True, bus=bus, root=root,
                        config=quiet_config())
        daemon.start()
        floor_sock = os.path.join(root, "floor.sock")
        floor = subprocess.Popen([os.path.join(BIN, "floor_server"), floor_sock],
                                 stdout=subprocess.PIPE, text=True)
        if floor.stdout.readline().strip() != "ready":
            raise SystemExit("floor_server did not start")
        ipc = os.path.join(BIN, "bench_ipc")
        print("== (1, 2) daemon.ping against floor_server")
        status |= run([ipc, "ipc", floor_sock, str(floor.pid), daemon.socket,
                       str(daemon.proc.pid)]) != 0
        print("\n== (4) one event to 1,000 subscribers")
        status |= run([ipc, "fanout", daemon.socket]) != 0
    finally:
        if floor:
            floor.terminate()
            floor.wait()
        if daemon:
            daemon.cleanup()
        if bus:
            bus.kill()
        shutil.rmtree(root, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
