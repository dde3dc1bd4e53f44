"""Stage configs: typed dataclasses that YAML files (training/configs/<stage>-<preset>.yaml) fill,
unknown keys refused. They embed the model's own architecture dataclasses (`EncoderArchitecture`,
`ProjectorArchitecture`) instead of copying their fields. Which class belongs to which stage, and
which runner runs it, is the stage table in training/stages.py. The loaded config is saved in the
checkpoint it produced, so a run can be reproduced from its output folder.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from encoders.errors import ConfigError
from encoders.model import EncoderArchitecture
from projector.registry import ProjectorArchitecture
from prompts.templates import DEFAULT_VERSION as LATEST_PROMPT_TEMPLATE

T = TypeVar("T")


@dataclass
class CohortSpec:
    """A synthetic cohort (encoders.synthetic.CohortConfig) for training, or several.

    Every synthetic cohort has its own film clips (stimulus responses shared by its viewers) and its
    own clip order. `seeds` trains on the first `subjects` people of each listed cohort instead of
    one cohort, so a pretrained encoder cannot lean on one clip set's quirks."""

    seed: int = 1
    subjects: int = 12  # per cohort
    seeds: list[int] = field(default_factory=list)  # several cohorts; empty: just `seed`
    sessions: int = 1
    trials_per_emotion: int = 3
    montage: str = "seed62"
    trial_seconds: float = 32.0

    def __post_init__(self) -> None:
        if not isinstance(self.seeds, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in self.seeds):
            raise ConfigError(f"cohort.seeds must be a list of whole numbers, e.g. [100, 101]; got {self.seeds!r}.")
        if len(set(self.seeds)) != len(self.seeds):
            raise ConfigError(f"cohort.seeds lists a cohort twice ({self.seeds}); each seed once.")

    def cohort(self, seed: int | None = None):
        """The one cohort (or, with `seed`, that cohort of the list)."""
        from encoders.synthetic import CohortConfig

        if seed is None and self.seeds:
            raise ConfigError("cohort.seeds (several cohorts) is for stage 1 only; give this stage one cohort.seed.")
        return CohortConfig(seed=self.seed if seed is None else seed, subjects=self.subjects,
                            sessions=self.sessions, trials_per_emotion=self.trials_per_emotion, montage=self.montage,
                            trial_seconds=self.trial_seconds)

    def cohorts(self) -> list:
        return [self.cohort(seed) for seed in (self.seeds or [self.seed])]


RELEASED = ("seed", "seed-iv", "seed-v", "seed-vii", "deap", "dreamer")  # encoders.datasets.DATASETS
RATING_TARGETS = ("valence", "arousal", "quadrants")


@dataclass
class DataSpec:
    """A released dataset a stage learns from, in its released layout (encoders.datasets), instead of
    the synthetic `cohort`. The label set comes from the dataset: SEED-VII's seven emotions, SEED-V's
    five, SEED-IV's four, SEED's three valence classes; DEAP's and DREAMER's ratings become high/low
    classes of `target` (or the four valence/arousal quadrants) by the stated threshold."""

    dataset: str = ""  # seed | seed-iv | seed-v | seed-vii | deap | dreamer; empty: the synthetic cohort
    root: str | None = None  # the dataset's folder (the one that holds its released files)
    subjects: list[int] | None = None  # the subjects this stage may use; None: every subject on disk
    target: str = "valence"  # rating datasets: valence | arousal (high/low) or quadrants (both)
    threshold: float | None = None  # rating datasets: "high" means rating >= threshold; None: the scale's midpoint
    inclusive: bool = True  # False: "high" means rating > threshold (libraries differ on ties)
    # A saved split (split.json) and one of its folds: the stage may use only that fold's training
    # trials (cross-session and cross-trial folds hold out sessions or trials, not whole subjects).
    split: str | None = None
    fold: str | None = None

    def __post_init__(self) -> None:
        if self.dataset not in ("", *RELEASED):
            raise ConfigError(f"data.dataset {self.dataset!r} is not a released dataset eegreason reads; choose one "
                              f"of {', '.join(RELEASED)}, or leave it empty for the synthetic cohort.")
        if self.dataset and not self.root:
            raise ConfigError(f"data.dataset {self.dataset} needs data.root, the folder of the released dataset "
                              f"(or --root on the command line).")
        if self.subjects is not None and (not isinstance(self.subjects, list) or not self.subjects or not all(
                isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in self.subjects)):
            raise ConfigError(f"data.subjects must be a list of subject numbers, e.g. [1, 2, 3]; got {self.subjects!r}.")
        if self.target not in RATING_TARGETS:
            raise ConfigError(f"data.target must be one of {', '.join(RATING_TARGETS)}, not {self.target!r}.")
        if (self.split is None) != (self.fold is None):
            raise ConfigError("data.split and data.fold go together: a saved split.json and the name of one of its folds.")

    @property
    def released(self) -> bool:
        return bool(self.dataset)


