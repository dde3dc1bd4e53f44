"""The model's reasoning in a note, sentence by sentence, with every claim checked against the note's
own evidence (`prompts.claims.check_text`), and what a reviewer did about the failing ones.

A note never carries an unsupported model claim silently: each claim the checker reads holds or
fails, a failing claim stays marked until the reviewer strikes its sentence (kept, visibly struck,
with who struck it and when) or corrects the reasoning so that it holds (the correction is checked
again), and signing a note with a failing claim left needs an explicit acknowledgement
(`reports.store.ReportStore.sign`).

The review is plain data inside the note, so every strike and correction is part of a stored,
checksummed version.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from encoders.errors import ReportError
from encoders.evidence import Evidence
from prompts.claims import CheckedClaim, check_text
from prompts.claims.text import normalise, sentence_spans


@dataclass
class ReasoningSentence:
    text: str
    struck_by: str | None = None  # the reviewer who struck it; None while it stands
    struck_at: str | None = None

    @property
    def struck(self) -> bool:
        return self.struck_by is not None


@dataclass
class NoteClaim:
    """One claim of the reasoning as the checker judged it."""

    kind: str
    text: str  # the words of the claim, as written
    subject: str
    holds: bool
    measured: str  # what the evidence says, in words
    why: str
    sentence: int | None  # number (from 1) of the sentence it was read from; None when it cannot be placed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReasoningReview:
    sentences: list[ReasoningSentence] = field(default_factory=list)
    claims: list[NoteClaim] = field(default_factory=list)
    # False when there was no evidence to check against (notes drafted before claims were checked):
    # then nothing is known to hold or fail, and the note says so.
    checked: bool = True
    corrected_by: str | None = None  # the last reviewer who rewrote the reasoning
    corrected_at: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ReasoningReview":
        return cls(sentences=[ReasoningSentence(**s) for s in data.get("sentences", [])],
                   claims=[NoteClaim(**c) for c in data.get("claims", [])],
                   checked=bool(data.get("checked", True)), corrected_by=data.get("corrected_by"),
                   corrected_at=data.get("corrected_at"))

    def text(self) -> str:
        """The reasoning as it stands: the sentences not struck."""
        return " ".join(s.text for s in self.sentences if not s.struck)

    def is_struck(self, claim: NoteClaim) -> bool:
        return claim.sentence is not None and self.sentences[claim.sentence - 1].struck

    def failing(self) -> list[tuple[int, NoteClaim]]:
        """(number, claim) of every claim that fails, struck or not; numbers count from 1."""
        return [(n, c) for n, c in enumerate(self.claims, 1) if not c.holds]

    def unresolved(self) -> list[tuple[int, NoteClaim]]:
        """Failing claims whose sentence still stands: what signing has to acknowledge."""
        return [(n, c) for n, c in self.failing() if not self.is_struck(c)]


def _sentences(text: str) -> tuple[list[ReasoningSentence], list[tuple[int, int]]]:
    spans = sentence_spans(text or "")
    return [ReasoningSentence(text[a:b].strip()) for a, b in spans], spans


def _placed(checked: list[CheckedClaim], text: str, spans: list[tuple[int, int]]) -> list[NoteClaim]:
    """Each checked claim with the sentence it was read from. Claims come in reading order, so a
    claim is looked for from the sentence of the one before it (the same words may recur later)."""
    norm = normalise(text)
    out, cursor = [], 0
    for c in checked:  # claims quote the text as written (older stores: as normalised)
        at = text.find(c.text, cursor)
        if at < 0:
            at = norm.find(c.text, cursor)
        if at < 0:
            at = max(text.find(c.text), norm.find(c.text))
        index = next((i for i, (a, b) in enumerate(spans) if a <= at and at + len(c.text) <= b), None) \
            if at >= 0 and c.text else None
        if index is not None:
            cursor = spans[index][0]
        out.append(NoteClaim(c.kind, c.text, c.subject, c.holds, c.measured, c.why,
                             index + 1 if index is not None else None))
    return out


def review_reasoning(text: str, evidence: Evidence | None) -> ReasoningReview:
    """The reasoning split into sentences, each claim checked against `evidence` (unchecked when
    there is none)."""
    sentences, spans = _sentences(text)
    if evidence is None:
        return ReasoningReview(sentences, [], checked=not sentences)
    return ReasoningReview(sentences, _placed(check_text(text or "", evidence), text or "", spans))


def sentence_of_claim(review: ReasoningReview, claim_number: int) -> int:
    """The number of the sentence a claim (numbered from 1) was read from."""
    if not 1 <= claim_number <= len(review.claims):
        raise ReportError(f"There is no claim {claim_number} in this note's reasoning (it has "
                          f"{len(review.claims)}); pick a number from the claims table.")
    number = review.claims[claim_number - 1].sentence
    if number is None:
        raise ReportError(f"Claim {claim_number} cannot be traced to one sentence of the reasoning; correct the "
                          f"reasoning instead of striking it.")
    return number


def strike(review: ReasoningReview, sentence_number: int, by: str, at: str) -> ReasoningReview:
    """The review with one sentence (numbered from 1) struck by `by` at `at`."""
    if not 1 <= sentence_number <= len(review.sentences):
        raise ReportError(f"There is no sentence {sentence_number} in this note's reasoning (it has "
                          f"{len(review.sentences)}); pick a number shown beside the reasoning.")
    target = review.sentences[sentence_number - 1]
    if target.struck:
        raise ReportError(f"Sentence {sentence_number} of the reasoning was already struck by {target.struck_by} "
                          f"at {target.struck_at}; nothing to change.")
    sentences = list(review.sentences)
    sentences[sentence_number - 1] = replace(target, struck_by=by, struck_at=at)
    return replace(review, sentences=sentences)


def correct(review: ReasoningReview, text: str, evidence: Evidence | None, by: str, at: str) -> ReasoningReview:
    """The reviewer's rewrite of the reasoning, checked again (earlier wording and strikes stay in the
    versions before this one)."""
    fresh = review_reasoning(text, evidence)
    return replace(fresh, corrected_by=by, corrected_at=at)
