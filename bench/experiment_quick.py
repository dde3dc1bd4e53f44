"""The `quick` experiment preset, timed: a 2-fold leave-one-subject-out run on a 5-subject
SEED-VII-sized dataset with 8-s trials (80 videos per subject in SEED-VII's released layout, written
by the synthetic generator and marked SYNTHETIC), end to end through `eegreason experiment` in a
fresh process: features, stage 1 on the fold's stage-1 subjects, stages 2-3 on the others, the
baselines and both prompt arms on the held-out subject.

Whether the answers mean something is judged against chance on the same items: the LLM's accuracy
in each arm beside 1/7, with a one-sided binomial p-value (items of one subject are not independent,
so the p-value is a guide; the table's subject-bootstrap interval is the honest uncertainty).

    python -m bench experiment_quick [--subjects 5 --seconds 8 --folds 2 --keep --folder DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .memory import TreePeak
from .report import write_section

BUDGET_MIN = 25.0  # what the quick preset is sized for on 2 cores


def write_dataset(root: Path, subjects: int, seconds: float) -> float:
    from encoders.synthetic import CohortConfig
    from encoders.synthetic.released import write_seed_vii

    start = time.perf_counter()
    write_seed_vii(root, CohortConfig(seed=11, subjects=subjects, trial_seconds=seconds), progress=False)
    return time.perf_counter() - start


def run_experiment(root: Path, run: Path, home: Path, folds: int) -> tuple[float, TreePeak]:
    """(seconds, peak memory of the command's process tree, sampled) of one `eegreason experiment`."""
    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "EEGREASON_HOME": str(home), "PYTHONPATH": str(repo), "VLLM_CPU_KVCACHE_SPACE":
           os.environ.get("VLLM_CPU_KVCACHE_SPACE", "2")}
    command = [sys.executable, "-m", "serve.cli", "experiment", "--dataset", "seed-vii", "--root", str(root),
               "--protocol", "loso", "--preset", "quick", "--folds", str(folds), "--out", str(run)]
    start = time.perf_counter()
    with open(run.parent / "experiment.log", "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=repo)
        with TreePeak(process.pid) as peak:
            code = process.wait()
    if code:
        raise subprocess.CalledProcessError(code, command)
    seconds = time.perf_counter() - start
    return seconds, peak


def against_chance(results: dict) -> dict:
    """Per arm: correct answers, items, accuracy and the one-sided binomial p-value against 1/classes."""
    from scipy.stats import binomtest

    chance = 1.0 / len(results["classes"])
    out = {}
    for arm, metrics in (results.get("pooled") or {}).get("arms", {}).items():
        n = int(metrics.get("n", 0))
        accuracy = metrics["accuracy"][0] if n else float("nan")
        correct = int(round(accuracy * n)) if n else 0
        p = binomtest(correct, n, chance, alternative="greater").pvalue if n else float("nan")
        out[arm] = {"correct": correct, "n": n, "accuracy": accuracy, "chance": chance, "p_value": p}
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench experiment_quick")
    parser.add_argument("--subjects", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of every video (s)")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=None, help="where to write dataset and run (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the dataset, the run and the feature cache")
    args = parser.parse_args(argv)
    work = Path(args.folder or tempfile.mkdtemp(prefix="quick-experiment-"))
    work.mkdir(parents=True, exist_ok=True)
    root, run, home = work / "SEED-VII", work / "run", work / "home"
    load = os.getloadavg()[0]
    try:
        written = write_dataset(root, args.subjects, args.seconds)
        seconds, peak = run_experiment(root, run, home, args.folds)
        results = json.loads((run / "results.json").read_text())
        table = (run / "results.md").read_text()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    chance = against_chance(results)
    fold_seconds = {f["fold"]: f.get("seconds", {}) for f in results["folds"]}
    result = {"subjects": args.subjects, "seconds_per_video": args.seconds, "folds": args.folds, "write_s": written,
              "experiment_s": seconds, "peak_rss_mb": peak.largest_mb, "peak_tree_mb": peak.tree_mb, "fold_seconds": fold_seconds, "against_chance": chance,
              "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2), "cpu_count": os.cpu_count()}
    verdict = "within" if seconds / 60 <= BUDGET_MIN else "OVER"
    arms = "\n".join(f"| {arm} | {c['correct']} / {c['n']} | {c['accuracy']:.3f} | {c['chance']:.3f} | {c['p_value']:.2g} |"
                     for arm, c in chance.items())
    folds = ", ".join(f"{name}: {s.get('training', 0) / 60:.1f} min training, {s.get('fold', 0) / 60:.1f} min in all"
                      for name, s in fold_seconds.items())
    body = f"""## Experiment preset `quick`: 2-fold leave-one-subject-out on a 5-subject SEED-VII-sized dataset

`python -m bench experiment_quick`: SYNTHETIC recordings in SEED-VII's released layout ({args.subjects} subjects x
80 videos x {args.seconds:g} s, 62 channels, 200 Hz), then `eegreason experiment --dataset seed-vii --protocol loso
--preset quick --folds {args.folds}` in a fresh process (features, three stages and both prompt arms per fold).

Whole run: **{seconds / 60:.1f} min** ({verdict} the {BUDGET_MIN:g}-min budget on {os.cpu_count()} cores; load
average {result['load_before']} before, {result['load_after']} after), peak memory of its largest process {peak.largest_mb:.0f} MB, of all its processes
together {peak.tree_mb:.0f} MB (each process's own high-water mark and the tree's resident total, sampled every
{peak.interval:g} s while the command ran). Per fold: {folds}.

| arm | correct / items | LLM accuracy | chance | p (binomial, one-sided) |
|---|---|---|---|---|
{arms}

The run's own table:

{table.split(chr(10), 2)[2].strip()}
"""
    write_section("experiment_quick", body)
    print(json.dumps(result, indent=1, default=float))
    return result


if __name__ == "__main__":
    main()
