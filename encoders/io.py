"""Reading EEG files into a `Recording`.

MNE does the parsing; this module adds what a user needs around it: format detection that
checks the file's first bytes, canonical channel names and positions, auxiliary channels set
aside with a reason, units checked, patient identifiers kept apart, and one clear error for every
way a file can be unusable.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .brainvision_text import missing_data_file, readable_header
from .channels import classify_non_eeg, derivation_of, electrode_positions, normalize_channel_name
from .declared_sizes import check_declared_sizes, check_edf_header, check_fif_tags, check_fits_in_memory
from .edf_continuity import check_continuous
from .errors import (
    BipolarMontageError,
    CorruptFileError,
    DuplicateChannelError,
    EmptyFileError,
    FlatRecordingError,
    NoEEGChannelsError,
    NonFiniteDataError,
    RecordingError,
    SamplingRateError,
    UnitError,
    UnsupportedFormatError,
)
from .log import get_logger
from .recording import Annotation, Recording, RecordingMeta

log = get_logger(__name__)

MIN_SFREQ = 64.0  # below this the γ band (31–50 Hz) cannot be measured
MAX_SFREQ = 100_000.0

# Extension → (format name, first bytes the file must start with, or None when not fixed).
FORMATS: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".edf": ("EDF", (b"0       ",)),
    ".bdf": ("BDF", (b"\xffBIOSEMI",)),
    ".fif": ("FIF", (b"\x00\x00\x00\x64",)),
    ".fif.gz": ("FIF", (b"\x1f\x8b",)),
    ".vhdr": ("BrainVision", (b"Brain Vision", b"BrainVision", b"\xef\xbb\xbfBrain")),
    ".set": ("EEGLAB", (b"MATLAB", b"\x89HDF")),
    ".cnt": ("NeuroScan CNT", None),
}
SUPPORTED = "EDF/EDF+ (.edf), BDF (.bdf), FIF (.fif), BrainVision (.vhdr), EEGLAB (.set), NeuroScan (.cnt)"

# Files that belong to a multi-file recording but are not its header: extension → (format, the
# header's extension, what the file holds, the set's files as a reader should be told them).
COMPANIONS: dict[str, tuple[str, str, str, str]] = {
    ".vmrk": ("BrainVision", ".vhdr", "marker file", "the .eeg and .vmrk files"),
    ".eeg": ("BrainVision", ".vhdr", "sample data", "the .eeg and .vmrk files"),
    ".fdt": ("EEGLAB", ".set", "sample data", "the .fdt file"),
}

SYNTHETIC_MARK = "SYNTHETIC"  # annotation/description prefix written into every generated file
# No commas: BrainVision marker files separate fields with commas, and pybv (behind MNE's
# `export_raw`) writes them unescaped, so a comma here made exported samples unreadable.
SYNTHETIC_DESCRIPTION = (
    f"{SYNTHETIC_MARK} EEG (eegreason): generated and not recorded from a person"
)


def detect_format(path: Path, source_name: str | None = None) -> str:
    """The extension the file will be read as, after checking its first bytes."""
    display = source_name or path.name
    name = path.name.lower()
    ext = ".fif.gz" if name.endswith(".fif.gz") else path.suffix.lower()
    if ext in COMPANIONS:
        label, header, role, companions = COMPANIONS[ext]
        raise UnsupportedFormatError(
            f"{display} is the {role} of a {label} recording, not its header; give the {header} file "
            f"instead, with {companions} beside it."
        )
    with open(path, "rb") as fh:
        head = fh.read(16)
    if ext in FORMATS:
        label, magics = FORMATS[ext]
        if magics is not None and not head.startswith(magics):
            raise CorruptFileError(
                f"{display} has the extension {ext} but its header is not a valid {label} header; "
                f"re-export the recording as {label} or give the file its real extension."
            )
        return ext
    for candidate, (_, magics) in FORMATS.items():
        if magics and head.startswith(magics) and candidate != ".fif.gz":
            return candidate
    raise UnsupportedFormatError(
        f"{display} is not a recognised EEG file format; supported formats are {SUPPORTED}."
    )


def _reader(ext: str) -> Callable:
    import mne

    return {
        ".edf": mne.io.read_raw_edf,
        ".bdf": mne.io.read_raw_bdf,
        ".fif": mne.io.read_raw_fif,
        ".fif.gz": mne.io.read_raw_fif,
        ".vhdr": mne.io.read_raw_brainvision,
        ".set": mne.io.read_raw_eeglab,
        ".cnt": mne.io.read_raw_cnt,
    }[ext]


def read_raw_mne(path: str | Path, source_name: str | None = None, preload: bool = True):
    """Open a file with the MNE reader for its format; typed errors for unusable files. Without
    `preload`, samples are read on request (`read_samples`), straight into the caller's array.

    `source_name` is how messages name the file (an upload's original name, not its stored name)."""
    path = Path(path)
    name = source_name or path.name
    if not path.exists():
        raise RecordingError(f"{name} does not exist; check the path.")
    if path.is_dir():
        raise UnsupportedFormatError(f"{name} is a folder; give the recording file itself ({SUPPORTED}).")
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{name} is empty (0 bytes); the upload or export did not complete, try again.")
    ext = detect_format(path, name)
    edf = ext in (".edf", ".bdf")
    # A damaged header can declare gigabytes that a preloaded read allocates before finding the file
    # short, or lead a reader in circles: the declared sizes are checked first, from the EDF/BDF
    # header read here or from MNE's header-only open. The samples then come from the preloaded
    # read every file always had (a lazy read of a .fif.gz skips its checksum, and a lazy EEGLAB
    # read trusts the header's sample count over the samples the file holds).
    if edf:
        header = check_edf_header(path, name, bytes_per_sample=3 if ext == ".bdf" else 2)
        check_fits_in_memory(header.n_signals, header.n_times, name)
        check_continuous(path, name, header)
    elif ext in (".fif", ".fif.gz"):
        check_fif_tags(path, name)
    elif ext == ".vhdr" and (data_file := missing_data_file(path)) is not None:
        raise CorruptFileError(f"{name} names its samples file {data_file!r}, which is not beside it; keep the "
                               f".vhdr, .vmrk and .eeg files of a BrainVision set together, named as the header says.")
    reader = _reader(ext)
    label = FORMATS[ext][0]
    # A BrainVision set in the Windows code page is read from a UTF-8 copy of its text files.
    with mne_guard(name, label), (readable_header(path) if ext == ".vhdr" else contextlib.nullcontext(path)) as given:
        if not edf and (header_only := _open_header_only(reader, given)) is not None:
            check_declared_sizes(header_only, name, label)
        # Only EDF/BDF may be read lazily (their sizes were checked from the header above); every
        # other format keeps its preloaded read, for the reasons above.
        raw = reader(str(given), preload=preload or not edf, verbose="error")
    if raw.n_times == 0:
        raise EmptyFileError(f"{name} contains no samples; re-export the recording.")
    return raw, FORMATS[ext][0]


def read_samples(raw, picks: list[int], name: str, label: str) -> np.ndarray:
    """The `picks` channels' samples in µV (MNE gives volts), read into one new array: from the file
    when `raw` is not preloaded, so an hour-long recording is never held twice."""
    with mne_guard(name, label):  # a sample block MNE cannot decode is a damaged file, whenever it is read
        data = raw.get_data(picks=picks)
    data *= 1e6  # in place: a second recording-sized array would cost as much again
    return data


def _open_header_only(reader: Callable, path: Path):
    """MNE's header-only open of `path`, or None where it fails: MNE's lazy readers check things
    its preloaded readers do not (an EEGLAB file's extension, its sample count against its start
    time), and such a file is left to the preloaded read, which accepted or refused it before."""
    try:
        return reader(str(path), preload=False, verbose="error")
    except Exception as exc:  # noqa: BLE001 - the preloaded read reports what is wrong, as it always did
        log.debug("header-only open of %s failed: %r", path.name, exc)
        return None


@contextlib.contextmanager
def mne_guard(name: str, label: str) -> Iterator[None]:
    """MNE raises many types for broken files, while reading them and later when asked what it
    read (a damaged channel kind fails only in `get_channel_types`); all mean the same to a user.
    Our own refusals and a real shortage of memory pass through unchanged."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except (RecordingError, MemoryError):
        raise
    except Exception as exc:
        log.debug("MNE could not read %s: %r", name, exc)
        raise CorruptFileError(
            f"{name} could not be read as {label} ({_short(exc)}); the file is damaged or "
            f"truncated: re-export it from the recording software."
        ) from None


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120].rstrip(".")


_DEDUP = re.compile(r"^(.*)-(\d+)$")


def _check_duplicates(raw_names: list[str], source: str) -> None:
    """MNE renames repeated labels to `X-0`, `X-1`; refuse those files rather than guess."""
    stems: dict[str, int] = {}
    for name in raw_names:
        match = _DEDUP.match(name)
        if match:
            stems[match.group(1)] = stems.get(match.group(1), 0) + 1
    repeated = sorted(stem for stem, count in stems.items() if count > 1 and stem not in raw_names)
    if repeated:
        raise DuplicateChannelError(
            f"{source} has more than one channel named {', '.join(repeated)}; give every channel a "
            f"unique name before loading it."
        )


def select_eeg_channels(raw_names: list[str], kinds: list[str], source: str) -> tuple[list[int], list[str], dict[str, str]]:
    """Indices and canonical names of scalp EEG channels, and why each other channel is set aside.

    A channel labelled as two electrodes ("Fp1-Cz") is that electrode when every such channel shares
    the second one (a common reference, removed later by re-referencing); when they differ ("FP1-F7",
    "F7-T7", …) they are bipolar derivations, which no per-electrode feature can be read from, so they
    are set aside, and a file of nothing else is refused."""
    # Channels the file does not mark as another kind and whose label names no auxiliary signal.
    eeg = [raw for raw, kind in zip(raw_names, kinds) if kind in ("eeg", "seeg", None) and not classify_non_eeg(raw)]
    common, bipolar = _derivations(eeg)
    _check_duplicates([raw for raw in raw_names if raw not in bipolar], source)
    keep: list[int] = []
    names: list[str] = []
    set_aside: dict[str, str] = {}
    seen: dict[str, str] = {}
    for index, (raw_name, kind) in enumerate(zip(raw_names, kinds)):
        aux = classify_non_eeg(raw_name)
        if kind not in ("eeg", "seeg") and kind is not None:
            set_aside[raw_name] = kind
            continue
        if aux:
            set_aside[raw_name] = aux
            continue
        if raw_name in bipolar:
            set_aside[raw_name] = f"bipolar derivation ({' − '.join(bipolar[raw_name])}), not against the common reference"
            continue
        canonical = normalize_channel_name(raw_name) or common.get(raw_name)
        if canonical is None:
            set_aside[raw_name] = "not a known 10-05 electrode name"
            continue
        if canonical in seen:
            raise DuplicateChannelError(
                f"{source} has two channels for electrode {canonical} ({seen[canonical]!r} and "
                f"{raw_name!r}); drop or rename one of them."
            )
        seen[canonical] = raw_name
        keep.append(index)
        names.append(canonical)
    if not keep:
        found = ", ".join(raw_names[:8]) + (" …" if len(raw_names) > 8 else "")
        if bipolar:
            shown = ", ".join(list(bipolar)[:4]) + (" …" if len(bipolar) > 4 else "")
            raise BipolarMontageError(
                f"{source} holds bipolar derivations ({shown}), which carry no one electrode's signal; export "
                f"the recording against a common reference (average or linked ears) and load that."
            )
        cap = _cap_positions(eeg)
        if cap:
            raise NoEEGChannelsError(
                f"{source} has no EEG channels with a standard 10-20/10-05 electrode name, only {cap} ({found}) "
                f"that say nothing of where each electrode sat; rename them with the cap's layout (Fp1, Cz, O2, …)."
            )
        raise NoEEGChannelsError(
            f"{source} has no EEG channels with a standard 10-20/10-05 electrode name (found: {found}); "
            f"rename the EEG channels to standard names such as Fp1, Cz or O2."
        )
    return keep, names, set_aside


# Labels that number a cap's sockets instead of naming 10-05 sites: BioSemi (A1–H32), EGI/Geodesic
# nets (E1–E256), and plain channel numbers.
_CAP_LABELS = (
    (re.compile(r"^[A-H]\d{1,2}$", re.IGNORECASE), "BioSemi cap sockets (A1–H32)"),
    (re.compile(r"^E\d{1,3}$", re.IGNORECASE), "Geodesic net sensor numbers (E1, E2, …)"),
    (re.compile(r"^(EEG|CH|CHAN|CHANNEL)?[\s_-]*\d{1,3}$", re.IGNORECASE), "channel numbers"),
)


def _cap_positions(labels: list[str]) -> str | None:
    """What numbering scheme every EEG label follows, when they all follow one (None otherwise)."""
    for pattern, scheme in _CAP_LABELS:
        if labels and all(pattern.match(label.strip()) for label in labels):
            return scheme
    return None


def _derivations(eeg: list[str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """EEG channels labelled as two electrodes: {raw: electrode} where they all share the second one (a
    common reference such as Cz), else {raw: (electrode, other)} as bipolar derivations."""
    pairs = {raw: pair for raw in eeg if normalize_channel_name(raw) is None and (pair := derivation_of(raw))}
    references = {other for _, other in pairs.values()}
    if len(pairs) >= 2 and len(references) == 1:
        return {raw: active for raw, (active, _) in pairs.items()}, {}
    return {}, pairs


@dataclass
class RowSummary:
    """Per channel: the sum, extremes and standard deviation of its samples, computed one row at a
    time while it is in cache (what the read-time checks need, in one sweep instead of six)."""

    sums: np.ndarray
    lows: np.ndarray
    highs: np.ndarray
    stds: np.ndarray  # np.std of the row: the same numbers as `np.std(data, axis=1)`

    @classmethod
    def of(cls, data: np.ndarray) -> "RowSummary":
        if data.size >= _TWO_THREADS_FROM and len(data) > 1:  # the second half of the rows on a second core
            half = len(data) // 2
            with ThreadPoolExecutor(max_workers=1) as pool:
                second = pool.submit(_summarise, data[half:])
                rows = _summarise(data[:half]) + second.result()
        else:
            rows = _summarise(data)
        return cls(*(np.array(column, dtype=np.float64).reshape(len(rows)) for column in zip(*rows)))


_TWO_THREADS_FROM = 4_000_000  # samples (a 62-channel minute at 1 kHz): below, a thread costs more than it saves


def _summarise(data: np.ndarray) -> list[tuple]:
    with np.errstate(over="ignore", invalid="ignore"):  # per thread
        return [(row.sum(), row.min(), row.max(), np.std(row)) for row in data]


def check_units(data_uv: np.ndarray, source: str, summary: RowSummary | None = None) -> tuple[np.ndarray, str | None]:
    """Scalp EEG has a standard deviation of roughly 1–500 µV. A file whose unit field is wrong is off
    by a power of 1000; correct that (and say so) or refuse the file."""
    std = (summary or RowSummary.of(data_uv)).stds
    live = std[std > 0]
    if live.size == 0:
        return data_uv, None
    typical = float(np.median(live))
    if 0.05 <= typical <= 20_000:
        return data_uv, None
    for factor, unit in ((1e-3, "mV"), (1e-6, "V"), (1e3, "mV"), (1e6, "V")):
        if 0.5 <= typical * factor <= 5_000:
            if factor < 1:
                note = f"values looked like µV stored with unit {unit}; rescaled by {factor:g}"
            else:
                note = f"values looked like {unit} stored as µV; rescaled by {factor:g}"
            return data_uv * factor, note
    raise UnitError(
        f"{source} has a typical channel amplitude of {typical:.3g} µV, which is not EEG in any common "
        f"unit; check the channel units in the recording software and re-export."
    )


def validate_samples(data: np.ndarray, sfreq: float, source: str, summary: RowSummary | None = None) -> None:
    if not np.isfinite(sfreq) or sfreq < MIN_SFREQ or sfreq > MAX_SFREQ:
        raise SamplingRateError(
            f"{source} has a sampling rate of {sfreq:g} Hz; eegreason needs {MIN_SFREQ:g} Hz to "
            f"{MAX_SFREQ:g} Hz (the gamma band up to 50 Hz must be measurable)."
        )
    summary = summary or RowSummary.of(data)
    # A row's sum is finite only when every sample is (or, rarely, when none overflows): the exact
    # count runs only when some sum is not, sparing a boolean copy of every clean recording.
    if not np.isfinite(summary.sums).all():
        bad = ~np.isfinite(data)
        if bad.any():
            channels = int(bad.any(axis=1).sum())
            raise NonFiniteDataError(
                f"{source} contains {int(bad.sum())} NaN or infinite samples in {channels} channel(s); "
                f"interpolate or cut the broken segments before loading."
            )
    if np.all(summary.highs == summary.lows):
        raise FlatRecordingError(
            f"{source} is flat on every EEG channel (no signal); check the amplifier connection "
            f"and the exported channels."
        )


def read_recording(path: str | Path, *, keep_identifiers: bool = False, source_name: str | None = None) -> Recording:
    """Read any supported EEG file into a `Recording` (µV, canonical names, positions).

    Patient identifiers from the header go to `meta.identifiers` only when `keep_identifiers` is set.
    `source_name` replaces the file name in messages and metadata (uploads are stored renamed).
    """
    path = Path(path)
    raw, label = read_raw_mne(path, source_name, preload=False)
    source = source_name or path.name
    with mne_guard(source, label):
        raw_names = list(raw.ch_names)
        kinds = raw.get_channel_types()
    keep, names, set_aside = select_eeg_channels(raw_names, kinds, source)
    data = read_samples(raw, keep, source, label)
    with mne_guard(source, label):
        sfreq = float(raw.info["sfreq"])
        annotations = [Annotation(float(a["onset"]), float(a["duration"]), str(a["description"]))
                       for a in raw.annotations]
        description = str(raw.info.get("description") or "")
        line_freq = raw.info.get("line_freq")
        identifiers = _identifiers(raw) if keep_identifiers else {}
    summary = RowSummary.of(data)
    validate_samples(data, sfreq, source, summary)
    data, units_note = check_units(data, source, summary)
    # MNE reads BrainVision comments as "Comment/<text>": a synthetic file exported to BrainVision
    # keeps its mark there.
    synthetic = SYNTHETIC_MARK.lower() in description.lower() or any(
        a.description.upper().removeprefix("COMMENT/").startswith(SYNTHETIC_MARK) for a in annotations
    )
    meta = RecordingMeta(
        source_name=source,
        file_format=label,
        original_names=[raw_names[i] for i in keep],
        set_aside=set_aside,
        synthetic=synthetic,
        line_freq=float(line_freq) if _is_frequency(line_freq) else None,
        units_note=units_note,
        extra={"n_channels_in_file": len(raw_names)},
        identifiers=identifiers,
    )
    if units_note:
        log.warning("%s: %s", source, units_note)
    return Recording(data, names, sfreq, electrode_positions(names), annotations, meta)


def _is_frequency(value) -> bool:
    """A mains frequency a damaged header may have left as anything (NaN, negative, text)."""
    try:
        return bool(np.isfinite(float(value)) and float(value) > 0)
    except (TypeError, ValueError):
        return False


def _identifiers(raw) -> dict[str, str]:
    """Patient-identifying header fields, as strings (kept only when the user asks)."""
    out: dict[str, str] = {}
    subject = raw.info.get("subject_info") or {}
    for key in ("his_id", "first_name", "middle_name", "last_name", "birthday", "sex", "hand"):
        if subject.get(key) not in (None, ""):
            out[key] = str(subject[key])
    if raw.info.get("meas_date") is not None:
        out["meas_date"] = raw.info["meas_date"].isoformat()
    for key in ("experimenter",):
        if raw.info.get(key):
            out[key] = str(raw.info[key])
    return out
