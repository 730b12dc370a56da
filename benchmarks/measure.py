"""Measuring tools for the benchmarks: timing a fresh process or a call, and profiling a call."""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Stats:
    """Repeated measurements of one thing: every value, and their median, minimum and maximum."""

    values: list[float]
    median: float = field(init=False)
    min: float = field(init=False)
    max: float = field(init=False)

    def __post_init__(self) -> None:
        self.median = statistics.median(self.values)
        self.min = min(self.values)
        self.max = max(self.values)


@dataclass
class Result:
    """Everything measured for one plan; times in seconds, sizes and memory in bytes."""

    label: str
    nodes: int
    check_fresh: Stats
    build_fresh: Stats
    check_warm: Stats
    build_warm: Stats
    check_rss: Stats  # peak resident memory of the fresh process
    build_rss: Stats
    raw_bytes: int
    gzip_bytes: int
    browser: dict[str, Any] = field(default_factory=dict)  # see chromium.measure_card


# Python as a user's machine runs it: it keeps the modules it compiled (an empty value lets it,
# where a machine set PYTHONDONTWRITEBYTECODE), so that only the first of the runs compiles.
AS_A_USER = {"PYTHONDONTWRITEBYTECODE": ""}


def run_fresh(args: list[str], extra_env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run `python3 ARGS` in a new process: its wall time (s) and peak resident memory (bytes).

    os.wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the largest of all children.
    The checkout is first on the path, so this is the code being measured, installed or not.
    """
    env = {**os.environ, **AS_A_USER, "PYTHONPATH": str(REPO), **(extra_env or {})}
    with tempfile.TemporaryFile() as err:
        quiet = [
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ]
        start = time.perf_counter()
        pid = os.posix_spawn(sys.executable, [sys.executable, *args], env, file_actions=quiet)
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise RuntimeError(f"python3 {' '.join(args)} failed:\n{err.read().decode()}")
    return seconds, usage.ru_maxrss * 1024  # ru_maxrss is in KB on Linux


# Runs the command line in this process and prints the libraries it imported: the top-level
# modules outside the standard library and the package that were not there when Python started
# (site's are), less the private parts of a library, which its import brings (cmarkgfm's
# _cffi_backend), and modules made by a library rather than found on the path (Cython's
# cython_runtime).
_LIBRARIES_RUN = """
import sys
before = set(sys.modules)
from actionplan.cli import main
sys.argv = ["actionplan", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
names = {name.partition(".")[0] for name in set(sys.modules) - before}
names -= sys.stdlib_module_names | {"actionplan"}
print(*sorted(n for n in names if n[0] != "_" and getattr(sys.modules[n], "__spec__", None)))
"""


def libraries_imported(args: list[str], extra_env: dict[str, str] | None = None) -> tuple[str, ...]:
    """The libraries a fresh `actionplan ARGS` imports, by name: what the import floor imports."""
    env = {**os.environ, **AS_A_USER, "PYTHONPATH": str(REPO), **(extra_env or {})}
    done = subprocess.run(
        [sys.executable, "-c", _LIBRARIES_RUN, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"actionplan {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return tuple(done.stdout.splitlines()[-1].split())


def time_fresh(
    commands: dict[str, list[str]], runs: int, env: dict[str, dict[str, str]] | None = None
) -> dict[str, tuple[Stats, Stats]]:
    """Wall time and peak memory of each `python3 ARGS`, each run in a fresh process (with the
    variables `env` gives for it).

    The commands take turns, so that a busy moment of a shared machine slows all of them alike
    and their ratios hold.
    """
    found: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            found[name].append(run_fresh(args, (env or {}).get(name)))
    return {
        name: (Stats([s for s, _ in results]), Stats([float(m) for _, m in results]))
        for name, results in found.items()
    }


# How callgrind ends its report: "==PID== Collected : 1408198377".
_COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.M)


def count_instructions(args: list[str], extra_env: dict[str, str] | None = None) -> int:
    """The instructions a fresh `python3 ARGS` executes, counted by valgrind's callgrind.

    Unlike a time, the count is the same from run to run whatever else the machine is doing (the
    hash seed is fixed for that), so it shows how the work grows without the noise.  It does not
    see what waiting for memory costs, which a time does.  The process runs some fifty times
    slower under valgrind.
    """
    env = {**os.environ, **AS_A_USER, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": "0"}
    env.update(extra_env or {})
    tool = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(
        [*tool, sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"valgrind python3 {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def time_warm(call: Callable[[], object], runs: int) -> Stats:
    """Wall time of a call in this process, where everything is imported already.

    Garbage left by whatever ran before is collected first, so no run pays for an earlier one.
    """
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return Stats(times)


def without_gc(call: Callable[[], object]) -> Callable[[], object]:
    """The call with Python's cyclic garbage collector off: how much of its time the GC takes."""

    def call_without_gc() -> object:
        gc.disable()
        try:
            return call()
        finally:
            gc.enable()

    return call_without_gc


def profile(call: Callable[[], object], most: int = 10, most_own: int = 5) -> dict[str, Any]:
    """Under cProfile: the functions with the most cumulative time, and with the most own time."""
    profiler = cProfile.Profile()
    profiler.runcall(call)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = [_row(key, row) for key, row in stats.items() if not _is_wrapper(key)]
    return {
        "cumulative": sorted(rows, key=lambda r: r["cumulative_s"], reverse=True)[:most],
        "own": sorted(rows, key=lambda r: r["own_s"], reverse=True)[:most_own],
    }


def _row(key: tuple[str, int, str], row: tuple[Any, ...]) -> dict[str, Any]:
    _primitive, calls, own, cumulative, _callers = row
    return {"function": _where(key), "calls": calls, "own_s": own, "cumulative_s": cumulative}


def _is_wrapper(key: tuple[str, int, str]) -> bool:
    """The benchmark's own lambdas and the profiler: not where the time goes."""
    filename, _line, name = key
    return Path(filename).parent == REPO / "benchmarks" or "_lsprof" in name


def _where(key: tuple[str, int, str]) -> str:
    """A function as `path:line name`, the path short: within the checkout or site-packages."""
    filename, line, name = key
    if filename == "~":  # a built-in
        return name
    path = Path(filename)
    for base in (REPO, *map(Path, sys.path)):
        if base.is_absolute() and path.is_relative_to(base):
            return f"{path.relative_to(base)}:{line} {name}"
    return f"{path}:{line} {name}"
