"""A deterministic synthetic emotion-EEG cohort that is honest to benchmark on.

Why synthetic data at all: the emotion datasets (SEED, SEED-VII, DEAP, DREAMER) are licence-gated
and cannot ship with tests or the app. A cohort generated here stands in for them in tests, demos
and the encoder's smoke benchmarks, and it is built so that the usual evaluation mistakes show up
the way they do on real data: a leaky window-level split scores near 1.0, a trial-grouped split
scores far lower, permuted labels sit at chance.

Design, from the head outwards:

* Head model. An MNE three-shell sphere fitted to the electrodes, a 20-mm volume grid of source
  points and a free-orientation EEG forward solution (`_head_model`, cached per montage). Every
  montage is simulated on the same head as the SEED 62-channel cap, so amplitudes and blink sizes
  are calibrated once, whatever montage is asked for. Data are average-referenced.
* Sources. Twelve named cortical patches (left/right frontal, frontal midline, left/right temporal,
  left/right central, left/right/midline parietal, left/right occipital) plus every grid point as a
  weak background source. A named patch's leadfield is a Gaussian-weighted mix of the grid points
  around it, so it can sit anywhere (per-subject position and orientation jitter) and behaves like
  an extended patch of cortex rather than a point.
* Spectra. Each source's power spectrum is a sum of components: 1/f background (subject exponent
  1.2-2.0), theta (~6 Hz), alpha at the individual alpha frequency ~N(10, 1) Hz, beta (~2 x IAF)
  and a broad gamma bump. Every effect, emotional or not, is a log-gain on one component of one
  source. Time courses are stationary Gaussian processes drawn in the frequency domain (complex
  Gaussian x sqrt(PSD)), summed through the leadfield with sensor noise and electrode drift, and
  inverse-FFT'd once per trial (~0.05 s for 32 s of 62 channels).
* Emotion effects (small, physiological). Valence: frontal alpha asymmetry (positive valence =
  LESS alpha over the LEFT frontal source, so ln a(F4) - ln a(F3) rises) and lateral-temporal
  beta/gamma (higher for positive emotions). Arousal: frontal-midline theta and broadband power up,
  posterior alpha down. Each discrete emotion adds a small specific pattern (`_SPECIFIC`); valence,
  arousal and each emotion also carry a faint pattern spread over all sources (fixed, shared by
  every cohort, like human physiology), and each subject expresses each emotion a little
  idiosyncratically and with their own strength.
* Nuisance larger than the effects. Between subjects: IAF, 1/f exponent, per-source spectral
  profile, overall amplitude, per-channel gains, baseline frontal asymmetry, source positions and
  orientations. Within a subject: a per-session state and cap fit, a label-independent per-trial
  fingerprint (log-gains on every source, constant within the trial), a per-stimulus pattern
  shared by everyone who sees that clip (clips repeat across subjects and sessions, like SEED), a
  time-on-task drift (every subject sees a session's clips in the same order, like SEED: a weak
  order confound), blinks, muscle bursts, slow electrode drift, sensor noise, a little line noise.

How hard it is (8 subjects, 3 trials per emotion, seed62, 32-s trials, 4-s windows, logistic
regression on Gaussian DE z-scored per subject, window accuracy, 7 classes, chance 0.14):
within-subject cross-trial ~0.42, leave-one-subject-out ~0.33, leaky window split ~0.94,
permuted labels ~0.15. The `_*_SD` / `_*_GAIN` constants below set these numbers.

Determinism: every random draw comes from a numpy `SeedSequence` keyed by the cohort seed and the
(subject, session, trial) it belongs to, never from a shared stream, so a trial's samples do not
depend on how many subjects are generated or in which order.

Every file written here is marked SYNTHETIC (EDF+ annotation and header fields, FIF description
and annotation) so that `encoders.io.read_recording` flags it with `meta.synthetic = True`.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from .channels import MONTAGES, electrode_positions, montage as montage_names
from .errors import ConfigError
from .io import SYNTHETIC_MARK
from .labels import EMOTIONS, VALENCE_AROUSAL
from .log import get_logger, progress_bar
from .recording import Annotation, Recording, RecordingMeta

log = get_logger(__name__)

# ---- labels -----------------------------------------------------------------------------------

# The label set and its valence/arousal placement live in encoders.labels (shared by everything).

# Binary labels: strictly greater than 0 is "high". Stated because libraries disagree on ties
# (DEAP's >5 vs >=5); with this table neutral (valence 0.0) is LOW valence.
HIGH_THRESHOLD = 0.0


def valence_high(valence: float) -> bool:
    return valence > HIGH_THRESHOLD


def arousal_high(arousal: float) -> bool:
    return arousal > HIGH_THRESHOLD


# No commas: BrainVision marker files separate fields with commas, and pybv (behind MNE's
# `export_raw`) writes them unescaped, so a comma here made exported samples unreadable.
SYNTHETIC_DESCRIPTION = (
    f"{SYNTHETIC_MARK} EEG (eegreason): generated and not recorded from a person"
)
GENERATOR = "eegreason.encoders.synthetic"
GENERATOR_VERSION = 2  # bump when a change alters generated samples for the same seed

# ---- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)  # frozen: hashable, so per-subject models can be cached by config
class CohortConfig:
    seed: int  # the cohort's identity: the same seed always gives the same samples
    subjects: int  # number of simulated people, numbered 1..subjects
    sessions: int = 1  # recording days per subject: each has its own cap fit, state and clip order
    trials_per_emotion: int = 2  # clips per emotion per session (stimulus ids emotion-1..emotion-T)
    montage: str = "seed62"  # a name from encoders.channels.MONTAGES
    sfreq: float = 200.0  # Hz; SEED-VII's preprocessed rate
    trial_seconds: float = 32.0  # length of one clip's recording
    # Multiplies every emotion effect (0 = labels carry no signal). 1.5 keeps the effects below the
    # between-subject nuisance (the FAA effect stays under the between-subject SD of FAA) while a
    # trial-level leave-one-subject-out baseline sits clearly above chance (~0.27 vs 0.14), so the
    # benchmark separates methods instead of measuring noise.
    effect_scale: float = 1.5
    nuisance_scale: float = 1.0  # multiplies between-subject, per-trial and per-stimulus nuisance
    blinks: bool = True  # frontopolar blink deflections, a few per minute
    muscle: bool = True  # occasional temporal EMG bursts
    line_noise_uv: float = 1.0  # peak amplitude (µV) of mains interference; 0 turns it off
    line_freq: float = 50.0  # mains frequency (Hz); SEED was recorded in China (50 Hz)

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def channels(self) -> list[str]:
        return montage_names(self.montage)

    @property
    def trials_per_session(self) -> int:
        return len(EMOTIONS) * self.trials_per_emotion

    @property
    def n_samples(self) -> int:
        return int(round(self.trial_seconds * self.sfreq))


def _validate(cfg: CohortConfig) -> None:
    for name in ("seed", "subjects", "sessions", "trials_per_emotion"):
        value = getattr(cfg, name)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ConfigError(f"{name} must be a whole number, got {value!r}.")
    if cfg.seed < 0:
        raise ConfigError(f"seed must be 0 or a positive whole number, got {cfg.seed}.")
    for name in ("subjects", "sessions", "trials_per_emotion"):
        if getattr(cfg, name) < 1:
            raise ConfigError(f"{name} must be at least 1, got {getattr(cfg, name)}.")
    if cfg.montage not in MONTAGES:
        raise ConfigError(f"Unknown montage {cfg.montage!r}; choose one of {', '.join(MONTAGES)}.")
    if not math.isfinite(cfg.sfreq) or cfg.sfreq < 64:
        raise ConfigError(f"sfreq must be at least 64 Hz so the gamma band can be simulated, got {cfg.sfreq:g}.")
    if not math.isfinite(cfg.trial_seconds) or cfg.trial_seconds < 4:
        raise ConfigError(f"trial_seconds must be at least 4 s (one analysis window), got {cfg.trial_seconds:g}.")
    for name in ("effect_scale", "nuisance_scale", "line_noise_uv"):
        value = getattr(cfg, name)
        if not math.isfinite(value) or value < 0:
            raise ConfigError(f"{name} must be a finite number of at least 0, got {value!r}.")
    if not math.isfinite(cfg.line_freq) or cfg.line_freq <= 0:
        raise ConfigError(f"line_freq must be a positive frequency in Hz, got {cfg.line_freq!r}.")


# ---- trials -----------------------------------------------------------------------------------


@dataclass
class SyntheticTrial:
    subject: int  # 1-based
    session: int  # 1-based
    trial: int  # 1-based position within the session
    emotion: str
    label: int  # index in EMOTIONS
    valence: float
    arousal: float
    stimulus_id: str  # f"{emotion}-{k}": the same clip for every subject and session
    data: np.ndarray  # (C, S) float64, µV
    ch_names: list[str]
    sfreq: float
    seed: int = 0
    montage: str = ""
    line_freq: float | None = None  # mains frequency of the simulated interference, if any

    @property
    def valence_high(self) -> bool:
        return valence_high(self.valence)

    @property
    def arousal_high(self) -> bool:
        return arousal_high(self.arousal)

    @property
    def file_stem(self) -> str:
        return f"sub-{self.subject:02d}_ses-{self.session}_trial-{self.trial:02d}_{self.emotion}_{SYNTHETIC_MARK}"

    def labels(self) -> dict:
        """The trial's ground truth and provenance (what goes to labels.csv and meta.extra)."""
        return {
            "file_stem": self.file_stem,
            "subject": self.subject,
            "session": self.session,
            "trial": self.trial,
            "emotion": self.emotion,
            "label": self.label,
            "valence": self.valence,
            "arousal": self.arousal,
            "valence_high": self.valence_high,
            "arousal_high": self.arousal_high,
            "stimulus_id": self.stimulus_id,
            "synthetic": True,
        }


