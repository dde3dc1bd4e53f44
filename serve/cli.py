"""`eegreason` command line: one subcommand per module in `serve/commands/`.

Each command module defines NAME, HELP, `add_arguments(parser)` and `run(args) -> int`. Errors a
user can cause (`EEGReasonError`) are printed as one sentence and exit non-zero without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from encoders.errors import EEGReasonError
from encoders.log import configure_logging

from .commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eegreason",
        description="Interpretable emotion reasoning over EEG recordings (research tool; not a medical device).",
    )
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR (default: $EEGREASON_LOG or INFO)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMANDS:
        module = importlib.import_module(f"serve.commands.{module_name.replace('-', '_')}")
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    configure_logging(args.log_level)
    try:
        return int(args._run(args) or 0)
    except EEGReasonError as err:
        print(f"eegreason: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("eegreason: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
