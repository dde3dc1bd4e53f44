"""Stage-1 variants judged on development cohorts: each variant is trained with several training
seeds and scored by its own head (LOSO needs no fitting for it) on cohorts kept for development,
never on the benchmark's cohorts. Many trainings: meant for a GPU.

    python -m bench.encoder_variants --device cuda --workers 8 [--variants default,epochs40]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

DEV_SEEDS = (7, 8, 9, 10, 11)
DEV_SUBJECTS = 10
TRAIN_SEEDS = (0, 1, 2)
SEVERAL_COHORTS = list(range(100, 116))  # seeds used by no other stage or evaluation

# name -> overrides of encoder-demo.yaml ("cohort.x", "model.x" or a train setting)
VARIANTS: dict[str, dict] = {
    "default": {},
    "epochs40": {"epochs": 40},
    "16cohorts-x2": {"cohort.seeds": SEVERAL_COHORTS, "cohort.subjects": 2},
    "16cohorts-x2-epochs40": {"cohort.seeds": SEVERAL_COHORTS, "cohort.subjects": 2, "epochs": 40},
    "d64-epochs40": {"model.d_model": 64, "epochs": 40},
    # On CPU a third of a training step is drawing dropout masks; without them a step is cheaper.
    "dropout0": {"model.dropout": 0.0},
    "dropout0-epochs30": {"model.dropout": 0.0, "epochs": 30},
}


def variant_config(overrides: dict, train_seed: int, device: str):
    from training.config import load_config

    config = load_config("encoder-demo")
    config.train.seed, config.train.device = train_seed, device
    for key, value in overrides.items():
        section, _, name = key.rpartition(".")
        setattr(getattr(config, section) if section else config.train, name, value)
    return config


def dev_tables() -> dict:
    from encoders.analysis import FeatureConfig
    from encoders.synthetic import CohortConfig
    from training.feature_table import cohort_table

    return {seed: cohort_table(CohortConfig(seed=seed, subjects=DEV_SUBJECTS, trials_per_emotion=3), FeatureConfig(),
                               progress=False) for seed in DEV_SEEDS}


def head_accuracy(encoder, tables: dict) -> dict[int, float]:
    from training.metrics import balanced_accuracy
    from training.trial_inference import encode_trials

    out = {}
    for seed, table in tables.items():
        logits, _ = encode_trials(encoder, table, table.trials)
        out[seed] = balanced_accuracy(np.array([t.info.label for t in table.trials]), logits.argmax(1), 7)
    return out


def run_variant(name: str, train_seed: int, device: str, out_root: str, threads: int = 1) -> dict:
    import torch

    from training.encoder_stage import load_encoder, train_encoder

    torch.set_num_threads(threads)  # the machine's cores shared among the workers
    out = Path(out_root) / f"{name}-seed{train_seed}"
    train_encoder(variant_config(VARIANTS[name], train_seed, device), out, progress=False, resume=False)
    dev = head_accuracy(load_encoder(out), dev_tables())
    return {"variant": name, "train_seed": train_seed, "dev": dev,
            "train_seconds": json.loads((out / "metrics.json").read_text())["train_seconds"]}


def summary(results: list[dict]) -> str:
    lines = ["| variant | runs | " + " | ".join(f"seed {s}" for s in DEV_SEEDS) + " | mean | SD over training seeds |",
             "|---|---|" + "---|" * len(DEV_SEEDS) + "---|---|"]
    for name in VARIANTS:
        runs = [r for r in results if r["variant"] == name]
        if not runs:
            continue
        grid = np.array([[r["dev"][s] for s in DEV_SEEDS] for r in runs])
        cells = " | ".join(f"{v:.3f}" for v in grid.mean(0))
        lines.append(f"| {name} | {len(runs)} | {cells} | {grid.mean():.3f} | {grid.mean(1).std():.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.encoder_variants")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, from {', '.join(VARIANTS)}")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", default="runs/encoder-variants")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    names = [n for n in args.variants.split(",") if n]
    unknown = set(names) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(sorted(unknown))}")
    _build_tables(names)
    jobs = [(n, s) for s in TRAIN_SEEDS for n in names]
    started, results = time.perf_counter(), []
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=_spawn()) as pool:
        threads = max(1, (os.cpu_count() or 1) // args.workers)
        futures = [pool.submit(run_variant, n, s, args.device, args.out, threads) for n, s in jobs]
        for future in as_completed(futures):
            results.append(future.result())
            print(json.dumps(results[-1]), flush=True)
    text = summary(results)
    print(f"\n{text}\n\n{len(jobs)} trainings in {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


def _build_tables(names: list[str]) -> None:
    """Every feature table the jobs read, built once here so workers never write the cache at once."""
    from encoders.analysis import FeatureConfig
    from training.feature_table import training_table

    dev_tables()
    for name in names:
        config = variant_config(VARIANTS[name], 0, "cpu")
        training_table(config.cohort, FeatureConfig(window_s=config.window_s), progress=False)


def _spawn():
    import multiprocessing

    return multiprocessing.get_context("spawn")  # CUDA cannot be used in forked workers


if __name__ == "__main__":
    main()
