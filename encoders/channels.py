"""Channel names and electrode positions.

Files name the same electrode many ways (`EEG FP1-REF`, `Fp1-A1`, `FP1`, old `T3`); the encoder
needs one canonical 10-05 name and a 3-D position per channel, so every reader goes through
`normalize_channel_name` and `electrode_positions`.
"""

from __future__ import annotations

import functools
import re

import numpy as np

# Old 10-20 names renamed in the 10-10 system.
_OLD_TO_NEW = {"T3": "T7", "T4": "T8", "T5": "P7", "T6": "P8"}

# Reference suffixes that may follow an electrode name ("Fp1-A1", "EEG Cz-REF", "O1-M2", "C3-LE").
_REFERENCE_SUFFIX = re.compile(
    r"[-_/ ]?(REF|Ref|ref|A1|A2|M1|M2|LE|RE|AVG|AR|CAR|LM|RM|A1A2|M1M2|MASTOIDS?)$", re.IGNORECASE
)
_PREFIX = re.compile(r"^(EEG|EEG-|EEG_|EEG )\s*[-_ ]?", re.IGNORECASE)

# Channel kinds that are not scalp EEG; matched against the raw name (case-insensitive).
_NON_EEG_PATTERNS = {
    "eog": re.compile(r"(^|[^a-z])(h|v)?eog|^(heo|veo|heog|veog)$|^(heo|veo)[lru]?$", re.IGNORECASE),
    "ecg": re.compile(r"ecg|ekg", re.IGNORECASE),
    "emg": re.compile(r"emg", re.IGNORECASE),
    "stim": re.compile(r"^(status|trigger|trig|stim|sti\s?\d*|marker|event|annotations?)$", re.IGNORECASE),
    "misc": re.compile(r"^(resp|respiration|gsr|eda|temp|temperature|plethysmograph|plet|spo2|pulse|"
                       r"x|y|z|accel.*|gyro.*|battery|counter|interpolated|cq_.*|exg\d*|aux\d*)$",
                       re.IGNORECASE),
}

# SEED's cerebellar electrodes are not in the 10-05 montage. They sit below and behind O1/O2, at
# about the inferior-occipital I1/I2 sites; we use those positions.
_EXTRA_POSITIONS_FROM = {"CB1": "I1", "CB2": "I2"}


@functools.lru_cache(maxsize=1)
def standard_positions() -> dict[str, np.ndarray]:
    """Canonical name → 3-D position (metres, head frame) for every 10-05 electrode plus CB1/CB2."""
    import mne

    montage = mne.channels.make_standard_montage("colin27_1005")
    pos = {name: np.asarray(xyz, dtype=np.float64) for name, xyz in montage.get_positions()["ch_pos"].items()}
    for extra, source in _EXTRA_POSITIONS_FROM.items():
        pos[extra] = pos[source].copy()
    return pos


@functools.lru_cache(maxsize=1)
def _canonical_by_upper() -> dict[str, str]:
    return {name.upper(): name for name in standard_positions()}


def normalize_channel_name(raw: str) -> str | None:
    """The canonical 10-05 name for a raw channel label, or None if it is not a known electrode.

    >>> normalize_channel_name("EEG FP1-REF"), normalize_channel_name("T3"), normalize_channel_name("cz")
    ('Fp1', 'T7', 'Cz')
    """
    name = raw.strip()
    name = _PREFIX.sub("", name)
    name = _REFERENCE_SUFFIX.sub("", name).strip(" -_.")
    upper = name.upper()
    upper = {k.upper(): v.upper() for k, v in _OLD_TO_NEW.items()}.get(upper, upper)
    return _canonical_by_upper().get(upper)


# Two electrode names joined by a dash: "FP1-F7" (a bipolar derivation), "Fp1-Cz" (an electrode
# against Cz). MNE numbers repeated labels ("T8-P8-0", "T8-P8-1"); the number is not an electrode.
_DERIVATION = re.compile(r"^(?P<active>[A-Za-z]+\d*[hHzZ]?)\s*[-\u2013]\s*(?P<other>[A-Za-z]+\d*[hHzZ]?)(?:-\d+)?$")


def derivation_of(raw: str) -> tuple[str, str] | None:
    """(electrode, other electrode) for a label that is the difference of two 10-05 electrodes,
    canonical names; None for any other label.

    >>> derivation_of("FP1-F7"), derivation_of("EEG T3-T5"), derivation_of("Fp1-REF")
    (('Fp1', 'F7'), ('T7', 'P7'), None)
    """
    match = _DERIVATION.match(_PREFIX.sub("", raw.strip()))
    if not match:
        return None
    active, other = (normalize_channel_name(match.group(g)) for g in ("active", "other"))
    return (active, other) if active and other and active != other else None


