"""Questions about one recording: the kinds a researcher or clinician asks, their phrasings, and how
an answer line shows which kind it answers.

Phrasings are versioned data: `templates/questions-v2.yaml` (stage 3's training bank: first questions
and short follow-ups, thirteen kinds; v1 plus a second writer's phrasings, v1 kept for the checkpoints
trained on it), `questions-v3.yaml` (v2 and a third writer's phrasings), `questions-v4.yaml` (v3 and a
fourth writer's: what the question router is fitted on) and the held-out banks
`templates/questions-heldout-v1…v8.yaml` (evaluation only,
each by another writer from a description of the kinds, never trained on). Slots: {region} and
{band} in band questions, {emotion} (a class of the label set) in why-not questions.

Every kind has an answer line of its own shape (`answer_shapes`), so whether a reply answers the
question asked can be read from the reply alone: an emotion label only for emotion questions,
"negative valence" for valence questions, "quality poor" for quality questions, and so on.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from encoders.errors import ConfigError
from encoders.features import BAND_NAMES

from .answer_format import ABSTAIN

REGIONS = ("frontal", "central", "temporal", "parietal", "occipital")
KINDS = ("emotion", "valence", "arousal", "band", "asymmetry", "quality", "bad_channels", "confidence", "why_not",
         "reference", "timeline", "next_steps", "summary")
SLOTS = {"band": ("region", "band"), "why_not": ("emotion",)}
# Kinds whose answer is a reading of the recording, which the assistant withholds ("cannot tell")
# when the recording cannot support one; the others report measurements and are always answered.
READINGS = ("emotion", "valence", "arousal", "confidence", "why_not", "timeline")
CONFIDENCE_LEVELS = ("low", "moderate", "high")


@dataclass(frozen=True)
class QuestionBank:
    version: str
    first: dict[str, tuple[str, ...]]  # kind -> phrasings that open a conversation
    follow_up: dict[str, tuple[str, ...]]  # kind -> short phrasings that lean on the conversation

    def phrasings(self, kind: str, follow_up: bool = False) -> tuple[str, ...]:
        table = self.follow_up if follow_up else self.first
        return table.get(kind) or self.first[kind]

    def every_phrasing(self) -> list[str]:
        """All its phrasings, first questions and follow-ups, every kind."""
        return [p for table in (self.first, self.follow_up) for phrasings in table.values() for p in phrasings]


_SLOT = re.compile(r"\{(\w*)\}")


def _is_file(version: str) -> bool:
    """A bank given as a file (a YAML path) rather than by the name of a shipped bank."""
    return version.endswith((".yaml", ".yml")) or "/" in version or Path(version).is_file()


def _load(version: str) -> dict:
    """A bank shipped as prompts/templates/<version>.yaml, or a YAML file of the same layout."""
    if _is_file(version):
        path, name = Path(version), Path(version).name
        if not path.is_file():
            raise ConfigError(f"The question bank {version} does not exist; give a YAML file of phrasings by kind.")
    else:
        path, name = resources.files("prompts") / "templates" / f"{version}.yaml", f"{version}.yaml"
        if not path.is_file():
            raise ConfigError(f"Unknown question bank {version!r}; it should be prompts/templates/{version}.yaml.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ConfigError(f"Question bank {name} is not readable YAML ({type(error).__name__}); fix the file.") from None
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict):
        raise ConfigError(f"Question bank {name} has no 'kinds' mapping of kind to phrasings; see "
                          f"prompts/templates/{HELDOUT}.yaml for the layout.")
    if not _is_file(version) and data.get("version") != version:
        raise ConfigError(f"Question bank {name} declares version {data.get('version')!r}; fix the file.")
    missing = set(KINDS) - set(data["kinds"])
    if missing:
        raise ConfigError(f"Question bank {name} has no phrasings for {', '.join(sorted(missing))}.")
    for kind, entry in data["kinds"].items():
        first, follow = (entry.get("first"), entry.get("follow_up") or []) if isinstance(entry, dict) else (entry, [])
        for part in (first, follow):
            if not isinstance(part, list) or not all(isinstance(text, str) and text.strip() for text in part):
                raise ConfigError(f"Question bank {name}: the {kind} phrasings must be a list of non-empty strings; "
                                  f"fix the file.")
        if not first:
            raise ConfigError(f"Question bank {name} has no phrasings for {kind}.")
        # An opening question names its band, region or emotion; a follow-up may lean on the last turn.
        for text in first:
            _check_slots(name, kind, text, opening=True)
        for text in follow:
            _check_slots(name, kind, text, opening=False)
    return data


def _check_slots(bank: str, kind: str, text: str, opening: bool) -> None:
    need, found = set(SLOTS.get(kind, ())), set(_SLOT.findall(text))
    if (found != need) if opening else not (found <= need):
        slots = " and ".join("{" + slot + "}" for slot in sorted(need)) or "no {slot}"
        raise ConfigError(f"Question bank {bank}: the {kind} phrasing {text!r} must have {slots}; fix it.")


TRAINING = "questions-v2"  # the bank stage 3 trains on


@functools.lru_cache(maxsize=8)
def load_questions(version: str | None = None) -> QuestionBank:
    """A bank with first and follow-up phrasings per kind (default: the training bank)."""
    version = version or TRAINING
    data = _load(version)
    kinds = data["kinds"]
    first = {k: tuple(v["first"]) if isinstance(v, dict) else tuple(v) for k, v in kinds.items()}
    follow = {k: tuple(v.get("follow_up", ())) if isinstance(v, dict) else () for k, v in kinds.items()}
    return QuestionBank(version, first, follow)


HELDOUT = "questions-heldout-v1"
TRAINED = ("questions-v1", "questions-v2", "questions-v3", "questions-v4")  # banks a stage 3 or the router has trained on
ROUTER_BANK = "questions-v4"  # the bank the question router is fitted on (`prompts.routing`)


def phrasing_words(text: str) -> str:
    """A phrasing up to case, spacing and punctuation: how a repeated question is recognised."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def check_heldout_bank(version: str) -> QuestionBank:
    """A bank fit to score free questions the model has never seen: readable, every kind phrased,
    and sharing no phrasing with a training bank (a score on trained phrasings is not held out)."""
    bank = load_questions(version)
    trained = {phrasing_words(p) for name in TRAINED for p in load_questions(name).every_phrasing()}
    seen = sorted({p for ps in bank.first.values() for p in ps if phrasing_words(p) in trained})
    if seen:
        raise ConfigError(f"Question bank {version} shares {len(seen)} phrasing(s) with the training banks, such as "
                          f"{seen[0]!r}; held-out questions must be new to the model.")
    return bank


