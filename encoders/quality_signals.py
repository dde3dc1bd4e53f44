"""The raw-signal measurements the quality verdict rests on, computed two ways with the same numbers.

`reference_signals` is the first implementation, kept as the reference: scipy's Welch,
periodogram and `sosfiltfilt` on the whole recording in float64. `fast_signals` computes the same
quantities for all channels at once:

* the 1-Hz high-pass and the blink band-pass are `encoders.filtering.sosfiltfilt_fast` (block
  convolution with the filter's two-sided response; the ends by sosfiltfilt itself);
* Welch's line-noise estimate computes only the bins it sums (around the mains frequency), as one
  matrix product over half-segments (`_welch_line_ratio`), and skips the per-segment mean removal:
  a Hann window's spectrum is zero beyond its first bin, so a constant moves only bins 0 and 1 (the
  periodogram's boxcar moves only bin 0), which no band here includes;
* window statistics run one channel at a time instead of over whole-recording temporaries.

Spectra are float32 of each channel minus its mean, float64 for channels beyond float32's reach.
The two agree to float32 rounding (tests/test_fast_analysis.py), which moves a verdict only when a
measured value sits within a few parts per million of its threshold.
"""

from __future__ import annotations

import warnings
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import scipy.fft
import scipy.signal

from .features import make_windows
from .filtering import RowChunk, group_rows, row_chunks, single_threaded_blas, sosfiltfilt_chunks, sosfiltfilt_fast

MUSCLE_BAND = (30.0, 50.0)  # Hz, EMG; capped below Nyquist
BRAIN_BAND = (1.0, 30.0)  # Hz, what EMG is compared with
LINE_HALF_WIDTH = 1.0  # Hz either side of the mains frequency
NEIGHBOURS = (2.0, 6.0)  # Hz from the mains frequency, each side: the comparison band


@dataclass
class RawSignals:
    """Per-channel and per-window numbers of a raw recording (W windows, C channels)."""

    window_std: np.ndarray  # (W, C) standard deviation of each raw window
    pinned: np.ndarray  # (C,) fraction of samples within 1e-6 of the channel's range from its extremes
    line_ratio: np.ndarray  # (C,) mains-band power over the neighbouring bands' (density ratio), may be inf/nan
    ptp: np.ndarray  # (W, C) peak-to-peak of each window after a 1-Hz high-pass
    peak: np.ndarray  # (C,) largest |sample| after the high-pass
    muscle_ratio: np.ndarray  # (W, C) 30–50 Hz power / 1–30 Hz power (floored at 1e-12) of the high-passed windows
    eye_ptp: np.ndarray | None  # (W, F) peak-to-peak of 0.5–4 Hz on the frontopolar channels


def highpass_sos(sfreq: float) -> np.ndarray:
    return scipy.signal.butter(2, 1.0, btype="high", fs=sfreq, output="sos")


def eye_band_sos(sfreq: float) -> np.ndarray:
    return scipy.signal.butter(2, [0.5, 4.0], btype="band", fs=sfreq, output="sos")


def band_power(freqs: np.ndarray, psd: np.ndarray, lo: float, hi: float) -> np.ndarray:
    mask = (freqs >= lo) & (freqs < hi)
    return psd[..., mask].sum(axis=-1)


def _pinned_fraction_reference(data: np.ndarray) -> np.ndarray:
    maxima, minima = data.max(axis=1, keepdims=True), data.min(axis=1, keepdims=True)
    span = np.maximum(maxima - minima, 1e-9)
    return ((data >= maxima - 1e-6 * span) | (data <= minima + 1e-6 * span)).mean(axis=1)


