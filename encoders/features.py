"""EEG features, vectorised over windows × channels × bands.

One real FFT per window feeds the spectral features. Differential entropy comes in the two
incompatible conventions found in the literature, under distinct names, never mixed:

* `de_gaussian`: ½·log(2πe·σ²) of the band-passed window (≈1.5–4 for µV EEG). σ² is computed in
  the frequency domain with the squared magnitude response of a zero-phase 4th-order Butterworth
  band-pass (what `filtfilt` applies), so it equals the usual research-code recipe
  (per-channel, per-band Butterworth + filtfilt, then the variance of each window) up to window
  edge effects, at a fraction of the cost (bench/features.py measures both).
* `de_seed`: log2(100 · mean band energy of the Hann-windowed FFT), as in the released SEED-family
  features (≈16–28).
"""

from __future__ import annotations

import functools
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import scipy.fft
import scipy.signal

from .channels import homologous_pairs
from .errors import RecordingTooShortError

# SEED bands (Hz): δ θ α β γ.
BANDS: dict[str, tuple[float, float]] = {
    "delta": (1.0, 4.0),
    "theta": (4.0, 8.0),
    "alpha": (8.0, 14.0),
    "beta": (14.0, 31.0),
    "gamma": (31.0, 50.0),
}
BAND_NAMES = tuple(BANDS)
BUTTER_ORDER = 4
_CHUNK_WINDOWS = 32  # windows per FFT batch: bounds peak memory and keeps the batch in cache


def make_windows(data: np.ndarray, sfreq: float, window_s: float = 4.0, step_s: float | None = None,
                 source: str = "the recording") -> np.ndarray:
    """(C, S) → (W, C, n) view of consecutive windows (no copy); the tail that does not fill a window
    is dropped."""
    n = int(round(window_s * sfreq))
    step = int(round((step_s or window_s) * sfreq))
    if data.shape[-1] < n:
        raise RecordingTooShortError(
            f"{source} lasts {data.shape[-1] / sfreq:.2f} s, shorter than one {window_s:g}-s analysis "
            f"window; record at least {window_s:g} s or choose a shorter window."
        )
    view = np.lib.stride_tricks.sliding_window_view(data, n, axis=-1)[..., ::step, :]  # (C, W, n)
    return np.moveaxis(view, -2, 0)


@functools.lru_cache(maxsize=32)
def _butter_power_weights(n: int, sfreq: float, bands: tuple[tuple[float, float], ...]) -> np.ndarray:
    """(F, B) weights |H(f)|⁴ on the rfft grid: the power gain of a zero-phase (filtfilt) Butterworth."""
    freqs = np.fft.rfftfreq(n, 1.0 / sfreq)
    weights = np.zeros((freqs.size, len(bands)))
    for b, (lo, hi) in enumerate(bands):
        hi = min(hi, sfreq / 2 * 0.999)
        sos = scipy.signal.butter(BUTTER_ORDER, [lo, hi], btype="band", fs=sfreq, output="sos")
        _, h = scipy.signal.sosfreqz(sos, worN=freqs, fs=sfreq)
        weights[:, b] = np.abs(h) ** 4
    # Parseval for a one-sided spectrum: interior bins count twice.
    weights[1:-1 if n % 2 == 0 else None] *= 2.0
    return weights / float(n) ** 2