def fill(template: str, region: str | None = None, band: str | None = None, emotion: str | None = None) -> str:
    """A phrasing with its slots filled."""
    values = {"region": region, "band": band, "emotion": emotion}
    needed = set(re.findall(r"\{(\w+)\}", template))
    missing = [n for n in needed if values.get(n) is None]
    if missing:
        raise ConfigError(f"The question {template!r} needs {', '.join(missing)}.")
    return template.format(**{k: v for k, v in values.items() if v is not None})


def answer_shapes(labels) -> dict[str, re.Pattern]:
    """Kind -> the shape of its answer line (lower case, as `parse_answer` returns it)."""
    return _answer_shapes(tuple(labels))


@functools.lru_cache(maxsize=16)
def _answer_shapes(labels: tuple[str, ...]) -> dict[str, re.Pattern]:
    # Built once per label set: every parsed answer and every claim check reads them.
    label = "(?:" + "|".join(re.escape(x.lower()) for x in sorted(labels, key=len, reverse=True)) + ")"
    regions, bands = "|".join(REGIONS), "|".join(BAND_NAMES)
    return {
        "emotion": re.compile(rf"^{label}$"),
        "valence": re.compile(r"^(?:positive|neutral|negative) valence$"),
        "arousal": re.compile(r"^(?:high|low) arousal$"),
        "band": re.compile(rf"^(?:{regions}) (?:{bands}) (?:(?:elevated|reduced|typical)(?: \(z [+-]\d+(?:\.\d+)?\))?|"
                           r"not measured)$"),
        "asymmetry": re.compile(r"^(?:favours (?:left|right)|balanced) \([+-]\d+\.\d+\)$|^not measured$"),
        "quality": re.compile(r"^quality (?:good|fair|poor)$"),
        "bad_channels": re.compile(r"^bad channels: .+$"),
        "confidence": re.compile(rf"^confidence (?:{'|'.join(CONFIDENCE_LEVELS)})$"),
        "why_not": re.compile(rf"^{label} is (?:less likely|the closest match) \(\d+%\)$"),
        "reference": re.compile(rf"^(?:largest deviation: (?:(?:{regions}) (?:{bands}) (?:elevated|reduced) "
                                r"\(z [+-]\d+(?:\.\d+)?\)|none \(all regions typical\))|all regions typical|"
                                r"no region measured)$"),
        "timeline": re.compile(rf"^(?:steady: {label}|changing: {label}(?: then {label})+)$"),
        "next_steps": re.compile(r"^next: .+$"),
        "summary": re.compile(rf"^summary: (?:{label}|no emotion reading), (?:good|fair|poor) quality$"),
    }


FREE_KINDS = tuple(k for k in KINDS if k != "emotion")


def free_kinds(space) -> tuple[str, ...]:
    """The free kinds a label set (`encoders.labels.LabelSpace`) can answer: valence and arousal
    questions only where its classes are placed on that dimension and are not themselves that
    dimension's answers (arousal-2's classes are "high arousal" and "low arousal": its arousal question
    is its class question)."""
    shapes = answer_shapes(space.labels)
    return tuple(k for k in FREE_KINDS if k not in ("valence", "arousal") or
                 (k in space.dimensions and not any(shapes[k].match(label) for label in space.labels)))


def answer_kind(answer: str | None, labels) -> str | None:
    """Which kind of question an answer line answers (None: no recognisable shape). "cannot tell"
    answers any reading question; callers decide whether abstaining was right."""
    if not answer:
        return None
    text = answer.strip().strip(".").lower()
    if text == ABSTAIN:
        return ABSTAIN
    for kind, shape in answer_shapes(labels).items():
        if shape.match(text):
            return kind
    return None


def may_abstain(kind: str) -> bool:
    """Whether "cannot tell" answers a question of `kind`: the readings and the summary, which rest on
    an emotion reading; a measurement can always be reported."""
    return kind in READINGS + ("summary",)


def answers_question(kind: str, answer: str | None, labels) -> bool:
    """Whether an answer line is an answer to a question of `kind` (an abstention only where
    `may_abstain`)."""
    found = answer_kind(answer, labels)
    return found == kind or (found == ABSTAIN and may_abstain(kind))
