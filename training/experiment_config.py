"""What an experiment is: a preset (the three stages' settings and how each fold is evaluated) and the
run's own choices (dataset, protocol, folds). Presets are YAML files in training/configs/experiments/:

    quick          the embedded LLM, short schedules (CPU minutes per fold)
    demo           the demo checkpoint's schedules
    qwen2.5-1.5b   Qwen2.5-1.5B-Instruct on GPUs (bf16; accelerate for several)
    qwen3-1.7b     Qwen3-1.7B on GPUs

A preset's stage sections hold the fields of that stage's config (training/config.py; unknown keys
refused). Per fold the experiment sets what the data is (dataset, folder, the fold's split, which
subjects) and where each stage reads the one before, so a preset never names a dataset or a path.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from encoders.errors import ConfigError

from .config import RATING_TARGETS, AlignStageConfig, EncoderStageConfig, InstructStageConfig, build_config, yaml_mapping
from .instruction_data import ARMS, TASKS
from .splits import PROTOCOLS

EXPERIMENT_PROTOCOLS = ("loso", "cross-session", "cross-trial")


@dataclass
class ExperimentEval:
    """How each fold's held-out subjects are evaluated."""

    arms: list[str] = field(default_factory=lambda: ["both", "no-pattern"])  # prompts compared (ARMS)
    tasks: list[str] = field(default_factory=lambda: ["emotion"])
    trials_per_fold: int = 0  # test trials drawn per fold, stratified by class (0: all)
    free_per_kind: int = 0
    pairs_per_fold: int = 8
    max_tokens: int = 220
    batch_size: int = 16
    engine: str = "vllm"  # vllm | transformers
    dtype: str = "float32"  # engine dtype: float32 on CPUs, bfloat16 on GPUs
    tensor_parallel_size: int = 1
    bootstrap: int = 1000  # resamples of subjects for the pooled intervals

    def __post_init__(self) -> None:
        unknown = [a for a in self.arms if a not in ARMS]
        if unknown or not self.arms:
            raise ConfigError(f"evaluate.arms {self.arms} must name prompts of {', '.join(ARMS)}.")
        wrong = [t for t in self.tasks if t not in TASKS]
        if wrong or not self.tasks:
            raise ConfigError(f"evaluate.tasks {self.tasks} must name tasks of {', '.join(TASKS)}.")
        if self.engine not in ("vllm", "transformers"):
            raise ConfigError(f"evaluate.engine must be vllm or transformers, not {self.engine!r}.")


@dataclass
class ExperimentPreset:
    name: str = "custom"
    # Share of a fold's training subjects that train stage 1; the rest train stages 2–3, so the
    # encoder's pattern match in their prompts is as unsure as it is on new people. With a given
    # pretrained encoder, every training subject trains stages 2–3.
    encoder_share: float = 0.5
    encoder: EncoderStageConfig = field(default_factory=EncoderStageConfig)
    align: AlignStageConfig = field(default_factory=AlignStageConfig)
    instruct: InstructStageConfig = field(default_factory=InstructStageConfig)
    evaluate: ExperimentEval = field(default_factory=ExperimentEval)

    def __post_init__(self) -> None:
        if not 0 < self.encoder_share < 1:
            raise ConfigError(f"encoder_share must be between 0 and 1 (a share of the training subjects), "
                              f"not {self.encoder_share}.")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def bundled_experiments() -> list[str]:
    folder = resources.files("training") / "configs" / "experiments"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_preset(name_or_path: str | Path) -> ExperimentPreset:
    """A bundled preset by name, or a preset YAML file."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise ConfigError(f"Preset file {path} does not exist.")
        text, where = path.read_text(), path.name
    else:
        bundled = resources.files("training") / "configs" / "experiments" / f"{name_or_path}.yaml"
        if not bundled.is_file():
            raise ConfigError(f"No experiment preset {str(name_or_path)!r}; choose one of "
                              f"{', '.join(bundled_experiments())}, or give a preset YAML file.")
        text, where = bundled.read_text(), f"{name_or_path}.yaml"
    data = yaml_mapping(text, where, "with encoder, align, instruct and evaluate sections")
    for stage in ("encoder", "align", "instruct"):
        section = data.get(stage) or {}
        if "stage" in section or "data" in section and any(k in (section["data"] or {}) for k in ("dataset", "root")):
            raise ConfigError(f"{where}: the {stage} section names its stage or data source; an experiment sets "
                              f"those per fold, so remove them.")
    return build_config(ExperimentPreset, data, where)


def override_preset(preset: ExperimentPreset, overrides: list[str]) -> ExperimentPreset:
    """`section.field=value` overrides on a preset (e.g. instruct.train.max_steps=5), with the stage
    configs' own checks."""
    from .stages import apply_overrides

    return apply_overrides(preset, overrides) if overrides else preset


@dataclass
class ExperimentConfig:
    """The run's own settings (saved as RUN/experiment.json; a resumed run must match them)."""

    # Fields with `help` are `eegreason experiment`'s options too (serve/commands/_dataclass_options.py).
    dataset: str
    root: str
    protocol: str = field(default="loso", metadata={"help": "the leak-free protocol", "choices": EXPERIMENT_PROTOCOLS})
    preset: str = field(default="quick", metadata={
        "help": "quick, demo, qwen2.5-1.5b, qwen3-1.7b, or a preset YAML file"})
    n_folds: int = field(default=5, metadata={"help": "folds of a cross-trial split"})
    seed: int = field(default=0, metadata={"help": "seed of the split and the subject division"})
    subjects: list[int] | None = None  # the subjects the experiment may use (None: all on disk)
    encoder: str | None = field(default=None, metadata={
        "help": "a pretrained stage-1 checkpoint every fold starts from"})
    llm: str | None = field(default=None, metadata={
        "help": "the LLM of stages 2-3 instead of the preset's (a local folder or preset)"})
    target: str = field(default="valence", metadata={"help": "DEAP/DREAMER: which ratings become the classes",
                                                     "choices": RATING_TARGETS})
    threshold: float | None = field(default=None, metadata={
        "help": "DEAP/DREAMER: a rating >= this is high (default: the scale's midpoint, 5 or 3)"})
    inclusive: bool = field(default=True, metadata={"help": "DEAP/DREAMER: high means rating > threshold",
                                                    "flag": "--strict"})
    overrides: list[str] = field(default_factory=list)
    processes: int = field(default=1, metadata={
        "help": "GPUs to train stages 2-3 on, data-parallel through accelerate; 1: in this process"})

    def __post_init__(self) -> None:
        if self.protocol not in EXPERIMENT_PROTOCOLS:
            raise ConfigError(f"Unknown protocol {self.protocol!r}; an experiment runs one of "
                              f"{', '.join(EXPERIMENT_PROTOCOLS)}.")
        assert set(EXPERIMENT_PROTOCOLS) <= set(PROTOCOLS)
        if self.n_folds < 2:
            raise ConfigError(f"Cross-trial splits need at least 2 folds, not {self.n_folds}.")
        if self.processes < 1:
            raise ConfigError(f"processes must be at least 1 (the GPUs to train stages 2-3 on), not {self.processes}.")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
