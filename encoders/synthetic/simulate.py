"""Spectra and time courses: from a subject, session and trial to channel samples."""

from __future__ import annotations

import functools
import math

import numpy as np

from ..channels import MONTAGES, electrode_positions
from ..labels import EMOTIONS
from .config import CohortConfig
from .sources import (_AL, _BASE, _BG, _BG_ALPHA, _BG_POWER, _FINGERPRINT_BG_SD, _FINGERPRINT_SD, _POSTERIOR, _SRC,
                      _TH, _component_shapes, emotion_effects)
from .streams import _D_TRIAL, _read_only, _rngs, _seq
from .subjects import _session_model, _stimulus_pattern, _Subject, _subject_model


# ---- spectra and time courses -----------------------------------------------------------------


def _complex_noise(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    out = rng.standard_normal((*shape, 2))
    return out[..., 0] + 1j * out[..., 1]


def _trial_log_gain(cfg: CohortConfig, subject: int, session: int, trial: int, label: int, k: int,
                    fingerprint: np.ndarray) -> np.ndarray:
    """(sources, components) log-gains of one trial: person + session + clip + trial state + time on
    task + emotion. Only the last term depends on the label."""
    subj = _subject_model(cfg, subject)
    state, _ = _session_model(cfg, subject, session)
    emotional = np.einsum("p,psc->sc", subj.effect_gain, emotion_effects(EMOTIONS[label]))
    emotional = emotional + subj.idiosyncratic[label]
    log_gain = (subj.log_gain + state + fingerprint
                + _stimulus_pattern(cfg.seed, label, k, cfg.nuisance_scale)
                + cfg.effect_scale * emotional)
    # Time on task: alpha (and a little theta) creep up over a session. Every subject sees the
    # clips in the same order, so this is a weak order confound, as in the real datasets.
    position = (trial - 1) / max(1, cfg.trials_per_session - 1)
    log_gain[_POSTERIOR, _AL] += subj.fatigue * position
    log_gain[_SRC["frontal_midline"], _TH] += 0.5 * subj.fatigue * position
    return log_gain


def _blinks(rng: np.random.Generator, subj: _Subject, n: int, sfreq: float) -> np.ndarray:
    """(S,) vertical-EOG-like time course: raised-cosine blinks at Poisson times."""
    eog = np.zeros(n)
    count = rng.poisson(subj.blink_rate / 60.0 * n / sfreq)
    for _ in range(count):
        width = int(rng.uniform(0.25, 0.45) * sfreq)
        start = int(rng.integers(-width // 2, n))
        amp = subj.blink_uv * float(np.exp(rng.normal(0.0, 0.2)))
        wave = amp * 0.5 * (1.0 - np.cos(2.0 * np.pi * np.arange(width) / width))
        lo, hi = max(start, 0), min(start + width, n)
        eog[lo:hi] += wave[lo - start:hi - start]
    return eog


def _muscle(rng: np.random.Generator, subj: _Subject, side: np.ndarray, n: int, sfreq: float) -> np.ndarray | None:
    """(C, S) temporalis EMG bursts (broadband > 20 Hz) on one or both sides, or None if none."""
    count = rng.poisson(subj.muscle_rate / 60.0 * n / sfreq)
    if count == 0:
        return None
    freqs = np.fft.rfftfreq(n, 1.0 / sfreq)
    band = (freqs > 20.0) & (freqs < min(100.0, 0.45 * sfreq))
    noise = np.fft.irfft(_complex_noise(rng, (len(side), freqs.size)) * band, n)
    noise /= noise.std(axis=1, keepdims=True).clip(min=1e-12)
    envelope = np.zeros((len(side), n))
    for _ in range(count):
        width = int(rng.uniform(0.3, 1.5) * sfreq)
        start = int(rng.integers(0, max(1, n - width)))
        which = rng.integers(3)  # 0 left, 1 right, 2 both (jaw clench)
        weight = (side < 0) if which == 0 else (side > 0) if which == 1 else np.ones(len(side), bool)
        env = np.hanning(width)[: n - start] * rng.uniform(5.0, 25.0)
        envelope[weight, start:start + len(env)] += env
    return subj.muscle_topo[:, None] * envelope * noise


def _simulate(cfg: CohortConfig, subject: int, session: int, trial: int, label: int, k: int) -> np.ndarray:
    """(C, S) µV for one trial; all randomness from the trial's own seed."""
    subj = _subject_model(cfg, subject)
    _, cap = _session_model(cfg, subject, session)
    n, sfreq, ns = cfg.n_samples, cfg.sfreq, cfg.nuisance_scale
    r_fp, r_src, r_sensor, r_blink, r_muscle, r_line = _rngs(_seq(cfg.seed, _D_TRIAL, subject, session, trial), 6)

    # Label-independent trial fingerprint (attention, posture, electrode settling, what the person
    # did before the clip): constant within the trial, which is why windows of one trial resemble
    # each other far more than windows of two trials of the same emotion.
    fingerprint = r_fp.normal(0.0, _FINGERPRINT_SD * ns, size=_BASE.shape)
    bg_log_gain = subj.bg_log_gain + r_fp.normal(0.0, _FINGERPRINT_BG_SD * ns, size=subj.bg_log_gain.shape)
    log_gain = _trial_log_gain(cfg, subject, session, trial, label, k, fingerprint)

    freqs = np.fft.rfftfreq(n, 1.0 / sfreq)
    shapes = _component_shapes(freqs, subj.iaf, subj.alpha_width, subj.theta_freq, subj.beta_freq, subj.exponent)
    named_psd = np.exp(log_gain) @ shapes  # (sources, F)
    bg_psd = _BG_POWER * np.exp(bg_log_gain)[:, None] * (shapes[_BG] + _BG_ALPHA * shapes[_AL])
    # Scale complex Gaussian coefficients so the time series has PSD `psd` in units²/Hz whatever n is.
    c = math.sqrt(n * sfreq) / 2.0
    x_named = np.sqrt(named_psd) * _complex_noise(r_src, named_psd.shape)
    x_bg = np.sqrt(bg_psd) * _complex_noise(r_src, bg_psd.shape)
    spectrum = subj.amplitude * (subj.named_lf @ x_named + subj.bg_lf @ x_bg)

    # Electrode drift (< ~0.3 Hz) and white sensor noise, per channel, in the same spectrum.
    f0 = 0.1
    drift_psd = subj.drift_uv**2 / (f0 * math.pi / 4.0) * (1.0 + (freqs / f0) ** 2) ** -2
    sensor_psd = drift_psd + subj.noise_uv**2 / (sfreq / 2.0)
    spectrum = spectrum + np.sqrt(sensor_psd) * _complex_noise(r_sensor, (len(cfg.channels), freqs.size))
    spectrum[:, 0] = 0.0  # no DC offset: EEG amplifiers are AC-coupled or high-passed
    data = np.fft.irfft(spectrum * c, n)

    if cfg.blinks:
        data += subj.blink_topo[:, None] * _blinks(r_blink, subj, n, sfreq)[None, :]
    if cfg.muscle:
        burst = _muscle(r_muscle, subj, _sides(cfg.montage), n, sfreq)
        if burst is not None:
            data += burst
    data *= (subj.channel_gain * cap)[:, None]
    if cfg.line_noise_uv > 0 and cfg.line_freq < sfreq / 2:
        amps = cfg.line_noise_uv * r_line.uniform(0.2, 1.0, len(cfg.channels))
        phases = r_line.uniform(0.0, 2.0 * np.pi, len(cfg.channels))
        t = np.arange(n) / sfreq
        data += amps[:, None] * np.sin(2.0 * np.pi * cfg.line_freq * t[None, :] + phases[:, None])
    return data


@functools.lru_cache(maxsize=8)
def _sides(montage_name: str) -> np.ndarray:
    """(C,) -1 left, +1 right, 0 midline (|x| < 5 mm in the head frame), for one-sided EMG."""
    x = electrode_positions(MONTAGES[montage_name])[:, 0]
    return _read_only(np.where(x < -0.005, -1.0, np.where(x > 0.005, 1.0, 0.0)))
