"""The benchmarks' memory figures: a process tree's peak, not its parent's inheritance."""

import subprocess
import sys

import numpy as np

from bench.memory import TreePeak

# A child that starts a grandchild holding ~120 MB for a moment, then both exit.
GRANDCHILD = "import numpy, time; a = numpy.ones(15_000_000); time.sleep(1.0)"
CHILD = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {GRANDCHILD!r}], check=True)"


def test_the_peak_of_a_grandchild_is_counted_and_the_parents_memory_is_not():
    ballast = np.ones(50_000_000)  # 400 MB in this process when the child is forked
    process = subprocess.Popen([sys.executable, "-c", CHILD])
    with TreePeak(process.pid, interval=0.05) as peak:
        assert process.wait(timeout=60) == 0
    del ballast
    assert len(peak.per_process) >= 2  # the child and the grandchild were both seen
    assert 110 <= peak.largest_mb < 350  # the grandchild's ~120 MB array, not this process's 400 MB
    assert peak.tree_mb >= peak.largest_mb - 1
