"""What an evaluation run is: its settings, written once (the CLI's options are derived from these
fields and their help), and the checks that refuse a run that cannot succeed before anything loads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from encoders.channels import MONTAGES
from encoders.datasets.registry import DATASETS
from encoders.errors import ConfigError
from projector.decoding import GenerationParams
from prompts.questions import HELDOUT, check_heldout_bank
from training.instruction_data import TASKS
from training.splits import PROTOCOLS, sessions_needed

_NUMBERS = {1: "one", 2: "two", 3: "three"}

EVAL_TASKS = TASKS  # emotion, valence_arousal, compare, rank, scenario, record, abstain, free
DATASET_NAMES = ("synthetic", *DATASETS)
# What the prompt carries: EEG tokens and the evidence text with the encoder's pattern match (the
# tool-augmented prompt), one of them, or the tokens and measured features without the pattern match
# (the anchor paper's setting).
ABLATIONS = ("both", "eeg-only", "text-only", "no-pattern")
REFERENCES = ("checkpoint", "train-fold")


GENERATION_FIELDS = {f.name: f for f in fields(GenerationParams)}


def _help(text: str, **extra) -> dict:
    """A field's metadata: its help, and for the command line its `choices`, or a `flag` where the
    option's name is not the field's (serve/commands/_dataclass_options.py)."""
    return {"help": text, **extra}


@dataclass
class EvalConfig:
    checkpoint: str = field(metadata=_help("checkpoint folder (default: the demo checkpoint)"))
    dataset: str = field(default="synthetic", metadata=_help("synthetic, or a released dataset read with --root",
                                                             choices=DATASET_NAMES))
    root: str | None = field(default=None, metadata=_help("folder of a released dataset"))
    cohort_seed: int = field(default=20, metadata=_help("synthetic: cohort seed (not one used in training)"))
    subjects: int = field(default=6, metadata=_help("synthetic: subjects"))
    sessions: int = field(default=1, metadata=_help("synthetic: sessions per subject (2 for cross-session)"))
    trials_per_emotion: int = field(default=2, metadata=_help("synthetic: trials per emotion per session"))
    trial_seconds: float = field(default=32.0, metadata=_help("synthetic: seconds per trial"))
    montage: str = field(default="seed62", metadata=_help("synthetic: electrode montage", choices=tuple(MONTAGES)))
    protocol: str = field(default="loso", metadata=_help("leak-free split", choices=PROTOCOLS))
    n_folds: int = field(default=5, metadata=_help("folds of cross-trial and leave-stimulus-out", flag="--folds",
                                                   aliases=("--n-folds",)))
    tasks: list[str] = field(default_factory=lambda: list(EVAL_TASKS),
                             metadata=_help("tasks to evaluate", choices=EVAL_TASKS))
    ablation: str = field(default="both", metadata=_help(
        "what the model gets: EEG tokens and evidence text, only one of them, or no-pattern (EEG tokens and "
        "measured features without the encoder's pattern match)", choices=ABLATIONS))
    reference: str = field(default="checkpoint", metadata=_help(
        "band-power reference of the evidence z-scores: the checkpoint's, or refitted on each fold's training "
        "trials", choices=REFERENCES))
    degraded_share: float = field(default=0.25, metadata=_help("share of trials also made as damaged copies "
                                                               "(abstention items)"))
    pairs_per_fold: int = field(default=8, metadata=_help("comparison items per fold (ranking: half as many)"))
    free_per_kind: int = field(default=2, metadata=_help(
        "held-out free questions per kind of question per fold (phrasings never seen in training)"))
    questions: str = field(default=HELDOUT, metadata=_help(
        "the held-out phrasings free questions are asked in: a bank shipped in prompts/templates, or a YAML "
        "file of your own in the same layout (never a bank the model was trained on)"))
    routing: bool = field(default=True, metadata=_help(
        "route questions as served: a reply about one recording starts with the opening of the kind the question "
        "router reads where it is sure (off: the model alone decides what each question asks)"))
    seed: int = field(default=0, metadata=_help("seed of the split and the item draw"))
    split_file: str | None = field(default=None, metadata=_help(
        "a saved split (split.json) to take the folds from instead of making one"))
    fold: str | None = field(default=None, metadata=_help("with split_file: evaluate only this fold (its name)"))
    trials_per_fold: int = field(default=0, metadata=_help(
        "test trials drawn per fold, stratified by class (0: all of them)"))
    max_tokens: int = field(default=220, metadata=_help("longest answer, in tokens"))
    # The served default, so an evaluation measures what users get.
    frequency_penalty: float = field(default=GenerationParams.frequency_penalty,
                                     metadata=GENERATION_FIELDS["frequency_penalty"].metadata)
    batch_size: int = field(default=32, metadata=_help(
        "most items in the engine at once (vLLM: capped by its batch of requests, --max-num-seqs; the "
        "transformers engine answers one at a time)"))
    engine: dict = field(default_factory=dict, metadata=_help("engine settings (serve.engines.EngineConfig fields)"))

    def to_dict(self) -> dict:
        return asdict(self)


def check_config(config: EvalConfig) -> None:
    """Refuse a run that cannot succeed before any model is loaded or any data read: unknown names,
    impossible numbers, a folder that is not a checkpoint, a dataset folder without the dataset's
    layout (its files are read later, when the run needs them). Engine settings are the caller's to
    check (it builds the engine)."""
    from encoders.analysis import FeatureConfig
    from projector.checkpoint import read_config

    def choose(value, allowed, what: str) -> None:
        if value not in allowed:
            raise ConfigError(f"Unknown {what} {value!r}; choose one of {', '.join(allowed)}.")

    choose(config.dataset, DATASET_NAMES, "dataset")
    unknown = sorted(set(config.tasks) - set(EVAL_TASKS))
    if unknown or not config.tasks:
        raise ConfigError(f"Unknown or no task(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(EVAL_TASKS)}.")
    choose(config.protocol, PROTOCOLS, "protocol")
    choose(config.ablation, ABLATIONS, "ablation")
    choose(config.reference, REFERENCES, "reference")
    for name, low in (("subjects", 1), ("sessions", 1), ("trials_per_emotion", 1), ("n_folds", 2),
                      ("batch_size", 1), ("max_tokens", 1), ("pairs_per_fold", 0), ("free_per_kind", 0),
                      ("trials_per_fold", 0)):
        if int(getattr(config, name)) < low:
            raise ConfigError(f"{name.replace('_', ' ')} must be at least {low}, not {getattr(config, name)}.")
    if not 0 < config.degraded_share <= 1:
        raise ConfigError(f"The degraded share must be above 0 and at most 1, not {config.degraded_share}.")
    GenerationParams(max_tokens=config.max_tokens, frequency_penalty=config.frequency_penalty)  # checks the penalty
    if "free" in config.tasks and config.free_per_kind:
        check_heldout_bank(config.questions)
    if config.dataset == "synthetic":
        if config.protocol == "loso" and config.subjects < 2:
            raise ConfigError("Leave-one-subject-out needs at least two subjects; raise --subjects.")
        if config.sessions < sessions_needed(config.protocol):
            raise ConfigError(f"{config.protocol} evaluation needs at least {_NUMBERS[sessions_needed(config.protocol)]} "
                              f"sessions; raise --sessions.")
    checkpoint = read_config(Path(config.checkpoint))  # a folder that is not a checkpoint is refused here
    if checkpoint.projector is None:
        raise ConfigError(f"{config.checkpoint} is a stage-1 (encoder-only) checkpoint; evaluate it with "
                          f"`eegreason encoder-eval`, or pass a checkpoint with a language model.")
    window_s = FeatureConfig.from_dict(checkpoint.features).window_s
    if config.dataset == "synthetic" and config.trial_seconds < window_s:
        raise ConfigError(f"Synthetic trials of {config.trial_seconds:g} s are shorter than the checkpoint's "
                          f"{window_s:g}-s window; use longer trials.")
    if config.fold is not None and not config.split_file:
        raise ConfigError("A fold is named but no split file; give split_file (a saved split.json) with it.")
    if config.split_file and not Path(config.split_file).is_file():
        raise ConfigError(f"The split file {config.split_file} does not exist; give the split.json a run saved.")
    if config.dataset != "synthetic":
        from training.dataset_tables import check_dataset, data_spec

        if not config.root:
            raise ConfigError(f"Evaluating on {config.dataset} needs --root, the folder of the released dataset.")
        # layout, subjects, label files and the protocol, checked before anything is read
        check_dataset(data_spec(config.dataset, config.root), None if config.split_file else config.protocol)
