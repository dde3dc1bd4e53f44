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
    from training.experiment_config import EXPERIMENT_PROTOCOLS

    parser.add_argument("overrides", nargs="*", metavar="section.field=value",
                        help="change preset settings, e.g. instruct.train.max_steps=5 evaluate.trials_per_fold=14")
    parser.add_argument("--dataset", choices=tuple(DATASETS), required=True, help="the released dataset (its labels: the label set)")
    parser.add_argument("--root", type=Path, required=True, help="folder of the released dataset")
    parser.add_argument("--protocol", choices=EXPERIMENT_PROTOCOLS, default="loso")
    parser.add_argument("--preset", default="quick",
                        help="quick, demo, qwen2.5-1.5b, qwen3-1.7b, or a preset YAML file (default: quick)")
    parser.add_argument("--out", type=Path, required=True, help="run folder (an interrupted run resumes)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--folds", type=int, help="run the first K folds of the protocol")
    which.add_argument("--fold", type=int, help="run fold I alone (1-based)")
    parser.add_argument("--n-folds", type=int, default=5, help="folds of a cross-trial split (default 5)")
    parser.add_argument("--subjects", help="subjects the experiment may use, e.g. 1-10 (default: all on disk)")
    parser.add_argument("--encoder", type=Path, help="a pretrained stage-1 checkpoint every fold starts from")
    parser.add_argument("--llm", help="the LLM of stages 2-3 instead of the preset's (a local folder or preset)")
    parser.add_argument("--target", choices=("valence", "arousal", "quadrants"), default="valence",
                        help="DEAP/DREAMER: which ratings become the classes")
    parser.add_argument("--threshold", type=float, help="DEAP/DREAMER: a rating >= this is high (default: the "
                                                        "scale's midpoint, 5 or 3)")
    parser.add_argument("--strict", action="store_true", help="DEAP/DREAMER: high means rating > threshold")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split and the subject division")
    parser.add_argument("--processes", type=int, default=1,
                        help="GPUs to train stages 2-3 on, data-parallel through accelerate (default 1)")
    parser.add_argument("--json", action="store_true", help="print results.json")


def run(args: argparse.Namespace) -> int:
    import json

    from evaluation.experiment import run_experiment
    from serve.assistant import answerer_for
    from training.experiment_config import ExperimentConfig
    from training.stages import parse_subjects

    config = ExperimentConfig(
        dataset=args.dataset, root=str(args.root), protocol=args.protocol, preset=args.preset, n_folds=args.n_folds,
        seed=args.seed, subjects=parse_subjects(args.subjects) if args.subjects else None,
        encoder=str(args.encoder) if args.encoder else None, llm=args.llm, target=args.target,
        threshold=args.threshold, inclusive=not args.strict, overrides=list(args.overrides), processes=args.processes)
    results = run_experiment(config, args.out, lambda checkpoint, engine: answerer_for(checkpoint, engine)(),
                             folds=args.folds, fold=args.fold, progress=not args.json)
    if args.json:
        print(json.dumps(results, indent=1, default=float))
        return 0
    print((args.out / "results.md").read_text())
    print(f"-> {args.out}/ (results.md, results.csv, results.json; folds/<fold>/ for each fold's checkpoints "
          f"and evaluations)")
    return 0
