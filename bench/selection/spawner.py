"""Start and reap one measured child for :mod:`bench.selection.measure`; standard library only.

Why a separate, small process: on Linux a child's ``ru_maxrss`` includes the peak resident
memory of the address space it had before ``exec`` — its parent's, after ``fork`` or
``vfork``. Spawned straight from a benchmark process that holds hundreds of MiB, every child
would report at least that much. This spawner (``python -S -E spawner.py``, ~10 MiB) starts
the child with ``posix_spawn`` instead, so the child's peak is its own.

Reads one JSON request on stdin (``argv``, ``env``, ``cwd``, ``logfile``, ``timeout``,
``stamp_lines``), runs the child with its output in ``logfile`` and writes one JSON line: exit
code, wall seconds, peak RSS, CPU seconds, the busy CPU seconds of the whole machine meanwhile
and, with ``stamp_lines``, every output line with the second it arrived.
"""

import json
import os
import signal
import sys
import threading
import time


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [float(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def main() -> None:
    request = json.loads(sys.stdin.read())
    os.chdir(request["cwd"])
    log = open(request["logfile"], "w")  # noqa: SIM115 (closed at the end)
    stamped = []
    actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0)]
    if request["stamp_lines"]:
        read_end, write_end = os.pipe()
        actions += [(os.POSIX_SPAWN_DUP2, write_end, 1), (os.POSIX_SPAWN_DUP2, write_end, 2)]
        actions.append((os.POSIX_SPAWN_CLOSE, read_end))
    else:
        actions += [(os.POSIX_SPAWN_DUP2, log.fileno(), 1), (os.POSIX_SPAWN_DUP2, log.fileno(), 2)]
    busy0, total0 = machine_busy()
    started = time.perf_counter()
    pid = os.posix_spawn(request["argv"][0], request["argv"], request["env"], file_actions=actions)
    reader = None
    if request["stamp_lines"]:
        os.close(write_end)

        def read() -> None:
            with os.fdopen(read_end, "rb") as pipe:
                for raw in pipe:
                    line = raw.decode(errors="replace").rstrip("\n")
                    stamped.append((time.perf_counter() - started, line))
                    log.write(line + "\n")

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
    killer = threading.Timer(request["timeout"], os.kill, (pid, signal.SIGKILL))
    killer.start()
    try:
        _, status, usage = os.wait4(pid, 0)
    finally:
        killer.cancel()
    wall = time.perf_counter() - started
    busy1, total1 = machine_busy()
    if reader is not None:
        reader.join(timeout=10)
    log.close()
    result = {
        "returncode": os.waitstatus_to_exitcode(status),
        "wall_s": wall,
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports KiB
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "machine_busy_s": busy1 - busy0,
        "machine_total_s": total1 - total0,
        "lines": stamped,
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