# ---- random streams ---------------------------------------------------------------------------

# Domain codes keep the streams of different purposes apart even when their keys coincide.
_D_SUBJECT, _D_SESSION, _D_TRIAL, _D_STIMULUS, _D_ORDER = 1, 2, 3, 4, 5


def _seq(seed: int, domain: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([int(seed), GENERATOR_VERSION, domain, *map(int, key)])


def _rngs(seq: np.random.SeedSequence, n: int) -> list[np.random.Generator]:
    """n independent generators from one key. Spawning (not sharing one stream) means switching a
    feature off (e.g. blinks) leaves every other draw of the trial unchanged."""
    return [np.random.default_rng(child) for child in seq.spawn(n)]


def session_order(cfg: CohortConfig, session: int) -> list[tuple[int, int]]:
    """(label, k) for trials 1..7T of a session. Like SEED/SEED-VII, every subject sees the clips
    of a session in the same order, so the order depends on (seed, session) only."""
    return list(_session_order(cfg.seed, cfg.trials_per_emotion, session))


@functools.lru_cache(maxsize=64)
def _session_order(seed: int, trials_per_emotion: int, session: int) -> tuple[tuple[int, int], ...]:
    clips = [(label, k) for label in range(len(EMOTIONS)) for k in range(1, trials_per_emotion + 1)]
    perm = np.random.default_rng(_seq(seed, _D_ORDER, session)).permutation(len(clips))
    return tuple(clips[i] for i in perm)


# ---- head model -------------------------------------------------------------------------------

_GRID_MM = 20.0  # source grid spacing: ~265 points inside the sphere, forward model in < 0.5 s
_PATCH_SIGMA = 0.012  # m; spatial spread of a named source patch over the grid
_REFERENCE_MONTAGE = "seed62"  # amplitudes and blink sizes are calibrated on this cap
# Median channel SD of the brain signal alone; drift, blinks and muscle bring the whole channel
# to ~20-25 µV, mid-range for scalp EEG.
_BRAIN_UV = 16.0


@dataclass(frozen=True)
class _Head:
    names: tuple[str, ...]  # channels simulated (the reference cap plus the montage's extras)
    positions: np.ndarray  # (C, 3) electrodes, m
    grid: np.ndarray  # (G, 3) source points, m
    leadfield: np.ndarray  # (C, G, 3) free-orientation gains, no reference applied
    r0: np.ndarray  # sphere centre, m


@functools.lru_cache(maxsize=8)
def _head_model(montage_name: str) -> _Head:
    """Sphere model + volume grid + forward solution for the reference cap plus the montage."""
    import mne

    names = list(MONTAGES[_REFERENCE_MONTAGE])
    names += [n for n in MONTAGES[montage_name] if n not in names]
    positions = electrode_positions(names)
    info = mne.create_info(names, 200.0, "eeg")
    info.set_montage(mne.channels.make_dig_montage(ch_pos=dict(zip(names, positions)), coord_frame="head"),
                     verbose="error")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sphere = mne.make_sphere_model("auto", "auto", info=info, verbose="error")
        src = mne.setup_volume_source_space(sphere=sphere, pos=_GRID_MM, verbose="error")
        fwd = mne.make_forward_solution(info, trans=None, src=src, bem=sphere, eeg=True, meg=False,
                                        verbose="error")
    gain = fwd["sol"]["data"].reshape(len(names), -1, 3)
    grid = fwd["src"][0]["rr"][fwd["src"][0]["vertno"]]
    log.debug("forward model for %s: %d channels x %d grid points", montage_name, len(names), len(grid))
    return _Head(tuple(names), positions, grid, gain, np.asarray(sphere["r0"], float))


def _referenced(head: _Head, names: Sequence[str]) -> _Head:
    """The head restricted to `names`, average-referenced over exactly those channels (what a
    re-referenced recording of that cap would show)."""
    rows = [head.names.index(n) for n in names]
    lf = head.leadfield[rows]
    return _Head(tuple(names), head.positions[rows], head.grid, lf - lf.mean(axis=0, keepdims=True), head.r0)


def _patch_leadfield(head: _Head, position: np.ndarray, orientation: np.ndarray) -> np.ndarray:
    """(C,) gain of an oriented patch centred at `position`: a Gaussian-weighted mix of grid points.
    WHY a mix: it lets a subject's source sit between grid points (topography jitter) and mimics an
    extended patch of cortex instead of a single point dipole."""
    d2 = np.sum((head.grid - position) ** 2, axis=1)
    w = np.exp(-0.5 * d2 / _PATCH_SIGMA**2)
    w /= w.sum()
    return np.einsum("g,cgk,k->c", w, head.leadfield, orientation)


# ---- sources ----------------------------------------------------------------------------------

COMPONENTS = ("bg", "theta", "alpha", "beta", "gamma")
_BG, _TH, _AL, _BE, _GA = range(len(COMPONENTS))

# Named sources: (name, anchor electrode, depth as a fraction of the anchor's distance from the
# sphere centre). Anchors fix each patch under the scalp region where the literature reports it.
SOURCES: tuple[tuple[str, str, float], ...] = (
    ("frontal_left", "F3", 0.62),
    ("frontal_right", "F4", 0.62),
    ("frontal_midline", "FCz", 0.5),  # anterior cingulate / medial frontal theta generator
    ("temporal_left", "T7", 0.68),
    ("temporal_right", "T8", 0.68),
    ("central_left", "C3", 0.62),
    ("central_right", "C4", 0.62),
    ("parietal_left", "P3", 0.62),
    ("parietal_right", "P4", 0.62),
    ("parietal_midline", "Pz", 0.55),
    ("occipital_left", "O1", 0.65),
    ("occipital_right", "O2", 0.65),
)
_SRC = {name: i for i, (name, _, _) in enumerate(SOURCES)}
_FRONTAL = [_SRC["frontal_left"], _SRC["frontal_right"], _SRC["frontal_midline"]]
_POSTERIOR = [_SRC[n] for n in ("parietal_left", "parietal_right", "parietal_midline",
                                "occipital_left", "occipital_right")]
_TEMPORAL = [_SRC["temporal_left"], _SRC["temporal_right"]]

# Typical log-gain of each component per source (before subject variation). Posterior sources
# carry the strong alpha rhythm, the frontal midline carries theta, temporal/central carry more
# beta/gamma. Values are ln(power) relative to the 1/f background at 1 Hz.
_BASE = np.zeros((len(SOURCES), len(COMPONENTS)))
_BASE[:, _TH] = np.log(0.05)
_BASE[:, _AL] = np.log(0.06)
_BASE[:, _BE] = np.log(0.008)
_BASE[:, _GA] = np.log(0.002)
_BASE[_POSTERIOR, _AL] = np.log(0.40)
_BASE[_FRONTAL, _AL] = np.log(0.25)
_BASE[_SRC["frontal_midline"], _TH] = np.log(0.12)
_BASE[_TEMPORAL + [_SRC["central_left"], _SRC["central_right"]], _BE] = np.log(0.014)
_BASE[_TEMPORAL, _GA] = np.log(0.004)

# Background grid sources: weak 1/f with a trace of alpha; their summed power is comparable to
# the named sources', which keeps channels from being copies of a few patches.
_BG_POWER = 0.08
_BG_ALPHA = 0.005

# Nuisance sizes (SDs of natural-log power gains) that set how hard the benchmark is.
_SUBJECT_PROFILE_SD = 0.35  # per subject, every named source x component (individual spectra)
_BG_SUBJECT_SD = 0.30  # per subject, every background grid source
_FINGERPRINT_SD = 0.20  # per trial, every named source x component
_FINGERPRINT_BG_SD = 1.2  # per trial, every background grid source (a rich spatial pattern)
_STIMULUS_SD = 0.08  # per clip, shared by every viewer
_IDIOSYNCRATIC_SD = 0.25  # per subject x emotion: how this person's response departs from the norm
_BASELINE_ASYMMETRY_SD = 0.60  # per subject, ln right - ln left frontal alpha at rest
_EFFECT_GAIN_SD = 0.40  # lognormal SD of how strongly a person responds (valence, arousal, specific)

# Valence/arousal effects as log-power gains (natural log) per unit of valence or arousal.
_FAA_GAIN = 0.20  # frontal alpha: left -k*v, right +k*v (less left alpha when positive)
_TEMPORAL_GAIN = 0.22  # lateral temporal beta/gamma rise with valence (Zheng & Lu 2015)
_THETA_AROUSAL = 0.22  # frontal-midline theta with arousal
_BROADBAND_AROUSAL = 0.08  # every component of every named source with arousal
_ALPHA_AROUSAL = -0.14  # posterior alpha desynchronises with arousal

# Small emotion-specific patterns on top of valence/arousal: {emotion: [(source, component, gain)]}.
_SPECIFIC: dict[str, list[tuple[str, int, float]]] = {
    "happy": [("temporal_left", _GA, 0.12), ("temporal_right", _GA, 0.12)],
    "surprise": [("frontal_midline", _TH, 0.15), ("parietal_midline", _AL, -0.15)],  # orienting
    "neutral": [("occipital_left", _AL, 0.08), ("occipital_right", _AL, 0.08)],  # relaxed viewing
    "sad": [("occipital_left", _AL, 0.12), ("occipital_right", _AL, 0.12),
            ("central_left", _BE, -0.10), ("central_right", _BE, -0.10)],
    "disgust": [("occipital_left", _GA, 0.15), ("occipital_right", _GA, 0.15),
                ("temporal_right", _BE, 0.10)],
    "fear": [("parietal_right", _BE, 0.15), ("frontal_midline", _TH, 0.10),
             ("frontal_right", _AL, -0.08)],
    # Anger is negative but approach-motivated: relatively more LEFT frontal activity
    # (Harmon-Jones 2004), partly cancelling its valence-driven asymmetry.
    "anger": [("frontal_left", _AL, -0.12), ("central_left", _BE, 0.10), ("central_right", _BE, 0.10)],
}


# Besides the highlighted effects above, each of valence, arousal and every emotion has a faint
# distributed pattern over all sources x components (real emotion effects are spread over the
# cortex, not confined to the textbook sites). Fixed for the generator version, NOT by the cohort
# seed: it plays the role of human physiology, which every cohort shares.
_DISTRIBUTED_SD = 0.12


@functools.lru_cache(maxsize=1)
def _distributed_patterns() -> np.ndarray:
    """(2 + emotions, sources, components): valence, arousal, then one per emotion."""
    rng = np.random.default_rng(np.random.SeedSequence([GENERATOR_VERSION, 7_2024]))
    patterns = rng.normal(0.0, 1.0, size=(2 + len(EMOTIONS), len(SOURCES), len(COMPONENTS)))
    # Frontal alpha is left to the textbook asymmetry alone, so FAA means what the literature says.
    patterns[:, [_SRC["frontal_left"], _SRC["frontal_right"]], _AL] = 0.0
    return _read_only(patterns)


def emotion_effects(emotion: str) -> np.ndarray:
    """(3, sources, components) log-power gains of an emotion before subject scaling: the valence
    part, the arousal part and the emotion-specific part (a subject scales each separately)."""
    v, a = VALENCE_AROUSAL[emotion]
    label = EMOTIONS.index(emotion)
    spread = _DISTRIBUTED_SD * _distributed_patterns()
    e = np.zeros((3, len(SOURCES), len(COMPONENTS)))
    e[0, _SRC["frontal_left"], _AL] -= _FAA_GAIN * v
    e[0, _SRC["frontal_right"], _AL] += _FAA_GAIN * v
    e[0, _TEMPORAL, _BE] += _TEMPORAL_GAIN * v
    e[0, _TEMPORAL, _GA] += _TEMPORAL_GAIN * v
    e[0] += v * spread[0]
    e[1] += _BROADBAND_AROUSAL * a
    e[1, _SRC["frontal_midline"], _TH] += _THETA_AROUSAL * a
    e[1, _POSTERIOR, _AL] += _ALPHA_AROUSAL * a
    e[1] += a * spread[1]
    for source, component, gain in _SPECIFIC[emotion]:
        e[2, _SRC[source], component] += gain
    e[2] += spread[2 + label]
    return e


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


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)  # cached arrays are shared: an in-place edit would leak across trials
    return array


