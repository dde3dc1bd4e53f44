"""Miniature copies of the emotion-EEG datasets, written in their real on-disk formats.

Same folder layout, file names, variable names and order, shape layout, dtypes and nesting as
the releases (facts in docs/datasets.md), but 2 subjects and trials of a second or two.
Each trial's first sample carries a tag, `tag(subject, session, trial)`, so tests can check that
a loader put every array under the right (subject, session, trial) and did not mix them up.
Where the release order of variables is not documented, the choice is marked "unverified".
"""

from __future__ import annotations

import pickle
import struct
from pathlib import Path
from typing import Any

import numpy as np
import scipy.io

SUBJECTS = (1, 2)

SEED_CHANNEL_FILE_NAMES = (
    "FP1 FPZ FP2 AF3 AF4 F7 F5 F3 F1 FZ F2 F4 F6 F8 FT7 FC5 FC3 FC1 FCZ FC2 FC4 FC6 FT8 T7 C5 C3 C1 "
    "CZ C2 C4 C6 T8 TP7 CP5 CP3 CP1 CPZ CP2 CP4 CP6 TP8 P7 P5 P3 P1 PZ P2 P4 P6 P8 PO7 PO5 PO3 POZ "
    "PO4 PO6 PO8 CB1 O1 OZ O2 CB2"
).split()
SEED_INITIALS = ("djc", "jl", "jj", "lqj", "ly", "mhw", "phl", "sxy", "wk", "ww", "wsf", "wyw", "xyl",
                 "ys", "zjy")
SEED_LABELS = (1, 0, -1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 0, 1, -1)
SEED_FEATURES = (("de", 62), ("psd", 62), ("dasm", 27), ("rasm", 27), ("asm", 54), ("dcau", 23))
SEED_IV_INITIALS = ("cz", "ha")  # made up: SEED-IV's initials are not needed by any loader
SEED_VII_SESSIONS = {
    1: ["Happy", "Neutral", "Disgust", "Sad", "Anger", "Anger", "Sad", "Disgust", "Neutral", "Happy"] * 2,
    2: ["Anger", "Sad", "Fear", "Neutral", "Surprise", "Surprise", "Neutral", "Fear", "Sad", "Anger"] * 2,
    3: ["Happy", "Surprise", "Disgust", "Fear", "Anger", "Anger", "Fear", "Disgust", "Surprise", "Happy"] * 2,
    4: ["Disgust", "Sad", "Fear", "Surprise", "Happy", "Happy", "Surprise", "Fear", "Sad", "Disgust"] * 2,
}
DEAP_TRIALS = 4
DEAP_STIMULUS_S = 2
DEAP_BASELINE_S = 3  # fixed by DEAP: the loader does not infer it
DREAMER_TRIALS = 2
DREAMER_BASELINE_S = 2  # 61 s in the release; the loader takes it from the data
EMOTIV = ("AF3", "F7", "F3", "FC5", "T7", "P7", "O1", "O2", "P8", "T8", "FC6", "F4", "F8", "AF4")


def tag(subject: int, session: int, trial: int) -> float:
    return float(subject * 10000 + session * 100 + trial)


def _signal(rng: np.random.Generator, n_channels: int, n_samples: int, value: float) -> np.ndarray:
    data = rng.normal(0.0, 20.0, (n_channels, n_samples))
    data[0, 0] = value
    return data


def _features(rng: np.random.Generator, shape: tuple[int, ...], value: float) -> np.ndarray:
    array = rng.uniform(10.0, 25.0, shape)
    array.flat[0] = value
    return array


# -- SEED -------------------------------------------------------------------------------------

SEED_DATES = {1: ("20131027", "20131030", "20131107"), 2: ("20140404", "20140413", "20140419")}


def seed_seconds(trial: int) -> int:
    return 1 + trial % 2