def data_fields(spec) -> dict[str, Any]:
    """The DataSpec part of a stage's `data` section (which may also hold task counts)."""
    return {f.name: getattr(spec, f.name) for f in dataclasses.fields(DataSpec)}


@dataclass
class EncoderTrainSpec:
    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 50
    seq_windows: int = 4  # consecutive usable windows per training crop
    crops_per_trial: int = 4  # crops drawn from every training trial per epoch
    supcon_weight: float = 0.5  # supervised contrastive term beside cross-entropy
    supcon_temperature: float = 0.1
    recon_weight: float = 0.1  # masked-feature reconstruction (also usable on unlabelled data)
    mask_ratio: float = 0.25
    channel_dropout: float = 0.3  # max share of channels hidden per crop (montage robustness)
    subset_prob: float = 0.3  # chance a crop is restricted to a smaller standard montage
    seed: int = 0
    device: str = "cpu"  # "cuda", "cuda:1", or "auto" (a GPU when there is one)


@dataclass
class EncoderStageConfig:
    stage: str = "encoder"
    name: str = "encoder"
    cohort: CohortSpec = field(default_factory=CohortSpec)
    data: DataSpec = field(default_factory=DataSpec)  # a released dataset instead of the cohort
    validation_subjects: int = 2  # the last N subjects are held out for validation curves
    model: EncoderArchitecture = field(default_factory=EncoderArchitecture)
    train: EncoderTrainSpec = field(default_factory=EncoderTrainSpec)
    window_s: float = 4.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_config(cls: type[T], data: dict[str, Any], where: str) -> T:
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a mapping of settings.")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(fields)
    if unknown:
        raise ConfigError(f"{where} has unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(fields)}.")
    hints = typing.get_type_hints(cls)  # resolves string annotations in the class's own module
    values = {}
    for name, value in data.items():
        target = hints.get(name)
        nested = dataclasses.is_dataclass(target)
        values[name] = build_config(target, value, f"{where}.{name}") if nested else value
    return cls(**values)


# ---- LLM stages ---------------------------------------------------------------------------------


@dataclass
class LoraSpec:
    r: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj",
                                                               "gate_proj", "up_proj", "down_proj"])
    # LoRA on the last N decoder layers only (None: all). With a frozen projector the backward pass
    # then stops at the lowest adapted layer: about half the cost of a step on a CPU.
    layers: int | None = None


@dataclass
class LLMTrainSpec:
    epochs: int = 1
    max_steps: int | None = None  # stop early after this many optimiser steps
    batch_size: int = 8
    grad_accum: int = 1
    lr: float = 1e-3  # projector
    lora_lr: float = 2e-4
    weight_decay: float = 0.0
    warmup_steps: int = 10
    save_every: int = 25  # steps between resumable snapshots
    max_length: int = 640
    seed: int = 0
    mixed_precision: str | None = None  # accelerate's: "bf16" on GPUs; None: accelerate's own setting (none on CPU)
    # Batches of examples of similar length (drawn from shuffled pools of 16 batches): less padding,
    # about a quarter less compute on the mixed-length instruction data, the same examples per epoch.
    group_by_length: bool = True