def reference_signals(data: np.ndarray, sfreq: float, window_s: float, line_freq: float,
                      frontal: list[int], pool: Executor | None = None) -> RawSignals:
    """scipy on the whole recording, float64: the implementation `fast_signals` is checked against
    (one thread: `pool` is not used)."""
    windows = make_windows(data, sfreq, window_s)
    window_std = windows.std(axis=-1)
    pinned = _pinned_fraction_reference(data)
    if sfreq / 2 > line_freq + 5:
        freqs, psd = scipy.signal.welch(data, sfreq, nperseg=min(int(sfreq * 2), data.shape[1]))
        line_ratio = _line_ratio(freqs, psd, line_freq)
    else:
        line_ratio = np.zeros(data.shape[0])
    hp = scipy.signal.sosfiltfilt(highpass_sos(sfreq), data, axis=-1)
    hp_windows = make_windows(hp, sfreq, window_s)
    ptp = np.ptp(hp_windows, axis=-1)
    peak = np.abs(hp).max(axis=1)
    f, p = scipy.signal.periodogram(hp_windows, sfreq, axis=-1)
    muscle_ratio = _muscle_ratio(f, p, sfreq)
    eye_ptp = None
    if frontal:
        eye = scipy.signal.sosfiltfilt(eye_band_sos(sfreq), data[frontal], axis=-1)
        eye_ptp = np.ptp(make_windows(eye, sfreq, window_s), axis=-1)
    return RawSignals(window_std, pinned, line_ratio, ptp, peak, muscle_ratio, eye_ptp)


def _line_ratio(freqs: np.ndarray, psd: np.ndarray, line_freq: float) -> np.ndarray:
    line = band_power(freqs, psd, line_freq - LINE_HALF_WIDTH, line_freq + LINE_HALF_WIDTH) / (2 * LINE_HALF_WIDTH)
    near, far = NEIGHBOURS
    around = (band_power(freqs, psd, line_freq - far, line_freq - near)
              + band_power(freqs, psd, line_freq + near, line_freq + far)) / (2 * (far - near))
    return line / np.maximum(around, 1e-12)


def _muscle_ratio(freqs: np.ndarray, psd: np.ndarray, sfreq: float) -> np.ndarray:
    high = band_power(freqs, psd, MUSCLE_BAND[0], min(MUSCLE_BAND[1], sfreq / 2 - 1))
    low = band_power(freqs, psd, *BRAIN_BAND)
    return high / np.maximum(low, 1e-12)


# ---- the fast path ------------------------------------------------------------------------------

def fast_signals(data: np.ndarray, sfreq: float, window_s: float, line_freq: float,
                 frontal: list[int], pool: Executor | None = None) -> RawSignals:
    """The same numbers as `reference_signals`, for all channels at once (see the module notes).
    `pool`: a one-thread executor the caller has given other work first (the analysis' filters);
    part of the channels' high-pass work is queued behind it, so both cores stay busy to the end."""
    n_windows, _, n = make_windows(data, sfreq, window_s).shape
    window_std, pinned, chunks = _row_sweep(data, n_windows, n)
    ptp = np.empty((n_windows, data.shape[0]))
    peak = np.empty(data.shape[0])
    muscle_ratio = np.empty((n_windows, data.shape[0]))
    mine, queued = _split_rows(chunks, MAIN_THREAD_SHARE) if pool is not None else (chunks, [])
    behind = pool.submit(_high_passed, data, sfreq, n_windows, n, queued, ptp, peak, muscle_ratio) if queued else None
    if sfreq / 2 > line_freq + 5:
        line_ratio = _welch_line_ratio(data, sfreq, line_freq, chunks)
    else:
        line_ratio = np.zeros(data.shape[0])
    _high_passed(data, sfreq, n_windows, n, mine, ptp, peak, muscle_ratio)
    eye_ptp = None
    if frontal:
        eye = sosfiltfilt_fast(eye_band_sos(sfreq), data[frontal])
        eye_windows = eye[:, :n_windows * n].reshape(len(frontal), n_windows, n)
        with np.errstate(over="ignore", invalid="ignore"):
            eye_ptp = (eye_windows.max(axis=-1) - eye_windows.min(axis=-1)).T.astype(np.float64)
    if behind is not None:
        behind.result()
    return RawSignals(window_std, pinned, line_ratio, ptp, peak, muscle_ratio, eye_ptp)


# The calling thread's share of the high-pass rows when a busy pool takes the rest: it also has the
# line-noise spectra to compute, while the pool thread first finishes the analysis' filters
# (balanced on 2 cores for an hour of 62-channel EEG; bench/analysis.py).
MAIN_THREAD_SHARE = 0.6