def write_seed(root: Path, subjects: tuple[int, ...] = SUBJECTS, n_trials: int = 15, seconds: int | None = None) -> Path:
    """`Preprocessed_EEG/` and `ExtractedFeatures/`, each with label.mat and `<s>_<date>.mat`."""
    rng = np.random.default_rng(1)
    raw_dir, feature_dir = root / "Preprocessed_EEG", root / "ExtractedFeatures"
    raw_dir.mkdir(parents=True), feature_dir.mkdir(parents=True)
    for folder in (raw_dir, feature_dir):
        scipy.io.savemat(folder / "label.mat", {"label": np.array([SEED_LABELS], dtype=np.float64)})
    for subject in subjects:
        initials = SEED_INITIALS[subject - 1]
        for session, date in enumerate(SEED_DATES[subject], start=1):
            raw: dict[str, Any] = {}
            features: dict[str, Any] = {}
            for k in range(1, n_trials + 1):
                length = seconds or seed_seconds(k)
                raw[f"{initials}_eeg{k}"] = _signal(rng, 62, 200 * length + 1, tag(subject, session, k))
                for name, rows in SEED_FEATURES:  # the released order: de, psd, dasm, rasm, asm, dcau
                    for smoothing in ("movingAve", "LDS"):
                        features[f"{name}_{smoothing}{k}"] = _features(
                            rng, (rows, length, 5), tag(subject, session, k))
            scipy.io.savemat(raw_dir / f"{subject}_{date}.mat", raw)
            scipy.io.savemat(feature_dir / f"{subject}_{date}.mat", features)
    return root


# -- SEED-IV ----------------------------------------------------------------------------------

SEED_IV_DATES = {1: ("20160518", "20160610", "20160624"), 2: ("20150915", "20150920", "20151012")}
SEED_IV_WINDOWS = 2


def write_seed_iv(root: Path, subjects: tuple[int, ...] = SUBJECTS, n_trials: int = 24, seconds: int = 1) -> Path:
    """`eeg_raw_data/{1,2,3}/` and `eeg_feature_smooth/{1,2,3}/` with `<s>_<date>.mat`, 24 trials."""
    rng = np.random.default_rng(2)
    for session in (1, 2, 3):
        (root / "eeg_raw_data" / str(session)).mkdir(parents=True)
        (root / "eeg_feature_smooth" / str(session)).mkdir(parents=True)
    for subject in subjects:
        initials = SEED_IV_INITIALS[subject - 1]
        for session, date in enumerate(SEED_IV_DATES[subject], start=1):
            raw = {f"{initials}_eeg{k}": _signal(rng, 62, 200 * seconds, tag(subject, session, k))
                   for k in range(1, n_trials + 1)}
            features = {}
            for k in range(1, n_trials + 1):  # per trial, in the documented order (grouping unverified)
                for name in ("de_movingAve", "de_LDS", "psd_movingAve", "psd_LDS"):
                    features[f"{name}{k}"] = _features(rng, (62, SEED_IV_WINDOWS, 5), tag(subject, session, k))
            name = f"{subject}_{date}.mat"
            scipy.io.savemat(root / "eeg_raw_data" / str(session) / name, raw)
            scipy.io.savemat(root / "eeg_feature_smooth" / str(session) / name, features)
    return root


# -- SEED-V -----------------------------------------------------------------------------------

SEED_V_CNT_NAMES = [*SEED_CHANNEL_FILE_NAMES[:41], "M1", *SEED_CHANNEL_FILE_NAMES[41:], "M2", "VEO", "HEO"]
SEED_V_SESSION_LABELS = {1: [4, 1, 3, 2, 0] * 3, 2: [2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0],
                         3: [2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0]}
SEED_V_DATES = {1: ("20180804", "20180807", "20180810"), 2: ("20180722", "20180726", "20180729")}
SEED_V_FAKE_SFREQ = 4.0  # the fake .cnt content is sampled slowly to stay small


