"""`eegreason train CONFIG --out DIR`: run one training stage from its YAML config."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "train"
HELP = "Run a training stage (encoder, align, instruct) from a YAML config or a bundled preset name."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", help="YAML file, or a bundled preset such as encoder-demo, align-demo, instruct-demo")
    parser.add_argument("--out", type=Path, required=True, help="artifact folder to write")
    parser.add_argument("--no-resume", action="store_true", help="start over even if the folder holds a partial run")


def run(args: argparse.Namespace) -> int:
    from training.config import load_config
    from training.stages import run_stage

    config = load_config(args.config)
    out = run_stage(config, args.out, resume=not args.no_resume)
    print(f"{config.stage} stage finished: {out}")
    return 0