@functools.lru_cache(maxsize=256)
def _session_model(cfg: CohortConfig, subject: int, session: int) -> tuple[np.ndarray, np.ndarray]:
    """(per-session state log-gains, per-session cap-fit channel gains)."""
    r_state, r_cap = _rngs(_seq(cfg.seed, _D_SESSION, subject, session), 2)
    state = r_state.normal(0.0, 0.12 * cfg.nuisance_scale, size=_BASE.shape)
    cap = np.exp(r_cap.normal(0.0, 0.06 * cfg.nuisance_scale, len(cfg.channels)))
    return _read_only(state), _read_only(cap)


# ---- spectra and time courses -----------------------------------------------------------------


def _component_shapes(freqs: np.ndarray, iaf: float, alpha_width: float, theta: float, beta: float,
                      exponent: float) -> np.ndarray:
    """(components, F) unit-gain spectral shapes. The background is flat below 1 Hz and ~f^-exponent
    above; the rhythms are Gaussian peaks."""
    def peak(f0: float, sd: float) -> np.ndarray:
        return np.exp(-0.5 * ((freqs - f0) / sd) ** 2)

    return np.stack([
        (1.0 + freqs**2) ** (-exponent / 2.0),
        peak(theta, 1.2),
        peak(iaf, alpha_width),
        peak(beta, 4.0),
        peak(40.0, 8.0),
    ])


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


