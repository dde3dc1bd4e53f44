"""Valid files with extreme contents, written by each format's own writer: values a recording can
really hold (huge, saturated, NaN/inf where the format stores floats, DC offsets, spikes), 1 to 3
channels, absurd sampling rates and lengths around one analysis window.

Each case is drawn from a seeded generator and written SYNTHETIC like every other seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .seeds import eeg_like, write_any

CHANNEL_SETS = {"1ch": ["Cz"], "2ch-frontal": ["F3", "F4"], "2ch-occipital": ["O1", "O2"],
                "3ch": ["F3", "F4", "Cz"], "19ch": "Fp1 Fp2 F7 F3 Fz F4 F8 T7 C3 Cz C4 T8 P7 P3 Pz P4 P8 O1 O2".split()}
CONTENTS = ("huge", "saturated", "nan", "inf", "one_channel_huge", "one_sample_huge", "dc_offset", "tiny", "square",
            "spikes", "constant_but_one", "normal")
HUGE = ("huge", "one_channel_huge", "one_sample_huge", "dc_offset", "spikes")  # contents scaled by `scale`
RATES = (64.0, 63.5, 65.0, 100.0, 128.0, 500.0, 1000.0, 5000.0, 20000.0, 100000.0, 150000.0, 1e6)
DURATIONS = (0.5, 3.9, 4.0, 4.1, 8.0, 12.0)
FORMATS = ("edf", "bdf", "fif", "vhdr", "set")
FLOAT_FORMATS = ("fif", "vhdr", "set")  # NaN can be stored; EDF/BDF hold integers
INF_FORMATS = ("fif", "set")  # pybv refuses to write infinities
MAX_SAMPLES = 400_000  # per channel: keeps one case under a second or so


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(0, len(items)))]


def extreme_case(rng: np.random.Generator, folder: Path, **fixed) -> tuple[list[Path], dict]:
    """Write one extreme recording into `folder`; returns its files and what it holds. Keywords
    (`format`, `channels`, `content`, `sfreq`, `seconds`, `scale`) fix a draw instead of drawing it."""
    fmt = str(_pick(rng, FORMATS))
    channels_key = str(_pick(rng, list(CHANNEL_SETS)))
    content = str(_pick(rng, CONTENTS))
    sfreq = float(_pick(rng, RATES)) if rng.random() < 0.35 else float(_pick(rng, (128.0, 200.0, 256.0)))
    seconds = float(_pick(rng, DURATIONS)) if rng.random() < 0.35 else 10.0
    scale = 10.0 ** int(rng.integers(4, 36))  # µV; float32 files hold up to ~3e44 µV
    fmt, channels_key, content = fixed.get("format", fmt), fixed.get("channels", channels_key), \
        fixed.get("content", content)
    sfreq, seconds, scale = fixed.get("sfreq", sfreq), fixed.get("seconds", seconds), fixed.get("scale", scale)
    names = CHANNEL_SETS[channels_key]
    if content in ("nan", "inf") and fmt not in (FLOAT_FORMATS if content == "nan" else INF_FORMATS):
        fmt = str(_pick(rng, FLOAT_FORMATS if content == "nan" else INF_FORMATS))
    if fmt in ("edf", "bdf"):
        sfreq = float(round(sfreq))  # one-second records need whole samples per record
    seconds = min(seconds, MAX_SAMPLES / sfreq)
    if fmt in ("edf", "bdf"):
        seconds = max(1.0, float(np.floor(seconds)))
    data = eeg_like(len(names), sfreq, seconds, seed=int(rng.integers(0, 2**31)))
    n = data.shape[1]
    if content == "huge":
        data *= scale
    elif content == "saturated":
        peak = float(np.abs(data).max())
        fraction = float(_pick(rng, (0.05, 0.3, 0.9, 1.0)))
        run = max(1, int(n * fraction))
        start = int(rng.integers(0, n - run + 1))
        data[:, start:start + run] = np.where(rng.random((len(names), 1)) < 0.5, peak, -peak)
    elif content in ("nan", "inf"):
        value = np.nan if content == "nan" else np.inf
        mode = str(_pick(rng, ("sparse", "channel", "all")))
        if mode == "sparse":
            data[rng.random(data.shape) < 0.001] = value
        elif mode == "channel":
            data[int(rng.integers(0, len(names)))] = value
        else:
            data[:] = value
        content = f"{content}-{mode}"
    elif content == "one_channel_huge":
        data[int(rng.integers(0, len(names)))] *= scale
    elif content == "one_sample_huge":  # one corrupted sample, as a misaligned float stream leaves
        data[int(rng.integers(0, len(names))), int(rng.integers(0, n))] = scale
    elif content == "dc_offset":
        data += scale
    elif content == "tiny":
        data *= 1e-6
    elif content == "square":
        data = np.where((np.arange(n) // max(1, int(sfreq / 20))) % 2 == 0, 1.0, -1.0)[None, :] * \
            np.full((len(names), 1), 100.0)
    elif content == "spikes":
        data[rng.random(data.shape) < 0.002] = scale
    elif content == "constant_but_one":
        keep = int(rng.integers(0, len(names)))
        data = np.where(np.arange(len(names))[:, None] == keep, data, 5.0)
    options: dict = {}
    if fmt in ("edf", "bdf"):
        # edflib refuses data records over ~10 MB: shorter records at high rates (whole samples each).
        width = 3 if fmt == "bdf" else 2
        options["record_s"] = next(r for r in (1.0, 0.1, 0.01, 0.001)
                                   if sfreq * r * len(names) * width <= 4e6 or r == 0.001)
    if fmt in ("edf", "bdf") and content in HUGE:
        # EDF keeps 8 characters per physical bound: the largest range it can state.
        data = np.clip(data, -9999999.0, 99999999.0)
        options["physical"] = (-9999999.0, 99999999.0)
    files = write_any(fmt, folder / f"extreme-{channels_key}_SYNTHETIC", data, names, sfreq, **options)
    return files, {"format": fmt, "channels": channels_key, "content": content, "sfreq": sfreq,
                   "seconds": round(seconds, 3), "scale": scale if content in HUGE else None}
