"""Clinician edits: only the editable fields change, every change is diffed, no prescriptions."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from encoders.errors import ReportError

from .claims import correct, strike
from .note import CORE_LIMITATION, EDITABLE_FIELDS, LIST_FIELDS, MAX_TEXT_CHARS, MedicalRecordNote
from .text_checks import check_note_text


@dataclass
class FieldChange:
    field: str
    old: str | list[str]
    new: str | list[str]


def as_lines(value: str | list[str]) -> list[str]:
    """A list field from a text box (one item a line, bullets stripped) or a list."""
    items = value.splitlines() if isinstance(value, str) else list(value)
    return [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", str(item)).strip() for item in items if str(item).strip()]


def _normalise(name: str, value: Any) -> str | list[str]:
    if name in LIST_FIELDS:
        if not isinstance(value, (str, list, tuple)):
            raise ReportError(f"The field {name} takes text (one item a line) or a list of strings.")
        items = as_lines(value)
        if name == "limitations" and CORE_LIMITATION not in items:
            items.insert(0, CORE_LIMITATION)
        return items
    if not isinstance(value, str):
        raise ReportError(f"The field {name} takes text.")
    return value.strip()


def apply_edits(note: MedicalRecordNote, changes: dict[str, Any]) -> tuple[MedicalRecordNote, list[FieldChange]]:
    """A copy of `note` with `changes` applied to editable fields, and the field-level diff.

    Refuses measured fields, prescription-like text and, in a de-identified note, patient identifiers
    with a `ReportError`; fields whose new value
    equals the old one are not counted as edits.
    """
    if not isinstance(changes, dict) or not changes:
        raise ReportError("No changes were given; change at least one editable field and save again.")
    diffs: list[FieldChange] = []
    updates: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ReportError(f"The field {name!r} holds measured or administrative values and cannot be edited; "
                              f"edit one of {', '.join(EDITABLE_FIELDS)} instead.")
        new = _normalise(name, value)
        text = "\n".join(new) if isinstance(new, list) else new
        if len(text) > MAX_TEXT_CHARS:
            raise ReportError(f"The field {name} is {len(text)} characters long, above the limit of "
                              f"{MAX_TEXT_CHARS}; shorten it and save again.")
        check_note_text(note, text)
        old = getattr(note, name)
        if new != old:
            diffs.append(FieldChange(name, old, new))
            updates[name] = new
    edited = sorted(set(note.edited_fields) | set(updates))
    return replace(note, **updates, edited_fields=edited), diffs


# ---- the model's reasoning: struck or corrected by a reviewer, never edited like free text ----

REASONING_FIELD = "model_reasoning"  # how the audit trail and `edited_fields` name the reasoning


def _unresolved_dicts(note: MedicalRecordNote) -> list[dict[str, Any]]:
    return [{"number": n, **c.to_dict()} for n, c in note.reasoning_review.unresolved()]


def strike_sentence(note: MedicalRecordNote, sentence_number: int, by: str, at: str
                    ) -> tuple[MedicalRecordNote, list[FieldChange], dict[str, Any]]:
    """A copy of `note` with one sentence of the model's reasoning struck (kept, marked with who
    struck it and when), the change for the audit trail, and what it resolved."""
    review = strike(note.reasoning_review, sentence_number, by, at)
    sentence = review.sentences[sentence_number - 1].text
    struck_claims = [{"number": n, **c.to_dict()} for n, c in enumerate(review.claims, 1) if c.sentence == sentence_number]
    edited = replace(note, reasoning_review=review,
                     edited_fields=sorted(set(note.edited_fields) | {REASONING_FIELD}))
    change = FieldChange(f"{REASONING_FIELD} sentence {sentence_number}", sentence, f"[struck] {sentence}")
    detail = {"review": "strike", "sentence": sentence_number, "claims_in_sentence": struck_claims,
              "unresolved_claims": len(edited.reasoning_review.unresolved())}
    return edited, [change], detail


def correct_reasoning(note: MedicalRecordNote, text: str, by: str, at: str
                      ) -> tuple[MedicalRecordNote, list[FieldChange], dict[str, Any]]:
    """A copy of `note` whose reasoning is the reviewer's `text`, checked again against the note's
    evidence; refuses prescription-like text, identifiers in a de-identified note, empty text and
    text that changes nothing."""
    if not isinstance(text, str) or not text.strip():
        raise ReportError("The corrected reasoning is empty; write the reasoning as it should read, or strike "
                          "the sentences that should go.")
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ReportError(f"The corrected reasoning is {len(text)} characters long, above the limit of "
                          f"{MAX_TEXT_CHARS}; shorten it and save again.")
    check_note_text(note, text)
    old = note.reasoning_review.text()
    if " ".join(text.split()) == " ".join(old.split()):
        raise ReportError("The corrected reasoning is the same as the reasoning that stands; change it or "
                          "strike a sentence instead.")
    review = correct(note.reasoning_review, text, note.measured_evidence(), by, at)
    edited = replace(note, reasoning_review=review,
                     edited_fields=sorted(set(note.edited_fields) | {REASONING_FIELD}))
    detail = {"review": "correct", "claims_checked": review.checked, "claims": len(review.claims),
              "failing_claims": _unresolved_dicts(edited), "unresolved_claims": len(review.unresolved())}
    return edited, [FieldChange(REASONING_FIELD, old, text)], detail
