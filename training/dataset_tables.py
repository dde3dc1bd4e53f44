"""Released emotion datasets as feature tables, with their labels mapped onto eegreason's tasks.

SEED-IV, SEED-V and SEED-VII label discrete emotions that are all in our seven-class set, so every
task applies. SEED labels only valence (negative/neutral/positive); DEAP and DREAMER give
valence/arousal ratings. Those support the valence/arousal tasks (description, comparison,
ranking) only. Ratings are mapped onto −1..1 around the scale's midpoint.
"""

from __future__ import annotations

from pathlib import Path

from encoders.analysis import FeatureConfig
from encoders.errors import ConfigError
from encoders.labels import EMOTIONS, VALENCE_AROUSAL

from .feature_table import FeatureTable, LabelledRecording, build_table
from .splits import TrialInfo

DISCRETE = {"seed-iv", "seed-v", "seed-vii"}
RATING_SCALES = {"deap": (1.0, 9.0), "dreamer": (1.0, 5.0)}
SEED_VALENCE = {"negative": -0.7, "neutral": 0.0, "positive": 0.8}
VA_TASKS = ("valence_arousal", "compare", "rank")
ALL_TASKS = ("emotion", "valence_arousal", "compare", "rank", "scenario", "record", "abstain", "free")


def _labels(dataset: str, trial) -> tuple[str, float, float]:
    if dataset in DISCRETE:
        emotion = trial.label_name.lower()
        if emotion not in EMOTIONS:
            raise ConfigError(f"{dataset} label {trial.label_name!r} is not one of the seven emotions.")
        valence, arousal = VALENCE_AROUSAL[emotion]
        return emotion, valence, arousal
    if dataset == "seed":
        return "", SEED_VALENCE[trial.label_name], 0.0
    low, high = RATING_SCALES[dataset]
    mid, half = (low + high) / 2, (high - low) / 2
    return "", (trial.ratings["valence"] - mid) / half, (trial.ratings["arousal"] - mid) / half


def dataset_table(name: str, root: Path | None, features: FeatureConfig, progress: bool = True) -> FeatureTable:
    from encoders.datasets import open_dataset

    if root is None:
        raise ConfigError(f"Evaluating on {name} needs --root, the folder of the released dataset.")
    loader = open_dataset(name, root)

    def items():
        for trial in loader.iter_trials(kind="raw"):
            emotion, valence, arousal = _labels(name, trial)
            info = TrialInfo(name, trial.subject, trial.session, trial.trial, int(trial.label or 0), trial.stimulus_id)
            yield LabelledRecording(info, emotion, valence, arousal, trial.to_recording())

    return build_table(items(), features, {"kind": name, "root_name": Path(root).name}, progress=progress)


def available_tasks(table: FeatureTable) -> tuple[str, ...]:
    if all(t.emotion in EMOTIONS for t in table.trials):
        return ALL_TASKS if table.source.get("kind") == "synthetic" else tuple(t for t in ALL_TASKS if t != "abstain")
    if table.source.get("kind") == "seed":
        return ("compare", "rank")  # valence only: comparisons by valence
    return VA_TASKS
