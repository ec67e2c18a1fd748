"""(3) A lumbard method call over D-Bus against Peer.Ping to the same daemon:
lumbard with its built-in plugins and the test plugin (Test.Echo) on a
private session bus, measured by bench_dbus (libdbus, blocking calls)."""
import os
import shutil
import sys
import tempfile

from benchlib import BIN, TEST_PLUGINS, Bus, Daemon, env_int, quiet_config, run


def main():
    root = tempfile.mkdtemp(prefix="lumbard-bench-")
    bus = daemon = None
    try:
        bus = Bus(root)
        daemon = Daemon(plugin_dirs=[TEST_PLUGINS], builtin_plugins=True, bus=bus, root=root,
                        config=quiet_config())
        daemon.start()
        daemon.wait_log("D-Bus: serving")
        return run([os.path.join(BIN, "bench_dbus"), bus.address,
                    str(env_int("BENCH_DBUS_CALLS", 1000))])
    finally:
        if daemon:
            daemon.cleanup()
        if bus:
            bus.kill()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
