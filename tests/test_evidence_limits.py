"""Evidence that is honest about what a recording can support: a reference that never cancels the
signal, features that stay finite, quality that weighs channel count and coverage, and an assistant
that abstains when the evidence cannot carry an emotion reading, whatever its model writes."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from eeg_files import eeg_like
from encoders.analysis import analyse_recording
from encoders.channels import electrode_positions, montage
from encoders.evidence import Evidence, build_evidence
from encoders.finite import non_finite_paths
from encoders.preprocess import Pipeline, Reference, default_pipeline
from encoders.recording import Recording
from prompts.abstention import ABSTAIN_CONFIDENCE_CAP, guard, may_stand
from prompts.answer_format import ABSTAIN, parse_answer
from prompts.evidence_text import render_evidence
from test_cli import run_cli

NON_FINITE_WORD = re.compile(r"\b(nan|inf|infinity)\b", re.I)


def recording(names: list[str], data: np.ndarray, sfreq: float = 200.0) -> Recording:
    return Recording(data, list(names), sfreq, electrode_positions(list(names)))


def clinical_edf() -> Path:
    """A real single-channel clinical EDF (Fp1, 128 Hz, annotated) shipped inside pyEDFlib's wheel."""
    import pyedflib

    path = Path(pyedflib.__file__).parent / "tests" / "data" / "test_subsecond.edf"
    if not path.exists():
        pytest.skip("this pyEDFlib wheel does not ship tests/data/test_subsecond.edf")
    return path


# ---- the reference --------------------------------------------------------------------------------


def test_one_channel_keeps_its_own_reference_and_its_signal():
    data = eeg_like(1, 200.0, 20.0, seed=1)
    rec = recording(["Fp1"], data)
    out = default_pipeline(50.0)(rec)
    step = out.meta.preprocessing[-1]
    assert step["step"] == "reference" and step["scheme"] == "as recorded" and "cancel" in step["why"]
    assert out.data.std() > 5.0  # band-passed EEG of ~20 µV, not the zeros of an average over itself
    analysis = analyse_recording(rec)
    assert (analysis.band_power.sum(axis=-1) > 1.0).all()


def test_two_frontal_channels_keep_their_asymmetry():
    one = eeg_like(1, 200.0, 40.0, seed=2)[0]
    data = np.stack([one, 2.0 * one])  # the right side has four times the power in every band, alpha included
    analysis = analyse_recording(recording(["F3", "F4"], data))
    ev = build_evidence(analysis)
    # ln α(F4) − ln α(F3) = ln 4; an average over two channels would have made it exactly 0.
    assert ev.faa == pytest.approx(math.log(4.0), abs=0.006)
    assert ev.eeg_reference.startswith("as recorded")


def test_explicit_average_is_refused_where_it_cancels_and_a_lone_reference_channel_too():
    rec = recording(["F3", "F4"], eeg_like(2, 200.0, 8.0, seed=3))
    out = Reference("average").apply(rec)
    assert out.meta.preprocessing[-1]["scheme"] == "as recorded"
    np.testing.assert_array_equal(out.data, rec.data)
    lone = Reference("Cz").apply(recording(["Cz"], eeg_like(1, 200.0, 8.0, seed=4)))
    assert lone.meta.preprocessing[-1]["scheme"] == "as recorded" and lone.data.std() > 1.0


def test_common_average_uses_good_channels_only_and_is_recorded():
    names = montage("1020-19")
    data = eeg_like(19, 200.0, 20.0, seed=5)
    data[names.index("O1")] = 0.0
    out = Reference("auto", exclude=("C3",)).apply(recording(names, data))
    step = out.meta.preprocessing[-1]
    assert step["scheme"] == "average" and step["channels"] == 17  # C3 excluded, O1 flat
    keep = [i for i, n in enumerate(names) if n not in ("C3", "O1")]
    np.testing.assert_allclose(out.data[keep].mean(axis=0), 0.0, atol=1e-9)
    # The record of what was applied rebuilds the pipeline that applied it.
    assert Pipeline.from_list(out.meta.preprocessing) == Pipeline((Reference("auto", ("C3",)),))


