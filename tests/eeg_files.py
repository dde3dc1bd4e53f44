"""Writers for test recordings, using each format's own writer (pyedflib for EDF/BDF, MNE for FIF)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def eeg_like(n_channels: int, sfreq: float, seconds: float, seed: int = 0, alpha_uv: float = 15.0) -> np.ndarray:
    """µV: pink-ish noise plus a 10 Hz rhythm, amplitudes of scalp EEG (SD ~ 15–30 µV)."""
    rng = np.random.default_rng(seed)
    n = int(round(sfreq * seconds))
    white = rng.normal(size=(n_channels, n))
    spectrum = np.fft.rfft(white, axis=1)
    freqs = np.fft.rfftfreq(n, 1 / sfreq)
    spectrum /= np.maximum(freqs, 1.0) ** 0.75
    pink = np.fft.irfft(spectrum, n=n, axis=1)
    pink *= 15.0 / pink.std(axis=1, keepdims=True)
    t = np.arange(n) / sfreq
    phases = rng.uniform(0, 2 * np.pi, (n_channels, 1))
    return pink + alpha_uv * np.sin(2 * np.pi * 10.0 * t + phases)


def write_edf(path: Path, data_uv: np.ndarray, names: list[str], sfreq: float, bdf: bool = False,
              annotations: list[tuple[float, float, str]] = (), patient_name: str = "X",
              dimension: str = "uV") -> Path:
    import pyedflib

    file_type = pyedflib.FILETYPE_BDFPLUS if bdf else pyedflib.FILETYPE_EDFPLUS
    writer = pyedflib.EdfWriter(str(path), len(names), file_type=file_type)
    try:
        scale = {"uV": 1.0, "mV": 1e-3, "V": 1e-6}[dimension]
        headers = []
        for i, name in enumerate(names):
            peak = float(np.abs(data_uv[i]).max() * scale * 1.05) or 1.0
            headers.append({"label": name, "dimension": dimension, "sample_frequency": sfreq,
                            "physical_max": peak, "physical_min": -peak,
                            "digital_max": 8388607 if bdf else 32767, "digital_min": -8388608 if bdf else -32768})
        writer.setSignalHeaders(headers)
        writer.setPatientName(patient_name)
        for onset, duration, text in annotations:
            writer.writeAnnotation(onset, duration, text)
        writer.writeSamples([np.ascontiguousarray(row * scale) for row in data_uv])
    finally:
        writer.close()
    return Path(path)


def write_fif(path: Path, data_uv: np.ndarray, names: list[str], sfreq: float, types: list[str] | None = None,
              description: str | None = None) -> Path:
    import mne

    info = mne.create_info(list(names), sfreq, types or "eeg")
    if description:
        info["description"] = description
    raw = mne.io.RawArray(data_uv * 1e-6, info, verbose="error")
    raw.save(str(path), overwrite=True, verbose="error")
    return Path(path)
