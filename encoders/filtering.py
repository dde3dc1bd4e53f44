"""Zero-phase filtering and resampling with MNE's (and scipy's) numbers, for all channels at once.

MNE filters one channel at a time in float64, in overlap-add FFT blocks, padding each filter's input
by odd reflection ("reflect_limited"). Mathematically each filter is one linear convolution, and
that is what this module computes, faster:

* A cascade of FIR filters (band-pass, then notch) is one convolution with the combined kernel at
  every sample farther than the kernels' half-lengths from either end, where no padding enters.
  Those samples are computed for all channels together by overlap-add FFT blocks in float32, each
  channel minus its mean (the mean goes back exactly: odd reflection keeps a constant constant, and
  a filter multiplies it by the kernel's sum), so a DC offset costs no precision.
* The seconds at each end, where MNE's padding enters, are computed stage by stage exactly as MNE
  does (float64), from a short stretch of signal.
* A zero-phase IIR filter (scipy's `sosfiltfilt`) is, away from the ends, a convolution with its
  two-sided impulse response, which decays geometrically: truncated where it falls below
  `IIR_TAIL` of its peak, it runs through the same blocks; the ends are `sosfiltfilt` itself on a
  short stretch, long enough that the stretch's own far end no longer matters (`IIR_TAIL` again).
* FFT resampling is MNE's `_resample_fft` for many channels at once.

Rows whose centred amplitude float32 cannot carry (`FLOAT32_SAFE`) are filtered in float64. The
equivalence with MNE and scipy is tested (tests/test_fast_analysis.py) and measured (bench/analysis.py).
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.fft
import scipy.signal

IIR_TAIL = 1e-10  # an IIR response is cut where it falls below this fraction of its peak
# Rows whose centred samples exceed this (µV: ten kilovolts, beyond any scalp signal by seven orders
# of magnitude) are computed in float64, where float32 sums of squares could overflow.
FLOAT32_SAFE = 1e10
CHANNEL_CHUNK = 8  # channels per block pass: bounds the temporary spectra to a few tens of MB
FFT_WORKERS = 1  # scipy.fft threads; one, so that analysis leaves the other core to the engine


_BLAS_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """threadpoolctl's view of the loaded BLAS libraries, found once: finding them walks every loaded
    shared library (~20 ms, more once torch is loaded), too much to repeat for each product."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextlib.contextmanager
def single_threaded_blas():
    """BLAS on the calling thread alone while inside. Analysis runs its own two threads, and BLAS's
    helper threads, spinning for a core on a busy two-core machine, cost more than they save.
    Callers are serialised so that overlapping ones restore the setting in order."""
    with _BLAS_LOCK, _blas_controller().limit(limits=1, user_api="blas"):
        yield


# ---- MNE's kernels --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=32)
def bandpass_kernel(sfreq: float, l_freq: float | None, h_freq: float | None) -> np.ndarray:
    """The FIR kernel `mne.filter.filter_data(x, sfreq, l_freq, h_freq)` applies (its defaults:
    firwin design, Hamming window, automatic length and transition bands, zero phase)."""
    import mne

    h = mne.filter.create_filter(None, sfreq, l_freq, h_freq, filter_length="auto", l_trans_bandwidth="auto",
                                 h_trans_bandwidth="auto", method="fir", phase="zero", fir_window="hamming",
                                 fir_design="firwin", verbose="error")
    h.setflags(write=False)
    return h


@functools.lru_cache(maxsize=32)
def notch_kernel(sfreq: float, freqs: tuple[float, ...]) -> np.ndarray:
    """The FIR kernel `mne.filter.notch_filter(x, sfreq, freqs)` applies: one band-stop around every
    frequency, each freq/200 Hz wide with 1-Hz transitions (MNE's defaults, as it builds them)."""
    import mne

    freqs_arr = np.atleast_1d(np.asarray(freqs, dtype=np.float64))
    widths = freqs_arr / 200.0
    half_transition = 1.0 / 2.0
    lows = [f - w / 2.0 - half_transition for f, w in zip(freqs_arr, widths)]
    highs = [f + w / 2.0 + half_transition for f, w in zip(freqs_arr, widths)]
    h = mne.filter.create_filter(None, sfreq, highs, lows, filter_length="auto", l_trans_bandwidth=half_transition,
                                 h_trans_bandwidth=half_transition, method="fir", phase="zero",
                                 fir_window="hamming", fir_design="firwin", verbose="error")
    h.setflags(write=False)
    return h


