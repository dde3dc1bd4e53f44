"""Property test: whatever a recording looks like (1–64 channels of any 10-05 names, 64–2048 Hz,
one window to a minute, with spikes, clipping, DC offsets, flat channels and absurd values), no
non-finite number reaches the evidence, the prompt's evidence text, the `inspect` JSON, an
abstention or a draft note; a recording is never graded good with non-finite features; and one
or two channels never support an emotion reading.

Derandomized (the same examples on every run). `EEGREASON_PROPERTY_EXAMPLES` raises the count
(default 60, under a minute on two cores).
"""

from __future__ import annotations

import json
import os
import re

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eeg_files import eeg_like
from encoders.analysis import FeatureConfig, analyse_recording, compute_features
from encoders.channels import MONTAGES, electrode_positions, region_of, standard_positions
from encoders.evidence import build_evidence
from encoders.features import FAA_PAIRS, frontal_pair
from encoders.finite import non_finite_paths
from encoders.recording import Recording
from prompts.abstention import abstention_answer, guard
from prompts.answer_format import parse_answer
from prompts.evidence_text import render_evidence
from reports.draft import draft_note
from reports.identity import recording_meta
from reports.render import render_markdown
from serve.commands.inspect import inspection_from

EXAMPLES = int(os.environ.get("EEGREASON_PROPERTY_EXAMPLES", "60"))
SAMPLE_BUDGET = 2_000_000  # channels × samples per example, so a minute at 2048 Hz stays affordable
NON_FINITE_WORD = re.compile(r"\b(nan|inf|infinity)\b", re.I)
POOL = sorted(standard_positions())
NOT_FRONTAL = [n for n in POOL if region_of(n) != "frontal"]
RATES = [64, 100, 128, 160, 200, 250, 256, 500, 512, 1000, 1024, 2048]


@st.composite
def channel_names(draw) -> list[str]:
    kind = draw(st.sampled_from(["any", "single", "two frontal", "no frontal", "standard montage"]))
    if kind == "single":
        return [draw(st.sampled_from(POOL))]
    if kind == "two frontal":
        return list(draw(st.sampled_from(FAA_PAIRS)))
    size = draw(st.integers(1, 64))  # drawn first: list sizes alone would crowd near the minimum
    if kind == "no frontal":
        return draw(st.lists(st.sampled_from(NOT_FRONTAL), min_size=size, max_size=size, unique=True))
    if kind == "standard montage":
        names = list(MONTAGES[draw(st.sampled_from(sorted(MONTAGES)))])
        keep = draw(st.integers(1, len(names)))
        return names[:keep]
    return draw(st.lists(st.sampled_from(POOL), min_size=size, max_size=size, unique=True))


DAMAGE = st.tuples(st.sampled_from(["spike", "clip", "dc", "flat", "huge", "saturate"]),
                   st.floats(0.0, 1.0), st.integers(0, 300))


@np.errstate(over="ignore", invalid="ignore")
def damaged(data: np.ndarray, sfreq: float, damage: list, rng: np.random.Generator) -> np.ndarray:
    data = data.copy()
    n_channels, n_samples = data.shape
    for kind, where, size in damage:
        c = min(int(where * n_channels), n_channels - 1)
        if kind == "spike":  # a few samples far off, up to 1e30 µV
            at = rng.integers(0, n_samples, size=rng.integers(1, 6))
            data[c, at] = rng.choice([-1.0, 1.0], size=at.size) * 10.0 ** (2 + size % 29)
        elif kind == "clip":  # gain, then pinned at the amplifier's rails
            limit = 10.0 ** (1 + size % 6)
            data[c] = np.clip(data[c] * 10.0 ** (size % 4), -limit, limit)
        elif kind == "dc":
            data[c] += (-1.0) ** size * 10.0 ** (1 + size % 6)
        elif kind == "flat":
            data[c] = float(size % 3) * 1e3
        elif kind == "huge":  # a mis-scaled or broken channel, up to far beyond float32 and float64 squares
            data[c] *= 10.0 ** (size % 250)
        else:  # a stretch of samples stuck at one value
            start = rng.integers(0, n_samples)
            data[c, start:start + int(sfreq * (1 + size % 10))] = data[c].max()
    return data


@st.composite
def recordings(draw) -> Recording:
    names = draw(channel_names())
    sfreq = float(draw(st.sampled_from(RATES)))
    seconds = draw(st.floats(4.0, 60.0))
    seconds = max(4.0, min(seconds, SAMPLE_BUDGET / (len(names) * sfreq)))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    damage = draw(st.lists(DAMAGE, max_size=4))
    data = eeg_like(len(names), sfreq, seconds, seed=seed)
    data = damaged(data, sfreq, damage, np.random.default_rng(seed))
    return Recording(data, names, sfreq, electrode_positions(names))


def assert_finite(value, what: str) -> None:
    assert not non_finite_paths(value), f"non-finite numbers in {what}: {non_finite_paths(value)[:5]}"
    json.dumps(value, allow_nan=False)


@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(recordings())
def test_no_non_finite_number_reaches_any_output(rec):
    analysis = analyse_recording(rec)
    evidence = build_evidence(analysis)
    names = rec.ch_names
    event(f"channels {'1' if len(names) == 1 else '2' if len(names) == 2 else '3-19' if len(names) < 20 else '20-64'}")
    event(f"grade {analysis.quality.grade}, emotion {'supported' if evidence.supports_emotion else 'not supported'}")
    event(f"reference {analysis.recording.meta.preprocessing[-1]['scheme']}")
    if analysis.quality.nonfinite_windows or analysis.quality.nonfinite_channels:
        event("non-finite features left out")

    # Features: every one finite (unusable entries are excluded and filled).
    assert np.isfinite(analysis.features).all() and np.isfinite(analysis.band_power).all()
    raw_features, raw_power = compute_features(analysis.recording, FeatureConfig())
    if not (np.isfinite(raw_features).all() and np.isfinite(raw_power).all()):
        assert analysis.quality.grade != "good"

    # The reference never cancels the signal: no common average over one or two channels.
    step = analysis.recording.meta.preprocessing[-1]
    if len(names) <= 2:
        assert step["scheme"] == "as recorded"
        assert evidence.supports_emotion is False

    # Evidence, its text, an abstention from it, the inspect JSON and a draft note: all finite.
    data = evidence.to_dict()
    assert_finite(data, "the evidence")
    if evidence.faa is None:
        assert evidence.faa_direction is None
    if frontal_pair(names) is None:
        assert evidence.faa is None
    text = render_evidence(evidence)
    assert not NON_FINITE_WORD.search(text), text
    if not evidence.supports_emotion:
        assert "NOT supported" in text and evidence.pattern == []
        answer = guard("Reasoning: x fits happy best.\nAnswer: happy\nConfidence: 0.9", [evidence])
        assert parse_answer(answer).answer == "cannot tell"
    else:
        answer = abstention_answer([evidence])
    assert not NON_FINITE_WORD.search(answer), answer
    assert_finite(inspection_from(rec, analysis, "property"), "the inspect JSON")
    note = draft_note(evidence, recording_meta("property", analysis, salt=b"property"), parse_answer(answer), "m")
    assert_finite(note.to_dict(), "the draft note")
    assert not NON_FINITE_WORD.search(render_markdown(note))
