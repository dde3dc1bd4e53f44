"""The answer format every target and every served answer follows, and its parser.

    Reasoning: <sentences citing the measured evidence>
    Answer: <one of the labels, or "cannot tell">
    Confidence: <number in [0, 1]>
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from encoders.labels import EMOTIONS

ABSTAIN = "cannot tell"

_REASONING = re.compile(r"Reasoning:\s*(?P<text>.*?)(?=\n?\s*Answer:|\Z)", re.S | re.I)
_ANSWER = re.compile(r"Answer:\s*(?P<text>[^\n]*?)\s*(?=\n|Confidence:|\Z)", re.I)
_VALENCE_AROUSAL = re.compile(r"(?:positive|neutral|negative) valence, (?:high|low) arousal")
_CONFIDENCE = re.compile(r"Confidence:\s*(?P<num>[01](?:\.\d+)?|\.\d+)", re.I)


@dataclass
class ParsedAnswer:
    reasoning: str | None
    answer: str | None  # normalised: a label, "cannot tell", or the raw answer text if unknown
    confidence: float | None
    raw: str

    @property
    def well_formed(self) -> bool:
        """All three parts present, the confidence in [0, 1]."""
        return bool(self.reasoning) and self.answer is not None and self.confidence is not None

    @property
    def abstained(self) -> bool:
        return self.answer == ABSTAIN


def normalise_label(text: str, labels: tuple[str, ...] = EMOTIONS) -> str:
    clean = text.strip().strip(".").strip().lower()
    if clean.startswith(("cannot tell", "can't tell", "cannot be determined", "unknown")):
        return ABSTAIN
    from .questions import answer_kind  # an answer to a free question keeps its whole shape

    if answer_kind(clean, labels) not in (None, "emotion"):
        return clean
    if _VALENCE_AROUSAL.fullmatch(clean):  # "neutral valence, low arousal" is not the class "neutral"
        return clean
    for label in labels:
        if clean == label or clean.startswith(label + " ") or clean.startswith(label + ","):
            return label
    synonyms = {"happiness": "happy", "joy": "happy", "surprised": "surprise", "sadness": "sad",
                "disgusted": "disgust", "fearful": "fear", "afraid": "fear", "angry": "anger", "calm": "neutral"}
    return synonyms.get(clean, clean)


def parse_answer(text: str, labels: tuple[str, ...] = EMOTIONS) -> ParsedAnswer:
    reasoning = _REASONING.search(text)
    answer = _ANSWER.search(text)
    confidence = _CONFIDENCE.search(text)
    value = None
    if confidence:
        number = float(confidence.group("num"))
        value = number if 0.0 <= number <= 1.0 else None
    return ParsedAnswer(
        reasoning=reasoning.group("text").strip() if reasoning and reasoning.group("text").strip() else None,
        answer=normalise_label(answer.group("text"), labels) if answer and answer.group("text").strip() else None,
        confidence=value,
        raw=text,
    )


def answer_line(text: str) -> str | None:
    """The Answer line as written (`parse_answer` lower-cases it, channel names included)."""
    found = _ANSWER.search(text)
    return found.group("text").strip() or None if found else None


def answer_line_span(text: str) -> tuple[int, int] | None:
    """(start, end) in `text` of what its Answer line says (after "Answer:"); None without one."""
    found = _ANSWER.search(text)
    return found.span("text") if found and found.group("text").strip() else None


def format_answer(reasoning: str, answer: str, confidence: float) -> str:
    """The target text for training (and the canonical rendering of a parsed answer)."""
    return f"Reasoning: {reasoning.strip()}\nAnswer: {answer}\nConfidence: {confidence:.2f}"
