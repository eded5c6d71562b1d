"""Watching a benchmarked command's process tree: its summed RSS and CPU seconds every
0.1 s (psutil), and its Python stack when it is about to be stopped (py-spy)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its children every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.1, limit_bytes: int | None = None):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.limit = limit_bytes
        self.samples: list[tuple[float, int, float]] = []  # (unix time, bytes, CPU seconds)
        self.peak = 0
        self.over_limit = False
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            total, cpu = 0, 0.0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for i, proc in enumerate(procs):
                try:
                    total += proc.memory_info().rss
                    t = proc.cpu_times()
                    cpu += t.user + t.system + (t.children_user + t.children_system if i == 0 else 0)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            if total:
                self.samples.append((time.time(), total, cpu))
                self.peak = max(self.peak, total)
                if self.limit and total > self.limit:
                    self.over_limit = True
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def peak_between(self, start: float, end: float) -> int:
        inside = [rss for t, rss, _ in self.samples if start <= t <= end]
        return max(inside) if inside else 0

    def cpu_between(self, start: float, end: float) -> float | None:
        """CPU seconds of the tree between two moments (from the nearest samples)."""
        inside = [cpu for t, _, cpu in self.samples if start - 0.15 <= t <= end + 0.15]
        return round(max(inside) - min(inside), 2) if len(inside) > 1 else None


def where_is(pid: int) -> list[str]:
    """The Python stack of a process about to be stopped (py-spy dump), innermost first."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        return []
    try:
        out = subprocess.run([str(spy), "dump", "--pid", str(pid)], capture_output=True,
                             text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.rstrip() for line in out.splitlines() if line.strip()][:60]
