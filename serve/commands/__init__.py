"""Subcommands of the `eegreason` CLI, in the order `--help` lists them (module names)."""

COMMANDS: tuple[str, ...] = (
    "ask",
    "inspect",
    "app",
    "serve",
    "train",
    "encoder-eval",
    "export",
    "evaluate",
    "experiment",
    "report",
    "verify",
    "synth",
)
