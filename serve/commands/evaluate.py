"""`eegreason evaluate`: batch evaluation of reasoning accuracy (resumable; writes RUN_DIR).

The run's options are `EvalConfig`'s fields (their help, choices and types), and the engine's are
`EngineConfig`'s, as for every command that starts one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ._options import add_engine_arguments, engine_config

NAME = "evaluate"
HELP = "Evaluate a checkpoint's answers, reasoning consistency, faithfulness and calibration on a leak-free split."
# Worked out from other settings when not given (see `run`).
DERIVED = {"checkpoint": "checkpoint folder (default: the demo checkpoint)",
           "sessions": "synthetic: sessions per subject (default 1; 2 for cross-session)",
           "reference": "band-power reference of the evidence z-scores: the checkpoint's, or refitted on each fold's "
                        "training trials (default: checkpoint for synthetic, train-fold for released datasets)"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from evaluation import EvalConfig

    from ._dataclass_options import add_dataclass_options

    run = parser.add_argument_group("run")
    add_dataclass_options(run, EvalConfig, exclude=("engine",), defaults=dict.fromkeys(DERIVED), helps=DERIVED)
    run.add_argument("--out", type=Path, required=True, help="run folder (an interrupted run resumes)")
    run.add_argument("--rescore", action="store_true", help="only recompute metrics and report from --out")
    add_engine_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print metrics.json")


def recorded_engine(args: argparse.Namespace) -> dict:
    """The engine settings a run records: the engine and dtype, and any other setting given that is
    not the default (so runs started before these options existed still resume)."""
    from dataclasses import asdict

    from serve.engines import EngineConfig

    settings, defaults = asdict(engine_config(args)), asdict(EngineConfig())
    return {k: v for k, v in settings.items() if k in ("backend", "dtype") or v != defaults[k]}


def eval_config(args: argparse.Namespace):
    from evaluation import EvalConfig
    from projector.checkpoint import default_checkpoint
    from training.splits import sessions_needed

    from ._dataclass_options import dataclass_values

    values = dataclass_values(EvalConfig, args, exclude=("engine",))
    values.update(
        checkpoint=str(args.checkpoint or default_checkpoint()),
        sessions=args.sessions or sessions_needed(args.protocol),
        reference=args.reference or ("checkpoint" if args.dataset == "synthetic" else "train-fold"),
        engine=recorded_engine(args))
    return EvalConfig(**values)


def run(args: argparse.Namespace) -> int:
    from evaluation import rescore, run_evaluation
    from serve.assistant import answerer_for

    if args.rescore:
        metrics = rescore(args.out)
    else:
        config = eval_config(args)
        # The model loads once the run's own checks pass (a bad folder is refused at once).
        metrics = run_evaluation(config, args.out, answerer_for(config.checkpoint, config.engine),
                                 progress=not args.json)
    if args.json:
        print(json.dumps(metrics, indent=2))
        return 0

    def num(value):
        return "n/a" if value is None or value != value else f"{value:.3f}"

    print(f"{metrics['n_items']} items -> {args.out}/ (report.html, metrics.json, results.jsonl)")
    print(f"  7-way emotion: accuracy {num(metrics['accuracy'])}, balanced {num(metrics['balanced_accuracy'])}, "
          f"macro-F1 {num(metrics['macro_f1'])}, kappa {num(metrics['cohen_kappa'])}")
    print(f"  parse rate {num(metrics['parse_rate'])}, consistency {num(metrics['consistency'])}, "
          f"faithfulness {num(metrics['faithfulness'])}, ECE {num(metrics['ece'])}")
    print(f"  abstains on poor {num(metrics['abstain_on_poor'])}, on good {num(metrics['abstain_on_good'])}; "
          f"zero-shot scenarios {num(metrics['zero_shot_scenario_accuracy'])}")
    for task, m in metrics["tasks"].items():
        print(f"  {task:<16} n {m['n']:>4}  accuracy {num(m.get('accuracy'))}  parse {num(m['parse_rate'])}  "
              f"consistency {num(m['consistency'])}  faithfulness {num(m['faithfulness'])}")
    return 0
