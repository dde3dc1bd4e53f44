"""Run benchmarks by name: `python -m bench features serving ...` (all when none is named)."""

from __future__ import annotations

import argparse
import importlib

BENCHMARKS = ("features", "encoder", "serving", "evaluate")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        module.main()


if __name__ == "__main__":
    main()
