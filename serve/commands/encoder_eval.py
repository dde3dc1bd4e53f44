"""`eegreason encoder-eval`: the pretrained encoder against DE baselines on a fresh synthetic cohort."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

NAME = "encoder-eval"
HELP = "Evaluate a pretrained EEG encoder and the DE-feature baselines on a synthetic cohort (leak-free splits)."


_COHORT_FIXED = ("sessions", "montage", "sfreq")  # sessions follow the protocol; the SEED montage and rate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", type=Path, required=True, help="stage-1 encoder artifact or checkpoint folder")
    parser.add_argument("--cohort-seed", type=int, required=True, help="seed of the evaluation cohort (use one not trained on)")
    from encoders.synthetic import CohortConfig
    from training.splits import PROTOCOLS

    from ._dataclass_options import add_dataclass_options

    parser.add_argument("--subjects", type=int, default=10, help="simulated people in the cohort (default 10)")
    parser.add_argument("--protocol", choices=PROTOCOLS, default="loso")
    parser.add_argument("--sessions", type=int, default=None, help="sessions per subject (default 1; 2 for cross-session)")
    # Three clips per emotion, not the generator's two: enough test trials per fold for stable figures.
    add_dataclass_options(parser, CohortConfig, exclude=_COHORT_FIXED, defaults={"trials_per_emotion": 3})
    parser.add_argument("--folds", type=int, default=5, help="folds of the cross-trial protocol")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split and the fitted baselines")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _row(name: str, m: dict) -> str:
    return (f"  {name:<16} acc {m['accuracy']:.3f}  bal.acc {m['balanced_accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
            f"kappa {m['cohen_kappa']:+.3f}  per-subject {m['per_subject_balanced_accuracy_mean']:.3f} "
            f"± {m['per_subject_balanced_accuracy_sd']:.3f}")


def run(args: argparse.Namespace) -> int:
    from encoders.analysis import FeatureConfig
    from encoders.synthetic import CohortConfig
    from evaluation.encoder import evaluate_encoder
    from projector.checkpoint import load_encoder
    from training.feature_table import cohort_table
    from training.splits import sessions_needed
    from training.progress import step

    with step(f"loading the encoder from {args.checkpoint.name}"):
        encoder = load_encoder(args.checkpoint)
    sessions = args.sessions or sessions_needed(args.protocol)
    from ._dataclass_options import dataclass_values

    cohort = CohortConfig(seed=args.cohort_seed, subjects=args.subjects, sessions=sessions,
                          **dataclass_values(CohortConfig, args, exclude=_COHORT_FIXED))
    trials = cohort.subjects * cohort.sessions * cohort.trials_per_session
    with step(f"generating the SYNTHETIC cohort (seed {args.cohort_seed}, {trials} trials) and its features "
              f"(cached after the first run)"):
        table = cohort_table(cohort, FeatureConfig(window_s=encoder.config.window_s), progress=not args.json)
    result = evaluate_encoder(encoder, table, args.protocol, seed=args.seed, n_folds=args.folds,
                              progress=not args.json)
    result["checkpoint"] = str(args.checkpoint)
    result["synthetic"] = True
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"SYNTHETIC cohort seed {args.cohort_seed}: {result['n_subjects']} subjects, {result['n_trials']} trials, "
          f"protocol {args.protocol} ({result['n_folds']} folds); chance {result['chance']:.3f} (7 classes)")
    print(_row("encoder (head)", result["encoder"]))
    print(_row("encoder (probe)", result["encoder_probe"]))
    for name, m in result["baselines"].items():
        print(_row(name, m))
    print(_row("permuted labels", result["permuted"]["logreg"]))
    for task in ("valence", "arousal"):
        print(f"  {task} high/low balanced accuracy: " + ", ".join(
            f"{name} {m['balanced_accuracy']:.3f}" for name, m in result[task].items()))
    if result["channel_subsets"]:
        print("  encoder head on channel subsets: " + ", ".join(
            f"{k} ({v['n_channels']} ch) {v['balanced_accuracy']:.3f}" for k, v in result["channel_subsets"].items()))
    return 0
