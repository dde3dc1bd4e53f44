"""Features of a SEED-VII-sized dataset: first run (computed), second run (cache), one changed file.

The dataset is simulated in SEED-VII's released layout (20 subjects x 80 videos x 4 min, 62 channels,
200 Hz; `EEG_preprocessed/<s>.mat` with variables '1'..'80', the label workbook, the SYNTHETIC
marker): pink-ish noise with a 10-Hz rhythm per video, each video its own seed. Stored as float32 to
halve the disk (19 GB instead of 38; the loader reads either and computes in float64). Each run is a
fresh process (`dataset_table` on every subject, progress off), so its peak resident memory is its
own; the machine's other load is reported beside the times.

    python -m bench dataset_features [--subjects 20 --videos 80 --seconds 240 --keep]
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

import numpy as np

from .report import write_section

SFREQ = 200.0
CHANNELS = 62

RUN = r"""
import json, sys, time
from bench.memory import peak_rss_mb
from encoders.analysis import FeatureConfig
from training.config import DataSpec
from training.dataset_tables import dataset_table
start = time.perf_counter()
table = dataset_table(DataSpec(dataset="seed-vii", root=sys.argv[1]), FeatureConfig(), progress=False)
print(json.dumps({"seconds": time.perf_counter() - start, "trials": len(table.trials),
                  "windows": int(len(table.features)),
                  "peak_rss_mb": peak_rss_mb()}))
"""


def video(subject: int, number: int, seconds: float) -> np.ndarray:
    """(62, samples) float32 µV: 1/f^0.75 noise plus a 10-Hz rhythm, seeded by (subject, video)."""
    rng = np.random.default_rng([subject, number])
    n = int(seconds * SFREQ)
    freqs = np.fft.rfftfreq(n, 1 / SFREQ)
    shape = 1.0 / np.maximum(freqs, 1.0) ** 0.75
    spectrum = (rng.standard_normal((CHANNELS, freqs.size)) + 1j * rng.standard_normal((CHANNELS, freqs.size))) * shape
    x = np.fft.irfft(spectrum, n=n)
    x *= 15.0 / x.std(axis=1, keepdims=True)
    t = np.arange(n) / SFREQ
    x += 10.0 * np.sin(2 * np.pi * 10.0 * t + rng.uniform(0, 2 * np.pi, (CHANNELS, 1)))
    return x.astype(np.float32)


def write_dataset(root: Path, subjects: int, videos: int, seconds: float) -> float:
    from encoders.synthetic.released import SEED_VII_ORDER, _write_variables, write_workbook

    start = time.perf_counter()
    (root / "EEG_preprocessed").mkdir(parents=True, exist_ok=True)
    sessions = {s: names for s, names in SEED_VII_ORDER.items() if (s - 1) * 20 < videos}
    write_workbook(root / "emotion_label_and_stimuli_order.xlsx", sessions)
    (root / "SYNTHETIC.txt").write_text("SYNTHETIC noise in SEED-VII's layout, written by bench/dataset_features.py.\n")
    for subject in range(1, subjects + 1):
        _write_variables(root / "EEG_preprocessed" / f"{subject}.mat",
                         ((str(k), video(subject, k, seconds)) for k in range(1, videos + 1)))
    return time.perf_counter() - start


def run_once(root: Path, home: Path) -> dict:
    env = {**os.environ, "EEGREASON_HOME": str(home), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    load = os.getloadavg()[0]
    out = subprocess.run([sys.executable, "-c", RUN, str(root)], env=env, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load_before"] = round(load, 2)
    result["load_after"] = round(os.getloadavg()[0], 2)
    return result


def _size(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**30


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench dataset_features")
    parser.add_argument("--subjects", type=int, default=20)
    parser.add_argument("--videos", type=int, default=80)
    parser.add_argument("--seconds", type=float, default=240.0)
    parser.add_argument("--folder", type=Path, default=None, help="where to write the dataset (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the dataset and the cache")
    args = parser.parse_args(argv)
    work = Path(args.folder or tempfile.mkdtemp(prefix="seed-vii-bench-"))
    root, home = work / "SEED-VII", work / "home"
    try:
        written = write_dataset(root, args.subjects, args.videos, args.seconds)
        data_gib = _size(root)
        first = run_once(root, home)
        second = run_once(root, home)
        changed = root / "EEG_preprocessed" / "1.mat"
        os.utime(changed)  # a changed file: its subject alone is computed again
        third = run_once(root, home)
        cache_gib = _size(home / "features")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    result = {"subjects": args.subjects, "videos": args.videos, "seconds": args.seconds, "data_gib": data_gib,
              "write_s": written, "cache_gib": cache_gib, "first": first, "second": second, "one_file_changed": third,
              "cpu_count": os.cpu_count()}
    # A 1-minute load average also counts this benchmark's own previous step (writing the dataset, the
    # run before), so a load above 1 on the first run is not by itself another job: report, do not judge.
    shared = (f"Load averages ({os.cpu_count()} cores) are the machine's 1-minute figures, which include this "
              f"benchmark's own previous step.")
    hours = args.subjects * args.videos * args.seconds / 3600
    body = f"""## Features of a SEED-VII-sized dataset (first run, cache, one changed file)

`python -m bench dataset_features`: {args.subjects} subjects x {args.videos} videos x {args.seconds / 60:g} min,
{CHANNELS} channels at {SFREQ:g} Hz ({hours:.0f} h of EEG, {data_gib:.1f} GiB as float32 in SEED-VII's released
layout; simulated noise with a 10-Hz rhythm). `dataset_table` on every subject, in a fresh process each run.

| run | time | peak memory (RSS) | load average (before / after) |
|---|---|---|---|
| first (features computed, {first['trials']} trials, {first['windows']} windows) | {first['seconds'] / 60:.1f} min | {first['peak_rss_mb']:.0f} MB | {first['load_before']} / {first['load_after']} |
| second (every subject from the cache) | {second['seconds']:.1f} s | {second['peak_rss_mb']:.0f} MB | {second['load_before']} / {second['load_after']} |
| after one subject's file changed (that subject computed again) | {third['seconds']:.1f} s | {third['peak_rss_mb']:.0f} MB | {third['load_before']} / {third['load_after']} |

The cache holds {cache_gib:.2f} GiB (one shard per subject). Memory stays near one video's samples plus the
feature rows: subjects are read one at a time and each subject's file one video at a time.
{shared}
"""
    write_section("dataset_features", body)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
