"""Stage 2 (align): questions answered from the EEG tokens alone, LLaVA-style.

The language model is frozen and the prompt carries only the EEG tokens, so the projector must
make them say what the recording is: the emotion the encoder reads, the valence and arousal that
go with it, the band power that deviates most from the reference, and the signal quality. Targets
are one plain sentence each, from the evidence (the encoder's decision for the readings, the
measurements for the rest).
"""

from __future__ import annotations

from prompts.evidence_text import notable_band_findings

from .feature_table import TrialRow
from .instruction_data import ItemBuilder

ALIGN_TASKS = ("align_emotion", "align_dimensions", "align_band", "align_quality")


def align_item(builder: ItemBuilder, source: str, trial: TrialRow, task: str) -> dict:
    ev = builder.sources.evidence(source, trial)
    if task == "align_emotion":
        label = builder._emotion_target(trial, decision=True) if source == "clean" else None
        text = f"The EEG pattern resembles {label}." if label and ev.supports_emotion else \
            "The EEG cannot support an emotion reading."
        answer = label or "cannot tell"
    elif task == "align_dimensions":
        label = builder._emotion_target(trial, decision=True) if source == "clean" else None
        space = builder.space
        placed = [(d, space.class_on(label, d)) for d in ("valence", "arousal")] if label else []
        placed = [(d, c) for d, c in placed if c is not None]
        if placed and ev.supports_emotion:  # the dimensions the label set places its classes on
            answer = ", ".join(f"{c} {d}" for d, c in placed)
            text = f"It suggests {' and '.join(f'{c} {d}' for d, c in placed)}."
        else:
            answer, text = "cannot tell", "The EEG cannot support a valence or arousal reading."
    elif task == "align_band":
        notable = notable_band_findings(ev)
        if notable:
            _, region, band = notable[0].key.split(":")
            answer = f"{region} {band} {notable[0].direction}"
            text = f"The strongest band change is {region} {band}, {notable[0].direction}."
        else:
            answer, text = "typical", "Band power is typical in every region."
    elif task == "align_quality":
        answer, text = ev.quality_grade, f"Signal quality is {ev.quality_grade}."
    else:
        raise ValueError(f"unknown alignment task {task!r}")
    return builder._item(task, [(source, trial)], builder._question(task), text, answer, 1.0, arm="eeg-only")