@dataclass
class TaskMix:
    """How many examples of each task to build."""

    emotion: int = 0  # emotion judgements with both inputs (EEG tokens and evidence text)
    valence_arousal: int = 0
    compare: int = 0
    rank: int = 0
    scenario: int = 0
    record: int = 0
    abstain: int = 0
    # The emotion task without one input, so the model reads both: EEG tokens only, evidence text
    # only, and EEG tokens with the measured features but no pattern match.
    eeg_only: int = 0
    text_only: int = 0
    no_pattern: int = 0
    free: int = 0  # free questions, spread over the kinds of prompts.questions
    conversation: int = 0  # an answer, then follow-up questions
    align: int = 0  # stage 2: questions answered from the EEG tokens alone

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(TaskMix) if getattr(self, f.name)}


@dataclass
class LLMStageData(TaskMix, DataSpec):
    """What an LLM stage learns from: how many examples of each task (TaskMix), built from a released
    dataset (the DataSpec fields) or, without one, the synthetic cohort."""



@dataclass
class AlignStageConfig:
    stage: str = "align"
    name: str = "align"
    encoder: str = "runs/encoder-demo"  # stage-1 artifact folder
    llm: str = "embedded:smollm2-135m-instruct"
    cohort: CohortSpec = field(default_factory=lambda: CohortSpec(seed=2, subjects=10))
    validation_subjects: int = 2  # held out of the LLM stages (monitoring only)
    projector: ProjectorArchitecture = field(default_factory=ProjectorArchitecture)
    degraded_share: float = 0.25  # share of cohort trials also made as damaged copies (quality alignment)
    data: LLMStageData = field(default_factory=lambda: LLMStageData(align=800))
    train: LLMTrainSpec = field(default_factory=LLMTrainSpec)
    window_s: float = 4.0

    def __post_init__(self) -> None:
        self.data = _stage_data(self.data, type(self))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class InstructStageConfig:
    stage: str = "instruct"
    name: str = "instruct"
    align: str = "runs/align-demo"  # stage-2 artifact folder (a checkpoint)
    degraded_share: float = 0.25  # share of cohort trials also made as damaged copies (abstention)
    # Without a dataset of its own, stage 3 learns from the data (and subjects) stage 2 used.
    data: LLMStageData = field(default_factory=lambda: LLMStageData(
        emotion=45, eeg_only=45, text_only=15, no_pattern=25, valence_arousal=30, compare=30, rank=20, scenario=30,
        record=15, abstain=40, free=120, conversation=25))
    lora: LoraSpec = field(default_factory=LoraSpec)
    train_projector: bool = True
    train: LLMTrainSpec = field(default_factory=lambda: LLMTrainSpec(batch_size=4, lr=3e-4))
    # The chat prompt the model is tuned on and served with (prompts/templates/<version>.yaml).
    prompt_template: str = LATEST_PROMPT_TEMPLATE

    def __post_init__(self) -> None:
        self.data = _stage_data(self.data, type(self))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _stage_data(data, config_class) -> LLMStageData:
    """An LLM stage's data section: a plain TaskMix (task counts only, the synthetic cohort) made one,
    and a section that names no task counts (`data: {dataset: seed-vii, root: ...}`) given the stage's
    default mix, so naming a dataset never leaves the stage nothing to learn."""
    if type(data) is TaskMix:
        data = LLMStageData(**asdict(data))
    if not data.counts():
        default = {f.name: f for f in dataclasses.fields(config_class)}["data"].default_factory()
        data = dataclasses.replace(default, **data_fields(data))
    return data




@dataclass
class ExportStageConfig:
    stage: str = "export"
    name: str = "export"
    checkpoint: str = "runs/instruct-demo"  # stage-3 checkpoint with a LoRA adapter

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def yaml_mapping(text: str, where: str, expected: str) -> dict:
    """A YAML document that must be a mapping (a stage config, an experiment preset); `where` names
    the file and `expected` what it should hold, for the one-sentence refusal."""
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where} is not valid YAML ({str(exc).splitlines()[0]}).") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a mapping {expected}.")
    return data
