"""`eegreason` command line: one subcommand per module in `serve/commands/`.

Each command module defines NAME, HELP, `add_arguments(parser)` and `run(args) -> int`. Errors a
user can cause (`EEGReasonError`) are printed as one sentence and exit non-zero without a traceback.
SIGTERM and SIGHUP stop a command the way Ctrl-C does, and a command that started an engine leaves
none of its processes behind (serve/lifetime.py).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys

from encoders.errors import EEGReasonError
from encoders.hugepages import avoid_compaction_stalls
from encoders.log import configure_logging, get_logger

from . import lifetime, quiet
from .commands import COMMANDS

# vLLM starts its engine processes with `spawn`, which imports this module in each of them before
# vLLM itself: the one place to quiet their import-time warnings as well (serve/quiet.py).
quiet.quiet_if_inherited()


class CommandParser(argparse.ArgumentParser):
    """A command's parser that takes its positionals and options in any order, e.g.
    `train align-demo --out runs/x encoder=runs/e`: plain argparse gives a `nargs="*"` positional
    only the words before the first option, and calls the rest unrecognized."""

    _parsing = False

    def parse_known_args(self, args=None, namespace=None):
        # argparse's intermixed parsing calls this method itself, twice; and it cannot parse a
        # parser with actions of its own (`report draft|sign|…`): those leave it to their actions.
        if self._parsing or any(isinstance(a, argparse._SubParsersAction) for a in self._actions):
            return super().parse_known_args(args, namespace)
        self._parsing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._parsing = False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eegreason",
        description="Interpretable emotion reasoning over EEG recordings (research tool; not a medical device).",
    )
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR (default: $EEGREASON_LOG or INFO)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for module_name in COMMANDS:
        module = importlib.import_module(f"serve.commands.{module_name.replace('-', '_')}")
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Called without `argv`, as the program (console script, `python -m`), it
    exits right away once an engine has run, skipping the interpreter's final clean-up
    (`lifetime.exit_now`); a caller that passes `argv` gets the exit code back."""
    code = run_command(argv)
    if argv is None and lifetime.engine_started():
        lifetime.exit_now(code)
    return code


def _with_legacy_forms(argv: list[str]) -> list[str]:
    """Command lines of earlier releases that still work (a command module's `legacy_argv`)."""
    for i, word in enumerate(argv):
        if word in COMMANDS:
            module = importlib.import_module(f"serve.commands.{word.replace('-', '_')}")
            rewrite = getattr(module, "legacy_argv", None)
            return argv[: i + 1] + rewrite(argv[i + 1:]) if rewrite else argv
        if not word.startswith("-"):
            return argv
    return argv


def run_command(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(_with_legacy_forms(list(sys.argv[1:] if argv is None else argv)))
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    configure_logging(args.log_level)
    quiet.configure(verbose=get_logger().isEnabledFor(logging.DEBUG))
    avoid_compaction_stalls()  # seconds-long stalls on large fresh arrays otherwise (encoders/hugepages.py)
    # Processes already running belong to whoever runs this command in-process (a test, a notebook
    # holding an engine): the clean-up below ends only what the command started.
    running_before = lifetime.descendants() if argv is not None else frozenset()
    with lifetime.StopSignals() as stop:
        try:
            code = int(args._run(args) or 0)
            if stop.received is None:
                return code
            # Gradio's launch() takes the interrupt itself and returns: still a stop by signal.
        except EEGReasonError as err:
            print(f"eegreason: error: {err}", file=sys.stderr)
            return err.exit_code
        except KeyboardInterrupt:
            pass
        finally:
            lifetime.end_leftovers(keep=running_before)
    name = signal.Signals(stop.received or signal.SIGINT).name
    print("eegreason: interrupted" if name == "SIGINT" else f"eegreason: stopped ({name})", file=sys.stderr)
    return stop.exit_code


if __name__ == "__main__":
    sys.exit(main())
