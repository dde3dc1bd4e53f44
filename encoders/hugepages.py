"""NumPy's huge-page advice, turned off for the process unless the user chose it.

On Linux NumPy marks every array of 4 MB or more `MADV_HUGEPAGE`. Where the kernel's transparent
huge-page defrag setting is `madvise` or `defer+madvise` (common defaults), a page fault in such
memory while no huge page is free runs a synchronous compaction first (numpy/numpy#31590). An hour
of 62-channel EEG is ~360 MB per copy, so the read and the filters stall: measured on 2 cores, the
read of a 1-hour file took 0.36 s at best and 3.9 s at worst, 3.6 s median, with the advice and
0.46 s every time without it; the MNE pipeline of `bench/analysis.py` 9.3–26 s against 7.9–8.1 s.
Without the advice the kernel still backs memory with huge pages where `enabled` is `always`.

NumPy reads `NUMPY_MADVISE_HUGEPAGE` once, when it is imported; a user who set it keeps it.
"""

from __future__ import annotations

import os

USER_SETTING = "NUMPY_MADVISE_HUGEPAGE"


def avoid_compaction_stalls() -> bool:
    """Turn NumPy's huge-page advice off for this process unless `NUMPY_MADVISE_HUGEPAGE` is set.
    Returns whether the advice is on afterwards."""
    try:
        from numpy._core import multiarray
    except ImportError:  # NumPy 1.x
        from numpy.core import multiarray

    if os.environ.get(USER_SETTING) is None:
        multiarray._set_madvise_hugepage(False)
    return bool(multiarray._get_madvise_hugepage())


__all__ = ["avoid_compaction_stalls"]