def write_seed_v(root: Path, subjects: tuple[int, ...] = SUBJECTS) -> Path:
    """`EEG_DE_features/<s>_123.npz` (members are pickle bytes of dicts keyed 0..44) and placeholder
    `EEG_raw/<s>_<session>_<date>.cnt` files (no library writes .cnt; tests replace `read_cnt`)."""
    rng = np.random.default_rng(3)
    (root / "EEG_DE_features").mkdir(parents=True)
    (root / "EEG_raw").mkdir(parents=True)
    for subject in subjects:
        data, label = {}, {}
        for key in range(45):
            session, trial = key // 15 + 1, key % 15 + 1
            windows = 2 + key % 2
            data[key] = _features(rng, (windows, 310), tag(subject, session, trial))
            label[key] = np.full(windows, SEED_V_SESSION_LABELS[session][trial - 1], dtype=np.float64)
        # What public loaders read with pickle.loads(npz["data"]): bytes arrays holding pickles.
        np.savez(root / "EEG_DE_features" / f"{subject}_123.npz",
                 data=pickle.dumps(data), label=pickle.dumps(label))
        for session, date in enumerate(SEED_V_DATES[subject], start=1):
            (root / "EEG_raw" / f"{subject}_{session}_{date}.cnt").write_bytes(b"placeholder")
    return root


def fake_seed_v_raw(subject: int, session: int, ends: dict[int, tuple[int, ...]]):
    """An `mne.io.RawArray` shaped like a SEED-V .cnt: 62 EEG + M1 M2 VEO HEO, volts. Channel 0
    holds the time in seconds (as µV after conversion) and channel 1 the (subject, session) tag."""
    import mne

    n_samples = int((ends[session][-1] + 5) * SEED_V_FAKE_SFREQ)
    data = np.zeros((len(SEED_V_CNT_NAMES), n_samples))
    data[0] = np.arange(n_samples) / SEED_V_FAKE_SFREQ * 1e-6
    data[1] = tag(subject, session, 0) * 1e-6
    info = mne.create_info(SEED_V_CNT_NAMES, SEED_V_FAKE_SFREQ, "eeg")
    raw = mne.io.RawArray(data, info, verbose="error")
    raw.set_annotations(mne.Annotations([40.0], [1.0], ["marker"]))
    return raw


# -- SEED-VII ---------------------------------------------------------------------------------

SEED_VII_WINDOWS = 2


def write_seed_vii_labels(path: Path, sessions: dict[int, list[str]] = SEED_VII_SESSIONS) -> Path:
    """The workbook: a header row, then one row per session, "Session N" in A and names in B:U."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["", *range(1, 21)])
    for session, names in sessions.items():
        sheet.append([f"Session {session}", *names])
    workbook.save(path)
    return path


def write_seed_vii(root: Path, subjects: tuple[int, ...] = SUBJECTS) -> Path:
    """`EEG_preprocessed/<s>.mat` ('1'..'80'), `EEG_features/<s>.mat` (de_i, de_LDS_i, psd_i
    shaped (windows, 5, 62); per-video grouping unverified) and the label workbook."""
    rng = np.random.default_rng(4)
    (root / "EEG_preprocessed").mkdir(parents=True)
    (root / "EEG_features").mkdir(parents=True)
    write_seed_vii_labels(root / "emotion_label_and_stimuli_order.xlsx")
    for subject in subjects:
        raw, features = {}, {}
        for video in range(1, 81):
            session, trial = (video - 1) // 20 + 1, (video - 1) % 20 + 1
            raw[str(video)] = _signal(rng, 62, 200, tag(subject, session, trial))
            for name in ("de", "de_LDS", "psd"):
                features[f"{name}_{video}"] = _features(rng, (SEED_VII_WINDOWS, 5, 62),
                                                        tag(subject, session, trial))
        scipy.io.savemat(root / "EEG_preprocessed" / f"{subject}.mat", raw)
        scipy.io.savemat(root / "EEG_features" / f"{subject}.mat", features)
    return root


# -- DEAP: Python-2 pickles -------------------------------------------------------------------

def _py2_str(value: bytes) -> bytes:
    """A Python-2 `str` as Python 2's pickler writes it (SHORT_BINSTRING / BINSTRING)."""
    if len(value) < 256:
        return b"U" + bytes([len(value)]) + value
    return b"T" + struct.pack("<i", len(value)) + value