# ---- public API: trials -----------------------------------------------------------------------


def _check_index(cfg: CohortConfig, subject: int, session: int, trial: int) -> None:
    for name, value, top in (("subject", subject, cfg.subjects), ("session", session, cfg.sessions),
                             ("trial", trial, cfg.trials_per_session)):
        if not 1 <= int(value) <= top:
            raise ConfigError(f"{name} must be between 1 and {top} for this cohort, got {value}.")


def generate_trial(cfg: CohortConfig, subject: int, session: int, trial: int) -> SyntheticTrial:
    """One trial (1-based subject, session and trial within the session)."""
    _check_index(cfg, subject, session, trial)
    label, k = session_order(cfg, session)[trial - 1]
    emotion = EMOTIONS[label]
    valence, arousal = VALENCE_AROUSAL[emotion]
    data = _simulate(cfg, subject, session, trial, label, k)
    return SyntheticTrial(
        subject=subject, session=session, trial=trial, emotion=emotion, label=label,
        valence=valence, arousal=arousal, stimulus_id=f"{emotion}-{k}", data=data,
        ch_names=list(cfg.channels), sfreq=float(cfg.sfreq), seed=cfg.seed, montage=cfg.montage,
        line_freq=cfg.line_freq if cfg.line_noise_uv > 0 else None,
    )