def _split_rows(chunks: list[RowChunk], share: float) -> tuple[list[RowChunk], list[RowChunk]]:
    """(first chunks holding about `share` of the rows, the rest)."""
    total = sum(len(c.mean) for c in chunks)
    taken, mine = 0, []
    for chunk in chunks:
        if mine and taken + len(chunk.mean) / 2 > share * total:
            break
        mine.append(chunk)
        taken += len(chunk.mean)
    return mine, chunks[len(mine):]


def _high_passed(data: np.ndarray, sfreq: float, n_windows: int, n: int, chunks: list[RowChunk],
                 ptp: np.ndarray, peak: np.ndarray, muscle_ratio: np.ndarray) -> None:
    """Window peak-to-peak, peak and EMG ratio of the 1-Hz high-passed rows of `chunks`, written into
    the given arrays. The high-passed signal is only reduced: a few channels at a time, while they
    are in cache, never the whole filtered recording."""
    if not chunks:
        return
    for rows, hp in sosfiltfilt_chunks(highpass_sos(sfreq), data, chunks):
        hp_windows = hp[:, :n_windows * n].reshape(hp.shape[0], n_windows, n)  # (c, W, n), as make_windows cuts
        with np.errstate(over="ignore", invalid="ignore"):
            ptp[:, rows] = (hp_windows.max(axis=-1) - hp_windows.min(axis=-1)).T
            peak[rows] = np.maximum(hp.max(axis=1), -hp.min(axis=1))
        muscle_ratio[:, rows] = _periodogram_muscle_ratio(hp_windows, sfreq)


def _row_sweep(data: np.ndarray, n_windows: int, n: int) -> tuple[np.ndarray, np.ndarray, list[RowChunk]]:
    """(window SDs (W, C), pinned fractions (C,), row chunks): everything computed straight from the
    raw samples, one channel at a time while it is in cache, with the reference's arithmetic."""
    window_std = np.empty((n_windows, data.shape[0]))
    pinned = np.empty(data.shape[0])
    stats = np.empty((data.shape[0], 3))
    with np.errstate(over="ignore", invalid="ignore"):
        for c, row in enumerate(data):
            mean, low, high = row.mean(), row.min(), row.max()
            stats[c] = mean, low, high
            span = np.maximum(high - low, 1e-9)
            pinned[c] = ((row >= high - 1e-6 * span) | (row <= low + 1e-6 * span)).mean()
            window_std[:, c] = row[:n_windows * n].reshape(n_windows, n).std(axis=-1)
    return window_std, pinned, group_rows(stats[:, :1], stats[:, 1:2], stats[:, 2:])


def _welch_line_ratio(data: np.ndarray, sfreq: float, line_freq: float, chunks: list[RowChunk]) -> np.ndarray:
    """`_line_ratio` of scipy's default Welch over 2-s segments."""
    near, far = NEIGHBOURS
    bands = [(line_freq - LINE_HALF_WIDTH, line_freq + LINE_HALF_WIDTH), (line_freq - far, line_freq - near),
             (line_freq + near, line_freq + far)]
    line, below, above = welch_band_power(data, sfreq, min(int(sfreq * 2), data.shape[1]), bands, chunks).T
    return (line / (2 * LINE_HALF_WIDTH)) / np.maximum((below + above) / (2 * (far - near)), 1e-12)


