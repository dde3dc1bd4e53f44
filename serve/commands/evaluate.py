"""`eegreason evaluate`: batch evaluation of reasoning accuracy (resumable; writes RUN_DIR)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ._options import add_frequency_penalty

NAME = "evaluate"
HELP = "Evaluate a checkpoint's answers, reasoning consistency, faithfulness and calibration on a leak-free split."
DATASETS = ("synthetic", "seed", "seed-iv", "seed-v", "seed-vii", "deap", "dreamer")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from evaluation import EVAL_TASKS

    parser.add_argument("--checkpoint", type=Path, default=None, help="checkpoint (default: the demo checkpoint)")
    parser.add_argument("--dataset", choices=DATASETS, default="synthetic")
    parser.add_argument("--root", type=Path, default=None, help="folder of a released dataset")
    parser.add_argument("--cohort-seed", type=int, default=20, help="synthetic: cohort seed (not one used in training)")
    parser.add_argument("--subjects", type=int, default=6, help="synthetic: subjects")
    parser.add_argument("--sessions", type=int, default=None, help="synthetic: sessions (default 1; 2 for cross-session)")
    parser.add_argument("--trials-per-emotion", type=int, default=2, help="synthetic: trials per emotion per session")
    parser.add_argument("--protocol", choices=("loso", "cross-trial", "cross-session", "leave-stimulus-out"),
                        default="loso")
    parser.add_argument("--folds", type=int, default=5, help="folds of cross-trial and leave-stimulus-out")
    parser.add_argument("--tasks", nargs="+", choices=EVAL_TASKS, default=list(EVAL_TASKS))
    parser.add_argument("--ablation", choices=("both", "eeg-only", "text-only"), default="both",
                        help="what the model gets: EEG tokens and evidence text, or only one of them")
    parser.add_argument("--reference", choices=("checkpoint", "train-fold"), default=None,
                        help="band-power reference for evidence z-scores (default: checkpoint for synthetic, "
                             "train-fold for released datasets)")
    parser.add_argument("--out", type=Path, required=True, help="run folder (an interrupted run resumes)")
    parser.add_argument("--rescore", action="store_true", help="only recompute metrics and report from --out")
    parser.add_argument("--engine", choices=("vllm", "transformers"), default="vllm")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--max-tokens", type=int, default=220)
    add_frequency_penalty(parser)
    parser.add_argument("--batch-size", type=int, default=32,
                        help="most items in the engine at once (vLLM: capped by its batch of 16 requests; "
                             "the transformers engine answers one at a time)")
    parser.add_argument("--json", action="store_true", help="print metrics.json")


def run(args: argparse.Namespace) -> int:
    from evaluation import EvalConfig, rescore, run_evaluation
    from projector.checkpoint import default_checkpoint
    from serve.assistant import answerer_for

    if args.rescore:
        metrics = rescore(args.out)
    else:
        config = EvalConfig(
            checkpoint=str(args.checkpoint or default_checkpoint()), dataset=args.dataset,
            root=str(args.root) if args.root else None, cohort_seed=args.cohort_seed, subjects=args.subjects,
            sessions=args.sessions or (2 if args.protocol == "cross-session" else 1),
            trials_per_emotion=args.trials_per_emotion, protocol=args.protocol, n_folds=args.folds,
            tasks=list(args.tasks), ablation=args.ablation,
            reference=args.reference or ("checkpoint" if args.dataset == "synthetic" else "train-fold"),
            max_tokens=args.max_tokens, frequency_penalty=args.frequency_penalty, batch_size=args.batch_size,
            engine={"backend": args.engine, "dtype": args.dtype})
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