def iter_trials(cfg: CohortConfig) -> Iterator[SyntheticTrial]:
    """Every trial of the cohort: subjects, then sessions, then trials in presentation order."""
    for subject in range(1, cfg.subjects + 1):
        for session in range(1, cfg.sessions + 1):
            for trial in range(1, cfg.trials_per_session + 1):
                yield generate_trial(cfg, subject, session, trial)


def trial_to_recording(t: SyntheticTrial) -> Recording:
    """A `Recording` marked synthetic, with the ground truth in `meta.extra`."""
    duration = t.data.shape[1] / t.sfreq
    meta = RecordingMeta(
        source_name=t.file_stem,
        file_format="synthetic",
        original_names=list(t.ch_names),
        synthetic=True,
        line_freq=t.line_freq,
        extra={**t.labels(), "generator": GENERATOR, "generator_version": GENERATOR_VERSION,
               "seed": t.seed, "montage": t.montage},
    )
    return Recording(t.data.copy(), list(t.ch_names), t.sfreq, electrode_positions(t.ch_names),
                     [Annotation(0.0, duration, SYNTHETIC_DESCRIPTION)], meta)


# ---- public API: files ------------------------------------------------------------------------

# A fixed start time keeps EDF files byte-identical for the same seed (pyedflib would stamp
# the current time otherwise). 2000-01-01 is obviously not a real session date.
_START = (2000, 1, 1, 0, 0, 0)


