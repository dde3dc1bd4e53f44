"""The synthetic cohort: deterministic, marked SYNTHETIC in every file, EEG-like, and honest to
benchmark on (emotion effects real but small, nuisance larger, leaky splits visibly inflated)."""

from __future__ import annotations

import argparse
import csv
import json

import numpy as np
import pytest

from encoders import synthetic as syn
from encoders import writers
from encoders.errors import ConfigError
from encoders.features import BAND_NAMES, frontal_alpha_asymmetry, make_windows, spectral_features, zscore_by_group
from encoders.io import SYNTHETIC_MARK, read_recording

# Small cohorts keep the file fast: the 19-channel 10-20 cap, short trials.
SMALL = dict(montage="1020-19", trial_seconds=8.0, trials_per_emotion=1)


def small(seed: int = 0, subjects: int = 2, **overrides) -> syn.CohortConfig:
    return syn.CohortConfig(seed=seed, subjects=subjects, **{**SMALL, **overrides})


# ---- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize("overrides, words", [
    (dict(subjects=0), "subjects"),
    (dict(sessions=0), "sessions"),
    (dict(trials_per_emotion=0), "trials_per_emotion"),
    (dict(montage="biosemi256"), "montage"),
    (dict(sfreq=50.0), "sfreq"),
    (dict(trial_seconds=2.0), "trial_seconds"),
    (dict(seed=-1), "seed"),
])
def test_bad_config_is_a_config_error_sentence(overrides, words):
    with pytest.raises(ConfigError) as err:
        syn.CohortConfig(**{"seed": 0, "subjects": 1, **overrides})
    assert words in str(err.value) and str(err.value).endswith(".")


def test_out_of_range_trial_is_a_config_error():
    with pytest.raises(ConfigError):
        syn.generate_trial(small(), 3, 1, 1)


def test_labels_table_and_binary_threshold():
    assert syn.EMOTIONS == ("happy", "surprise", "neutral", "sad", "disgust", "fear", "anger")
    assert set(syn.VALENCE_AROUSAL) == set(syn.EMOTIONS)
    assert syn.valence_high(0.8) and not syn.valence_high(0.0)  # > 0 is high; neutral is low
    assert [e for e in syn.EMOTIONS if syn.valence_high(syn.VALENCE_AROUSAL[e][0])] == ["happy", "surprise"]
    assert not syn.arousal_high(syn.VALENCE_AROUSAL["sad"][1]) and syn.arousal_high(syn.VALENCE_AROUSAL["fear"][1])


# ---- determinism and layout -------------------------------------------------------------------


def test_same_seed_same_samples_different_seed_different():
    a = syn.generate_trial(small(seed=7), 1, 1, 3)
    b = syn.generate_trial(small(seed=7), 1, 1, 3)
    c = syn.generate_trial(small(seed=8), 1, 1, 3)
    np.testing.assert_array_equal(a.data, b.data)
    assert a.data.shape == c.data.shape and not np.allclose(a.data, c.data)


def test_a_trial_does_not_depend_on_cohort_size_or_generation_order():
    later_first = syn.generate_trial(small(subjects=3), 2, 1, 5)  # subject 2 before subject 1
    two = {(t.subject, t.trial): t for t in syn.iter_trials(small(subjects=2))}
    np.testing.assert_array_equal(two[(2, 5)].data, later_first.data)
    assert two[(2, 5)].emotion == later_first.emotion


def test_sessions_hold_every_clip_once_in_the_same_order_for_everyone():
    cfg = small(subjects=2, sessions=2, trials_per_emotion=2, trial_seconds=4.0)
    trials = list(syn.iter_trials(cfg))
    assert len(trials) == 2 * 2 * 14
    for subject in (1, 2):
        for session in (1, 2):
            block = [t for t in trials if (t.subject, t.session) == (subject, session)]
            assert [t.trial for t in block] == list(range(1, 15))
            assert sorted(t.stimulus_id for t in block) == sorted(f"{e}-{k}" for e in syn.EMOTIONS for k in (1, 2))
            for t in block:
                assert syn.EMOTIONS[t.label] == t.emotion
                assert (t.valence, t.arousal) == syn.VALENCE_AROUSAL[t.emotion]
    order = lambda s, ses: [t.stimulus_id for t in trials if (t.subject, t.session) == (s, ses)]  # noqa: E731
    assert order(1, 1) == order(2, 1) and order(1, 1) != order(1, 2)


