"""`eegreason experiment --dataset NAME --root DIR --protocol loso|cross-session|cross-trial --preset PRESET
--out RUN [--folds K | --fold I]`: train and evaluate per fold on a released dataset (resumable), ending
with one table (RUN/results.md, .csv, .json)."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "experiment"
HELP = ("Train stages 1-3 and evaluate per fold of a leak-free protocol on a released dataset (resumable), "
        "ending with one table of per-fold and pooled results.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from encoders.datasets.registry import DATASETS
    from training.experiment_config import ExperimentConfig

    from ._dataclass_options import add_dataclass_options

    parser.add_argument("overrides", nargs="*", metavar="section.field=value",
                        help="change preset settings, e.g. instruct.train.max_steps=5 evaluate.trials_per_fold=14")
    parser.add_argument("--dataset", choices=tuple(DATASETS), required=True, help="the released dataset (its labels: the label set)")
    parser.add_argument("--root", type=Path, required=True, help="folder of the released dataset")
    parser.add_argument("--out", type=Path, required=True, help="run folder (an interrupted run resumes)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--folds", type=int, help="run the first K folds of the protocol")
    which.add_argument("--fold", type=int, help="run fold I alone (1-based)")
    parser.add_argument("--subjects", help="subjects the experiment may use, e.g. 1-10 (default: all on disk)")
    add_dataclass_options(parser, ExperimentConfig)
    parser.add_argument("--json", action="store_true", help="print results.json")


def run(args: argparse.Namespace) -> int:
    import json

    from evaluation.experiment import run_experiment
    from serve.assistant import answerer_for
    from training.experiment_config import ExperimentConfig
    from training.stages import parse_subjects

    from ._dataclass_options import dataclass_values

    config = ExperimentConfig(
        dataset=args.dataset, root=str(args.root), subjects=parse_subjects(args.subjects) if args.subjects else None,
        overrides=list(args.overrides), **dataclass_values(ExperimentConfig, args))
    results = run_experiment(config, args.out, lambda checkpoint, engine: answerer_for(checkpoint, engine)(),
                             folds=args.folds, fold=args.fold, progress=not args.json)
    if args.json:
        print(json.dumps(results, indent=1, default=float))
        return 0
    print((args.out / "results.md").read_text())
    print(f"-> {args.out}/ (results.md, results.csv, results.json; folds/<fold>/ for each fold's checkpoints "
          f"and evaluations)")
    return 0