@pytest.mark.parametrize("names, scheme", [
    (["Fp1", "Fp2", "F3", "F4", "F7", "F8", "Fz", "Fpz"], "as recorded"),  # one region
    (["Fp1", "F3", "F7", "C3", "T7", "P3", "P7", "O1", "Fz"], "as recorded"),  # left side only
    (["Fp1", "Fp2", "C3", "C4", "P3", "P4", "O1", "O2"], "average"),
])
def test_auto_reference_follows_the_montage(names, scheme):
    out = default_pipeline(50.0)(recording(names, eeg_like(len(names), 200.0, 8.0, seed=6)))
    assert out.meta.preprocessing[-1]["scheme"] == scheme


def test_a_clipped_channel_does_not_leak_into_the_other_channels():
    names = montage("1020-19")
    data = eeg_like(19, 200.0, 60.0, seed=7)
    clipped = data.copy()
    c3 = names.index("C3")
    clipped[c3] = np.clip(clipped[c3] * 2000.0, -60000.0, 60000.0)  # a channel pinned at its rails
    with_clip = analyse_recording(recording(names, clipped))
    assert "C3" in with_clip.quality.bad_channels
    others = [n for n in names if n != "C3"]
    without = analyse_recording(recording(others, np.delete(data, c3, axis=0)))
    keep = [names.index(n) for n in others]
    # Same features as if the broken channel had never been recorded.
    np.testing.assert_allclose(with_clip.features[:, keep], without.features, atol=1e-6)
    np.testing.assert_allclose(with_clip.band_power[:, keep], without.band_power, rtol=1e-6)
    assert build_evidence(with_clip).band_z == build_evidence(without).band_z


# ---- finite features --------------------------------------------------------------------------------


def test_features_of_huge_values_are_finite_and_scale_exactly():
    from encoders.features import make_windows, spectral_features

    x = eeg_like(3, 200.0, 12.0, seed=8)
    base = spectral_features(make_windows(x, 200.0), 200.0, seed_convention=True)
    for scale in (1e20, 1e40, 1e120):
        big = spectral_features(make_windows(x * scale, 200.0), 200.0, seed_convention=True)
        assert np.isfinite(big.de_gaussian).all() and np.isfinite(big.de_seed).all()
        # DE is log-variance: scaling the signal by s adds ln s (log2 s for SEED's base-2 DE).
        np.testing.assert_allclose(big.de_gaussian, base.de_gaussian + math.log(scale), atol=1e-4)
        np.testing.assert_allclose(big.de_seed, base.de_seed + 2 * math.log2(scale), atol=1e-3)
        np.testing.assert_allclose(big.band_power, base.band_power * scale ** 2, rtol=1e-4)


def test_a_channel_beyond_float_range_is_left_out_and_never_graded_good():
    names = montage("1020-19")
    data = eeg_like(19, 200.0, 40.0, seed=9)
    data[names.index("Pz")] *= 1e200  # band power ~1e400 µV²: no float holds it
    analysis = analyse_recording(recording(names, data))
    assert np.isfinite(analysis.features).all() and np.isfinite(analysis.band_power).all()
    assert "Pz" in analysis.quality.bad_channels
    ev = build_evidence(analysis)
    assert not non_finite_paths(ev.to_dict()) and not NON_FINITE_WORD.search(render_evidence(ev))


# ---- quality, evidence and what it supports ------------------------------------------------------------


def test_clinical_single_channel_edf_is_poor_and_supports_no_emotion():
    from encoders.io import read_recording

    analysis = analyse_recording(read_recording(clinical_edf()))
    ev = build_evidence(analysis)
    assert analysis.ch_names == ["Fp1"] and analysis.quality.grade == "poor"
    assert ev.supports_emotion is False and ev.faa is None and ev.faa_direction is None and not ev.pattern
    assert any("spatial" in limit for limit in ev.limits) and any("asymmetry" in limit for limit in ev.limits)
    assert not non_finite_paths(ev.to_dict())
    # Real band power now (the average reference over one channel used to zero it): z-scores of a
    # frontal channel against the adult reference, within a plausible range.
    assert set(ev.band_z) == {"frontal"} and all(abs(z) < 20 for z in ev.band_z["frontal"].values())
    text = render_evidence(ev)
    assert "NOT supported" in text and "reference: as recorded" in text


def test_quality_weighs_channel_count_and_coverage():
    clean = eeg_like(19, 200.0, 40.0, seed=10)
    names = montage("1020-19")
    assert analyse_recording(recording(names, clean)).quality.grade == "good"
    frontal = ["Fp1", "Fp2", "F3", "F4", "F7", "F8", "Fz", "Fpz", "AF3", "AF4"]
    assert analyse_recording(recording(frontal, clean[:10])).quality.grade == "fair"
    assert analyse_recording(recording(["C3", "C4"], clean[:2])).quality.grade == "poor"


