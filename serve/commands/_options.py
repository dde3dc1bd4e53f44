"""Options shared by commands that load a model: the checkpoint, the engine and how answers are
decoded. The engine's options are `EngineConfig`'s fields and the decoding options
`GenerationParams`'s, made by `_dataclass_options` from each field's type, default and help, so
every command that starts an engine takes the same flags and a new setting needs no new option."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._dataclass_options import add_dataclass_options, dataclass_values

ENGINE = "engine_"  # the engine's settings are args.engine_<field> (its seed is not the sampling seed)


def add_checkpoint_argument(parser, help: str | None = None) -> None:
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help=help or "checkpoint folder (default: the bundled demo checkpoint, or $EEGREASON_CHECKPOINT)")


def add_with_argument(parser: argparse.ArgumentParser, help: str) -> None:
    """`--with RECORDING`, repeatable: the further recordings a command takes beside its first."""
    parser.add_argument("--with", dest="others", metavar="RECORDING", type=Path, action="append", default=[], help=help)


def recording_paths(args: argparse.Namespace) -> list[Path]:
    """The first recording and those given with `--with`, refused when there are more than a
    conversation holds (before any file is read)."""
    from encoders.errors import ConfigError
    from serve.assistant import MAX_RECORDINGS

    paths = [args.recording, *args.others]
    if len(paths) > MAX_RECORDINGS:
        raise ConfigError(f"{len(paths)} recordings were given; give at most {MAX_RECORDINGS} at once "
                          f"(the first and two --with).")
    return paths


def add_engine_arguments(parser: argparse.ArgumentParser, exclude: tuple[str, ...] = (),
                         defaults: dict | None = None, helps: dict | None = None) -> None:
    """EngineConfig's fields as options (`--engine`, `--dtype`, `--no-eager`, `--max-model-len`, ...),
    read back as `args.engine_<field>`."""
    from serve.engines import EngineConfig

    add_dataclass_options(parser.add_argument_group("engine"), EngineConfig, exclude, defaults, helps, ENGINE)


def add_generation_arguments(parser: argparse.ArgumentParser, defaults: dict | None = None) -> None:
    """GenerationParams's fields as options (`--max-tokens`, `--temperature`, `--frequency-penalty`, ...)."""
    from projector.decoding import GenerationParams

    add_dataclass_options(parser.add_argument_group("decoding"), GenerationParams, defaults=defaults)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """The checkpoint, the engine and the decoding options of a command that answers questions."""
    model = parser.add_argument_group("model")
    add_checkpoint_argument(model)
    model.add_argument("--no-routing", dest="routing", action="store_false",
                       help="let the model alone decide what a question asks (default: a reply about one recording "
                            "starts with the opening of the kind the question router reads, where it is sure)")
    add_engine_arguments(parser)
    add_generation_arguments(parser)


def engine_settings(args: argparse.Namespace, exclude: tuple[str, ...] = ()) -> dict:
    from serve.engines import EngineConfig

    return dataclass_values(EngineConfig, args, exclude, ENGINE)


def engine_config(args: argparse.Namespace):
    """The engine's settings from the command line, checked before anything starts."""
    from serve.engines import engine_config as checked

    return checked(engine_settings(args))


def generation_params(args: argparse.Namespace):
    from projector.decoding import GenerationParams

    return GenerationParams(**dataclass_values(GenerationParams, args))


def load_assistant(args: argparse.Namespace):
    """The assistant with its engine started; answers are decoded as the command line says."""
    from serve.assistant import Assistant

    settings, generation = engine_config(args), generation_params(args)  # refused before a model loads
    return Assistant(args.checkpoint, settings, generation=generation, routing=getattr(args, "routing", True))
