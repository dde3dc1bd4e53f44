"""Run benchmarks by name: `python -m bench features analysis serving ...` (all when none is named).

`python -m bench reliability [options]` runs the reliability checks (fuzz, kill -9, concurrent chats,
security; see bench/reliability). They are not in the default list: at their reported sizes they
take the better part of an hour and start vLLM twice.
"""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = ("features", "analysis", "encoder", "serving", "first-token", "evaluate")
# Run by name only: the dataset-features benchmark writes 19 GB and computes 100 hours of EEG; the
# quick experiment trains and evaluates two folds (about 10 minutes on 2 cores); the question banks
# start vLLM and answer eight banks' free questions twice (about 50 minutes); the claim mutations read
# the demo evaluation's stored run (runs/eval-demo, written by bench.demo_model).
BY_NAME = ("dataset_features", "experiment_quick", "question_banks", "claim_mutations")


def main() -> None:
    if sys.argv[1:2] == ["reliability"]:  # its own options (--only, --n, ...)
        from bench.reliability import main as reliability

        reliability(sys.argv[2:])
        return
    if sys.argv[1:2] and sys.argv[1] in BY_NAME:  # with its own options (--subjects, --seconds, ...)
        importlib.import_module(f"bench.{sys.argv[1]}").main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all); "
                                                 f"`reliability [options]` runs the reliability checks")
    args = parser.parse_args()
    unknown = set(args.names) - set(BENCHMARKS) - set(BY_NAME)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS + BY_NAME)}")
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"bench.{name.replace('-', '_')}")
        module.main()


if __name__ == "__main__":
    main()
