"""NumPy's huge-page advice: off in our commands' processes unless the user set it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "serve" / "samples" / "synthetic-fear-32ch_SYNTHETIC.edf"
PROBE = ("from encoders.hugepages import avoid_compaction_stalls; from numpy._core import multiarray; "
         "before = multiarray._get_madvise_hugepage(); print(before, avoid_compaction_stalls())")


def _probe(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    done = subprocess.run([sys.executable, "-c", PROBE], env={**clean, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return done.stdout.strip()


def test_the_advice_is_turned_off_by_default():
    before, after = _probe().split()
    assert after == "False"
    assert before == "True" or sys.platform != "linux"  # NumPy's own default on Linux


def test_a_users_own_setting_is_kept():
    assert _probe(NUMPY_MADVISE_HUGEPAGE="1").split() == ["True", "True"]
    assert _probe(NUMPY_MADVISE_HUGEPAGE="0").split() == ["False", "False"]


def test_a_command_runs_with_the_advice_off():
    """`eegreason inspect` on the bundled sample, as the program: the probe is its own process."""
    probe = ("import sys, numpy; from numpy._core import multiarray; from serve.cli import run_command; "
             f"code = run_command(['inspect', {str(SAMPLE)!r}, '--json']); "
             "print('advice', multiarray._get_madvise_hugepage(), file=sys.stderr); sys.exit(code)")
    clean = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    done = subprocess.run([sys.executable, "-c", probe], env={**clean, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "advice False" in done.stderr
