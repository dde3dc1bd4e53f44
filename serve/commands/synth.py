"""`eegreason synth --out DIR`: write a synthetic emotion-EEG cohort (EDF and/or FIF + labels.csv).

The generator lives in `encoders.synthetic`; this command only parses options and reports. Heavy
imports (numpy, MNE, pyedflib) happen inside `run` so `eegreason --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path


NAME = "synth"
HELP = "Write a deterministic SYNTHETIC emotion-EEG cohort (files + labels.csv) for tests and benchmarks."

FORMATS = ("edf", "fif")


def _formats(text: str) -> tuple[str, ...]:
    """'edf,fif' → ('edf', 'fif'); argparse turns the ValueError into a usage message."""
    items = tuple(dict.fromkeys(part.strip().lower().lstrip(".") for part in text.split(",") if part.strip()))
    bad = [item for item in items if item not in FORMATS]
    if not items or bad:
        raise argparse.ArgumentTypeError(f"formats must be a comma-separated subset of {','.join(FORMATS)}")
    return items


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from encoders.synthetic import CohortConfig

    from ._dataclass_options import add_dataclass_options

    parser.add_argument("--out", type=Path, required=True,
                        help="folder to write the cohort into (created if missing)")
    parser.add_argument("--seed", type=int, default=0,
                        help="cohort seed: the same seed gives identical files (default 0)")
    parser.add_argument("--subjects", type=int, default=8, help="number of simulated people (default 8)")
    add_dataclass_options(parser, CohortConfig)
    parser.add_argument("--formats", type=_formats, default=FORMATS,
                        help="edf, fif or edf,fif (default edf,fif)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def run(args: argparse.Namespace) -> int:
    from encoders.synthetic import CohortConfig, write_cohort

    from ._dataclass_options import dataclass_values

    cfg = CohortConfig(seed=args.seed, subjects=args.subjects, **dataclass_values(CohortConfig, args))
    labels = write_cohort(cfg, args.out, formats=args.formats, progress=not args.no_progress)
    trials = cfg.subjects * cfg.sessions * cfg.trials_per_session
    print(f"Wrote {trials * len(args.formats)} SYNTHETIC EEG files ({trials} trials x {','.join(args.formats)}, "
          f"{cfg.montage}, seed {cfg.seed}) to {args.out} with labels in {labels.name}; "
          f"they are generated, not recorded from people.")
    return 0
