"""The product's path for one file, and how its outcome is classified.

    read_recording → analyse_recording → build_evidence → render_evidence
        → inspect JSON (the dict `eegreason inspect --json` prints, dumped with allow_nan=False)
        → draft_note (with a parsed, model-like answer) → Markdown

Outcomes, worst first (a file gets the worst that happened to it):

    traceback   any exception that is not an `EEGReasonError` (a bug: the CLI would print a traceback)
    nonfinite   a NaN or infinity anywhere in the evidence dict, the evidence text, the inspect JSON,
                the note or its Markdown (a user would read "nan" as a measurement)
    refused     an `EEGReasonError`: the file was turned away with a sentence
    accepted    every stage produced its output, all of it finite

Hangs (no answer within the per-file timeout) and crashes (the worker died) are decided by the
pool that runs this, not here.
"""

from __future__ import annotations

import json
import math
import re
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

import numpy as np

OUTCOMES = ("accepted", "refused", "nonfinite", "traceback", "hang", "crash")
FAILURES = ("nonfinite", "traceback", "hang", "crash")

# A fixed model-like answer: the note builder is exercised as the app would exercise it.
MODEL_ANSWER = ("Reasoning: The frontal alpha asymmetry favours the left and frontal alpha power is elevated, "
                "which fits a positive, moderately aroused state.\nAnswer: happy\nConfidence: 0.62")
MODEL_NAME = "fuzz-harness"
SALT = b"reliability-fuzz"  # recording ids without touching the installation's salt file
CREATED_AT = "2020-01-01 00:00:00 UTC"

# "nan", "inf", "-inf", "infinity" as words (not inside "information" or "nanometre").
_NONFINITE_WORD = re.compile(r"(?<![A-Za-z])[+-]?(nan|inf|infinity)(?![A-Za-z])", re.I)


def nonfinite_paths(value: Any, where: str, limit: int = 5) -> list[str]:
    """Where in a nested dict/list/dataclass dict a float is NaN or infinite (at most `limit`)."""
    found: list[str] = []

    def walk(item: Any, path: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(item, dict):
            for key, sub in item.items():
                walk(sub, f"{path}.{key}")
        elif isinstance(item, (list, tuple)):
            for i, sub in enumerate(item):
                walk(sub, f"{path}[{i}]")
        elif isinstance(item, np.ndarray):
            if item.dtype.kind in "fc" and not np.all(np.isfinite(item)):
                found.append(path)
        elif isinstance(item, (float, np.floating)) and not math.isfinite(float(item)):
            found.append(f"{path}={float(item)!r}")

    walk(value, where)
    return found


def nonfinite_words(text: str, where: str) -> list[str]:
    """'nan'/'inf' written as words in a text a person reads, with a little context."""
    out = []
    for match in list(_NONFINITE_WORD.finditer(text or ""))[:3]:
        start = max(0, match.start() - 30)
        out.append(f"{where}: …{text[start:match.end() + 10]!s}…".replace("\n", " "))
    return out


def _clip(message: str, limit: int = 300) -> str:
    """Head and tail of a long message (numpy prints whole arrays into some)."""
    return message if len(message) <= limit else message[:200] + " … " + message[-(limit - 203):]


def one_sentence(message: str) -> bool:
    """The refusal contract: one line that ends like a sentence."""
    text = message.strip()
    return bool(text) and "\n" not in text and text.endswith((".", "?", "!"))


def product_path(path: Path, window_s: float = 4.0) -> dict[str, Any]:
    """Run one file through every stage; returns the classified outcome (never raises)."""
    from encoders.analysis import FeatureConfig, analyse_recording
    from encoders.errors import EEGReasonError
    from encoders.evidence import build_evidence
    from encoders.io import read_recording
    from prompts.answer_format import parse_answer
    from prompts.evidence_text import render_evidence
    from reports.draft import draft_note
    from reports.identity import recording_meta
    from reports.render import render_markdown
    from serve.commands.inspect import inspection

    path = Path(path)
    result: dict[str, Any] = {"outcome": "accepted", "stage": None, "nonfinite": [], "facts": {}}
    stage = "read"
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numpy's "invalid value" warnings: what they cause is checked below
            recording = read_recording(path)
            result["facts"] = {"n_channels": len(recording.ch_names), "sfreq": float(recording.sfreq),
                               "duration_s": float(recording.duration),
                               "max_abs_uv": float(np.max(np.abs(recording.data))) if recording.data.size else 0.0}
            stage = "analyse"
            analysis = analyse_recording(recording, FeatureConfig(window_s=window_s))
            stage = "evidence"
            evidence = build_evidence(analysis)
            result["nonfinite"] += nonfinite_paths(evidence.to_dict(), "evidence")
            stage = "evidence_text"
            text = render_evidence(evidence)
            result["nonfinite"] += nonfinite_words(text, "evidence text")
            stage = "inspect"
            info = inspection(path, window_s)
            result["nonfinite"] += nonfinite_paths(info, "inspect")
            try:
                json.dumps(info, allow_nan=False)
            except ValueError as err:  # NaN/inf in the JSON; anything else in dumps is a bug (TypeError)
                result["nonfinite"].append(f"inspect JSON: {err}")
            stage = "note"
            note = draft_note(evidence, recording_meta(path, analysis, salt=SALT), parse_answer(MODEL_ANSWER),
                              MODEL_NAME, created_at=CREATED_AT)
            result["nonfinite"] += nonfinite_paths(note.to_dict(), "note")
            stage = "markdown"
            markdown = render_markdown(note)
            result["nonfinite"] += nonfinite_words(markdown, "note Markdown")
        stage = None
    except EEGReasonError as err:
        message = str(err)
        result.update(outcome="refused", error_type=type(err).__name__, message=_clip(message),
                      one_sentence=one_sentence(message))
    except BaseException as err:  # noqa: BLE001 - every other exception is what this harness looks for
        if isinstance(err, KeyboardInterrupt):
            raise
        result.update(outcome="traceback", error_type=type(err).__name__, message=_clip(str(err)),
                      traceback="".join(traceback.format_exception(err))[-4000:])
    result["stage"] = stage
    result["seconds"] = round(time.perf_counter() - start, 4)
    if result["nonfinite"] and result["outcome"] != "traceback":
        result["outcome"] = "nonfinite"
    return result