def welch_band_power(data: np.ndarray, sfreq: float, nperseg: int, bands: list[tuple[float, float]],
                     chunks: list[RowChunk] | None = None) -> np.ndarray:
    """(C, len(bands)): `band_power` of `scipy.signal.welch(data, sfreq, nperseg=nperseg)` (periodic
    Hann, 50 % overlap, constant detrend, density), computing only the bins the bands hold.

    With an even segment length P, segment s is blocks s and s + 1 of P/2 samples, so its plain DFT
    at bin k is B_s(k) + (-1)^k B_{s+1}(k), where B_b is block b's DFT at k/P cycles per sample; and
    the Hann window's DFT is [-1/4, 1/2, -1/4] at bins k-1, k, k+1, so a constant (what the detrend
    removes) moves only bins 0 and 1. The block DFTs at the few bins needed are one matrix product
    over the signal: half the arithmetic of an FFT per segment, and no per-segment mean."""
    freqs = np.fft.rfftfreq(nperseg, 1.0 / sfreq)
    masks = np.stack([(freqs >= lo) & (freqs < hi) for lo, hi in bands], axis=1)  # (F, B)
    wanted = np.flatnonzero(masks.any(axis=1))
    # The cases the shortcut does not cover, a signal shorter than one segment among them (scipy
    # then shortens the segment, as the reference engine does; the analysis refuses it later).
    if wanted.size == 0 or wanted[0] < 2 or wanted[-1] >= nperseg // 2 or nperseg % 2 or data.shape[1] < nperseg:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "nperseg is greater than input length"
            f, psd = scipy.signal.welch(data, sfreq, nperseg=min(nperseg, data.shape[1]))
        return np.stack([band_power(f, psd, lo, hi) for lo, hi in bands], axis=1)
    chunks = row_chunks(data) if chunks is None else chunks
    window = scipy.signal.get_window("hann", nperseg)
    half = nperseg // 2
    n_segments = (data.shape[1] - nperseg) // half + 1
    plain = np.arange(wanted[0] - 1, wanted[-1] + 2)  # bins the Hann combination reads
    phase = 2 * np.pi * np.outer(np.arange(half), plain) / nperseg
    basis = np.concatenate([np.cos(phase), -np.sin(phase)], axis=1)  # (P/2, 2m): real, imaginary parts
    sign = (-1.0) ** plain
    scale = 2.0 / (sfreq * float((window ** 2).sum()))  # one-sided density; these bins are below Nyquist
    psd = np.empty((data.shape[0], plain.size - 2))  # bins wanted[0] … wanted[-1]
    for chunk in chunks:
        dtype = chunk.dtype
        used = data[chunk.rows, :(n_segments + 1) * half]
        blocks = np.subtract(used, chunk.mean, dtype=dtype).reshape(-1, half)
        with single_threaded_blas():  # one 2-D product: BLAS, unlike a stack of small ones
            parts = (blocks @ basis.astype(dtype)).astype(np.float64)
        parts = parts.reshape(used.shape[0], n_segments + 1, -1)
        block_dft = parts[..., :plain.size] + 1j * parts[..., plain.size:]
        segment_dft = block_dft[:, :-1] + sign * block_dft[:, 1:]  # (r, S, m)
        hann = 0.5 * segment_dft[..., 1:-1] - 0.25 * (segment_dft[..., :-2] + segment_dft[..., 2:])
        with np.errstate(over="ignore", invalid="ignore"):
            psd[chunk.rows] = (hann.real ** 2 + hann.imag ** 2).mean(axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        return (psd * scale) @ masks[plain[1:-1]].astype(np.float64)


def _periodogram_muscle_ratio(hp_windows: np.ndarray, sfreq: float) -> np.ndarray:
    """`_muscle_ratio` of scipy's default periodogram (boxcar, density) of (C, W, n) windows, as (W, C)."""
    n_channels, n_windows, n = hp_windows.shape
    freqs = np.fft.rfftfreq(n, 1.0 / sfreq)
    high = np.flatnonzero((freqs >= MUSCLE_BAND[0]) & (freqs < min(MUSCLE_BAND[1], sfreq / 2 - 1)))
    low = np.flatnonzero((freqs >= BRAIN_BAND[0]) & (freqs < BRAIN_BAND[1]))
    scale = 2.0 / (sfreq * n)  # interior bins of a one-sided density
    out = np.empty((n_windows, n_channels))
    for start in range(0, n_channels, 8):
        spectra = scipy.fft.rfft(hp_windows[start:start + 8], axis=-1)
        with np.errstate(over="ignore", invalid="ignore"):
            power = spectra.real ** 2 + spectra.imag ** 2
            # Each band is a run of consecutive bins: slices, not copies.
            high_power = power[..., high[0]:high[-1] + 1].sum(axis=-1, dtype=np.float64) * scale if high.size else 0.0
            low_power = power[..., low[0]:low[-1] + 1].sum(axis=-1, dtype=np.float64) * scale
            out[:, start:start + 8] = (high_power / np.maximum(low_power, 1e-12)).T
    return out
