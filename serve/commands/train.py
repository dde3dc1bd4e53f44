"""`eegreason train CONFIG [section.field=value ...] --out DIR [--dataset NAME --root DIR]`: run one
training stage from its config (a YAML file, a bundled preset, or a stage name for its defaults), on
the synthetic cohort or a released dataset."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "train"
HELP = "Run a training stage (encoder, align, instruct, export) from a YAML config or a bundled preset name."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", help="YAML file, or a bundled preset such as encoder-demo, align-demo, instruct-demo")
    parser.add_argument("overrides", nargs="*", metavar="section.field=value",
                        help="change settings of the config, e.g. train.epochs=5 cohort.seed=3 (values are YAML)")
    from training.config import RELEASED

    parser.add_argument("--dataset", choices=RELEASED,
                        help="learn from this released dataset instead of the synthetic cohort (its labels: "
                             "the label set)")
    parser.add_argument("--root", type=Path, help="folder of the released dataset")
    parser.add_argument("--subjects", help="subjects the stage may use, e.g. 1-10 or 1,3,5 (default: all)")
    parser.add_argument("--out", type=Path, required=True, help="artifact folder to write")
    parser.add_argument("--no-resume", action="store_true", help="start over even if the folder holds a partial run")


def run(args: argparse.Namespace) -> int:
    from training.stages import apply_overrides, load_config, parse_subjects, run_stage, with_data

    config = apply_overrides(load_config(args.config), args.overrides)
    config = with_data(config, args.dataset, args.root, parse_subjects(args.subjects) if args.subjects else None)
    out = run_stage(config, args.out, resume=not args.no_resume)
    print(f"{config.stage} stage finished: {out}")
    return 0