def test_evidence_dicts_written_before_still_read():
    old = {"version": "evidence-v1", "synthetic": False, "duration_s": 60.0, "n_channels": 1,
           "quality_grade": "good", "quality_reasons": ["only 1 EEG channels"], "usable_seconds": 60.0,
           "total_seconds": 60.0, "bad_channels": [], "faa": float("nan"), "faa_direction": "balanced",
           "band_z": {"frontal": {"alpha": -184.7, "beta": float("nan")}}, "reference": "generic adult reference",
           "findings": [{"key": "faa", "direction": "balanced", "value": float("nan")},
                        {"key": "band:frontal:alpha", "direction": "reduced", "value": -184.7}],
           "pattern": [["happy", 0.74]]}
    ev = Evidence.from_dict(json.loads(json.dumps(old)))
    assert ev.faa is None and ev.faa_direction is None and ev.finding("faa") is None
    assert ev.band_z == {"frontal": {"alpha": -184.7}}
    assert ev.supports_emotion is False and ev.usable_channels == 1
    assert "happy" not in render_evidence(ev) and "NOT supported" in render_evidence(ev)
    json.dumps(ev.to_dict(), allow_nan=False)
    good = dict(old, n_channels=62, faa=0.2, faa_direction="left", band_z={}, findings=[])
    assert Evidence.from_dict(good).supports_emotion is True and Evidence.from_dict(good).pattern == [["happy", 0.74]]


# ---- the guard -------------------------------------------------------------------------------------------


def _evidence(n_channels: int) -> Evidence:
    names = montage("1020-19")[:n_channels] if n_channels > 2 else ["F3", "F4"][:n_channels]
    return build_evidence(analyse_recording(recording(names, eeg_like(len(names), 200.0, 20.0, seed=11))))


@pytest.mark.parametrize("model_text", [
    "Reasoning: Frontal alpha favours the left. Overall the EEG pattern fits happy best.\n"
    "Answer: happy\nConfidence: 0.74",
    "Reasoning: Calm signal.\nAnswer: Neutral.\nConfidence: 0.9",
    "Reasoning: x.\nAnswer: negative valence, high arousal\nConfidence: 0.5",
    "Reasoning: The signal suggests fear.\nAnswer: cannot tell\nConfidence: 0.1",  # abstains, yet concludes fear
    "Reasoning: Unclear.\nAnswer: cannot tell\nConfidence: 0.8",  # abstains too confidently
    "happy happy happy",  # no format at all
    "",
])
def test_unsupported_answers_are_replaced_by_an_abstention_from_the_evidence(model_text):
    ev = _evidence(1)
    assert ev.supports_emotion is False
    replaced = guard(model_text, [ev])
    parsed = parse_answer(replaced)
    assert parsed.well_formed and parsed.answer == ABSTAIN and parsed.confidence <= ABSTAIN_CONFIDENCE_CAP
    assert may_stand(replaced)  # the replacement passes its own test: the guard is idempotent
    assert "signal quality is poor" in parsed.reasoning.lower() or "quality is poor" in parsed.reasoning
    assert not NON_FINITE_WORD.search(replaced)


def test_honest_abstentions_and_supported_evidence_pass_unchanged():
    honest = "Reasoning: Only one electrode; no spatial pattern.\nAnswer: cannot tell\nConfidence: 0.10"
    assert guard(honest, [_evidence(1)]) is None
    assert guard("Reasoning: x fits sad best.\nAnswer: sad\nConfidence: 0.6", [_evidence(19)]) is None
    # One unsupported recording in a comparison is enough to withhold the answer.
    assert guard("Reasoning: x.\nAnswer: recording 1\nConfidence: 0.6", [_evidence(19), _evidence(2)]) is not None