def _py2_int(value: int) -> bytes:
    return b"K" + bytes([value]) if 0 <= value < 256 else b"J" + struct.pack("<i", value)


def _py2_tuple(items: list[bytes]) -> bytes:
    if not items:
        return b")"
    if len(items) <= 3:
        return b"".join(items) + {1: b"\x85", 2: b"\x86", 3: b"\x87"}[len(items)]
    return b"(" + b"".join(items) + b"t"


def _py2_dtype(dtype: np.dtype) -> bytes:
    endian = "<" if dtype.byteorder in "<=" else ">"
    args = _py2_tuple([_py2_str(dtype.str[1:].encode()), _py2_int(0), _py2_int(1)])
    head = b"cnumpy\ndtype\n" + args + b"R"
    state = _py2_tuple([_py2_int(3), _py2_str(endian.encode()), b"N", b"N", b"N", _py2_int(-1),
                        _py2_int(-1), _py2_int(0)])
    return head + state + b"b"


def _py2_array(array: np.ndarray) -> bytes:
    """An ndarray as numpy 1.x under Python 2 pickles it (`numpy.core.multiarray._reconstruct`)."""
    array = np.ascontiguousarray(array)
    head = (b"cnumpy.core.multiarray\n_reconstruct\n"
            + _py2_tuple([b"cnumpy\nndarray\n", _py2_tuple([_py2_int(0)]), _py2_str(b"b")]) + b"R")
    state = _py2_tuple([_py2_int(1), _py2_tuple([_py2_int(n) for n in array.shape]), _py2_dtype(array.dtype),
                        b"\x89", _py2_str(array.tobytes())])
    return head + state + b"b"


def py2_pickle(content: dict[str, np.ndarray]) -> bytes:
    """Protocol-2 pickle of a dict of arrays, opcode for opcode as Python 2 + numpy 1.x wrote DEAP."""
    body = b"".join(_py2_str(key.encode()) + _py2_array(value) for key, value in content.items())
    return b"\x80\x02}(" + body + b"u."


def deap_ratings(subject: int) -> np.ndarray:
    """Ratings with an exact 5.0 valence (trial 2) so the >= / > rule makes a difference."""
    ratings = np.array([[7.1, 3.2, 5.0, 6.0], [5.0, 5.0, 2.0, 8.9], [1.0, 9.0, 4.5, 1.0],
                        [4.99, 6.5, 7.0, 3.3]])[:DEAP_TRIALS]
    return ratings + (subject - 1) * np.array([0.0, 0.0, 0.0, 0.01])


def write_deap(root: Path, subjects: tuple[int, ...] = SUBJECTS, stimulus_s: int = DEAP_STIMULUS_S) -> Path:
    """`data_preprocessed_python/sXX.dat`: {'data': (trials, 40, 3 s + stimulus at 128 Hz), 'labels':
    (trials, 4)} as Python-2 protocol-2 pickles."""
    rng = np.random.default_rng(5)
    folder = root / "data_preprocessed_python"
    folder.mkdir(parents=True)
    n_samples = (DEAP_BASELINE_S + stimulus_s) * 128
    for subject in subjects:
        data = rng.normal(0.0, 10.0, (DEAP_TRIALS, 40, n_samples))
        for trial in range(DEAP_TRIALS):
            data[trial, 0, 0] = tag(subject, 1, trial + 1)  # first baseline sample
            data[trial, 0, DEAP_BASELINE_S * 128] = -tag(subject, 1, trial + 1)  # first stimulus sample
            data[trial, 32:] = 1000.0  # peripheral channels: must never reach the EEG
        content = {"data": data, "labels": deap_ratings(subject)}
        (folder / f"s{subject:02d}.dat").write_bytes(py2_pickle(content))
    return root