def test_amplitudes_and_shape_look_like_scalp_eeg():
    cfg = syn.CohortConfig(seed=3, subjects=3, trials_per_emotion=1, trial_seconds=16.0)
    sds = []
    for subject in (1, 2, 3):
        t = syn.generate_trial(cfg, subject, 1, 1)
        assert t.data.shape == (62, 3200) and t.data.dtype == np.float64 and t.ch_names == cfg.channels
        assert np.isfinite(t.data).all()
        sds.append(t.data.std(axis=1))
        assert np.abs(t.data).max() < 1000.0  # µV, blinks included
    sds = np.concatenate(sds)
    assert 10.0 <= np.median(sds) <= 40.0 and sds.min() > 3.0 and sds.max() < 100.0


def test_spectrum_has_a_posterior_alpha_peak_and_falls_off():
    # Per subject (alpha strength varies between people by design), O1 power falls with frequency
    # and alpha stands above the 1/f line drawn between its neighbouring bands, for most people.
    cfg = syn.CohortConfig(seed=1, subjects=6, trials_per_emotion=1, trial_seconds=32.0)
    freqs = np.fft.rfftfreq(800, 1 / cfg.sfreq)
    bumps = []
    for subject in range(1, 7):
        psds = []
        for trial in (1, 4, 7):
            t = syn.generate_trial(cfg, subject, 1, trial)
            windows = make_windows(t.data, t.sfreq, 4.0)
            psds.append((np.abs(np.fft.rfft(windows, axis=-1)) ** 2).mean(axis=0)[t.ch_names.index("O1")])
        psd = np.mean(psds, axis=0)
        band = lambda lo, hi: psd[(freqs >= lo) & (freqs < hi)].mean()  # noqa: E731
        assert band(2, 4) > band(14, 20) > band(30, 45)  # 1/f
        bumps.append(band(8, 13) / np.sqrt(band(5, 7) * band(14, 20)))
    assert np.median(bumps) > 1.2  # an alpha bump above the 1/f line


def test_the_head_model_is_built_once_per_montage_not_per_trial():
    # What keeps generation fast (its speed is measured in bench/, not here): the forward solution
    # and the calibration are computed for the first trial and reused by every later one.
    from encoders.synthetic.head import _head_model
    from encoders.synthetic.subjects import _calibration

    cfg = syn.CohortConfig(seed=0, subjects=1)
    syn.generate_trial(cfg, 1, 1, 1)
    head, calibration = _head_model.cache_info().misses, _calibration.cache_info().misses
    for trial in range(2, 6):
        syn.generate_trial(cfg, 1, 1, trial)
    assert _head_model.cache_info().misses == head and _calibration.cache_info().misses == calibration
    assert _head_model.cache_info().hits > 0


# ---- files ------------------------------------------------------------------------------------


def _edf_step(data: np.ndarray) -> np.ndarray:
    return np.array([2 * writers._edf_range(channel) / 65535 for channel in data])


def test_recording_is_marked_synthetic_with_labels():
    t = syn.generate_trial(small(), 1, 1, 2)
    rec = syn.trial_to_recording(t)
    assert rec.meta.synthetic and rec.ch_names == t.ch_names and rec.sfreq == t.sfreq
    assert rec.annotations[0].onset == 0.0
    assert rec.annotations[0].description.startswith(
        "SYNTHETIC EEG (eegreason): generated and not recorded from a person")
    assert rec.meta.extra["emotion"] == t.emotion and rec.meta.extra["synthetic"] is True
    assert np.isfinite(rec.positions).all()


@pytest.mark.parametrize("fmt", ["edf", "fif"])
def test_files_round_trip_through_read_recording(tmp_path, fmt):
    t = syn.generate_trial(small(seed=2), 1, 1, 4)
    write = {"edf": writers.write_recording_edf, "fif": writers.write_recording_fif}[fmt]
    path = write(syn.trial_to_recording(t), tmp_path / f"{t.file_stem}.{fmt}")
    rec = read_recording(path)
    assert rec.meta.synthetic
    assert rec.annotations and rec.annotations[0].description.startswith(SYNTHETIC_MARK)
    assert " ".join(a.description for a in rec.annotations).startswith(syn.SYNTHETIC_DESCRIPTION)
    assert rec.ch_names == t.ch_names and rec.sfreq == t.sfreq and rec.data.shape == t.data.shape
    assert rec.meta.units_note is None  # µV came back as µV
    if fmt == "edf":
        assert np.all(np.abs(rec.data - t.data).max(axis=1) <= _edf_step(t.data) * 1.01)
        ids = read_recording(path, keep_identifiers=True).meta.identifiers
        assert SYNTHETIC_MARK in ids.get("last_name", "") + ids.get("his_id", "")
    else:
        np.testing.assert_allclose(rec.data, t.data, rtol=1e-6, atol=1e-4)  # float32 volts


