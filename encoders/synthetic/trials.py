"""One simulated trial: its ground truth and samples, generated on demand, and its Recording form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..channels import electrode_positions
from ..errors import ConfigError
from ..io import SYNTHETIC_DESCRIPTION, SYNTHETIC_MARK
from ..labels import EMOTIONS, VALENCE_AROUSAL
from ..recording import Annotation, Recording, RecordingMeta
from .config import GENERATOR, GENERATOR_VERSION, CohortConfig, arousal_high, valence_high
from .simulate import _simulate
from .streams import session_order


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
