"""Subject and session models: everything about a person and a recording day that is not emotion."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ..channels import MONTAGES
from ..labels import EMOTIONS
from .config import CohortConfig
from .head import _BRAIN_UV, _REFERENCE_MONTAGE, _Head, _head_model, _patch_leadfield, _referenced
from .sources import (_AL, _BASE, _BASELINE_ASYMMETRY_SD, _BG, _BG_ALPHA, _BG_POWER, _BG_SUBJECT_SD, _EFFECT_GAIN_SD,
                      _FINGERPRINT_BG_SD, _FINGERPRINT_SD, _IDIOSYNCRATIC_SD, _SRC, _STIMULUS_SD,
                      _SUBJECT_PROFILE_SD, SOURCES, _component_shapes)
from .streams import _D_SESSION, _D_STIMULUS, _D_SUBJECT, _read_only, _rngs, _seq


# ---- subject and session models ---------------------------------------------------------------


@dataclass(frozen=True)
class _Subject:
    iaf: float  # individual alpha frequency, Hz
    alpha_width: float  # Hz (SD of the alpha peak)
    theta_freq: float
    beta_freq: float
    exponent: float  # 1/f exponent of the background
    log_gain: np.ndarray  # (sources, components) individual spectral profile incl. baseline FAA
    bg_log_gain: np.ndarray  # (G,) background source strengths
    amplitude: float  # overall scale (skull thickness, age...)
    channel_gain: np.ndarray  # (C,) electrode/amplifier gains
    named_lf: np.ndarray  # (C, sources) jittered, average-referenced patch leadfields, scaled to µV
    bg_lf: np.ndarray  # (C, G) background leadfields (random fixed orientations), scaled
    blink_topo: np.ndarray  # (C,) µV per µV of blink at the frontopolar sites
    muscle_topo: np.ndarray  # (C,) where temporalis EMG lands
    effect_gain: np.ndarray  # (3,) valence, arousal and specific responsiveness
    idiosyncratic: np.ndarray  # (emotions, sources, components) this person's own emotion patterns
    fatigue: float  # alpha log-gain reached by the session's last trial (time on task)
    blink_rate: float  # per minute
    blink_uv: float
    muscle_rate: float  # bursts per minute
    drift_uv: float
    noise_uv: float

    def frozen(self) -> "_Subject":
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        return self


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _random_rotation_towards(rng: np.random.Generator, v: np.ndarray, sd_rad: float) -> np.ndarray:
    """A unit vector near `v` (angle ~ sd_rad), for orientation jitter."""
    return _unit(v + rng.normal(0.0, sd_rad, size=v.shape))


@functools.lru_cache(maxsize=4)
def _calibration(montage_name: str) -> tuple[float, float]:
    """(µV per source unit, blink normaliser), computed on the reference cap of the same head, so a
    subject's amplitude is a property of the subject, not of the montage. The scale gives the brain
    part of a typical channel an SD of `_BRAIN_UV` (analytic variance of the nominal spectra)."""
    head = _head_model(montage_name)
    ref = _referenced(head, MONTAGES[_REFERENCE_MONTAGE])
    freqs = np.linspace(0.5, 80, 400)
    df = freqs[1] - freqs[0]
    shapes = _component_shapes(freqs, iaf=10.0, alpha_width=1.2, theta=6.0, beta=20.0, exponent=1.6)
    # Nuisance log-gains are Gaussian, so they raise mean power by exp(sd²/2): include that, or
    # the fingerprint alone would lift every cohort's amplitude by ~50 %.
    named_lift = math.exp((_SUBJECT_PROFILE_SD**2 + _FINGERPRINT_SD**2) / 2.0)
    bg_lift = math.exp((_BG_SUBJECT_SD**2 + _FINGERPRINT_BG_SD**2) / 2.0)
    named_power = (np.exp(_BASE) @ shapes).sum(axis=1) * df * named_lift
    bg_power = (_BG_POWER * (shapes[_BG] + _BG_ALPHA * shapes[_AL])).sum() * df * bg_lift
    named = np.stack([_patch_leadfield(ref, pos, _unit(pos - head.r0))
                      for pos in (_source_position(head, anchor, depth) for _, anchor, depth in SOURCES)], axis=1)
    # Background sources have random orientations: their expected gain² is the mean over axes.
    var = (named**2) @ named_power + (ref.leadfield**2).sum(axis=(1, 2)) / 3.0 * bg_power
    scale = _BRAIN_UV / math.sqrt(float(np.median(var)))
    eye = _eye_leadfield(head)[[head.names.index(n) for n in ref.names]]
    return scale, 1.0 / float(np.max(np.abs(eye - eye.mean())))


def _source_position(head: _Head, anchor: str, depth: float) -> np.ndarray:
    pos = head.positions[head.names.index(anchor)]
    return head.r0 + depth * (pos - head.r0)


def _eye_leadfield(head: _Head) -> np.ndarray:
    """Unreferenced (C,) gain of the corneo-retinal/eyelid generator during a blink: two patches at
    the front of the source space under Fp1/Fp2, pointing forward (positive at the frontopolar
    sites, as blinks are)."""
    total = np.zeros(len(head.names))
    for anchor in ("Fp1", "Fp2"):
        pos = head.r0 + 0.8 * (head.positions[head.names.index(anchor)] - head.r0)
        pos = pos + np.array([0.0, 0.0, -0.015])  # eyes sit below the frontopolar electrodes
        total += _patch_leadfield(head, pos, np.array([0.0, 0.94, 0.34]))
    return total


def _muscle_topography(positions: np.ndarray, r0: np.ndarray) -> np.ndarray:
    """Temporalis EMG lands on lateral, low channels (T7/T8, FT/TP, F7/F8); 0 on the vertex."""
    rel = positions - r0
    lateral = np.clip((np.abs(rel[:, 0]) - 0.045) / 0.035, 0.0, 1.0)
    low = np.clip((0.07 - rel[:, 2]) / 0.05, 0.0, 1.0)
    return lateral * low


@functools.lru_cache(maxsize=64)
def _subject_model(cfg: CohortConfig, subject: int) -> _Subject:
    """Everything that is fixed for a person (drawn from their own seed)."""
    head = _head_model(cfg.montage)
    scale, blink_norm = _calibration(cfg.montage)
    rows = [head.names.index(n) for n in cfg.channels]
    ns = cfg.nuisance_scale
    r_spec, r_topo, r_chan, r_art, r_fx = _rngs(_seq(cfg.seed, _D_SUBJECT, subject), 5)

    iaf = float(np.clip(r_spec.normal(10.0, 1.0 * ns), 7.5, 12.5))
    exponent = float(r_spec.uniform(1.6 - 0.4 * ns, 1.6 + 0.4 * ns))
    log_gain = _BASE + r_spec.normal(0.0, _SUBJECT_PROFILE_SD * ns, size=_BASE.shape)
    # Baseline frontal asymmetry: people differ in resting FAA by far more than any emotion moves it.
    asym = r_spec.normal(0.0, _BASELINE_ASYMMETRY_SD * ns)
    log_gain[_SRC["frontal_left"], _AL] -= asym / 2
    log_gain[_SRC["frontal_right"], _AL] += asym / 2
    theta_freq = float(r_spec.normal(6.0, 0.5))
    beta_freq = float(np.clip(2.0 * iaf + r_spec.normal(0.0, 1.5), 15.0, 28.0))
    alpha_width = float(r_spec.uniform(0.8, 1.6))
    amplitude = float(np.exp(r_spec.normal(0.0, 0.30 * ns)))

    ref = _referenced(head, cfg.channels)  # average reference over the montage's channels
    named = []
    for _, anchor, depth in SOURCES:
        # Topography jitter: this person's patch sits ~6 mm away and tilts ~17° from the template.
        centre = _source_position(head, anchor, depth)
        pos = centre + r_topo.normal(0.0, 0.006 * ns, 3)
        ori = _random_rotation_towards(r_topo, _unit(centre - head.r0), 0.3 * ns)
        named.append(_patch_leadfield(ref, pos, ori))
    named_lf = np.stack(named, axis=1) * scale
    bg_ori = _unit(r_topo.normal(size=(len(head.grid), 3)))
    bg_lf = np.einsum("cgk,gk->cg", ref.leadfield, bg_ori) * scale
    eye = _eye_leadfield(head)[rows]
    blink_topo = (eye - eye.mean()) * blink_norm

    channel_gain = np.exp(r_chan.normal(0.0, 0.12 * ns, len(rows)))

    idiosyncratic = r_fx.normal(0.0, _IDIOSYNCRATIC_SD, size=(len(EMOTIONS), *_BASE.shape))
    # As in `_distributed_patterns`, frontal alpha carries only the textbook asymmetry (scaled by
    # this person's valence gain), so FAA stays an interpretable marker.
    idiosyncratic[:, [_SRC["frontal_left"], _SRC["frontal_right"]], _AL] = 0.0
    effect_gain = np.exp(r_fx.normal(0.0, _EFFECT_GAIN_SD, 3))
    return _Subject(  # cached and shared between trials: arrays are made read-only below
        iaf=iaf, alpha_width=alpha_width, theta_freq=theta_freq, beta_freq=beta_freq, exponent=exponent,
        log_gain=log_gain, bg_log_gain=r_spec.normal(0.0, _BG_SUBJECT_SD * ns, len(head.grid)), amplitude=amplitude,
        channel_gain=channel_gain, named_lf=named_lf, bg_lf=bg_lf, blink_topo=blink_topo,
        muscle_topo=_muscle_topography(head.positions[rows], head.r0), effect_gain=effect_gain,
        idiosyncratic=idiosyncratic, fatigue=float(r_fx.normal(0.15, 0.10)),
        blink_rate=float(r_art.uniform(4.0, 15.0)), blink_uv=float(r_art.uniform(80.0, 180.0)),
        muscle_rate=float(r_art.uniform(0.5, 3.0)), drift_uv=float(r_art.uniform(4.0, 15.0)),
        noise_uv=float(r_art.uniform(0.8, 2.0)),
    ).frozen()


@functools.lru_cache(maxsize=32)
def _stimulus_pattern(seed: int, label: int, k: int, scale: float) -> np.ndarray:
    """What a clip itself does to everyone (its luminance, sound, motion): shared across subjects
    and sessions, so a leave-subject-out split can partly recognise the clip rather than the
    emotion, exactly the confound SEED-style designs have."""
    rng = np.random.default_rng(_seq(seed, _D_STIMULUS, label, k))
    return _read_only(rng.normal(0.0, _STIMULUS_SD * scale, size=_BASE.shape))


@functools.lru_cache(maxsize=256)
def _session_model(cfg: CohortConfig, subject: int, session: int) -> tuple[np.ndarray, np.ndarray]:
    """(per-session state log-gains, per-session cap-fit channel gains)."""
    r_state, r_cap = _rngs(_seq(cfg.seed, _D_SESSION, subject, session), 2)
    state = r_state.normal(0.0, 0.12 * cfg.nuisance_scale, size=_BASE.shape)
    cap = np.exp(r_cap.normal(0.0, 0.06 * cfg.nuisance_scale, len(cfg.channels)))
    return _read_only(state), _read_only(cap)
