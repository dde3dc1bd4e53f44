"""`eegreason export CHECKPOINT --out DIR`: merge the LoRA adapter into the LLM; one folder vLLM serves."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "export"
HELP = "Merge a checkpoint's LoRA adapter into its LLM and write one served-model folder."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("checkpoint", type=Path, help="stage-3 checkpoint folder (with adapter/)")
    parser.add_argument("--out", type=Path, required=True, help="served-model folder to write")


def run(args: argparse.Namespace) -> int:
    from training.export import export_checkpoint

    out = export_checkpoint(args.checkpoint, args.out)
    print(f"exported to {out} (serve with: eegreason app --checkpoint {out})")
    return 0