class _Eval:
    def __init__(self, code: str) -> None:
        self.code = code

    def __reduce__(self):
        return (eval, (self.code,))


class _System:
    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        import os

        return (os.system, (self.command,))


def malicious_eval_pickle(marker: Path) -> bytes:
    """A DEAP-looking pickle whose 'labels' call builtins.eval to create `marker`."""
    code = f"__import__('pathlib').Path({str(marker)!r}).write_text('payload ran')"
    return pickle.dumps({"data": np.zeros((1, 40, 500)), "labels": _Eval(code)}, protocol=2)


def malicious_system_pickle(marker: Path) -> bytes:
    """A pickle that would run a shell command creating `marker` (os.system, pickled as posix.system)."""
    return pickle.dumps({"data": _System(f"touch {marker}")}, protocol=2)


# -- DREAMER ----------------------------------------------------------------------------------

def _cell_column(arrays: list[np.ndarray]) -> np.ndarray:
    cell = np.empty((len(arrays), 1), dtype=object)
    for i, array in enumerate(arrays):
        cell[i, 0] = array
    return cell


def dreamer_scores(subject: int) -> dict[str, np.ndarray]:
    values = {"ScoreValence": [3.0, 2.0], "ScoreArousal": [4.0, 1.0], "ScoreDominance": [5.0, 3.0]}
    return {k: np.array(v[:DREAMER_TRIALS], dtype=np.float64).reshape(-1, 1)
            for k, v in values.items()}


def write_dreamer(root: Path, subjects: tuple[int, ...] = SUBJECTS, clip_s: int | None = None) -> Path:
    """`DREAMER.mat`: struct DREAMER with Data (1×n cell of subject structs: Age, Gender,
    EEG{baseline, stimuli}, ECG{baseline, stimuli}, Score*), EEG_SamplingRate 128, ECG_SamplingRate
    256, EEG_Electrodes (1×14 cell), noOfSubjects, noOfVideoSequences (field order unverified)."""
    rng = np.random.default_rng(6)
    root.mkdir(parents=True, exist_ok=True)
    data = np.empty((1, len(subjects)), dtype=object)
    for column, subject in enumerate(subjects):
        stimuli, baselines = [], []
        for trial in range(1, DREAMER_TRIALS + 1):
            clip = rng.normal(4200.0, 15.0, ((clip_s or 2 + trial) * 128, 14))  # time first, lengths differ
            clip[0, 0] = tag(subject, 1, trial)
            stimuli.append(clip)
            baseline = rng.normal(4200.0, 15.0, (DREAMER_BASELINE_S * 128, 14))
            baseline[0, 0] = -tag(subject, 1, trial)
            baselines.append(baseline)
        ecg = [rng.normal(0.0, 1.0, (len(s) * 2, 2)) for s in stimuli]
        data[0, column] = {
            "Age": "22", "Gender": "female",
            "EEG": {"baseline": _cell_column(baselines), "stimuli": _cell_column(stimuli)},
            "ECG": {"baseline": _cell_column([rng.normal(0, 1, (DREAMER_BASELINE_S * 256, 2))
                                              for _ in stimuli]),
                    "stimuli": _cell_column(ecg)},
            **dreamer_scores(subject),
        }
    electrodes = np.empty((1, 14), dtype=object)
    electrodes[0, :] = list(EMOTIV)
    scipy.io.savemat(root / "DREAMER.mat", {"DREAMER": {
        "Data": data, "EEG_SamplingRate": 128.0, "ECG_SamplingRate": 256.0, "EEG_Electrodes": electrodes,
        "noOfSubjects": float(len(subjects)), "noOfVideoSequences": float(DREAMER_TRIALS),
        "Disclaimer": "miniature test copy", "Provider": "tests", "Version": "1.0.0",
        "Acknowledgement": "none",
    }})
    return root


WRITERS = {
    "seed": write_seed, "seed-iv": write_seed_iv, "seed-v": write_seed_v, "seed-vii": write_seed_vii,
    "deap": write_deap, "dreamer": write_dreamer,
}
