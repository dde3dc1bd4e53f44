"""Dataset loaders on miniature files written in the real formats (tests/dataset_fixtures.py)."""

from __future__ import annotations

import pickle
import pickletools
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from encoders.channels import MONTAGES, normalize_channel_name
from encoders.datasets import (
    DATASETS,
    DEAP,
    RestrictedUnpickler,
    Trial,
    cut_clips,
    load_npz_pickled,
    open_dataset,
    raw_to_arrays,
    read_cnt,
    safe_load,
)
from encoders.datasets import seed_v
from encoders.datasets.matfile import load_mat
from encoders.errors import DatasetError, UnsafePickleError
from encoders.recording import Recording

try:
    from tests import dataset_fixtures as F
except ImportError:  # tests/ is not a package: pytest puts this folder on sys.path
    import dataset_fixtures as F

SEED62 = MONTAGES["seed62"]

# (dataset, kind) -> (trial count, sfreq) for the miniature copies.
CASES = {
    ("seed", "raw"): (2 * 3 * 15, 200.0),
    ("seed", "features"): (2 * 3 * 15, 200.0),
    ("seed-iv", "raw"): (2 * 3 * 24, 200.0),
    ("seed-iv", "features"): (2 * 3 * 24, 200.0),
    ("seed-v", "raw"): (2 * 3 * 15, F.SEED_V_FAKE_SFREQ),
    ("seed-v", "features"): (2 * 45, 200.0),
    ("seed-vii", "raw"): (2 * 80, 200.0),
    ("seed-vii", "features"): (2 * 80, 200.0),
    ("deap", "raw"): (2 * F.DEAP_TRIALS, 128.0),
    ("dreamer", "raw"): (2 * F.DREAMER_TRIALS, 128.0),
}


