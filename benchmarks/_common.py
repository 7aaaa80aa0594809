"""Shared helpers for the benchmark scripts: timing, machine information and JSON output.

Not a benchmark itself; the ``bench_*.py`` scripts import it.
"""

from __future__ import annotations

import datetime as _dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DATA_DIR = Path(__file__).resolve().parent / "data"
REPO_ROOT = Path(__file__).resolve().parent.parent


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """Python, platform, CPU and library versions, and the current date (UTC)."""
    try:
        usable_cpus: int | None = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable_cpus = None
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable_cpus,
        "versions": {
            name: _version(name)
            for name in (
                "rewrite-detect",
                "numpy",
                "rapidfuzz",
                "blingfire",
                "pysbd",
                "simplemma",
                "wordfreq",
            )
        },
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def time_runs(
    func: Callable[[], object],
    *,
    min_runs: int,
    min_seconds: float = 0.0,
    max_runs: int = 1000,
    max_seconds: float | None = None,
) -> list[float]:
    """Wall times (s) of repeated ``func()`` calls: at least ``min_runs`` and ``min_seconds``.

    With ``max_seconds``, a slow function stops after that much time once it has three runs
    (or ``min_runs``, if fewer). The garbage collector runs before each call but is left
    enabled during it, as in real use.
    """
    times: list[float] = []
    started = time.perf_counter()
    floor = min(min_runs, 3)
    while len(times) < max_runs:
        elapsed = time.perf_counter() - started
        if max_seconds is not None and len(times) >= floor and elapsed > max_seconds:
            break
        if len(times) >= min_runs and elapsed >= min_seconds:
            break
        gc.collect()
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return times


def time_interleaved(
    funcs: Mapping[str, Callable[[], object]],
    *,
    min_runs: int,
    min_seconds: float = 0.0,
    max_runs: int = 1000,
) -> dict[str, list[float]]:
    """Wall times (s) of several functions called in turn, round after round.

    Interleaving exposes every function to the same background load, so their ratios (and
    differences) are steadier on a shared machine than separate timing loops would give.
    Stops after ``min_runs`` rounds once ``min_seconds`` have passed, or at ``max_runs``.
    """
    times: dict[str, list[float]] = {name: [] for name in funcs}
    started = time.perf_counter()
    for done in range(max_runs):
        if done >= min_runs and time.perf_counter() - started >= min_seconds:
            break
        for name, func in funcs.items():
            gc.collect()
            t0 = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - t0)
    return times


def summarise(times: list[float]) -> dict[str, float | int]:
    """Median, best, worst and run count of a list of wall times, in seconds."""
    return {
        "median_s": statistics.median(times),
        "best_s": min(times),
        "worst_s": max(times),
        "runs": len(times),
    }


def fmt_ms(seconds: float) -> str:
    """Format seconds as milliseconds with sensible precision."""
    ms = seconds * 1000.0
    if ms >= 100:
        return f"{ms:,.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    return f"{ms:.2f}"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """Print a plain-text table with right-aligned columns (first column left-aligned)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as indented JSON, creating the directory if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")


def measure_in_child(script: str, size: int, args: list[str]) -> dict[str, Any]:
    """Run ``script --one SIZE ARGS`` in a fresh interpreter and return its JSON row.

    A fresh process per corpus size makes the peak memory (max RSS) that size's alone. The
    child prints the row as the last line of its output.
    """
    cmd = [sys.executable, script, "--one", str(size), *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=Path(script).parent)
    row: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return row
