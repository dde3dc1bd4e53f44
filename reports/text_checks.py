"""What any text typed into a note passes before it is kept: no medication (`guard.py`) and, while
the note is de-identified, no patient identifier (`identifier_guard.py`)."""

from __future__ import annotations

from .guard import check_no_prescriptions
from .identifier_guard import check_no_identifiers
from .note import MedicalRecordNote


def is_deidentified(note: MedicalRecordNote) -> bool:
    """A note carries identifiers only when its author asked and the file's header had some."""
    return not note.recording.identifiers


def check_note_text(note: MedicalRecordNote, text: str) -> None:
    """Raise `ReportError` (quoting the words) for text `note` must not carry."""
    check_no_prescriptions(text)
    if is_deidentified(note):
        check_no_identifiers(text)
