"""Released datasets as copies of them look, written by someone who never saw the loaders
(tests/foreign_datasets/make_layouts.py: SEED with macOS and readme strays and its feature files,
SEED-IV raw and smoothed features, SEED-V's DE npz of pickled bytes, SEED-VII with its workbook,
DEAP's Python-2 pickles and the release's MATLAB copy, DREAMER's struct, a read-only copy, a copy
missing a session folder, one unpacked a folder too deep, and broken copies). Each is read with the
manifest's subjects, sessions, trial counts, labels or ratings, sampling rate, channels, trial
lengths and its 20 µV 10 Hz test channel (or, for features, the test channel's alpha leading every
window), or refused with a `DatasetError` that says what to do; the malicious pickle never runs."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import numpy as np
import pytest

from encoders.datasets.registry import open_dataset
from encoders.errors import DatasetError

GENERATOR = Path(__file__).parent / "foreign_datasets" / "make_layouts.py"
CODES = {"seed": {-1: "negative", 0: "neutral", 1: "positive"},
         "seed-iv": dict(enumerate(("neutral", "sad", "fear", "happy"))),
         "seed-v": dict(enumerate(("disgust", "fear", "sad", "neutral", "happy")))}
# What the loaders say where the writer left the choice open ("either").
EITHER = {"seed_vii_nested": "SEED_VII/SEED-VII/EEG_preprocessed is there: point --root at SEED_VII/SEED-VII"}
REFUSALS = {
    "bad_seed_no_label": "copy label.mat from the SEED release into Preprocessed_EEG",
    "bad_seed_empty": "contains no <subject>_<yyyymmdd>.mat files",
    "bad_seed_truncated": "damaged or truncated",
    "bad_seed_zipped": "Preprocessed_EEG.zip is there: unzip it first",
    "bad_seed_vii_csv": "emotion_label_and_stimuli_order.csv is there, but the release's",
    "bad_seed_vii_empty_xlsx": "use the workbook released with SEED-VII",
    "bad_deap_malicious": "refusing to load it because pickles can run code",
    "bad_dreamer_renamed": "has no struct DREAMER",
}


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("foreign_make_layouts", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("foreign-datasets")
    return out, {m["name"]: m for m in module.main(out)}


def _amplitude_at_10_hz(x: np.ndarray, sfreq: float) -> float:
    t = np.arange(len(x)) / sfreq
    design = np.c_[np.sin(2 * np.pi * 10 * t), np.cos(2 * np.pi * 10 * t), np.ones_like(t)]
    coef = np.linalg.lstsq(design, x, rcond=None)[0]
    return float(np.hypot(coef[0], coef[1]))


def _read_problems(out: Path, m: dict) -> list[str]:
    trials = list(open_dataset(m["dataset"], out / m["root"]).iter_trials(m["kind"]))
    problems = []
    if sorted({t.subject for t in trials}) != sorted(m["subjects"]):
        problems.append(f"subjects {sorted({t.subject for t in trials})}")
    for subject in m["subjects"]:
        for session in m["sessions"][str(subject)]:
            got = sorted((t for t in trials if (t.subject, t.session) == (subject, session)), key=lambda t: t.trial)
            where = f"subject {subject} session {session}"
            if len(got) != m["trials_per_session"]:
                problems.append(f"{where}: {len(got)} trials")
                continue
            want = m["labels"][str(subject)][str(session)]
            if m["dataset"] in CODES:
                wrong = [t.label_name for t in got] != [CODES[m["dataset"]][w] for w in want]
            elif m["dataset"] == "seed-vii":
                wrong = [t.label_name for t in got] != [str(w).lower() for w in want]
            else:
                ratings = [[t.ratings[c] for c in m["label_columns"]] for t in got]
                wrong = not np.allclose(ratings, want, atol=1e-6)
            if wrong:
                problems.append(f"{where}: labels")
            problems += _signal_problems(m, got, subject, session)
    return problems


def _signal_problems(m: dict, got: list, subject: int, session: int) -> list[str]:
    first = got[0]
    test = [i for i, name in enumerate(first.ch_names) if name.lower() == m["test_channel"].lower()]
    if not test:
        return [f"no {m['test_channel']} among {first.ch_names}"]
    if m["kind"] == "features":
        for trial in got:
            de = next(v for k, v in trial.features.items() if k.startswith("de"))
            if not np.all(np.argmax(de[:, :, 2], axis=1) == test[0]):  # alpha of the test channel leads
                return [f"trial {trial.trial}: alpha does not lead on {m['test_channel']}"]
        return []
    problems = []
    if first.sfreq != m["sfreq"] or first.data.shape[0] != m["n_channels"]:
        problems.append(f"{first.sfreq} Hz, {first.data.shape[0]} channels")
    seconds = [t.data.shape[1] / t.sfreq for t in got]
    if m["dataset"] == "deap":  # the 3-s pre-trial baseline is moved to Trial.baseline
        expected = [m["stimulus_seconds"]] * len(got)
        if any(t.baseline.shape[1] / t.sfreq != m["baseline_seconds"] for t in got):
            problems.append("baseline length")
    else:
        expected = m["trial_seconds"][str(subject)][str(session)]
    if not np.allclose(seconds, expected, atol=0.02):
        problems.append(f"trial lengths {seconds[:3]} != {expected[:3]}")
    amplitude = _amplitude_at_10_hz(first.data[test[0]], first.sfreq)
    if abs(amplitude - m["test_amplitude_uv"]) > 0.5:
        problems.append(f"{m['test_channel']} at 10 Hz: {amplitude:.2f} µV")
    return problems


READS = ["seed", "seed_features", "seed_iv", "seed_iv_features", "seed_v_features", "seed_vii",
         "seed_vii_features", "deap", "deap_matlab", "dreamer", "seed_readonly", "seed_iv_no_session3"]


@pytest.mark.parametrize("name", READS)
def test_a_released_copy_is_read_as_its_writer_says(layouts, name):
    out, manifest = layouts
    assert manifest[name]["expect"] == "read"
    assert _read_problems(out, manifest[name]) == []


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_broken_copy_is_refused_with_what_to_do(layouts, name):
    out, manifest = layouts
    m = manifest[name]
    assert m["expect"] == "refuse"
    with pytest.raises(DatasetError) as refused:
        list(open_dataset(m["dataset"], out / m["root"]).iter_trials(m["kind"]))
    assert REFUSALS[name] in str(refused.value)
    assert str(out) not in str(refused.value)  # messages name the dataset's folders, not the full path
    if "marker" in m:
        assert not (out / m["marker"]).exists()


@pytest.mark.parametrize("name", sorted(EITHER))
def test_a_copy_unpacked_a_folder_too_deep_says_where_the_dataset_is(layouts, name):
    out, manifest = layouts
    m = manifest[name]
    assert m["expect"] == "either"
    with pytest.raises(DatasetError, match=EITHER[name]):
        open_dataset(m["dataset"], out / m["root"])


def test_a_missing_session_folder_is_named(layouts, caplog):
    out, manifest = layouts
    m = manifest["seed_iv_no_session3"]
    with caplog.at_level(logging.WARNING):
        open_dataset(m["dataset"], out / m["root"])
    assert "has no session folder 3" in caplog.text


def test_every_layout_of_the_manifest_is_tested(layouts):
    _, manifest = layouts
    assert set(manifest) == set(READS) | set(REFUSALS) | set(EITHER)
