"""What the measurements mean, as the literature this project follows documents it, and the
valence/arousal class of every emotion. Rationales are written from these tables and claims are
checked against them, so the two can never disagree.

* frontal alpha asymmetry, ln α(F4) − ln α(F3) > 0 (relatively more left-frontal activity) →
  approach, positive valence; < 0 → withdrawal, negative valence (Davidson 1992; Smith et al. 2017).
* lateral temporal β/γ power higher in positive than negative emotion (Zheng & Lu 2015).
* frontal(-midline) θ rises with arousal and engagement; posterior α desynchronises (falls)
  with arousal and rises when relaxed (Klimesch 1999; Aftanas & Golocheikine 2001).
"""

from __future__ import annotations

from encoders.labels import VALENCE_AROUSAL, arousal_class, valence_class  # noqa: F401  (re-exported)

# (region, band, direction) → (dimension, sign). A combination not listed has no documented meaning.
BAND_MEANINGS: dict[tuple[str, str, str], tuple[str, int]] = {
    ("temporal", "beta", "elevated"): ("valence", 1),
    ("temporal", "gamma", "elevated"): ("valence", 1),
    ("temporal", "beta", "reduced"): ("valence", -1),
    ("temporal", "gamma", "reduced"): ("valence", -1),
    ("frontal", "theta", "elevated"): ("arousal", 1),
    ("frontal", "theta", "reduced"): ("arousal", -1),
    ("parietal", "alpha", "reduced"): ("arousal", 1),
    ("occipital", "alpha", "reduced"): ("arousal", 1),
    ("parietal", "alpha", "elevated"): ("arousal", -1),
    ("occipital", "alpha", "elevated"): ("arousal", -1),
}
FAA_MEANINGS = {"left": ("valence", 1), "right": ("valence", -1)}


def band_meaning(region: str, band: str, direction: str) -> tuple[str, int] | None:
    return BAND_MEANINGS.get((region, band, direction))


def faa_meaning(side: str | None) -> tuple[str, int] | None:
    return FAA_MEANINGS.get(side or "")


def class_of(emotion: str) -> tuple[str, str]:
    """(valence class, arousal class) of an emotion of the label set."""
    valence, arousal = VALENCE_AROUSAL[emotion]
    return valence_class(valence), arousal_class(arousal)
