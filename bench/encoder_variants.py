"""Stage-1 variants judged on development cohorts: each variant is trained with several training
seeds and scored by its own head (LOSO needs no fitting for it) on cohorts kept for development,
never on the benchmark's cohorts. Many trainings: meant for a GPU.

    python -m bench.encoder_variants --device cuda --workers 8 [--variants default,dropout0.1-epochs40]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

from .report import write_section

DEV_SEEDS = (7, 8, 9, 10, 11)
DEV_SUBJECTS = 10
TRAIN_SEEDS = (0, 1, 2)
SEVERAL_COHORTS = list(range(100, 116))  # seeds used by no other stage or evaluation

# name -> overrides of encoder-demo.yaml ("cohort.x", "model.x" or a train setting). Every variant
# states its dropout and epochs, so a name keeps its meaning when the shipped recipe changes.
EARLIER = {"model.dropout": 0.1, "epochs": 20}  # the recipe of the first demo encoder
VARIANTS: dict[str, dict] = {
    "default": {},  # the shipped recipe: no dropout, 30 epochs
    "dropout0.1-epochs20": EARLIER,
    "dropout0.1-epochs40": {**EARLIER, "epochs": 40},
    "16cohorts-x2": {**EARLIER, "cohort.seeds": SEVERAL_COHORTS, "cohort.subjects": 2},
    "16cohorts-x2-epochs40": {**EARLIER, "cohort.seeds": SEVERAL_COHORTS, "cohort.subjects": 2, "epochs": 40},
    "d64-epochs40": {**EARLIER, "model.d_model": 64, "epochs": 40},
    # On CPU a third of a training step is drawing dropout masks; without them a step is cheaper.
    "dropout0-epochs20": {"model.dropout": 0.0, "epochs": 20},
}


def variant_config(overrides: dict, train_seed: int, device: str):
    from training.stages import load_config

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

    from projector.checkpoint import load_encoder, read_config
    from training.encoder_stage import train_encoder

    torch.set_num_threads(threads)  # the machine's cores shared among the workers
    out = Path(out_root) / f"{name}-seed{train_seed}"
    train_encoder(variant_config(VARIANTS[name], train_seed, device), out, progress=False, resume=False)
    dev = head_accuracy(load_encoder(out), dev_tables())
    return {"variant": name, "train_seed": train_seed, "dev": dev,
            "train_seconds": read_config(out).metrics["encoder"]["train_seconds"]}


def summary(results: list[dict]) -> str:
    """Mean head balanced accuracy per development cohort and variant, over its training seeds."""
    lines = ["| variant | runs (training seeds) | " + " | ".join(f"cohort {s}" for s in DEV_SEEDS)
             + " | mean | SD over training seeds | best run | trained on | minutes per run |",
             "|---|---|" + "---|" * len(DEV_SEEDS) + "---|---|---|---|---|"]
    for name in VARIANTS:
        runs = sorted((r for r in results if r["variant"] == name), key=lambda r: r["train_seed"])
        if not runs:
            continue
        grid = np.array([[r["dev"][s] for s in DEV_SEEDS] for r in runs])
        cells = " | ".join(f"{v:.3f}" for v in grid.mean(0))
        best = int(np.argmax(grid.mean(1)))
        seconds = [r["train_seconds"] for r in runs if "train_seconds" in r]
        minutes = f"{np.mean(seconds) / 60:.1f}" if seconds else "–"
        lines.append(f"| {name} | {len(runs)} ({', '.join(str(r['train_seed']) for r in runs)}) | {cells} "
                     f"| {grid.mean():.3f} | {grid.mean(1).std():.3f} | {grid.mean(1)[best]:.3f} (seed "
                     f"{runs[best]['train_seed']}) | {runs[0].get('device', '–')} | {minutes} |")
    return "\n".join(lines)


def load_results(path: Path) -> list[dict]:
    """Saved runs (`--json`), with development-cohort keys back to integers."""
    runs = json.loads(Path(path).read_text())
    return [{**r, "dev": {int(k): v for k, v in r["dev"].items()}} for r in runs]


def report(results_file: Path, checkpoint: Path) -> str:
    """BENCHMARKS.md's section on stage-1 variants, from saved runs; the shipped encoder and the
    baselines are evaluated here, in the encoder benchmark's harness, on the development cohorts."""
    from evaluation.encoder import evaluate_encoder
    from projector.checkpoint import load_encoder

    results = load_results(results_file)
    encoder = load_encoder(checkpoint)
    evaluated = {seed: evaluate_encoder(encoder, table, "loso", progress=False) for seed, table in dev_tables().items()}
    shipped = [evaluated[s]["encoder"]["balanced_accuracy"] for s in DEV_SEEDS]
    best = [max(b["balanced_accuracy"] for b in evaluated[s]["baselines"].values()) for s in DEV_SEEDS]
    reference = (f"| shipped encoder (`{checkpoint}`) | – | " + " | ".join(f"{v:.3f}" for v in shipped)
                 + f" | {np.mean(shipped):.3f} | – | – | – | – |\n"
                 f"| best DE baseline of each cohort (LOSO, fitted per fold) | – | "
                 + " | ".join(f"{b:.3f}" for b in best) + f" | {np.mean(best):.3f} | – | – | – | – |")
    return f"""## Stage-1 variants on development cohorts (SYNTHETIC)

Each variant of `training/configs/encoder-demo.yaml` trained with several training seeds and scored
by its own head (leave-one-subject-out needs no fitting for it; 7-class balanced accuracy, chance
0.143) on development cohorts {DEV_SEEDS[0]}–{DEV_SEEDS[-1]} ({DEV_SUBJECTS} subjects each), which no
benchmark uses. The shipped recipe (`default`) and its training seed were chosen here; the encoder
benchmark (the section on the encoder against baselines) then measures it on cohorts never looked at.
Training seeds move the score as much as recipes do (compare a row's SD with the gaps between rows),
so the shipped encoder is a choice of run as well as of recipe.

{summary(results)}
{reference}

Runs read from `{results_file}` (each with its device and training time); the two reference rows
are computed when this section is written, in the encoder benchmark's harness. Reproduce a row:
`python -m bench.encoder_variants --variants NAME --device cuda --workers 8 --json FILE`, then
`python -m bench.encoder_variants --report FILE`."""


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.encoder_variants")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, from {', '.join(VARIANTS)}")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", default="runs/encoder-variants")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("--report", default=None, metavar="FILE",
                        help="write BENCHMARKS.md's section from saved results (no training)")
    parser.add_argument("--checkpoint", default="checkpoints/demo", help="the shipped encoder, for --report")
    args = parser.parse_args(argv)
    if args.report:
        try:
            load_results(Path(args.report))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            parser.error(f"--report {args.report}: not a results file written by --json ({exc}); "
                         "run the variants with --json FILE first.")
        write_section("encoder-variants", report(Path(args.report), Path(args.checkpoint)))
        return load_results(Path(args.report))
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
