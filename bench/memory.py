"""Peak memory of this process, as its own figure.

`getrusage(RUSAGE_SELF).ru_maxrss` is not that on Linux: the kernel carries the high-water mark over
`fork` and `execve`, so a benchmark child started by a parent that had just generated a large file
reports the parent's peak. `VmHWM` in /proc/self/status belongs to the process's own address space,
which `execve` replaces, so it starts afresh in every child.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident memory of this process since its last `execve`, in MB (MiB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux; elsewhere a bound


__all__ = ["peak_rss_mb"]
