"""Command-line options made from a dataclass's fields, so a setting is written once: its type,
default, help and choices come from the field (its `metadata`), and the values read back build the
dataclass. A field's metadata may hold:

    help      the option's help (required: a field without it is not an option)
    choices   the values allowed
    flag      the option's name where it is not `--field-name` (e.g. "--engine", "--no-eager")
    aliases   further names that keep older spellings working

A boolean field that defaults to False becomes a switch that sets it; one that defaults to True
becomes a switch (`flag`, or `--no-field-name`) that clears it. A list becomes `nargs="+"`.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from pathlib import Path

_MISSING = dataclasses.MISSING


def _plain_type(hint) -> tuple[type, bool]:
    """(the value type, whether it is a list) of a field's type hint; `X | None` gives X."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _plain_type(inner[0]) if len(inner) == 1 else (str, False)
    if origin in (list, tuple):
        args = typing.get_args(hint)
        return (args[0] if args else str), True
    return hint, False


def _default_of(f: dataclasses.Field):
    if f.default is not _MISSING:
        return f.default
    if f.default_factory is not _MISSING:
        return f.default_factory()
    return None


def option_fields(cls, exclude: tuple[str, ...] = ()) -> list[dataclasses.Field]:
    """The fields of `cls` that are options: those with help, less `exclude`."""
    return [f for f in dataclasses.fields(cls) if "help" in f.metadata and f.name not in exclude]


def flag_of(f: dataclasses.Field) -> str:
    if "flag" in f.metadata:
        return f.metadata["flag"]
    name = f.name.replace("_", "-")
    return f"--no-{name}" if f.type in (bool, "bool") and _default_of(f) is True else f"--{name}"


def add_dataclass_options(parser, cls, exclude: tuple[str, ...] = (), defaults: dict | None = None,
                          helps: dict | None = None, prefix: str = "") -> list[str]:
    """One option per field of `cls` (see the module's docstring) on `parser` (a parser or a group),
    read back as `args.<prefix><field>` (a prefix keeps two dataclasses' `seed` fields apart).
    `defaults` replaces a field's default on this command line (e.g. None where the command works
    the default out itself) and `helps` its help; returns the fields added."""
    hints = typing.get_type_hints(cls)
    defaults, helps = defaults or {}, helps or {}
    added = []
    for f in option_fields(cls, exclude):
        default = defaults.get(f.name, _default_of(f))
        text = helps.get(f.name, f.metadata["help"])
        names = [flag_of(f), *f.metadata.get("aliases", ())]
        kind, many = _plain_type(hints[f.name])
        if kind is bool:
            clears = _default_of(f) is True
            parser.add_argument(*names, dest=prefix + f.name, action="store_false" if clears else "store_true",
                                default=default, help=text)
        else:
            extra = {"nargs": "+"} if many else {}
            if "choices" in f.metadata:
                extra["choices"] = tuple(f.metadata["choices"])
                if many:  # argparse would spell every choice out twice in the usage line
                    extra["metavar"] = f.name.upper().removesuffix("S")
                    text = f"{text}: one or more of {', '.join(extra['choices'])}"
            if default is not None and "default" not in text:
                shown = " ".join(map(str, default)) if many else default
                text = f"{text} (default: {shown})"
            parser.add_argument(*names, dest=prefix + f.name, type=Path if kind is Path else kind, default=default,
                                help=text, **extra)
        added.append(f.name)
    return added


def dataclass_values(cls, args: argparse.Namespace, exclude: tuple[str, ...] = (), prefix: str = "") -> dict:
    """The values of `cls`'s option fields read back from parsed `args` (lists as lists)."""
    values = {}
    for f in option_fields(cls, exclude):
        value = getattr(args, prefix + f.name)
        values[f.name] = list(value) if isinstance(value, tuple) else value
    return values
