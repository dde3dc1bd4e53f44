"""Named cortical sources, their spectral components, and the emotion effects on them."""

from __future__ import annotations

import functools

import numpy as np

from ..labels import EMOTIONS, VALENCE_AROUSAL
from .config import GENERATOR_VERSION
from .streams import _read_only


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
