"""Run benchmarks by name: `python -m bench features serving ...` (all when none is named)."""

from __future__ import annotations

import argparse
import importlib

BENCHMARKS = ("features",)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default: all)")
    args = parser.parse_args()
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        module.main()


if __name__ == "__main__":
    main()