def test_writers_refuse_a_real_recording(tmp_path):
    rec = syn.trial_to_recording(syn.generate_trial(small(), 1, 1, 1))
    rec.meta.synthetic = False
    with pytest.raises(ConfigError):
        writers.write_recording_edf(rec, tmp_path / "x.edf")


def test_write_cohort_files_labels_and_manifest(tmp_path):
    cfg = small(seed=5, subjects=2, trial_seconds=4.0)
    labels = syn.write_cohort(cfg, tmp_path / "cohort", formats=("edf", "fif"), progress=False)
    assert labels == tmp_path / "cohort" / "labels.csv"
    with open(labels, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == ("file_stem", "subject", "session", "trial", "emotion", "label", "valence",
                              "arousal", "valence_high", "arousal_high", "stimulus_id", "synthetic")
    assert len(rows) == 2 * 7 and {r["synthetic"] for r in rows} == {"true"}
    first = rows[0]
    assert first["file_stem"] == f"sub-01_ses-1_trial-01_{first['emotion']}_SYNTHETIC"
    for row in rows:
        assert syn.EMOTIONS[int(row["label"])] == row["emotion"]
        assert row["valence_high"] == ("true" if float(row["valence"]) > 0 else "false")
        assert row["arousal_high"] == ("true" if float(row["arousal"]) > 0 else "false")
        for fmt in ("edf", "fif"):
            assert (labels.parent / f"{row['file_stem']}.{fmt}").is_file()
    manifest = json.loads((labels.parent / "cohort.json").read_text())
    assert manifest["synthetic"] is True and manifest["seed"] == 5 and "synthetic" in manifest["note"].lower()
    assert manifest["config"]["montage"] == "1020-19"
    assert "SYNTHETIC" in (labels.parent / "README.txt").read_text()
    rec = read_recording(labels.parent / f"{first['file_stem']}.edf")
    assert rec.meta.synthetic


def test_write_cohort_rejects_unknown_formats(tmp_path):
    with pytest.raises(ConfigError):
        syn.write_cohort(small(), tmp_path, formats=("csv",), progress=False)


def test_write_sample(tmp_path):
    path = syn.write_sample(tmp_path / "sample.edf", emotion="sad", seed=0, montage="emotiv14", seconds=10.0)
    rec = read_recording(path)
    assert rec.meta.synthetic and rec.n_channels == 14 and rec.duration == pytest.approx(10.0)
    with pytest.raises(ConfigError):
        syn.write_sample(tmp_path / "x.edf", emotion="bored")


def test_synth_command(tmp_path, capsys):
    from serve.commands import COMMANDS, synth

    assert "synth" in COMMANDS
    parser = argparse.ArgumentParser()
    synth.add_arguments(parser)
    args = parser.parse_args(["--seed", "1", "--subjects", "1", "--trials-per-emotion", "1",
                              "--montage", "emotiv14", "--seconds", "4", "--formats", "edf",
                              "--out", str(tmp_path / "c"), "--no-progress"])
    assert synth.run(args) == 0
    out = capsys.readouterr().out
    assert "7 SYNTHETIC" in out and str(tmp_path / "c") in out
    assert len(list((tmp_path / "c").glob("*.edf"))) == 7
    with pytest.raises(SystemExit):
        parser.parse_args(["--out", str(tmp_path), "--formats", "edf,csv"])


# ---- the science: small effects, larger nuisance, leakage visible ------------------------------


@pytest.fixture(scope="module")
def cohort_features():
    """6 subjects x 21 trials (3 per emotion) of 32-s 10-20 EEG → per-window DE, band power, FAA."""
    cfg = syn.CohortConfig(seed=11, subjects=6, trials_per_emotion=3, montage="1020-19", trial_seconds=32.0)
    de, faa, alpha, rows = [], [], [], []
    alpha_band = BAND_NAMES.index("alpha")
    for t in syn.iter_trials(cfg):
        feats = spectral_features(make_windows(t.data, t.sfreq, 4.0), t.sfreq)
        de.append(feats.de_gaussian.reshape(len(feats.de_gaussian), -1))
        faa.append(frontal_alpha_asymmetry(feats.band_power, t.ch_names))
        alpha.append(np.log(feats.band_power[:, :, alpha_band]).mean(axis=1))
        trial_id = t.subject * 1000 + t.session * 100 + t.trial
        rows += [(t.subject, trial_id, t.label, t.valence)] * len(feats.de_gaussian)
    meta = np.array(rows)
    return {"de": np.concatenate(de), "faa": np.concatenate(faa), "log_alpha": np.concatenate(alpha),
            "subject": meta[:, 0].astype(int), "trial": meta[:, 1].astype(int), "label": meta[:, 2].astype(int),
            "valence": meta[:, 3]}


def test_positive_valence_raises_frontal_alpha_asymmetry_within_subjects(cohort_features):
    f = cohort_features
    diffs = []
    for s in np.unique(f["subject"]):
        m = f["subject"] == s
        diffs.append(f["faa"][m & (f["valence"] > 0)].mean() - f["faa"][m & (f["valence"] < 0)].mean())
    diffs = np.array(diffs)
    assert diffs.mean() > 0.08, diffs
    assert (diffs > 0).sum() >= 4, diffs


def test_between_subject_nuisance_exceeds_the_emotion_effect(cohort_features):
    f = cohort_features
    subjects = np.unique(f["subject"])
    pos, neg = f["valence"] > 0, f["valence"] < 0
    effect = np.mean([f["faa"][(f["subject"] == s) & pos].mean() - f["faa"][(f["subject"] == s) & neg].mean()
                      for s in subjects])
    faa_sd = np.std([f["faa"][f["subject"] == s].mean() for s in subjects], ddof=1)
    assert faa_sd > abs(effect), (faa_sd, effect)
    # Log alpha power: people differ more than emotions do.
    alpha_sd = np.std([f["log_alpha"][f["subject"] == s].mean() for s in subjects], ddof=1)
    by_emotion = [f["log_alpha"][f["label"] == label].mean() for label in range(len(syn.EMOTIONS))]
    assert alpha_sd > np.ptp(by_emotion), (alpha_sd, by_emotion)


def _within_subject_accuracy(x, y, trial, splitter, groups=True) -> float:
    from sklearn.linear_model import LogisticRegression

    scores = []
    for train, test in splitter.split(x, y, trial if groups else None):
        model = LogisticRegression(C=0.1, max_iter=2000).fit(x[train], y[train])
        scores.append(model.score(x[test], y[test]))
    return float(np.mean(scores))


def test_leaky_split_inflates_accuracy_and_permuted_labels_sit_at_chance(cohort_features):
    from sklearn.model_selection import KFold, StratifiedGroupKFold

    f = cohort_features
    x = zscore_by_group(f["de"], f["subject"])  # label-free, per-subject normalisation
    rng = np.random.default_rng(0)
    # Trial-grouped and class-stratified: plain GroupKFold can put all 3 trials of an emotion in
    # one test fold, leaving nothing to learn it from.
    grouped_split = StratifiedGroupKFold(3, shuffle=True, random_state=0)
    leaky, grouped, permuted = [], [], []
    for s in np.unique(f["subject"]):
        m = f["subject"] == s
        xs, ys, ts = x[m], f["label"][m], f["trial"][m]
        leaky.append(_within_subject_accuracy(xs, ys, ts, KFold(3, shuffle=True, random_state=0), groups=False))
        grouped.append(_within_subject_accuracy(xs, ys, ts, grouped_split))
        # Permute whole trials' labels (windows of a trial keep one label), several times.
        trials = np.unique(ts)
        for _ in range(3):
            relabel = dict(zip(trials, rng.permutation([ys[ts == t][0] for t in trials])))
            yp = np.array([relabel[t] for t in ts])
            permuted.append(_within_subject_accuracy(xs, yp, ts, grouped_split))
    leaky, grouped, permuted = np.mean(leaky), np.mean(grouped), np.mean(permuted)
    chance = 1 / len(syn.EMOTIONS)
    print(f"within-subject accuracy: leaky window split {leaky:.3f}, trial split {grouped:.3f}, "
          f"permuted {permuted:.3f}, chance {chance:.3f}")  # shown with `pytest -s`
    assert leaky > grouped + 0.25, (leaky, grouped)
    assert 0.25 < grouped < 0.9, grouped
    assert abs(permuted - chance) < 0.07, permuted
