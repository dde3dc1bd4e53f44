"""Label sets: the classes a model answers with, and where each sits on the valence/arousal plane.

The default is SEED-VII's seven emotions (in this index order). Released datasets bring their own
(`LABEL_SPACES`: SEED's three valence classes, SEED-IV's four and SEED-V's five emotions, DEAP's and
DREAMER's high/low ratings); a checkpoint names the one it was trained with, and prompts, answer
formats, rationales, checks and metrics follow it.

Valence/arousal placed after the circumplex literature (Russell 1980) and the mean self-reports
SEED-VII/DEAP participants give for such clips: fear and anger are the most arousing negative
states, sadness is negative and low-arousal, disgust is negative with moderate arousal, surprise
is arousing and mildly positive, neutral is slightly under-aroused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EMOTIONS: tuple[str, ...] = ("happy", "surprise", "neutral", "sad", "disgust", "fear", "anger")

VALENCE_AROUSAL: dict[str, tuple[float, float]] = {
    "happy": (0.8, 0.5),
    "surprise": (0.3, 0.8),
    "neutral": (0.0, -0.3),
    "sad": (-0.7, -0.4),
    "disgust": (-0.6, 0.3),
    "fear": (-0.7, 0.8),
    "anger": (-0.6, 0.7),
}


def valence_class(valence: float) -> str:
    return "positive" if valence > 0.2 else "negative" if valence < -0.2 else "neutral"


def arousal_class(arousal: float) -> str:
    return "high" if arousal > 0 else "low"


@dataclass(frozen=True)
class LabelSpace:
    """The classes of one task and their place on the valence/arousal plane (None where a label set
    says nothing about a dimension: SEED's classes are valence only)."""

    name: str
    labels: tuple[str, ...]
    placement: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    description: str = ""
    threshold: str = ""  # how ratings became classes, for rating datasets

    def valence(self, label: str) -> str | None:
        value = self.placement.get(label, (None, None))[0]
        return None if value is None else valence_class(value)

    def arousal(self, label: str) -> str | None:
        value = self.placement.get(label, (None, None))[1]
        return None if value is None else arousal_class(value)

    @property
    def has_valence(self) -> bool:
        return any(v is not None for v, _ in self.placement.values())

    @property
    def has_arousal(self) -> bool:
        return any(a is not None for _, a in self.placement.values())

    def value(self, label: str, dimension: str) -> float | None:
        """Where `label` sits on "valence" or "arousal" (−1..1), None where the set says nothing."""
        return self.placement.get(label, (None, None))[0 if dimension == "valence" else 1]

    def class_on(self, label: str, dimension: str) -> str | None:
        """The valence class (positive/neutral/negative) or arousal class (high/low) of `label`."""
        return self.valence(label) if dimension == "valence" else self.arousal(label)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimensions every class of the set is placed on (what valence/arousal tasks may ask)."""
        return tuple(d for d in ("valence", "arousal")
                     if self.labels and all(self.value(label, d) is not None for label in self.labels))

    @property
    def emotions(self) -> bool:
        """Whether the classes are discrete emotions (of the seven), not valence/arousal classes."""
        return all(label in VALENCE_AROUSAL for label in self.labels)

    def options(self) -> str:
        """The classes as a question lists them: "negative, neutral or positive" (quoted when a class
        name has a comma of its own: "\"low valence, low arousal\", … or \"high valence, high arousal\"")."""
        names = [f'"{x}"' if "," in x else x for x in self.labels]
        return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]

    def to_dict(self) -> dict:
        return {"name": self.name, "labels": list(self.labels),
                "placement": {k: list(v) for k, v in self.placement.items()},
                "description": self.description, "threshold": self.threshold}

    @classmethod
    def from_dict(cls, data: dict) -> "LabelSpace":
        return cls(data["name"], tuple(data["labels"]), {k: tuple(v) for k, v in data.get("placement", {}).items()},
                   data.get("description", ""), data.get("threshold", ""))


def _emotions(name: str, labels: tuple[str, ...], description: str) -> LabelSpace:
    return LabelSpace(name, labels, {label: VALENCE_AROUSAL[label] for label in labels}, description)


SEVEN_EMOTIONS = _emotions("emotions-7", EMOTIONS, "seven emotions (SEED-VII)")
LABEL_SPACES: dict[str, LabelSpace] = {space.name: space for space in (
    SEVEN_EMOTIONS,
    _emotions("emotions-5", ("disgust", "fear", "sad", "neutral", "happy"), "five emotions (SEED-V)"),
    _emotions("emotions-4", ("neutral", "sad", "fear", "happy"), "four emotions (SEED-IV)"),
    LabelSpace("valence-3", ("negative", "neutral", "positive"),
               {"negative": (-0.7, None), "neutral": (0.0, None), "positive": (0.8, None)},
               "three valence classes (SEED)"),
    LabelSpace("valence-2", ("low valence", "high valence"), {"low valence": (-0.5, None), "high valence": (0.5, None)},
               "valence high/low (ratings)"),
    LabelSpace("arousal-2", ("low arousal", "high arousal"), {"low arousal": (None, -0.5), "high arousal": (None, 0.5)},
               "arousal high/low (ratings)"),
    LabelSpace("quadrants-4", ("low valence, low arousal", "low valence, high arousal", "high valence, low arousal",
                               "high valence, high arousal"),
               {"low valence, low arousal": (-0.5, -0.5), "low valence, high arousal": (-0.5, 0.5),
                "high valence, low arousal": (0.5, -0.5), "high valence, high arousal": (0.5, 0.5)},
               "valence/arousal quadrants (ratings)"),
)}


def space_of(labels, data: dict | None = None) -> LabelSpace:
    """The label set of a checkpoint: its saved `label_space` when it has one, else the registered set
    with these labels (the seven emotions for checkpoints written before label sets were saved), else
    a set with these classes: placed on the valence/arousal plane where every class is one of the seven
    emotions (in an order of its own), unplaced otherwise."""
    if data:
        return LabelSpace.from_dict(data)
    labels = tuple(labels or EMOTIONS)
    for space in LABEL_SPACES.values():
        if space.labels == labels:
            return space
    if all(label in VALENCE_AROUSAL for label in labels):
        return _emotions("custom", labels, "the checkpoint's own emotions")
    return LabelSpace("custom", labels, {}, "the checkpoint's own classes")
