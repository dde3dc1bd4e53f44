"""From a recording file to a draft medical-record note (analysis → model answer → note).

The model's text is parsed, never trusted: an answer that does not follow the format leaves the
assessment "not determined". Used by the Report tab and by `eegreason report`.
"""

from __future__ import annotations

from pathlib import Path

from encoders.io import read_recording
from prompts.answer_format import parse_answer
from prompts.record import REPORT_QUESTION, MedicalRecordNote, draft_note, recording_meta

from .assistant import Assistant, Conversation
from .engines import GenerationParams


def model_name(assistant: Assistant) -> str:
    return f"{assistant.checkpoint.name} ({assistant.config.llm}, stage {assistant.config.stage})"


def draft_from_recording(assistant: Assistant, path: str | Path, display_name: str | None = None,
                         include_identifiers: bool = False, params: GenerationParams | None = None
                         ) -> MedicalRecordNote:
    """Analyse a recording, ask the model for its assessment, and build the draft note.

    The model's text is parsed, never trusted: an answer that does not follow the format leaves the
    assessment "not determined". Identifiers are read from the header only when asked for.
    """
    path = Path(path)
    label = display_name or path.name
    context = assistant.analyse(path, display_name=label)
    generation = assistant.ask(Conversation([context]), REPORT_QUESTION, params)
    labels = tuple(assistant.config.labels)
    answer = parse_answer(generation.text, labels)
    identifiers = None
    if include_identifiers:
        identifiers = read_recording(path, keep_identifiers=True, source_name=label).meta.identifiers
    return draft_note(context.evidence, recording_meta(path, context.analysis), answer, model_name(assistant),
                      include_identifiers, identifiers, model_trained_on_synthetic=assistant.config.synthetic_data,
                      model_stage=assistant.config.stage, labels=labels)