def _as_synthetic_recording(rec_or_trial: Recording | SyntheticTrial) -> Recording:
    rec = trial_to_recording(rec_or_trial) if isinstance(rec_or_trial, SyntheticTrial) else rec_or_trial
    if not rec.meta.synthetic:
        # Stamping SYNTHETIC on a real recording would mislabel a person's data as generated.
        raise ConfigError("write_recording_* only writes synthetic recordings (meta.synthetic is False); "
                          "use a general exporter for real recordings.")
    return rec


def _annotations_with_mark(rec: Recording) -> list[Annotation]:
    notes = list(rec.annotations)
    if not any(a.description.upper().startswith(SYNTHETIC_MARK) for a in notes):
        notes.insert(0, Annotation(0.0, rec.duration, SYNTHETIC_DESCRIPTION))
    return notes


def _edf_range(channel: np.ndarray) -> float:
    """Symmetric physical range (µV) for one channel: 5 % above its peak, rounded UP to 0.1 µV so
    the value fits EDF's 8-character header field exactly (a truncated field would rescale data)."""
    peak = max(float(np.max(np.abs(channel))) * 1.05, 1.0)
    return math.ceil(peak * 10.0) / 10.0


_EDF_ANNOTATION_CHARS = 40  # edflib (inside pyedflib) truncates an annotation's text to 40 bytes