def classify_non_eeg(raw: str) -> str | None:
    """'eog' / 'ecg' / 'emg' / 'stim' / 'misc' for auxiliary channels, None for candidate EEG."""
    name = raw.strip()
    for kind, pattern in _NON_EEG_PATTERNS.items():
        if pattern.search(name):
            return kind
    return None


def electrode_positions(names: list[str]) -> np.ndarray:
    """(C, 3) positions in metres for canonical names; NaN rows for names without a position."""
    table = standard_positions()
    out = np.full((len(names), 3), np.nan)
    for i, name in enumerate(names):
        if name in table:
            out[i] = table[name]
    return out


# Homologous left/right pairs used for asymmetry features (left first), in SEED's 62-channel
# layout order. Built from the montage: a left electrode (odd number) and its right mirror (even).
def homologous_pairs(names: list[str]) -> list[tuple[str, str]]:
    present = set(names)
    pairs = []
    for name in names:
        match = re.match(r"^([A-Za-z]+)(\d+)$", name)
        if not match or int(match.group(2)) % 2 == 0:
            continue
        stem, number = match.group(1), int(match.group(2))
        mirror = f"{stem}{number + 1}"
        if mirror in present:
            pairs.append((name, mirror))
    return pairs


# Named montages used by the synthetic cohort, the encoder's channel-subset evaluation and the
# dataset loaders. SEED's order is the order of its files.
MONTAGES: dict[str, list[str]] = {
    "seed62": (
        "Fp1 Fpz Fp2 AF3 AF4 F7 F5 F3 F1 Fz F2 F4 F6 F8 FT7 FC5 FC3 FC1 FCz FC2 FC4 FC6 FT8 T7 C5 C3 "
        "C1 Cz C2 C4 C6 T8 TP7 CP5 CP3 CP1 CPz CP2 CP4 CP6 TP8 P7 P5 P3 P1 Pz P2 P4 P6 P8 PO7 PO5 PO3 "
        "POz PO4 PO6 PO8 CB1 O1 Oz O2 CB2"
    ).split(),
    "deap32": (
        "Fp1 AF3 F3 F7 FC5 FC1 C3 T7 CP5 CP1 P3 P7 PO3 O1 Oz Pz Fp2 AF4 Fz F4 F8 FC6 FC2 Cz C4 T8 CP6 "
        "CP2 P4 P8 PO4 O2"
    ).split(),
    "emotiv14": "AF3 F7 F3 FC5 T7 P7 O1 O2 P8 T8 FC6 F4 F8 AF4".split(),
    "1020-19": "Fp1 Fp2 F7 F3 Fz F4 F8 T7 C3 Cz C4 T8 P7 P3 Pz P4 P8 O1 O2".split(),
}


def montage(name: str) -> list[str]:
    from .errors import ConfigError

    if name not in MONTAGES:
        raise ConfigError(f"Unknown montage {name!r}; choose one of {', '.join(MONTAGES)}.")
    return list(MONTAGES[name])


# Scalp regions used by evidence and rationales, by the 10-05 name's letters.
@functools.lru_cache(maxsize=1024)  # asked for every channel of every recording, many times over
def region_of(name: str) -> str:
    stem = re.sub(r"[\dzh]+$", "", name.replace("z", "Z")).upper().rstrip("Z")
    if stem.startswith(("FP", "AF", "F")) and not stem.startswith("FT"):
        return "frontal"
    if stem.startswith(("FT", "T", "TP")):
        return "temporal"
    if stem.startswith(("FC", "C", "CP")) and not stem.startswith("CB"):
        return "central"
    if stem.startswith(("P",)) and not stem.startswith("PO"):
        return "parietal"
    return "occipital"


def hemisphere_of(name: str) -> str:
    """'left' (odd number), 'right' (even), or 'midline' (z); 10-05 half positions ("AF3h") and the
    ear/mastoid sites ("A1", "M2") count by their number too."""
    match = re.search(r"(\d+)h?$", name)
    if not match:
        return "midline"
    return "left" if int(match.group(1)) % 2 else "right"


def scalp_coverage(names: list[str]) -> tuple[set[str], set[str]]:
    """(regions, lateral hemispheres) that a set of electrodes covers: what a spatial statement
    (a common average, a regional band-power z-score, a left/right asymmetry) can rest on."""
    regions = {region_of(n) for n in names}
    hemispheres = {hemisphere_of(n) for n in names} - {"midline"}
    return regions, hemispheres