@pytest.fixture(scope="session")
def roots(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("datasets")
    return {name: writer(base / name) for name, writer in F.WRITERS.items()}


def _fake_read_cnt(path: Path):
    """Stands in for the .cnt reader: an mne RawArray shaped like the file, through the same
    array code path (`raw_to_arrays`) that `read_cnt` uses."""
    subject, session = (int(x) for x in Path(path).name.split("_")[:2])
    return raw_to_arrays(F.fake_seed_v_raw(subject, session, seed_v.CLIP_ENDS), Path(path).name)


@pytest.fixture
def fake_cnt(monkeypatch):
    monkeypatch.setattr(seed_v, "read_cnt", _fake_read_cnt)


def load(roots, name: str, kind: str, **options) -> list[Trial]:
    return list(open_dataset(name, roots[name], **options).iter_trials(kind))


# -- every dataset, every format -----------------------------------------------------------------

@pytest.mark.parametrize("name,kind", list(CASES))
def test_round_trip(roots, fake_cnt, name, kind):
    count, sfreq = CASES[(name, kind)]
    loader = open_dataset(name, roots[name])
    trials = list(loader.iter_trials(kind))
    assert len(trials) == count
    keys = [t.key for t in trials]
    assert len(set(keys)) == len(keys), "(dataset, subject, session, trial) must be unique"
    assert {t.dataset for t in trials} == {name}
    assert sorted({t.subject for t in trials}) == [1, 2] == loader.subjects()
    for t in trials:
        assert loader.CLASS_NAMES[t.label] == t.label_name
        assert all(normalize_channel_name(ch) == ch for ch in t.ch_names), t.ch_names
        assert t.sfreq == sfreq
        if name.startswith("seed"):
            assert t.ch_names == SEED62
        if kind == "raw":
            assert t.features is None
            assert t.data.dtype == np.float64 and t.data.ndim == 2
            assert t.data.shape[0] == len(t.ch_names) and t.data.shape[1] > 0
        else:
            assert t.data is None and t.features and t.feature_window_s in (1.0, 4.0)
            for array in t.features.values():
                assert array.ndim == 3 and array.shape[2] == 5 and array.dtype == np.float64
                assert array.shape[1] in (62, 27, 54, 23)
    description = loader.describe()
    assert description["name"] == name and description["n_subjects"] == 2
    assert kind in description["kinds"]


@pytest.mark.parametrize("name,kind", [c for c in CASES if c[0] not in ("seed-v",) or c[1] == "features"])
def test_every_array_lands_under_its_own_key(roots, name, kind):
    """The tag the fixture put in each trial's first value comes back under the same key."""
    for t in load(roots, name, kind):
        expected = F.tag(t.subject, t.session, t.trial)
        if kind == "features":
            assert all(a[0, 0, 0] == expected for a in t.features.values())
        elif name == "deap":
            assert t.data[0, 0] == -expected and t.baseline[0, 0] == expected
        elif name == "dreamer":
            assert t.data[0, 0] == expected and t.baseline[0, 0] == -expected
        else:
            assert t.data[0, 0] == expected


@pytest.mark.parametrize("name", list(DATASETS))
def test_stimulus_ids(roots, fake_cnt, name):
    """One id per film: shared by all subjects; shared across sessions only where the films are."""
    kind = "features" if name == "seed-v" else "raw"
    by_position: dict[tuple[int, int], set[str]] = defaultdict(set)
    for t in load(roots, name, kind):
        by_position[(t.session, t.trial)].add(t.stimulus_id)
    assert all(len(ids) == 1 for ids in by_position.values())
    ids = {pos: next(iter(v)) for pos, v in by_position.items()}
    if name == "seed":  # the same 15 films in every session
        assert all(ids[(s, k)] == ids[(1, k)] for s, k in ids)
        assert len(set(ids.values())) == 15
    else:  # every (session, position) is a different clip
        assert len(set(ids.values())) == len(ids)


def test_to_recording(roots):
    trial = load(roots, "seed", "raw")[0]
    recording = trial.to_recording()
    assert isinstance(recording, Recording)
    assert recording.ch_names == SEED62 and recording.sfreq == 200.0
    assert np.isfinite(recording.positions).all()  # CB1/CB2 have positions too
    assert recording.meta.extra["stimulus_id"] == trial.stimulus_id
    assert recording.meta.source_name == trial.source and "/" not in trial.source
    features_only = load(roots, "seed", "features")[0]
    with pytest.raises(DatasetError, match="features only.*kind='raw'"):
        features_only.to_recording()


# -- SEED -----------------------------------------------------------------------------------------

def test_seed_labels_sessions_and_lengths(roots):
    trials = load(roots, "seed", "raw")
    for t in trials:
        assert t.extra["file_label"] == F.SEED_LABELS[t.trial - 1]
        assert t.label == F.SEED_LABELS[t.trial - 1] + 1
        assert t.data.shape[1] == 200 * F.seed_seconds(t.trial) + 1
        assert t.extra["date"] == F.SEED_DATES[t.subject][t.session - 1]  # sessions in date order
    names = {t.label: t.label_name for t in trials}
    assert names == {0: "negative", 1: "neutral", 2: "positive"}


def test_seed_features_layout(roots):
    path = roots["seed"] / "ExtractedFeatures" / f"1_{F.SEED_DATES[1][0]}.mat"
    on_disk = scipy.io.loadmat(path)
    keys = [k for k in on_disk if not k.startswith("__")]
    expected_order = [f"{n}_{s}{i}" for i in range(1, 16) for n, _ in F.SEED_FEATURES
                      for s in ("movingAve", "LDS")]
    assert keys == expected_order  # the fixture keeps the released key order
    trial = next(t for t in load(roots, "seed", "features") if t.key == ("seed", 1, 1, 3))
    assert set(trial.features) == {f"{n}_{s}" for n, _ in F.SEED_FEATURES for s in ("movingAve", "LDS")}
    disk = on_disk["de_LDS3"]  # (62, T, 5)
    assert trial.features["de_LDS"].shape == (F.seed_seconds(3), 62, 5)  # T = seconds (1-s windows)
    np.testing.assert_array_equal(trial.features["de_LDS"], disk.transpose(1, 0, 2))
    assert trial.features["dcau_LDS"].shape[1] == 23 and trial.features["asm_movingAve"].shape[1] == 54


def test_seed_trial_number_comes_from_the_key_not_its_position(tmp_path):
    """Variables stored in MATLAB's alphabetical order (eeg1, eeg10, eeg11, …) still map by name."""
    root = F.write_seed(tmp_path / "seed", subjects=(1,))
    path = root / "Preprocessed_EEG" / f"1_{F.SEED_DATES[1][0]}.mat"
    content = load_mat(path)
    scipy.io.savemat(path, {k: content[k] for k in sorted(content)})
    assert list(load_mat(path))[1] == "djc_eeg10"
    for t in open_dataset("seed", root).iter_trials("raw", subjects=[1]):
        assert t.data[0, 0] == F.tag(1, t.session, t.trial)


def test_a_root_naming_the_data_folder_itself_says_to_point_at_the_folder_above(tmp_path):
    root = F.write_seed(tmp_path / "seed", subjects=(1,))
    with pytest.raises(DatasetError, match=r"--root names Preprocessed_EEG itself: point it at the folder above"):
        open_dataset("seed", root / "Preprocessed_EEG")


def test_seed_missing_label_file(tmp_path):
    root = F.write_seed(tmp_path / "seed", subjects=(1,))
    (root / "Preprocessed_EEG" / "label.mat").unlink()
    assert open_dataset("seed", root).labels().size == 15  # the ExtractedFeatures copy is used
    (root / "ExtractedFeatures" / "label.mat").unlink()
    with pytest.raises(DatasetError, match=r"seed/Preprocessed_EEG/label\.mat was not found; copy label\.mat "
                                           r"from the SEED release into Preprocessed_EEG"):
        open_dataset("seed", root)


def test_seed_features_only_folder(tmp_path):
    root = F.write_seed(tmp_path / "seed", subjects=(1,))
    shutil.rmtree(root / "Preprocessed_EEG")
    loader = open_dataset("seed", root)
    assert loader.available_kinds() == ["features"]
    assert len(list(loader.iter_trials("features"))) == 45
    with pytest.raises(DatasetError, match="Preprocessed_EEG was not found.*to load SEED raw"):
        loader.iter_trials("raw")


def test_seed_raw_folder_still_zipped_beside_the_features(tmp_path):
    """Asking for a kind whose folder is missing says where it is when the copy has it elsewhere."""
    root = F.write_seed(tmp_path / "seed", subjects=(1,))
    shutil.make_archive(str(root / "Preprocessed_EEG"), "zip", root, "Preprocessed_EEG")
    shutil.rmtree(root / "Preprocessed_EEG")
    loader = open_dataset("seed", root)
    assert loader.available_kinds() == ["features"]
    with pytest.raises(DatasetError, match=r"Preprocessed_EEG was not found; seed/Preprocessed_EEG\.zip is there: "
                                           r"unzip it first\.$"):
        loader.iter_trials("raw")


# -- SEED-IV --------------------------------------------------------------------------------------

def test_seed_iv_labels_and_features(roots):
    published = {
        1: [1, 2, 3, 0, 2, 0, 0, 1, 0, 1, 2, 1, 1, 1, 2, 3, 2, 2, 3, 3, 0, 3, 0, 3],
        2: [2, 1, 3, 0, 0, 2, 0, 2, 3, 3, 2, 3, 2, 0, 1, 1, 2, 1, 0, 3, 0, 1, 3, 1],
        3: [1, 2, 2, 1, 3, 3, 3, 1, 1, 2, 1, 0, 2, 3, 3, 0, 2, 3, 0, 0, 2, 0, 1, 0],
    }
    for kind in ("raw", "features"):
        for t in load(roots, "seed-iv", kind):
            assert t.label == published[t.session][t.trial - 1]
    t = load(roots, "seed-iv", "features")[0]
    assert set(t.features) == {"de_movingAve", "de_LDS", "psd_movingAve", "psd_LDS"}
    assert t.features["de_LDS"].shape == (F.SEED_IV_WINDOWS, 62, 5) and t.feature_window_s == 4.0


# -- SEED-V ---------------------------------------------------------------------------------------

def test_seed_v_features(roots):
    path = roots["seed-v"] / "EEG_DE_features" / "2_123.npz"
    # Fixture fidelity: what public SEED-V loaders do with the release file works on ours.
    public = pickle.loads(np.load(path)["data"])
    assert sorted(public) == list(range(45)) and public[0].shape[1] == 310
    trials = [t for t in load(roots, "seed-v", "features") if t.subject == 2]
    assert [(t.session, t.trial) for t in trials[:16:15]] == [(1, 1), (2, 1)]
    for t in trials:
        key = t.extra["npz_key"]
        assert t.label == F.SEED_V_SESSION_LABELS[t.session][t.trial - 1]
        # (windows, 310) is channel-major: value [w, c*5 + b] -> [w, c, b]
        np.testing.assert_array_equal(t.features["de"], public[key].reshape(-1, 62, 5))
        assert t.features["de"][0, 1, 2] == public[key][0, 7]


def test_seed_v_raw_clips(roots, fake_cnt):
    trials = load(roots, "seed-v", "raw")
    assert {t.sfreq for t in trials} == {F.SEED_V_FAKE_SFREQ}
    for t in trials:
        start, end = seed_v.CLIP_STARTS[t.session][t.trial - 1], seed_v.CLIP_ENDS[t.session][t.trial - 1]
        assert t.data.shape == (62, (end - start) * F.SEED_V_FAKE_SFREQ)
        assert t.data[0, 0] == pytest.approx(start)  # channel 0 carries the time in seconds
        assert t.data[1, 0] == pytest.approx(F.tag(t.subject, t.session, 0))
        assert t.label == F.SEED_V_SESSION_LABELS[t.session][t.trial - 1]
    first = next(t for t in trials if t.key == ("seed-v", 1, 1, 1))
    assert [(a.onset, a.description) for a in first.annotations] == [(10.0, "marker")]  # 40 s - 30 s


def test_seed_v_raw_to_arrays_drops_references_and_eog():
    raw = F.fake_seed_v_raw(1, 1, seed_v.CLIP_ENDS)
    data, names, sfreq, annotations = raw_to_arrays(raw)
    assert names == SEED62 and data.shape[0] == 62  # M1 M2 VEO HEO gone, order kept
    assert sfreq == F.SEED_V_FAKE_SFREQ and annotations[0].onset == 40.0
    assert data[0, 8] == pytest.approx(2.0)  # volts -> µV: sample 8 at 4 Hz is 2 s


def test_cut_clips_on_arrays(caplog):
    data = np.arange(2 * 100, dtype=float).reshape(2, 100)  # 10 Hz, 10 s
    clips = cut_clips(data, 10.0, [1, 4], [3, 9.5])
    assert [c.shape for c in clips] == [(2, 20), (2, 55)]
    assert clips[0][0, 0] == 10 and clips[1][1, -1] == 100 + 94
    shortened = cut_clips(data, 10.0, [8], [12], source="x.cnt")
    assert shortened[0].shape == (2, 20) and "shortened" in caplog.text
    with pytest.raises(DatasetError, match="x.cnt is 10 s long but clip 1 starts at 11 s"):
        cut_clips(data, 10.0, [11], [12], source="x.cnt")


def test_read_cnt_refuses_missing_and_damaged_files(tmp_path):
    with pytest.raises(DatasetError, match="missing or empty"):
        read_cnt(tmp_path / "1_1_20180804.cnt")
    junk = tmp_path / "2_1_20180804.cnt"
    junk.write_bytes(b"not a neuroscan file" * 10)
    with pytest.raises(DatasetError, match="could not be read as a NeuroScan .cnt file"):
        read_cnt(junk)


# -- SEED-VII -------------------------------------------------------------------------------------

def test_seed_vii_labels_come_from_the_workbook(roots, tmp_path):
    trials = load(roots, "seed-vii", "raw")
    for t in trials:
        assert t.label_name == F.SEED_VII_SESSIONS[t.session][t.trial - 1].lower()
        assert t.extra["video"] == (t.session - 1) * 20 + t.trial
    # A different workbook gives different labels: nothing is hard-coded.
    root = shutil.copytree(roots["seed-vii"], tmp_path / "seed-vii")
    swapped = {s: list(reversed(names)) for s, names in F.SEED_VII_SESSIONS.items()}
    F.write_seed_vii_labels(root / "emotion_label_and_stimuli_order.xlsx", swapped)
    for t in open_dataset("seed-vii", root).iter_trials("raw", subjects=[1]):
        assert t.label_name == swapped[t.session][t.trial - 1].lower()


def test_seed_vii_features_transposed(roots):
    on_disk = scipy.io.loadmat(roots["seed-vii"] / "EEG_features" / "2.mat")
    assert on_disk["de_LDS_25"].shape == (F.SEED_VII_WINDOWS, 5, 62)
    t = next(t for t in load(roots, "seed-vii", "features") if t.key == ("seed-vii", 2, 2, 5))
    assert set(t.features) == {"de", "de_LDS", "psd"}
    np.testing.assert_array_equal(t.features["de_LDS"], on_disk["de_LDS_25"].transpose(0, 2, 1))
    assert t.features["psd"][1, 61, 4] == on_disk["psd_25"][1, 4, 61]


def test_seed_vii_workbook_problems(roots, tmp_path):
    root = shutil.copytree(roots["seed-vii"], tmp_path / "seed-vii")
    workbook = root / "emotion_label_and_stimuli_order.xlsx"
    F.write_seed_vii_labels(workbook, {})
    with pytest.raises(DatasetError, match="no rows whose column A starts with 'Session'"):
        list(open_dataset("seed-vii", root).iter_trials("raw"))
    workbook.unlink()
    with pytest.raises(DatasetError, match=r"emotion_label_and_stimuli_order\.xlsx was not found"):
        open_dataset("seed-vii", root)


# -- DEAP -----------------------------------------------------------------------------------------

def test_deap_fixture_is_a_python2_pickle(roots):
    raw = (roots["deap"] / "data_preprocessed_python" / "s01.dat").read_bytes()
    ops = [(op.name, arg) for op, arg, _ in pickletools.genops(raw)]
    assert ("GLOBAL", "numpy.core.multiarray _reconstruct") in ops
    assert any(name == "BINSTRING" for name, _ in ops) and not any("codecs" in str(a) for _, a in ops)


def test_deap_trials_baseline_and_ratings(roots):
    trials = load(roots, "deap", "raw")
    t = trials[0]
    assert t.ch_names == MONTAGES["deap32"] and t.data.shape == (32, F.DEAP_STIMULUS_S * 128)
    assert t.baseline.shape == (32, 3 * 128)
    assert not np.any(t.data == 1000.0)  # the peripheral channels were set aside
    assert t.ratings == dict(zip(("valence", "arousal", "dominance", "liking"), F.deap_ratings(1)[0]))
    assert [t.stimulus_id for t in trials[:2]] == ["deap:video01", "deap:video02"]
    kept = load(roots, "deap", "raw", baseline="keep")[0]
    assert kept.data.shape == (32, (3 + F.DEAP_STIMULUS_S) * 128) and kept.baseline is None
    assert kept.annotations[0].onset == 0.0 and kept.annotations[0].duration == 3.0
    np.testing.assert_array_equal(kept.data[:, 384:], t.data)


def test_deap_threshold_is_explicit(roots):
    valence = {t.trial: t.ratings["valence"] for t in load(roots, "deap", "raw") if t.subject == 1}
    assert valence[2] == 5.0
    default = {t.trial: t.label_name for t in load(roots, "deap", "raw") if t.subject == 1}
    strict = {t.trial: t.label_name for t in load(roots, "deap", "raw", inclusive=False) if t.subject == 1}
    assert default == {1: "high", 2: "high", 3: "low", 4: "low"}  # default: valence >= 5 is high
    assert strict == {1: "high", 2: "low", 3: "low", 4: "low"}
    arousal = {t.trial: t.label for t in load(roots, "deap", "raw", target="arousal") if t.subject == 1}
    assert arousal == {1: 0, 2: 1, 3: 1, 4: 1}
    assert DEAP(roots["deap"]).describe()["label_rule"] == "valence >= 5 is high"


def test_deap_refuses_malicious_pickle(tmp_path):
    marker = tmp_path / "pwned"
    folder = tmp_path / "deap" / "data_preprocessed_python"
    folder.mkdir(parents=True)
    payload = F.malicious_eval_pickle(marker)
    (folder / "s01.dat").write_bytes(payload)
    loader = open_dataset("deap", tmp_path / "deap")
    with pytest.raises(UnsafePickleError, match=r"s01\.dat contains a pickled object of type builtins\.eval, "
                                                r"which is not an array or a plain container; refusing"):
        list(loader.iter_trials())
    assert not marker.exists(), "the payload must not have run"
    pickle.loads(payload)  # control: the standard unpickler really would run it
    assert marker.exists()


def test_restricted_unpickler_refuses_shell_commands(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(UnsafePickleError, match=r"(posix|os|nt)\.system"):
        safe_load(F.malicious_system_pickle(marker), source="evil.dat")
    assert not marker.exists()
    assert issubclass(UnsafePickleError, DatasetError) and issubclass(RestrictedUnpickler, pickle._Unpickler)


# -- DREAMER --------------------------------------------------------------------------------------

def test_dreamer_layout_and_transpose(roots):
    path = roots["dreamer"] / "DREAMER.mat"
    # Fixture fidelity: the record-style indexing used by public DREAMER loaders works on ours.
    m = scipy.io.loadmat(path)
    clip = m["DREAMER"][0, 0]["Data"][0, 1]["EEG"][0, 0]["stimuli"][0, 0][1, 0]
    assert clip.shape == (4 * 128, 14)
    trials = load(roots, "dreamer", "raw")
    t = next(t for t in trials if t.key == ("dreamer", 2, 1, 2))
    np.testing.assert_array_equal(t.data, clip.T)
    assert t.ch_names == MONTAGES["emotiv14"]
    assert t.baseline.shape == (14, F.DREAMER_BASELINE_S * 128)
    assert t.extra["baseline_s"] == F.DREAMER_BASELINE_S  # taken from the data, not assumed 61 s
    assert t.ratings == {"valence": 2.0, "arousal": 1.0, "dominance": 3.0}
    assert [t.label_name for t in trials if t.subject == 1] == ["high", "low"]  # valence 3 >= 3, 2 < 3
    strict = [t.label_name for t in load(roots, "dreamer", "raw", inclusive=False) if t.subject == 1]
    assert strict == ["low", "low"]


# -- refusing bad roots and requests --------------------------------------------------------------

def test_open_dataset_refuses_unknown_names_and_options(roots):
    with pytest.raises(DatasetError, match="Unknown dataset 'seed-x'; choose one of seed, seed-iv"):
        open_dataset("seed-x", roots["seed"])
    with pytest.raises(DatasetError, match="does not take the option"):
        open_dataset("seed", roots["seed"], threshold=5)
    assert type(open_dataset("SEED_IV", roots["seed-iv"])).__name__ == "SEEDIV"


@pytest.mark.parametrize("name,expected", [
    ("seed", r"Preprocessed_EEG was not found; point --root at the SEED folder"),
    ("seed-iv", r"eeg_raw_data was not found; point --root at the SEED-IV folder"),
    ("seed-v", r"EEG_DE_features was not found; point --root at the SEED-V folder"),
    ("seed-vii", r"EEG_preprocessed was not found; point --root at the SEED-VII folder"),
    ("deap", r"data_preprocessed_python was not found; point --root at the DEAP folder"),
    ("dreamer", r"DREAMER\.mat was not found; point --root at the DREAMER folder"),
])
def test_empty_or_missing_root(tmp_path, name, expected):
    with pytest.raises(DatasetError, match=expected):
        open_dataset(name, tmp_path)
    with pytest.raises(DatasetError, match="was not found; point --root at"):
        open_dataset(name, tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(DatasetError, match="is a file, not a folder"):
        open_dataset(name, tmp_path / "file")


def test_incomplete_folders(tmp_path):
    (tmp_path / "deap" / "data_preprocessed_python").mkdir(parents=True)
    with pytest.raises(DatasetError, match="contains no sXX.dat or sXX.mat files"):
        open_dataset("deap", tmp_path / "deap")
    (tmp_path / "seed" / "Preprocessed_EEG").mkdir(parents=True)
    with pytest.raises(DatasetError, match=r"contains no <subject>_<yyyymmdd>\.mat files"):
        open_dataset("seed", tmp_path / "seed")
    (tmp_path / "dreamer").mkdir()
    (tmp_path / "dreamer" / "DREAMER.mat").write_bytes(b"")
    with pytest.raises(DatasetError, match=r"DREAMER\.mat is empty"):
        open_dataset("dreamer", tmp_path / "dreamer")
    damaged = F.write_seed_iv(tmp_path / "seed-iv", subjects=(1,))
    next((damaged / "eeg_raw_data" / "2").iterdir()).write_bytes(b"MATLAB 5.0 MAT-file, truncated")
    with pytest.raises(DatasetError, match="could not be read as a MATLAB file"):
        list(open_dataset("seed-iv", damaged).iter_trials("raw"))


def test_iter_trials_requests(roots):
    loader = open_dataset("seed", roots["seed"])
    assert {t.subject for t in loader.iter_trials("raw", subjects=[2])} == {2}
    with pytest.raises(DatasetError,
                       match=r"Subject\(s\) 7 are not in the seed folder .*available subjects are 1, 2"):
        loader.iter_trials("raw", subjects=[7])
    with pytest.raises(DatasetError, match="kind must be 'raw' or 'features'"):
        loader.iter_trials("epochs")
    with pytest.raises(DatasetError, match="deap ships no released feature files; use kind='raw'"):
        open_dataset("deap", roots["deap"]).iter_trials("features")


# -- restricted unpickler and npz members ---------------------------------------------------------

@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_safe_load_round_trips_arrays_and_containers(protocol):
    content = {"x": np.arange(6.0).reshape(2, 3), 3: [np.float64(1.5), (1, 2)], "s": {1, 2},
               "o": np.array({0: np.ones(2)}, dtype=object), "b": b"\x00\x01"}
    loaded = safe_load(pickle.dumps(content, protocol=protocol), source="x.pkl")
    np.testing.assert_array_equal(loaded["x"], content["x"])
    assert loaded[3] == [1.5, (1, 2)] and loaded["s"] == {1, 2}
    np.testing.assert_array_equal(loaded["o"].item()[0], np.ones(2))


def test_safe_load_reads_python2_pickles_and_reports_damage():
    data = np.arange(12.0).reshape(3, 4)
    loaded = safe_load(F.py2_pickle({"data": data}))
    np.testing.assert_array_equal(loaded["data"], data)
    truncated = F.py2_pickle({"data": data})[:-20]
    with pytest.raises(DatasetError, match="s02.dat is not a readable pickle") as info:
        safe_load(truncated, source="s02.dat")
    assert not isinstance(info.value, UnsafePickleError)


def _declared_only(shape: tuple[int, ...], dtype: str = "<f8") -> bytes:
    """A DEAP-style Python-2 pickle whose 'data' array declares `shape` through `_reconstruct`
    (the call that allocates) but carries only 8 bytes of samples."""
    head = (b"cnumpy.core.multiarray\n_reconstruct\n"
            + F._py2_tuple([b"cnumpy\nndarray\n", F._py2_tuple([F._py2_int(n) if n < 2**31 else
                                                                b"\x8a\x05" + n.to_bytes(5, "little")
                                                                for n in shape]),
                            F._py2_str(b"f8")]) + b"R")
    return b"\x80\x02}(" + F._py2_str(b"data") + head + b"u."


@pytest.mark.parametrize("declared", [(40, 40, 5_368_709), (2**33,)])  # both 64 GiB of float64
def test_a_huge_declared_array_is_refused_without_allocating(tmp_path, declared):
    import resource

    folder = tmp_path / "deap" / "data_preprocessed_python"
    folder.mkdir(parents=True)
    (folder / "s01.dat").write_bytes(_declared_only(declared))
    loader = open_dataset("deap", tmp_path / "deap")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(UnsafePickleError) as info:
        list(loader.iter_trials())
    message = str(info.value)
    gib = np.prod(declared, dtype=np.float64) * 8 / 1024**3
    assert f"{gib:.1f} GiB" in message and "s01.dat" in message and message.count(". ") == 0
    assert "download it again" in message
    # no allocation happened: the process's peak memory did not grow by anything like it
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB


def test_declared_sizes_are_checked_on_every_allocating_path():
    n = 2**33  # 8 Gi elements
    reduce_ndarray = pickle.dumps(np.ndarray, protocol=2)[2:-1]  # GLOBAL numpy ndarray
    big = b"\x8a\x05" + n.to_bytes(5, "little")
    cases = {
        "ndarray(shape)": b"\x80\x02" + reduce_ndarray + big + b"\x85\x85R.",
        "ndarray.__new__": b"\x80\x02" + reduce_ndarray + big + b"\x85\x85\x81.",
        "bytearray(n)": b"\x80\x02c__builtin__\nbytearray\n" + big + b"\x85R.",
        # an object array whose state declares 8 Gi elements but lists two
        "object state": pickle.dumps(np.array([1, 2], dtype=object), protocol=2).replace(
            b"K\x02\x85", big + b"\x85", 1),
    }
    for name, blob in cases.items():
        with pytest.raises(UnsafePickleError, match="more than its whole file"):
            safe_load(blob, source=f"{name}.pkl")
    # honest arrays as large as their stream still load
    honest = np.arange(300_000.0)
    np.testing.assert_array_equal(safe_load(pickle.dumps(honest, protocol=2), source="ok.pkl"), honest)


def test_load_npz_pickled_both_layouts(tmp_path):
    content = {0: np.ones((2, 310)), 1: np.zeros((3, 310))}
    as_bytes = tmp_path / "bytes.npz"
    np.savez(as_bytes, data=pickle.dumps(content))
    as_object = tmp_path / "object.npz"
    np.savez(as_object, data=np.array(content, dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        np.load(as_object, allow_pickle=False)["data"]
    for path in (as_bytes, as_object):
        loaded = load_npz_pickled(path, "data")
        assert sorted(loaded) == [0, 1] and loaded[1].shape == (3, 310)
    with pytest.raises(DatasetError, match="has no entry 'label'"):
        load_npz_pickled(as_bytes, "label")


def test_load_npz_pickled_refuses_malicious_members(tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "1_123.npz"
    np.savez(evil, data=F.malicious_eval_pickle(marker))
    with pytest.raises(UnsafePickleError,
                       match=r"1_123\.npz\[data\] contains a pickled object of type builtins\.eval"):
        load_npz_pickled(evil, "data")
    evil_object = tmp_path / "2_123.npz"
    payload = F._Eval(f"__import__('pathlib').Path({str(marker)!r}).touch()")
    np.savez(evil_object, data=np.array([payload], dtype=object))
    with pytest.raises(UnsafePickleError, match="builtins.eval"):
        load_npz_pickled(evil_object, "data")
    assert not marker.exists()


# -- MATLAB v7.3 fallback -------------------------------------------------------------------------

def test_load_mat_reads_v73_files(tmp_path):
    import h5py

    path = tmp_path / "1.mat"
    array = np.arange(62 * 10, dtype=float).reshape(62, 10)
    with h5py.File(path, "w", userblock_size=512) as fh:
        fh["1"] = array.T  # MATLAB v7.3 stores column-major arrays with the axes reversed
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 ."
    with open(path, "r+b") as fh:
        fh.write(header.ljust(116) + b" " * 8 + b"\x00\x02" + b"IM")
    content = load_mat(path)
    np.testing.assert_array_equal(content["1"], array)
