"""What SEED and SEED-IV files have in common (docs/datasets.md, SEED and SEED-IV sections).

Both store a subject-session as `<subject>_<yyyymmdd>.mat` holding one (62, samples) array per
trial named `<initials>_eeg<k>`, and features as one (62, windows, 5) array per trial and feature
named `<feature><k>` (e.g. `de_LDS7`). The 62 channels are in SEED's fixed order.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..channels import MONTAGES, normalize_channel_name
from ..errors import DatasetError

# SEED's 62 channels in file order, as canonical 10-05 names (CB1/CB2 kept; see channels.py).
SEED_CHANNELS: list[str] = [normalize_channel_name(n) or n for n in MONTAGES["seed62"]]
SFREQ = 200.0
N_BANDS = 5  # δ θ α β γ

# `<subject>_<yyyymmdd>.mat`; the date orders a subject's sessions.
SESSION_FILE = re.compile(r"^(\d+)_(\d{8})\.mat$")
# Raw trial variables are `<initials>_eeg<k>`; the initials differ per subject, the suffix does not.
RAW_KEY = re.compile(r"_eeg(\d+)$")
# Feature variables are `<feature><k>`: de_movingAve3, psd_LDS12, dcau_LDS1 ...
FEATURE_KEY = re.compile(r"^([a-z]+_(?:movingAve|LDS))(\d+)$")


def iter_raw_trials(path, source: str):
    """(trial number, (62, samples) float64) of a subject-session file, one trial at a time in trial
    order (the whole file is never held in memory)."""
    from .matfile import iter_mat_variables

    def number(key: str) -> int:
        return int(RAW_KEY.search(key).group(1))

    seen: set[int] = set()
    for key, value in iter_mat_variables(path, lambda k: RAW_KEY.search(k) is not None, number):
        if number(key) in seen:
            raise DatasetError(f"{source} has two variables for trial {number(key)}; download the file again.")
        seen.add(number(key))
        yield from raw_trials({key: value}, source).items()
    if not seen:
        raw_trials({}, source)  # the file's own message: no trial variables


def raw_trials(content: dict[str, Any], source: str) -> dict[int, np.ndarray]:
    """Trial number -> (62, samples) float64 array, from the variables named `*_eeg<k>`."""
    out: dict[int, np.ndarray] = {}
    for key, value in content.items():
        match = RAW_KEY.search(key)
        if not match:
            continue
        number = int(match.group(1))
        if number in out:
            raise DatasetError(f"{source} has two variables for trial {number}; download the file again.")
        data = np.asarray(value)
        if data.ndim != 2 or data.shape[0] != len(SEED_CHANNELS) or data.dtype.kind not in "fiu":
            raise DatasetError(
                f"{source} variable {key!r} has shape {data.shape}, not (62, samples); the file is not "
                f"in the released layout."
            )
        out[number] = data.astype(np.float64, copy=False)
    if not out:
        raise DatasetError(f"{source} has no trial variables named <initials>_eeg<k>; it is not a "
                           f"SEED-family EEG file.")
    return dict(sorted(out.items()))


def feature_trials(content: dict[str, Any], source: str) -> dict[int, dict[str, np.ndarray]]:
    """Trial number -> {feature name: (windows, rows, 5)}, from (rows, windows, 5) variables."""
    out: dict[int, dict[str, np.ndarray]] = {}
    for key, value in content.items():
        match = FEATURE_KEY.match(key)
        if not match:
            continue
        name, number = match.group(1), int(match.group(2))
        array = np.asarray(value)
        if array.ndim != 3 or array.shape[2] != N_BANDS:
            raise DatasetError(
                f"{source} variable {key!r} has shape {array.shape}, not (rows, windows, 5); the file "
                f"is not in the released layout."
            )
        # On disk: (rows, windows, bands). Everything downstream wants (windows, rows, bands).
        out.setdefault(number, {})[name] = np.ascontiguousarray(array.transpose(1, 0, 2), dtype=np.float64)
    if not out:
        raise DatasetError(f"{source} has no feature variables such as de_LDS1; it is not a "
                           f"SEED-family feature file.")
    return dict(sorted(out.items()))


def sessions_by_date(files: list[tuple[re.Match[str], Any]]) -> dict[int, list[tuple[int, str, Any]]]:
    """subject -> [(session, date, path)], sessions numbered 1.. in date order."""
    by_subject: dict[int, list[tuple[str, Any]]] = {}
    for match, path in files:
        by_subject.setdefault(int(match.group(1)), []).append((match.group(2), path))
    return {
        subject: [(i + 1, date, path) for i, (date, path) in enumerate(sorted(items, key=lambda t: t[0]))]
        for subject, items in sorted(by_subject.items())
    }
