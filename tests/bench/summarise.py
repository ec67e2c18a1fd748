"""Collect the "@figure" lines of a `make bench` run into BENCHMARKS.md: one
table (each figure, its target, what was measured, pass or miss), the
machine, the date, the load the machine was under.

    summarise.py LOG OUTPUT

The log holds every bench's output; run-bench adds "@status NAME CODE" after
each bench and "@load WHEN LOADAVG" around the run. bench_peers.py's lines
"@peer<TAB>program<TAB>cells..." (and "@peer-note<TAB>text") make a table of
their own: lumbard beside Workrave and Safe Eyes. Exit status: 1 when a bench
failed to run, else 0 (BENCH_STRICT=1: 2 when a target was missed)."""
import datetime
import os
import platform
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def machine():
    cpuinfo = read("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    threads = len(re.findall(r"^processor\s*:", cpuinfo, re.M)) or os.cpu_count()
    os_release = dict(re.findall(r'^(\w+)="?([^"\n]*)"?$', read("/etc/os-release"), re.M))
    debian = read("/etc/debian_version").strip()
    mem = re.search(r"^MemTotal:\s*(\d+)", read("/proc/meminfo"), re.M)
    try:
        virt = subprocess.run(["systemd-detect-virt"], capture_output=True, text=True,
                              timeout=5).stdout.strip() or "none"
    except (OSError, subprocess.TimeoutExpired):
        virt = "unknown"
    uname = platform.uname()
    return [
        ("CPU", "%s, %d CPU%s" % (models[0] if models else uname.processor or uname.machine,
                                  threads, "" if threads == 1 else "s")),
        ("Memory", "%.1f GiB" % (int(mem.group(1)) / 1048576) if mem else "unknown"),
        ("Kernel", "%s %s (%s)" % (uname.system, uname.release, uname.machine)),
        ("OS", "%s (debian_version %s)" % (os_release.get("PRETTY_NAME", "unknown"), debian)),
        ("Virtualization", virt),
    ]


def revision():
    try:
        out = subprocess.run(["git", "-C", SOURCE, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def spec_number(what):
    m = re.match(r"\((\d+)\)", what)
    return int(m.group(1)) if m else 99


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    log = read(sys.argv[1]).splitlines()
    figures, statuses, loads, peers, peer_notes = [], [], {}, [], []
    for line in log:
        fields = line.split("\t")
        if fields[0] == "@figure" and len(fields) == 6:
            figures.append(fields[1:])
        elif fields[0] == "@peer" and len(fields) > 2:
            peers.append(fields[1:])
        elif fields[0] == "@peer-note" and len(fields) == 2:
            peer_notes.append(fields[1])
        elif line.startswith("@status "):
            _, name, code = line.split(" ", 2)
            statuses.append((name, int(code)))
        elif line.startswith("@load "):
            _, when, rest = line.split(" ", 2)
            loads[when] = rest
    # the numbered figures first, in their order; the others after
    figures.sort(key=lambda f: spec_number(f[1]))
    failed = [name for name, code in statuses if code != 0]
    missed = [f for f in figures if f[4] == "miss"]

    now = datetime.datetime.now(datetime.timezone.utc)
    out = ["# lumbard benchmarks", "",
           "Written by `make bench` (tests/bench/run-bench) on %s UTC, lumbard %s. Every figure "
           "is measured against its floor in the same run; see tests/bench/ for what each bench "
           "does. `BENCH_QUICK=1 make bench` runs a shorter, noisier version."
           % (now.strftime("%Y-%m-%d %H:%M"), revision()), "",
           "| # | figure | target | measured | result |", "|---|---|---|---|---|"]
    for key, what, target, measured, verdict in figures:
        n = spec_number(what)
        what = re.sub(r"^\(\d+\)\s*", "", what)
        result = {"pass": "pass", "miss": "**MISS**"}.get(verdict, "(reported)")
        cells = [str(n) if n != 99 else "", what, target, measured, result]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    out += ["", "%d figures: %d pass, %d missed, %d reported without a target."
            % (len(figures), sum(f[4] == "pass" for f in figures), len(missed),
               sum(f[4] == "info" for f in figures))]
    if failed:
        out += ["", "Benchmarks that failed to run: %s (see `make bench`'s output)."
                % ", ".join(failed)]
    if peers:
        out += ["", "## lumbard beside Workrave and Safe Eyes, same run", "",
                "| program | wakeups/s | CPU ms/min | RSS | PSS | private | threads | counted |",
                "|---|---|---|---|---|---|---|---|"]
        for cells in peers:
            if len(cells) == 2:  # program, "not measured: why"
                cells = [cells[0], cells[1]] + [""] * 6
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        out += [line for note in peer_notes for line in ("", note)]
    out += ["", "## Machine", "", "| | |", "|---|---|"]
    for name, value in machine():
        out.append("| %s | %s |" % (name, value))
    if loads:
        out.append("| Load average (1, 5, 15 min) | at the start %s; at the end %s |"
                   % (loads.get("start", "?"), loads.get("end", "?")))
    knobs = sorted((k, v) for k, v in os.environ.items() if k.startswith("BENCH_"))
    if knobs:
        out.append("| Settings | %s |" % ", ".join("%s=%s" % kv for kv in knobs))
    text = "\n".join(out) + "\n"
    with open(sys.argv[2], "w") as f:
        f.write(text)
    print(text)
    print("written to %s" % sys.argv[2])
    if failed:
        return 1
    if missed and os.environ.get("BENCH_STRICT") == "1":
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