def _edf_annotation_pieces(text: str, limit: int = _EDF_ANNOTATION_CHARS) -> list[str]:
    """Split a long description at spaces into pieces edflib will not truncate, written as
    consecutive annotations at the same onset: the first still starts with SYNTHETIC, and the full
    sentence survives ("SYNTHETIC EEG (eegreason): generated and" + "not recorded from a person")."""
    pieces: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > limit:  # a single over-long word is cut hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces or [""]


def write_recording_edf(rec_or_trial: Recording | SyntheticTrial, path: str | Path) -> Path:
    """EDF+ file in µV (16-bit: resolution = range / 65535, ~0.005 µV at ±150 µV), with SYNTHETIC
    in the patient and recording header fields and as an EDF+ annotation at onset 0. A trial whose
    length is not a whole number of seconds is padded (last sample repeated) to whole 1-s records.
    Annotations longer than edflib's 40 characters are split into consecutive annotations."""
    import datetime

    import pyedflib

    rec = _as_synthetic_recording(rec_or_trial)
    path = Path(path)
    sfreq = float(rec.sfreq)
    if abs(sfreq - round(sfreq)) > 1e-9:
        raise ConfigError(f"EDF needs a whole number of samples per second; {sfreq:g} Hz cannot be written.")
    data = rec.data
    spr = int(round(sfreq))
    if data.shape[1] % spr:
        # EDF stores whole 1-s records: pad the tail by repeating the last sample (logged).
        pad = spr - data.shape[1] % spr
        log.info("%s: padded %d samples to complete the last 1-s EDF record", path.name, pad)
        data = np.pad(data, ((0, 0), (0, pad)), mode="edge")
    writer = pyedflib.EdfWriter(str(path), len(rec.ch_names), file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        headers = []
        for name, channel in zip(rec.ch_names, data):
            bound = _edf_range(channel)
            headers.append({"label": name, "dimension": "uV", "sample_frequency": sfreq,
                            "physical_max": bound, "physical_min": -bound,
                            "digital_max": 32767, "digital_min": -32768,
                            "transducer": "synthetic", "prefilter": "none"})
        writer.setSignalHeaders(headers)
        writer.setPatientCode(SYNTHETIC_MARK)
        writer.setPatientName(SYNTHETIC_MARK)
        writer.setPatientAdditional("generated_not_recorded_from_a_person")
        writer.setRecordingAdditional(f"{SYNTHETIC_MARK}_eegreason")  # EDF+ subfields take no spaces
        writer.setEquipment("eegreason-synthetic")
        writer.setStartdatetime(datetime.datetime(*_START))
        writer.writeSamples(list(np.ascontiguousarray(data)))
        for note in _annotations_with_mark(rec):
            for piece in _edf_annotation_pieces(note.description):
                writer.writeAnnotation(note.onset, note.duration, piece)
    finally:
        writer.close()
    return path


def write_recording_fif(rec_or_trial: Recording | SyntheticTrial, path: str | Path) -> Path:
    """FIF file (float32 volts, as MNE stores EEG) with info['description'] starting SYNTHETIC and the
    SYNTHETIC annotation at onset 0."""
    import mne

    rec = _as_synthetic_recording(rec_or_trial)
    path = Path(path)
    info = mne.create_info(list(rec.ch_names), float(rec.sfreq), "eeg")
    finite = {n: p for n, p in zip(rec.ch_names, rec.positions) if np.all(np.isfinite(p))}
    if finite:
        info.set_montage(mne.channels.make_dig_montage(ch_pos=finite, coord_frame="head"),
                         on_missing="ignore", verbose="error")
    info["description"] = SYNTHETIC_DESCRIPTION
    info["subject_info"] = {"his_id": SYNTHETIC_MARK}
    if rec.meta.line_freq:
        info["line_freq"] = float(rec.meta.line_freq)
    raw = mne.io.RawArray(rec.data * 1e-6, info, verbose="error")  # MNE keeps EEG in volts
    notes = _annotations_with_mark(rec)
    raw.set_annotations(mne.Annotations([a.onset for a in notes], [a.duration for a in notes],
                                        [a.description for a in notes]))
    with warnings.catch_warnings():
        # Our file names end in _SYNTHETIC.fif, not MNE's raw.fif convention; the warning is noise.
        warnings.simplefilter("ignore")
        raw.save(str(path), overwrite=True, verbose="error")
    return path


_WRITERS = {"edf": write_recording_edf, "fif": write_recording_fif}

LABEL_COLUMNS = ("file_stem", "subject", "session", "trial", "emotion", "label", "valence", "arousal",
                 "valence_high", "arousal_high", "stimulus_id", "synthetic")

_README = """\
SYNTHETIC EEG COHORT - generated by eegreason ({generator}), NOT recorded from any person.

Every file in this folder is synthetic: EDF files carry "SYNTHETIC" in the patient and recording
header fields and an EDF+ annotation at 0 s; FIF files carry it in info['description'] and an
annotation. eegreason reads them with meta.synthetic = True.

seed {seed}, {subjects} subject(s) x {sessions} session(s) x {trials} trials ({per} per emotion),
montage {montage}, {sfreq:g} Hz, {seconds:g} s per trial, effect_scale {effect:g}.

labels.csv   one row per trial: file_stem, subject, session, trial, emotion, label (index in
             the list below), valence, arousal (-1..1), valence_high / arousal_high (> 0 is
             high), stimulus_id (the same clip for every subject and session), synthetic (true).
cohort.json  the generator configuration; the same configuration regenerates identical samples.
labels       {emotions}

Evaluate with the trial (or the stimulus) as the split unit: windows of one trial share a
label-independent fingerprint, so window-level splits score far higher than trial-level ones
without learning any more about emotion. The file names contain the emotion: never show them
to a model under evaluation.
"""


def _csv_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_cohort(cfg: CohortConfig, out_dir: str | Path, formats: Sequence[str] = ("edf", "fif"),
                 progress: bool = True) -> Path:
    """Write every trial in each format, plus labels.csv, cohort.json and README.txt; returns the
    path of labels.csv."""
    formats = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in formats))
    unknown = [f for f in formats if f not in _WRITERS]
    if not formats or unknown:
        raise ConfigError(f"formats must be a non-empty subset of {', '.join(_WRITERS)}; "
                          f"got {', '.join(formats) or 'none'}.")
    
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    total = cfg.subjects * cfg.sessions * cfg.trials_per_session
    rows = []
    with progress_bar(total=total, enabled=progress, desc="synthetic cohort", unit="trial") as bar:
        for t in iter_trials(cfg):
            rec = trial_to_recording(t)
            for fmt in formats:
                _WRITERS[fmt](rec, out / f"{t.file_stem}.{fmt}")
            rows.append(t.labels())
            bar.update(1)
    labels = out / "labels.csv"
    with open(labels, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(LABEL_COLUMNS)
        for row in rows:
            writer.writerow([_csv_value(row[c]) for c in LABEL_COLUMNS])
    _write_manifest(cfg, out, formats, len(rows) * len(formats))
    log.info("wrote %d synthetic files for %d trials to %s", len(rows) * len(formats), len(rows), out.name)
    return labels


def _write_manifest(cfg: CohortConfig, out: Path, formats: tuple[str, ...], n_files: int) -> None:
    manifest = {
        "synthetic": True,
        "note": ("Every file in this folder is SYNTHETIC EEG generated by eegreason; "
                 "none was recorded from a person."),
        "generator": GENERATOR,
        "generator_version": GENERATOR_VERSION,
        "seed": cfg.seed,
        "config": asdict(cfg),
        "formats": list(formats),
        "n_files": n_files,
        "emotions": list(EMOTIONS),
        "valence_arousal": {e: list(va) for e, va in VALENCE_AROUSAL.items()},
        "high_threshold": f"> {HIGH_THRESHOLD:g} is high",
    }
    (out / "cohort.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / "README.txt").write_text(_README.format(
        generator=GENERATOR, seed=cfg.seed, subjects=cfg.subjects, sessions=cfg.sessions,
        trials=cfg.trials_per_session, per=cfg.trials_per_emotion, montage=cfg.montage, sfreq=cfg.sfreq,
        seconds=cfg.trial_seconds, effect=cfg.effect_scale,
        emotions=", ".join(f"{i} {e}" for i, e in enumerate(EMOTIONS))), encoding="utf-8")


def write_sample(path: str | Path, emotion: str = "happy", seed: int = 0, montage: str = "seed62",
                 seconds: float = 60.0) -> Path:
    """One synthetic recording of `emotion` (subject 1, session 1), written as EDF (or FIF when the
    path ends in .fif): the app's bundled sample."""
    if emotion not in EMOTIONS:
        raise ConfigError(f"Unknown emotion {emotion!r}; choose one of {', '.join(EMOTIONS)}.")
    cfg = CohortConfig(seed=seed, subjects=1, trials_per_emotion=1, montage=montage, trial_seconds=seconds)
    trial = 1 + [label for label, _ in session_order(cfg, 1)].index(EMOTIONS.index(emotion))
    t = generate_trial(cfg, 1, 1, trial)
    path = Path(path)
    writer = write_recording_fif if path.name.lower().endswith(".fif") else write_recording_edf
    return writer(t, path)
