"""The stage table: every training stage's config class and runner, in one place.

A config file names its stage; `load_config` builds that stage's typed config from YAML (unknown
keys refused), `apply_overrides` changes fields from the command line (`train.epochs=5`), and
`run_stage` calls the stage's runner, which writes one artifact folder.
"""

from __future__ import annotations

import dataclasses
import importlib
import typing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from encoders.errors import ConfigError

from .config import (yaml_mapping, AlignStageConfig, EncoderStageConfig, ExportStageConfig, InstructStageConfig,
                     build_config)


@dataclass(frozen=True)
class Stage:
    config: type  # the stage's config dataclass
    runner: str  # "module:function", imported when the stage runs so `eegreason --help` stays fast
    summary: str


STAGES: dict[str, Stage] = {
    "encoder": Stage(EncoderStageConfig, "training.encoder_stage:train_encoder",
                     "emotion-discriminative pretraining of the EEG encoder"),
    "align": Stage(AlignStageConfig, "training.llm_stages:run_align",
                   "projector learns to speak for the frozen encoder to the frozen LLM"),
    "instruct": Stage(InstructStageConfig, "training.llm_stages:run_instruct",
                      "LoRA + projector on multi-task instructions with chain-of-thought"),
    "export": Stage(ExportStageConfig, "training.export:export_checkpoint",
                    "LoRA merged into the LLM: one folder vLLM serves"),
}


def bundled_presets() -> list[str]:
    folder = resources.files("training") / "configs"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_config(path_or_name: str | Path):
    """A stage config from a YAML path, a bundled preset name like "encoder-demo", or a bare stage
    name ("encoder", "align", "instruct", "export": that stage's defaults)."""
    path = Path(path_or_name)
    if str(path_or_name) in STAGES:
        return STAGES[str(path_or_name)].config()
    if path.suffix not in (".yaml", ".yml"):
        bundled = resources.files("training") / "configs" / f"{path_or_name}.yaml"
        if not bundled.is_file():
            raise ConfigError(f"No config {path_or_name!r}: give a YAML file or a bundled preset "
                              f"({', '.join(bundled_presets())}).")
        text = bundled.read_text()
        where = f"{path_or_name}.yaml"
    else:
        if not path.exists():
            raise ConfigError(f"Config file {path} does not exist.")
        text = path.read_text()
        where = path.name
    data = yaml_mapping(text, where, "of settings, starting with `stage:`")
    stage = data.get("stage")
    if stage not in STAGES:
        raise ConfigError(f"{where} names stage {stage!r}; known stages: {', '.join(STAGES)}.")
    return build_config(STAGES[stage].config, data, where)


def apply_overrides(config, overrides: list[str]):
    """Set `section.field=value` overrides (values parsed as YAML: numbers, lists, true/false) on a
    stage config, with the same checks as the file: unknown fields refused, nested sections rebuilt."""
    for item in overrides:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"Override {item!r} must look like section.field=value (e.g. train.epochs=5).")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ConfigError(f"The value of override {item!r} is not valid YAML.") from None
        *path, name = key.split(".")
        chain = [config]  # the config and each nested section down to the one that holds `name`
        for part in path:
            target = chain[-1]
            if not dataclasses.is_dataclass(target) or part not in {f.name for f in dataclasses.fields(target)}:
                raise ConfigError(f"Override {item!r}: {type(target).__name__} has no section {part!r}.")
            chain.append(getattr(target, part))
        target = chain[-1]
        if not dataclasses.is_dataclass(target):
            raise ConfigError(f"Override {item!r}: {'.'.join(path)} is a setting, not a section.")
        fields = {f.name for f in dataclasses.fields(target)}
        if name not in fields:
            raise ConfigError(f"Override {item!r}: {type(target).__name__} has no setting {name!r}; known: "
                              f"{', '.join(sorted(fields))}.")
        if name == "stage" and target is config:
            raise ConfigError("The stage of a config cannot be overridden; pick another config.")
        hint = typing.get_type_hints(type(target)).get(name)
        if dataclasses.is_dataclass(hint):
            value = build_config(hint, value, key)
        # Rebuild each section from the inside out (dataclasses.replace re-runs their checks).
        for parent_name, section in zip(reversed([*path, name]), reversed(chain)):
            value = dataclasses.replace(section, **{parent_name: value})
        config = value
    return config


def with_data(config, dataset: str | None = None, root: str | Path | None = None,
              subjects: list[int] | None = None):
    """The config learning from a released dataset (`eegreason train STAGE --dataset NAME --root DIR`):
    its `data` section's dataset, folder and subjects set together (so their checks see all three)."""
    if dataset is None and root is None and subjects is None:
        return config
    if not hasattr(config, "data") or not hasattr(config.data, "dataset"):
        raise ConfigError(f"The {config.stage} stage reads no data; --dataset, --root and --subjects do not apply.")
    changes = {k: v for k, v in (("dataset", dataset), ("root", None if root is None else str(root)),
                                 ("subjects", subjects)) if v is not None}
    return dataclasses.replace(config, data=dataclasses.replace(config.data, **changes))


def parse_subjects(text: str) -> list[int]:
    """"1-5,8" → [1, 2, 3, 4, 5, 8]."""
    out: list[int] = []
    try:
        for part in filter(None, (p.strip() for p in str(text).split(","))):
            low, sep, high = part.partition("-")
            out += list(range(int(low), int(high) + 1)) if sep else [int(low)]
    except ValueError:
        raise ConfigError(f"Subjects {text!r} must be numbers and ranges, e.g. 1-10 or 1,3,5.") from None
    if not out:
        raise ConfigError(f"Subjects {text!r} name no subject; give e.g. 1-10 or 1,3,5.")
    return sorted(set(out))


def run_stage(config, out: Path, resume: bool = True, progress: bool = True) -> Path:
    stage = STAGES.get(getattr(config, "stage", None))
    if stage is None:
        raise ConfigError(f"No training stage {getattr(config, 'stage', None)!r}; known: {', '.join(STAGES)}.")
    module, function = stage.runner.split(":")
    runner = getattr(importlib.import_module(module), function)
    return runner(config, Path(out), resume=resume, progress=progress)


__all__ = ["STAGES", "Stage", "apply_overrides", "bundled_presets", "load_config", "parse_subjects", "run_stage",
           "with_data"]


def describe_stages() -> dict[str, Any]:
    """Stage name → one line (for `eegreason train --help`)."""
    return {name: stage.summary for name, stage in STAGES.items()}


def launch_command(config_path: Path, out: Path, processes: int) -> list[str]:
    """The command that runs a stage's saved config data-parallel over `processes` GPUs with
    accelerate (every process runs this module; only the main one writes snapshots)."""
    import sys

    return [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(processes),
            "-m", "training.stages", str(config_path), "--out", str(out)]


def main(argv: list[str] | None = None) -> int:
    """`python -m training.stages CONFIG.yaml --out DIR`: one stage from a saved config (what
    `launch_command` starts in each process)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m training.stages")
    parser.add_argument("config")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    run_stage(load_config(args.config), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
