"""Cohort configuration and the generator's identity (labels, thresholds, version)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..channels import MONTAGES, montage as montage_names
from ..errors import ConfigError
from ..labels import EMOTIONS


# ---- labels -----------------------------------------------------------------------------------

# The label set and its valence/arousal placement live in encoders.labels (shared by everything).

# Binary labels: strictly greater than 0 is "high". Stated because libraries disagree on ties
# (DEAP's >5 vs >=5); with this table neutral (valence 0.0) is LOW valence.
HIGH_THRESHOLD = 0.0


def valence_high(valence: float) -> bool:
    return valence > HIGH_THRESHOLD


def arousal_high(arousal: float) -> bool:
    return arousal > HIGH_THRESHOLD


GENERATOR = "eegreason.encoders.synthetic"
GENERATOR_VERSION = 2  # bump when a change alters generated samples for the same seed

# ---- configuration ----------------------------------------------------------------------------


@dataclass(frozen=True)  # frozen: hashable, so per-subject models can be cached by config
class CohortConfig:
    seed: int  # the cohort's identity: the same seed always gives the same samples
    subjects: int  # number of simulated people, numbered 1..subjects
    # Fields with `help` are also `eegreason synth`'s options (serve/commands/_dataclass_options.py).
    # recording days per subject: each has its own cap fit, state and clip order
    sessions: int = field(default=1, metadata={"help": "sessions per subject"})
    # clips per emotion per session (stimulus ids emotion-1..emotion-T)
    trials_per_emotion: int = field(default=2, metadata={"help": "clips per emotion per session; 7 emotions"})
    montage: str = field(default="seed62", metadata={"help": "electrode set", "choices": tuple(MONTAGES)})
    sfreq: float = field(default=200.0, metadata={"help": "sampling rate in Hz"})  # SEED-VII's preprocessed rate
    trial_seconds: float = field(default=32.0, metadata={"help": "length of each trial in seconds",
                                                         "flag": "--seconds"})
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
