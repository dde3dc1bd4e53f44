"""Long work shows its progress on a terminal as a bar and anywhere else as log lines."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import time
import encoders.log as log
log.configure_logging("INFO")
log.LOG_EVERY_S = 0.05
for _ in log.progress_bar(range(6), desc="training", unit="step"):
    time.sleep(0.06)
"""


def test_a_bar_off_a_terminal_becomes_log_lines_with_the_time_left():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "training:" in line]
    assert len(lines) >= 3 and len(lines) == len(set(lines))  # several updates, none repeated
    assert "6/6" in lines[-1] and "left" in lines[-1] and "step/s" in lines[-1]
    assert "\r" not in done.stderr and "|" not in "".join(lines)  # no bar drawing in a log


def test_a_disabled_bar_says_nothing():
    script = SCRIPT.replace('unit="step"', 'unit="step", enabled=False')
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "training" not in done.stderr
