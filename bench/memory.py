"""Peak memory of this process, as its own figure.

`getrusage(RUSAGE_SELF).ru_maxrss` is not that on Linux: the kernel carries the high-water mark over
`fork` and `execve`, so a benchmark child started by a parent that had just generated a large file
reports the parent's peak. `VmHWM` in /proc/self/status belongs to the process's own address space,
which `execve` replaces, so it starts afresh in every child.
"""

from __future__ import annotations

import resource
import threading
from pathlib import Path

import psutil


def peak_rss_mb() -> float:
    """Peak resident memory of this process since its last `execve`, in MB (MiB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux; elsewhere a bound


class TreePeak:
    """Peak memory of a process and everything it starts, sampled while they run.

    A parent's `getrusage(RUSAGE_CHILDREN)` is no measure of a child that was forked from a large
    parent (see above), and an engine's worker processes come and go inside the child. So each
    descendant's own `VmHWM` is read every `interval` seconds while it lives (a high-water mark:
    what happened between two samples is still counted), and the sum of their `VmRSS` gives the
    tree's peak at a sampled moment."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval = pid, interval
        self.per_process: dict[int, float] = {}  # pid → its peak, MB
        self.tree_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "TreePeak":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def largest_mb(self) -> float:
        """The largest single process's peak."""
        return max(self.per_process.values(), default=0.0)

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                tree = []
            total = 0.0
            for proc in tree:
                hwm, rss = _status_mb(proc.pid)
                if hwm is not None:
                    self.per_process[proc.pid] = max(self.per_process.get(proc.pid, 0.0), hwm)
                    total += rss or 0.0
            self.tree_mb = max(self.tree_mb, total)
            self._stop.wait(self.interval)


def _status_mb(pid: int) -> tuple[float | None, float | None]:
    """(VmHWM, VmRSS) of a live process in MB, (None, None) once it is gone."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if line.startswith(("VmHWM:", "VmRSS:")))
        return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        return None, None


__all__ = ["TreePeak", "peak_rss_mb"]