@pytest.mark.parametrize("space_name", ["valence-2", "arousal-2", "valence-3", "emotions-4", "quadrants-4"])
def test_the_guard_reads_answers_in_the_checkpoints_own_label_set(space_name):
    from encoders.labels import LABEL_SPACES

    space = LABEL_SPACES[space_name]
    labels = list(space.labels)
    ev = _evidence(1)
    chance = round(1 / len(labels), 2)
    # An honest abstention at chance among this label set's classes stands as written...
    honest = f"Reasoning: Only one electrode; no spatial pattern.\nAnswer: cannot tell\nConfidence: {chance:.2f}"
    assert guard(honest, [ev], labels) is None
    # ...more confidence than that, or a reasoning that settles on one of the classes, does not.
    assert guard(f"Reasoning: Unclear.\nAnswer: cannot tell\nConfidence: {min(chance + 0.2, 0.99):.2f}", [ev], labels)
    concluding = f"Reasoning: The signal suggests {labels[-1]}.\nAnswer: cannot tell\nConfidence: {chance:.2f}"
    replaced = guard(concluding, [ev], labels)
    assert replaced is not None
    parsed = parse_answer(replaced, tuple(labels))
    assert parsed.answer == ABSTAIN and parsed.confidence == chance and may_stand(replaced, labels)
    assert ("no emotion is named" if space.emotions else "no class is named") in parsed.reasoning
    named = guard(f"Reasoning: x.\nAnswer: {labels[0]}\nConfidence: 0.7", [ev], labels)
    assert named is not None and parse_answer(named, tuple(labels)).answer == ABSTAIN


def test_assistant_abstains_on_the_clinical_single_channel_edf(tiny_checkpoint, hf_engine):
    from serve.assistant import Assistant, Conversation
    from serve.engines import GenerationParams

    assistant = Assistant(tiny_checkpoint, engine=hf_engine)
    context = assistant.analyse(clinical_edf())
    assert context.evidence.supports_emotion is False and not non_finite_paths(context.evidence.to_dict())
    assert "NOT supported" in context.evidence_text
    conversation = Conversation([context])
    result = assistant.ask(conversation, "How does this person feel?", GenerationParams(max_tokens=24))
    parsed = parse_answer(result.text)
    assert parsed.answer == ABSTAIN and parsed.confidence <= ABSTAIN_CONFIDENCE_CAP
    assert "evidence_guard" in result.extra and conversation.turns[-1].answer == result.text
    # Without evidence (how evaluation scores the model itself) the model's own text comes back.
    embeds = assistant.prompt_embeds(Conversation([context]), "How does this person feel?")
    raw = assistant.generate([embeds], GenerationParams(max_tokens=24))[0]
    assert "evidence_guard" not in raw.extra and raw.text == result.extra["evidence_guard"]["raw_text"]
    streamed = list(assistant.stream(conversation, "Is this person happy?", GenerationParams(max_tokens=24)))
    assert len(streamed) == 1  # nothing is shown before the guard has judged the whole answer
    last = parse_answer(streamed[-1])
    assert last.answer == ABSTAIN and last.confidence <= ABSTAIN_CONFIDENCE_CAP and conversation.turns[-1].guarded
    from reports.draft import draft_note
    from reports.identity import recording_meta

    note = draft_note(context.evidence, recording_meta("clinical.edf", context.analysis, salt=b"s"), parsed, "tiny")
    assert not non_finite_paths(note.to_dict()) and note.affective_assessment.label == ABSTAIN


def _no_nan_constant(name: str):
    raise AssertionError(f"JSON output holds {name}")


def test_inspect_json_on_the_clinical_edf_is_strict_json():
    result = run_cli("inspect", str(clinical_edf()), "--json", timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    info = json.loads(result.stdout, parse_constant=_no_nan_constant)
    assert info["quality"]["grade"] == "poor" and info["supports_emotion"] is False
    assert info["features"]["frontal_alpha_asymmetry"] is None
    assert all(v > 0 for v in info["features"]["band_power_uv2_mean"].values())
    assert info["features"]["reference"].startswith("as recorded")


def test_ask_json_on_the_clinical_edf_is_strict_json_and_abstains(tiny_checkpoint):
    result = run_cli("ask", str(clinical_edf()), "--checkpoint", str(tiny_checkpoint), "--engine", "transformers",
                     "--max-tokens", "8", "--json", env_extra={"EEGREASON_HOME": os.environ["EEGREASON_HOME"]})
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout[result.stdout.index("{"):], parse_constant=_no_nan_constant)
    assert parse_answer(payload["answer"]).answer == ABSTAIN
    assert payload["evidence"]["supports_emotion"] is False and payload["evidence_guard"]["raw_text"] is not None