@functools.lru_cache(maxsize=32)
def _hann_band_masks(n: int, nfft: int, sfreq: float, bands: tuple[tuple[float, float], ...]):
    """SEED's Hann window and per-band bin ranges (its MATLAB indexing, inclusive)."""
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(1, n + 1) / (n + 1))
    masks = np.zeros((nfft // 2, len(bands)))
    for b, (lo, hi) in enumerate(bands):
        start, stop = int(lo / sfreq * nfft), int(hi / sfreq * nfft)
        masks[max(start - 1, 0):stop, b] = 1.0 / (stop - start + 1)
    return window, masks


@dataclass
class SpectralFeatures:
    """Per window, channel and band (W, C, B)."""

    de_gaussian: np.ndarray
    band_power: np.ndarray  # absolute band power, µV² (periodogram summed over the band's bins)
    de_seed: np.ndarray | None = None  # only when asked for (`seed_convention=True`)
    psd_seed: np.ndarray | None = None  # SEED's "psd": mean band energy of the Hann-windowed FFT

    @property
    def relative_band_power(self) -> np.ndarray:
        return self.band_power / self.band_power.sum(axis=-1, keepdims=True).clip(min=1e-30)


def spectral_features(windows: np.ndarray, sfreq: float, bands: dict[str, tuple[float, float]] = BANDS,
                      seed_convention: bool = False, pool: Executor | None = None) -> SpectralFeatures:
    """Spectral features of (W, C, n) windows: one real FFT per window (a second, Hann-windowed and
    zero-padded, only for the SEED convention). Computed in float32 in chunks of windows, which is
    what makes an hour of 62-channel EEG take a fraction of a second.

    float32 squares overflow above ~1e19 µV (a broken channel or an absurd file can reach that):
    a chunk whose float32 result is not finite is computed again with every window and channel
    scaled to unit peak first, the scale put back in float64 (in the log domain for the DE), so
    such values give finite features where float64 can hold them. Clean chunks never take that
    path and keep their exact float32 values.

    `pool`: an idle one-thread executor that takes every other batch of windows (the batches are
    independent; the numbers do not depend on which thread computed them)."""
    n_windows, n_channels, n = windows.shape
    band_list = tuple(bands.values())
    n_bands = len(band_list)
    freqs = np.fft.rfftfreq(n, 1.0 / sfreq)
    # DE weights (Butterworth power gain) and plain band masks side by side: one matmul gives both.
    # Parseval for a one-sided spectrum: interior bins count twice; the DC bin is in no band.
    masks = np.stack([(freqs >= lo) & (freqs < hi) for lo, hi in band_list], axis=1).astype(np.float64)
    masks[1:-1 if n % 2 == 0 else None] *= 2.0
    weights = np.concatenate([_butter_power_weights(n, float(sfreq), band_list),
                              masks / (float(n) ** 2)], axis=1).astype(np.float32)
    var_power = np.empty((n_windows, n_channels, 2 * n_bands), dtype=np.float32)
    log_scale: np.ndarray | None = None  # (W, C) ln of the scale of rescaled windows (0 elsewhere)
    if seed_convention:
        nfft = 1 << (n - 1).bit_length()  # SEED zero-pads to a power of two
        hann, seed_masks = _hann_band_masks(n, nfft, float(sfreq), band_list)
        hann, seed_masks = hann.astype(np.float32), seed_masks.astype(np.float32)
        energy = np.empty((n_windows, n_channels, n_bands), dtype=np.float32)

    def spectra(chunk: np.ndarray, rows: slice) -> None:
        spec = scipy.fft.rfft(chunk, axis=-1)
        var_power[rows] = (spec.real ** 2 + spec.imag ** 2) @ weights
        if seed_convention:
            hspec = scipy.fft.rfft(chunk * hann, n=nfft, axis=-1)[..., : nfft // 2]
            energy[rows] = (hspec.real ** 2 + hspec.imag ** 2) @ seed_masks

    def batch(rows: slice) -> np.ndarray | None:
        """Fills the batch's rows; returns ln of its windows' scales if it had to be rescaled."""
        with np.errstate(over="ignore", invalid="ignore"):
            spectra(np.asarray(windows[rows], dtype=np.float32), rows)
            if np.isfinite(var_power[rows]).all() and (not seed_convention or np.isfinite(energy[rows]).all()):
                return None
            raw = np.asarray(windows[rows], dtype=np.float64)
            peak = np.abs(raw).max(axis=-1, keepdims=True)
            peak = np.where(np.isfinite(peak) & (peak > 0), peak, 1.0)
            spectra((raw / peak).astype(np.float32), rows)
            return np.log(peak[..., 0])

    batches = [slice(start, min(start + _CHUNK_WINDOWS, n_windows)) for start in range(0, n_windows, _CHUNK_WINDOWS)]
    if pool is not None and len(batches) > 1:
        elsewhere = pool.submit(lambda: [(rows, batch(rows)) for rows in batches[1::2]])
        scaled = [(rows, batch(rows)) for rows in batches[0::2]] + elsewhere.result()
    else:
        scaled = [(rows, batch(rows)) for rows in batches]
    for rows, log_peak in scaled:
        if log_peak is not None:
            if log_scale is None:
                log_scale = np.zeros((n_windows, n_channels))
            log_scale[rows] = log_peak
    tiny = 1e-12
    var = var_power[..., :n_bands].astype(np.float64)
    power = var_power[..., n_bands:].astype(np.float64)
    if log_scale is None:
        de = 0.5 * np.log(2 * np.pi * np.e * np.maximum(var, tiny))
    else:
        with np.errstate(divide="ignore", over="ignore"):
            log_var = np.maximum(np.log(var) + 2 * log_scale[..., None], np.log(tiny))
            power = power * np.exp(2 * log_scale)[..., None]  # inf where float64 cannot hold it
        de = 0.5 * (np.log(2 * np.pi * np.e) + log_var)
    out = SpectralFeatures(de_gaussian=de, band_power=power)
    if seed_convention:
        psd = energy.astype(np.float64)
        if log_scale is None:
            out.de_seed = np.log2(100.0 * np.maximum(psd, tiny))
        else:
            with np.errstate(divide="ignore", over="ignore"):
                log_psd = np.maximum(np.log(psd) + 2 * log_scale[..., None], np.log(tiny))
                psd = psd * np.exp(2 * log_scale)[..., None]
            out.de_seed = (np.log(100.0) + log_psd) / np.log(2.0)
        out.psd_seed = psd
    return out


def de_reference_filtfilt(data: np.ndarray, sfreq: float, window_s: float = 4.0,
                          bands: dict[str, tuple[float, float]] = BANDS) -> np.ndarray:
    """The usual research-code recipe, kept as the reference the fast path is checked against:
    for each channel and band, Butterworth + filtfilt over the whole signal, then the Gaussian DE
    of each window. Slow by design (loops over channels and bands)."""
    n = int(round(window_s * sfreq))
    n_windows = data.shape[1] // n
    out = np.empty((n_windows, data.shape[0], len(bands)))
    for b, (lo, hi) in enumerate(bands.values()):
        bb, aa = scipy.signal.butter(BUTTER_ORDER, [lo, min(hi, sfreq / 2 * 0.999)], btype="band", fs=sfreq)
        for c in range(data.shape[0]):
            filtered = scipy.signal.filtfilt(bb, aa, data[c])
            for w in range(n_windows):
                segment = filtered[w * n:(w + 1) * n]
                out[w, c, b] = 0.5 * np.log(2 * np.pi * np.e * np.var(segment))
    return out


# ---- asymmetry ---------------------------------------------------------------------------------

# Frontal–posterior pairs for DCAU (Zheng & Lu 2015 use 23 such pairs on the SEED cap; their exact
# list is not published with the data, so we pair each frontal-half electrode with its
# sagittal mirror on the posterior half).
_CAUDAL_PAIRS = [
    ("FT7", "TP7"), ("FC5", "CP5"), ("FC3", "CP3"), ("FC1", "CP1"), ("FCz", "CPz"), ("FC2", "CP2"),
    ("FC4", "CP4"), ("FC6", "CP6"), ("FT8", "TP8"), ("F7", "P7"), ("F5", "P5"), ("F3", "P3"),
    ("F1", "P1"), ("Fz", "Pz"), ("F2", "P2"), ("F4", "P4"), ("F6", "P6"), ("F8", "P8"),
    ("Fp1", "O1"), ("Fpz", "Oz"), ("Fp2", "O2"), ("AF3", "PO3"), ("AF4", "PO4"),
]


def caudal_pairs(names: list[str]) -> list[tuple[str, str]]:
    present = set(names)
    return [(a, b) for a, b in _CAUDAL_PAIRS if a in present and b in present]


def _pair_index(names: list[str], pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    lookup = {n: i for i, n in enumerate(names)}
    return (np.array([lookup[a] for a, _ in pairs], dtype=int), np.array([lookup[b] for _, b in pairs], dtype=int))


def dasm(de: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """DE(left) − DE(right) over homologous pairs: (W, P, B)."""
    pairs = homologous_pairs(names)
    left, right = _pair_index(names, pairs)
    return de[:, left] - de[:, right], pairs


def rasm(de: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """DE(left) / DE(right) over homologous pairs: (W, P, B)."""
    pairs = homologous_pairs(names)
    left, right = _pair_index(names, pairs)
    return de[:, left] / de[:, right], pairs


def dcau(de: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """DE(frontal) − DE(posterior) over caudal pairs: (W, P, B)."""
    pairs = caudal_pairs(names)
    front, back = _pair_index(names, pairs)
    return de[:, front] - de[:, back], pairs


FAA_PAIRS = (("F3", "F4"), ("F7", "F8"), ("AF3", "AF4"), ("Fp1", "Fp2"))


def frontal_pair(names: list[str], exclude: list[str] | tuple[str, ...] = ()) -> tuple[str, str] | None:
    """The first frontal left/right pair (F3/F4, else F7/F8, AF3/AF4, Fp1/Fp2) with both channels
    present and not excluded; None when there is none."""
    usable = set(names) - set(exclude)
    return next(((left, right) for left, right in FAA_PAIRS if left in usable and right in usable), None)


def frontal_alpha_asymmetry(band_power: np.ndarray, names: list[str],
                            exclude: list[str] | tuple[str, ...] = ()) -> np.ndarray | None:
    """ln α(right) − ln α(left) of the first usable frontal pair (`frontal_pair`) per window (W,).
    Higher = relatively more left-frontal activity (alpha is inversely related to activity) =
    approach / positive valence (Smith et al. 2017). None when no usable pair exists; NaN in a
    window where either side has no finite, positive alpha power (a logarithm of nothing is not
    an asymmetry)."""
    pair = frontal_pair(names, exclude)
    if pair is None:
        return None
    alpha = BAND_NAMES.index("alpha")
    lp = band_power[:, names.index(pair[0]), alpha]
    rp = band_power[:, names.index(pair[1]), alpha]
    valid = np.isfinite(lp) & np.isfinite(rp) & (lp > 0) & (rp > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(valid, np.log(np.where(valid, rp, 1.0)) - np.log(np.where(valid, lp, 1.0)), np.nan)


# ---- normalisation and smoothing ----------------------------------------------------------------


def zscore_by_group(features: np.ndarray, groups: np.ndarray, fit_mask: np.ndarray | None = None) -> np.ndarray:
    """Z-score rows of `features` (N, ...) within each group (e.g. subject), with mean and SD fitted
    only on rows where `fit_mask` is true (training rows). A group with no fitting rows keeps
    its raw values minus nothing — callers decide how to treat unseen groups."""
    features = np.asarray(features, dtype=np.float64)
    out = features.copy()
    fit_mask = np.ones(len(features), bool) if fit_mask is None else np.asarray(fit_mask, bool)
    for group in np.unique(groups):
        rows = groups == group
        fit_rows = rows & fit_mask
        if not fit_rows.any():
            continue
        mean = features[fit_rows].mean(axis=0)
        std = features[fit_rows].std(axis=0)
        out[rows] = (features[rows] - mean) / np.where(std > 1e-12, std, 1.0)
    return out


def lds_smooth(x: np.ndarray, trial_ids: np.ndarray | None = None, process_var: float = 1e-3,
               obs_var: float = 1.0) -> np.ndarray:
    """Linear dynamical system (scalar Kalman filter + RTS smoother) along axis 0, independently for
    every feature, restarted at every trial boundary so no trial borrows from its neighbours.

    `x` is (T, ...) in time order; `trial_ids` (T,) marks which trial each row belongs to."""
    x = np.asarray(x, dtype=np.float64)
    if trial_ids is None:
        trial_ids = np.zeros(len(x), dtype=int)
    trial_ids = np.asarray(trial_ids)
    out = np.empty_like(x)
    # A trial is a run of equal ids; the same id appearing twice later is a different run.
    boundaries = np.flatnonzero(np.r_[True, trial_ids[1:] != trial_ids[:-1], True])
    flat = x.reshape(len(x), -1)
    smoothed = out.reshape(len(x), -1)
    for start, stop in zip(boundaries[:-1], boundaries[1:]):
        smoothed[start:stop] = _rts(flat[start:stop], process_var, obs_var)
    return out


def _rts(z: np.ndarray, q: float, r: float) -> np.ndarray:
    t = len(z)
    mean_f = np.empty_like(z)
    var_f = np.empty(t)
    mean, var = z[0].copy(), r  # start at the first observation
    for i in range(t):
        if i:
            var = var + q  # predict (random walk)
        gain = var / (var + r)
        mean = mean + gain * (z[i] - mean)
        var = (1 - gain) * var
        mean_f[i], var_f[i] = mean, var
    out = mean_f.copy()
    for i in range(t - 2, -1, -1):
        pred_var = var_f[i] + q
        gain = var_f[i] / pred_var
        out[i] = mean_f[i] + gain * (out[i + 1] - mean_f[i])
    return out