# ---- exact, stage by stage (the ends, and short signals) ------------------------------------------

def reflect_pad(x: np.ndarray, left: int, right: int) -> np.ndarray:
    """MNE's "reflect_limited" padding of the last axis (odd reflection about each end sample)."""
    n = x.shape[-1]
    parts = [np.zeros(x.shape[:-1] + (max(left - n + 1, 0),), x.dtype),
             2 * x[..., :1] - x[..., left:0:-1], x,
             2 * x[..., -1:] - x[..., -2:-right - 2:-1],
             np.zeros(x.shape[:-1] + (max(right - n + 1, 0),), x.dtype)]
    return np.concatenate(parts, axis=-1)


def fir_like_mne(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """(C, N) float64 filtered by the zero-phase FIR `h` exactly as MNE's overlap-add does it: padded
    by min(len(h), N) - 1 reflected samples at each end, convolved, centred."""
    n, length = x.shape[-1], len(h)
    edge = max(min(length, n) - 1, 0)
    padded = reflect_pad(np.asarray(x, dtype=np.float64), edge, edge) if edge else np.asarray(x, np.float64)
    full = scipy.signal.fftconvolve(padded, h[None, :], mode="full", axes=-1)
    shift = (length - 1) // 2 + edge
    return full[:, shift:shift + n]


# ---- overlap-add blocks -------------------------------------------------------------------------

def _block_length(kernel_length: int) -> int:
    """FFT block: a power of two at least four kernels long (so at most a quarter of each block is
    overlap) and at least 4096 samples (shorter blocks cost more per sample than they save)."""
    return max(4096, 1 << math.ceil(math.log2(4 * kernel_length)))


def _convolve_into(out: np.ndarray, x: np.ndarray, mean: np.ndarray, offset: float, spectrum: np.ndarray,
                   length: int, n_fft: int, dtype) -> None:
    """out = (x - mean) convolved with a centred kernel of odd `length` (zero outside the signal),
    plus `offset` per row: out[i] = Σ_j (x - mean)[i + (length - 1)/2 - j] h[j] + offset, where
    `spectrum` is the kernel's rfft over `n_fft`. Overlap-save: each block reads n_fft samples
    that overlap the previous block by length - 1, and keeps the n_fft - length + 1 outputs that
    its circular convolution computes exactly."""
    rows, n = x.shape
    step = n_fft - length + 1
    blocks = -(-n // step)
    centre = (length - 1) // 2
    signal = np.zeros((rows, blocks * step + length - 1), dtype)
    np.subtract(x, mean, out=signal[:, centre:centre + n], casting="unsafe")
    frames = np.lib.stride_tricks.sliding_window_view(signal, n_fft, axis=-1)[:, ::step]  # (rows, blocks, n_fft)
    spectra = scipy.fft.rfft(frames, axis=-1, workers=FFT_WORKERS)
    del signal, frames
    spectra *= spectrum
    valid = scipy.fft.irfft(spectra, n=n_fft, axis=-1, workers=FFT_WORKERS)[..., length - 1:]  # (rows, blocks, step)
    del spectra
    whole = n // step
    offset = np.asarray(offset, dtype=np.float64).reshape(rows, 1)
    # Splitting the contiguous last axis of `out` into (blocks, step) is a view, so this writes `out`.
    np.add(valid[:, :whole], offset[:, :, None], out=out[:, :whole * step].reshape(rows, whole, step),
           casting="unsafe")
    if whole < blocks:
        np.add(valid[:, whole, :n - whole * step], offset, out=out[:, whole * step:], casting="unsafe")


@dataclass
class RowChunk:
    """A few rows of a (C, N) array, with what every fast pass over them needs first."""

    rows: slice
    mean: np.ndarray  # (r, 1) float64; 0 where a row's sum exceeds float range
    low: np.ndarray  # (r, 1) each row's minimum
    high: np.ndarray  # (r, 1) each row's maximum
    dtype: type  # float32, or float64 when a centred sample reaches FLOAT32_SAFE


def row_chunks(x: np.ndarray) -> list[RowChunk]:
    """`x`'s rows in chunks of CHANNEL_CHUNK with their means and ranges (one row at a time: a row
    stays in cache for its three reductions)."""
    with np.errstate(over="ignore", invalid="ignore"):
        stats = np.array([(row.mean(), row.min(), row.max()) for row in x], dtype=np.float64).reshape(-1, 3)
    return group_rows(stats[:, :1], stats[:, 1:2], stats[:, 2:])


def group_rows(mean: np.ndarray, low: np.ndarray, high: np.ndarray) -> list[RowChunk]:
    """RowChunks from each row's mean, minimum and maximum, (C, 1) each."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = np.where(np.isfinite(mean), mean, 0.0)  # a sum beyond float range: the row as it is
        reach = np.maximum(high - mean, mean - low)[:, 0]
    chunks = []
    for start in range(0, mean.shape[0], CHANNEL_CHUNK):
        rows = slice(start, min(start + CHANNEL_CHUNK, mean.shape[0]))
        safe = bool(np.all(np.isfinite(reach[rows]) & (reach[rows] < FLOAT32_SAFE)))
        chunks.append(RowChunk(rows, mean[rows], low[rows], high[rows], np.float32 if safe else np.float64))
    return chunks


def _spectrum(h: np.ndarray, n_fft: int, dtype) -> np.ndarray:
    spectrum = scipy.fft.rfft(np.asarray(h, dtype=np.float64), n=n_fft)
    return spectrum.astype(np.complex64 if dtype == np.float32 else np.complex128)


# ---- FIR cascades -------------------------------------------------------------------------------

def fir_cascade(x: np.ndarray, kernels: Sequence[np.ndarray]) -> np.ndarray:
    """(C, N) float64 filtered by each zero-phase FIR kernel in turn, as MNE filters it stage by
    stage (`fir_like_mne`), with the interior computed in one block pass of the combined kernel."""
    x = np.asarray(x, dtype=np.float64)
    kernels = [np.asarray(h, dtype=np.float64) for h in kernels]
    if not kernels:
        return x.copy()
    n = x.shape[-1]
    half = sum((len(h) - 1) // 2 for h in kernels)  # samples at each end that padding reaches
    # Signal needed to compute those exactly stage by stage: stage k is exact up to `stretch` minus
    # the half-lengths so far from the stretch's cut end, and must reach `half` at the last stage
    # (and 2·a_k for stage k's own reflection, which 2·half + 1 always covers).
    stretch = 2 * half + 1
    if n < 2 * stretch:  # short: the exact stage-by-stage path costs nothing
        out = x
        for h in kernels:
            out = fir_like_mne(out, h)
        return out
    combined = functools.reduce(np.convolve, kernels)
    gain = float(np.prod([h.sum() for h in kernels]))  # what a constant is multiplied by
    n_fft = _block_length(len(combined))
    out = np.empty_like(x)
    spectra: dict = {}
    for chunk in row_chunks(x):
        if chunk.dtype not in spectra:
            spectra[chunk.dtype] = _spectrum(combined, n_fft, chunk.dtype)
        _convolve_into(out[chunk.rows], x[chunk.rows], chunk.mean, chunk.mean * gain, spectra[chunk.dtype],
                       len(combined), n_fft, chunk.dtype)
    left, right = x[:, :stretch], x[:, n - stretch:]
    for h in kernels:
        left, right = fir_like_mne(left, h), fir_like_mne(right, h)
    out[:, :half] = left[:, :half]
    out[:, n - half:] = right[:, stretch - half:]
    return out


# ---- zero-phase IIR (sosfiltfilt) ------------------------------------------------------------------

@functools.lru_cache(maxsize=32)
def _iir_response(sos_key: bytes, sections: int) -> tuple[np.ndarray, int]:
    """(two-sided impulse response of sosfiltfilt, cut to IIR_TAIL of its peak; its half-length)."""
    sos = np.frombuffer(sos_key, dtype=np.float64).reshape(sections, 6).copy()
    radius = float(np.abs(scipy.signal.sos2zpk(sos)[1]).max())
    reach = int(math.ceil(math.log(IIR_TAIL) / math.log(radius))) + 1 if radius > 0 else 1
    impulse = np.zeros(4 * reach + 1)
    impulse[2 * reach] = 1.0
    response = scipy.signal.sosfiltfilt(sos, impulse)
    significant = np.flatnonzero(np.abs(response) >= IIR_TAIL * np.abs(response).max())
    half = int(max(2 * reach - significant[0], significant[-1] - 2 * reach))
    kernel = response[2 * reach - half:2 * reach + half + 1].copy()
    kernel.setflags(write=False)
    return kernel, max(half, reach)


def sosfiltfilt_fast(sos: np.ndarray, x: np.ndarray, chunks: list[RowChunk] | None = None) -> np.ndarray:
    """`scipy.signal.sosfiltfilt(sos, x, axis=-1)` (its default odd padding): the interior as a
    block convolution with the truncated two-sided response, the ends by sosfiltfilt itself on a
    stretch twice as long as the response needs to fade. float32, or float64 when some row's
    amplitude needs it (`FLOAT32_SAFE`). `chunks`: `row_chunks(x)`, when the caller has them."""
    chunks = row_chunks(x) if chunks is None else chunks
    dtype = np.float32 if all(chunk.dtype == np.float32 for chunk in chunks) else np.float64
    out = np.empty(x.shape, dtype=dtype)
    for rows, filtered in sosfiltfilt_chunks(sos, x, chunks):
        out[rows] = filtered
    return out


def sosfiltfilt_chunks(sos: np.ndarray, x: np.ndarray, chunks: list[RowChunk]):
    """`sosfiltfilt_fast` a chunk of rows at a time: yields (rows, their filtered samples), so a
    caller that only reduces them never holds the whole filtered recording."""
    sos = np.ascontiguousarray(sos, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    kernel, reach = _iir_response(sos.tobytes(), sos.shape[0])
    n = x.shape[-1]
    stretch = 2 * reach + 1
    if n < 2 * stretch + len(kernel):  # short: sosfiltfilt itself costs nothing
        for chunk in chunks:
            yield chunk.rows, scipy.signal.sosfiltfilt(sos, x[chunk.rows], axis=-1).astype(chunk.dtype, copy=False)
        return
    n_fft = _block_length(len(kernel))
    gain = float(kernel.sum())
    spectra = {t: _spectrum(kernel, n_fft, t) for t in {chunk.dtype for chunk in chunks}}
    for chunk in chunks:
        rows = x[chunk.rows]
        out = np.empty(rows.shape, dtype=chunk.dtype)
        _convolve_into(out, rows, chunk.mean, chunk.mean * gain, spectra[chunk.dtype], len(kernel), n_fft, chunk.dtype)
        out[:, :reach] = scipy.signal.sosfiltfilt(sos, rows[:, :stretch], axis=-1)[:, :reach]
        out[:, n - reach:] = scipy.signal.sosfiltfilt(sos, rows[:, n - stretch:], axis=-1)[:, stretch - reach:]
        yield chunk.rows, out


# ---- resampling ---------------------------------------------------------------------------------

def resample_like_mne(x: np.ndarray, up: float, down: float) -> np.ndarray:
    """`mne.filter.resample(x, up=up, down=down, npad="auto")` (FFT method, boxcar window,
    reflect_limited padding to a power of two) for every row, float32 spectra of each row minus
    its mean (which FFT resampling keeps as it is)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[-1]
    ratio = float(up) / down
    final_len = max(int(round(ratio * n)), 1)
    min_add = min(n // 8, 100) * 2
    total_pad = 2 ** int(np.ceil(np.log2(n + min_add))) - n
    pad_left, extra = divmod(total_pad, 2)
    pads = (pad_left, pad_left + extra)
    orig_len = n + sum(pads)
    new_len = max(int(round(ratio * orig_len)), 1)
    remove_left = int(round(ratio * pads[0]))
    shorter = new_len < orig_len
    use_len = new_len if shorter else orig_len
    out = np.empty((x.shape[0], final_len))
    for chunk in row_chunks(x):
        rows, mean = chunk.rows, chunk.mean
        padded = reflect_pad(x[rows] - mean, *pads).astype(chunk.dtype, copy=False)
        spectrum = scipy.fft.rfft(padded, axis=-1)
        if use_len % 2 == 0:
            spectrum[:, use_len // 2] *= 2 if shorter else 0.5
        spectrum *= float(new_len) / float(orig_len)
        resampled = scipy.fft.irfft(spectrum, new_len, axis=-1)
        out[rows] = resampled[:, remove_left:remove_left + final_len]
        out[rows] += mean
    return out
