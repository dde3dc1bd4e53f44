"""Sizes a file declares, checked against the file before a reader trusts them.

A reader sizes its arrays from header fields: an EDF's signal and record counts, a FIF data
tag's byte count, an EEGLAB header's sample count. In a damaged file those fields can say
anything, and a reader that believes them seeks to a negative offset, allocates gigabytes for a
file of kilobytes, or (FIF tags that lead in a circle) reads for ever. These checks run before any
sample is read and turn such files away with one sentence.
"""

from __future__ import annotations

import gzip
import os
import resource
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from .errors import CorruptFileError, RecordingTooLargeError

EDF_FIXED_HEADER = 256  # bytes of the header part every EDF/BDF has, whatever its signals
EDF_SIGNAL_HEADER = 256  # bytes of header per signal
EDF_SAMPLES_FIELD = 216  # offset, within the signal headers, of the samples-per-record fields (×n_signals)

# MNE reads samples into float64 arrays of channels × samples. The analysis then holds a few more
# copies of the same size (microvolts, filtered, resampled), so one array may take at most this
# share of the memory the process can use.
MEMORY_SHARE = 0.25
FIF_SAMPLE_BYTES = {"short": 2, "int": 4, "single": 4, "double": 8}  # MNE's names for FIF sample formats
EEGLAB_SAMPLE_BYTES = 4  # an EEGLAB .fdt holds float32 samples
SKIP_ANNOTATION = "BAD_ACQ_SKIP"  # what MNE calls gaps a FIF declares without storing samples


def _damaged_edf(name: str, label: str, what: str) -> CorruptFileError:
    return CorruptFileError(f"{name} has a damaged {label} header ({what}); re-export the recording from the "
                            f"recording software.")


def _field(raw: bytes, name: str, label: str, what: str) -> int:
    try:
        return int(raw.decode("ascii").strip())
    except (ValueError, UnicodeDecodeError):
        raise _damaged_edf(name, label, f"its {what} field is not a number") from None


@dataclass(frozen=True)
class EdfHeader:
    """What an EDF/BDF header says, once its sizes are checked (`check_edf_header`)."""

    reserved: bytes  # "EDF+C", "EDF+D", "24BIT", …
    header_bytes: int
    n_records: int  # the records the file holds
    record_seconds: float | None  # None where the field is not a number (MNE then decides)
    labels: list[str]
    per_record: list[int]  # samples per data record, per signal
    bytes_per_sample: int

    @property
    def n_signals(self) -> int:
        return len(self.labels)

    @property
    def record_bytes(self) -> int:
        return sum(self.per_record) * self.bytes_per_sample

    @property
    def n_times(self) -> int:
        """Samples per channel MNE reads: every signal at the fastest signal's rate."""
        return self.n_records * max(self.per_record)


def check_edf_header(path: Path, name: str, bytes_per_sample: int) -> EdfHeader:
    """Every size field of an EDF/BDF header is sane, and the file holds the samples it promises;
    returns the header (MNE counts the records the file holds and reads every signal at the fastest
    signal's rate).

    MNE reads a cut-off EDF/BDF without complaint (it pads) and seeks wherever the header points,
    so the header's counts are checked against the file's real size first."""
    label = "BDF" if bytes_per_sample == 3 else "EDF"
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fixed = fh.read(EDF_FIXED_HEADER)
        if len(fixed) < EDF_FIXED_HEADER:
            raise CorruptFileError(f"{name} is only {size} bytes, too short for even the fixed part of an {label} "
                                   f"header ({EDF_FIXED_HEADER} bytes); copy or export the complete file again.")
        header_bytes = _field(fixed[184:192], name, label, "header size")
        n_records = _field(fixed[236:244], name, label, "number of records")
        n_signals = _field(fixed[252:256], name, label, "number of signals")
        if n_signals < 1:
            raise _damaged_edf(name, label, f"it declares {n_signals} signals")
        expected_header = EDF_FIXED_HEADER + n_signals * EDF_SIGNAL_HEADER
        if expected_header > size:
            raise _damaged_edf(name, label, f"it declares {n_signals} signals, whose headers alone would need "
                                            f"{expected_header} bytes, but the file has {size}")
        if header_bytes != expected_header:
            raise _damaged_edf(name, label, f"its header size field says {header_bytes} bytes where "
                                            f"{n_signals} signals need {expected_header}")
        labels = [fh.read(16).decode("latin-1").strip() for _ in range(n_signals)]
        fh.seek(EDF_FIXED_HEADER + n_signals * EDF_SAMPLES_FIELD)
        fields = fh.read(8 * n_signals)
    per_record = [_field(fields[i * 8:(i + 1) * 8], name, label, "samples per record") for i in range(n_signals)]
    if min(per_record) < 1:
        raise _damaged_edf(name, label, f"a signal declares {min(per_record)} samples per data record")
    record_bytes = sum(per_record) * bytes_per_sample
    # n_records -1 means "unknown" (allowed while recording): like any negative count, MNE then
    # counts the records in the file, and there is nothing to compare.
    expected = header_bytes + n_records * record_bytes
    if n_records >= 0 and size < expected:
        raise CorruptFileError(f"{name} is truncated: its header promises {expected} bytes but the file has "
                               f"{size}; copy or export the complete file again.")
    try:
        record_seconds: float | None = float(fixed[244:252].decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        record_seconds = None
    return EdfHeader(fixed[192:236].strip(), header_bytes, (size - header_bytes) // record_bytes, record_seconds,
                     labels, per_record, bytes_per_sample)


def memory_budget() -> int:
    """Bytes this process can use: the machine's memory, or less where an address-space limit is set."""
    budget = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        budget = min(budget, soft)
    return budget


def _stored_bytes(path: Path) -> int:
    """Bytes of the file as a reader sees it (a .gz file decompressed, counted without keeping it)."""
    if not path.name.lower().endswith(".gz"):
        return path.stat().st_size
    total = 0
    try:
        with gzip.open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                total += len(block)
    except (OSError, EOFError, zlib.error):
        pass  # a damaged stream holds what decompressed before the damage
    return total


FIF_TAG_HEADER = struct.Struct(">iIii")  # kind, type, size, next: every FIF tag starts with these 16 bytes
FIFF_FILE_ID, FIFF_DIR_POINTER = 100, 101


def _open_stored(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _tag_at(fh, position: int) -> tuple[int, int, int, int] | None:
    fh.seek(position)
    header = fh.read(FIF_TAG_HEADER.size)
    return FIF_TAG_HEADER.unpack(header) if len(header) == FIF_TAG_HEADER.size else None


def _after(position: int, tag: tuple[int, int, int, int]) -> int | None:
    """Where the tag after `tag` starts, as MNE reads it (None: `tag` is the last)."""
    _kind, _type, size, following = tag
    if following < 0:
        return None
    return position + FIF_TAG_HEADER.size + size if following == 0 else following


def _mne_walks_the_tags(fh) -> bool:
    """Whether MNE will list the tags by walking them one by one: only when the file's directory
    pointer is there but leads nowhere (`mne/_fiff/open.py`); a file without the pointer is refused,
    and one with a directory is read from it."""
    first = _tag_at(fh, 0)
    if first is None or first[0] != FIFF_FILE_ID or _after(0, first) is None:
        return False
    pointer = _tag_at(fh, _after(0, first))
    if pointer is None or pointer[0] != FIFF_DIR_POINTER:
        return False
    raw = fh.read(4)
    directory_at = struct.unpack(">i", raw)[0] if len(raw) == 4 else 0
    directory = _tag_at(fh, directory_at) if directory_at > 0 else None
    return directory is None or directory[2] <= 0


def check_fif_tags(path: Path, name: str) -> None:
    """Where MNE will walk a FIF file's tags one by one (its directory is missing, as in every file
    MNE writes), the walk ends.

    Each tag says where the next one is; a damaged size or next-pointer can lead back to a tag
    already read, and MNE's walk then circles for ever, listing tags until memory runs out (in a
    .fif.gz, decompressing the file again at every turn). The same walk is made here, stopping at
    the first tag it reaches twice. A damaged compressed stream is left to MNE to report."""
    try:
        with _open_stored(path) as fh:
            if not _mne_walks_the_tags(fh):
                return
            seen: set[int] = set()
            position: int | None = 0
            while position is not None:
                if position in seen:
                    raise CorruptFileError(f"{name} has damaged FIF tags that lead back to the tag at byte "
                                           f"{position}, so reading them would never end; re-export the recording "
                                           f"from the recording software.")
                seen.add(position)
                if position < 0:  # a negative size or pointer: a .gz handle would read from the start again
                    raise CorruptFileError(f"{name} has a damaged FIF tag that points before the start of the "
                                           f"file; re-export the recording from the recording software.")
                tag = _tag_at(fh, position)
                if tag is None:
                    return
                position = _after(position, tag)
    except (OSError, EOFError, ValueError, zlib.error, struct.error):
        return


def check_stored_samples(raw, name: str, width: int) -> None:
    """The files MNE reads samples from hold the samples the header declares, at `width` bytes each
    at least (a FIF data tag names its own byte count: one that claims 2 GB in a 60 KB file would
    have MNE allocate the 2 GB before finding out)."""
    skipped = sum(round(a["duration"] * raw.info["sfreq"]) for a in raw.annotations
                  if a["description"] == SKIP_ANNOTATION)
    declared = len(raw.ch_names) * max(raw.n_times - skipped, 0) * width
    stored = sum(_stored_bytes(Path(p)) for p in raw.filenames)
    if declared > stored:
        raise CorruptFileError(f"{name} declares {raw.n_times} samples on {len(raw.ch_names)} channels "
                               f"({declared / 1e6:.1f} MB of samples) but holds only {stored / 1e6:.1f} MB; the file "
                               f"is damaged: re-export the recording from the recording software.")


def check_fits_in_memory(n_channels: int, n_times: int, name: str) -> None:
    """Reading `raw` would take a share of memory the analysis can afford. Formats whose stored size
    cannot bound what they declare (EEGLAB's MATLAB files may be compressed) meet this bound only,
    so the sentence names both causes: a recording that long, or a damaged header."""
    needed = n_channels * n_times * 8
    budget = memory_budget()
    if needed > MEMORY_SHARE * budget:
        raise RecordingTooLargeError(
            f"{name} declares {n_channels} channels × {n_times} samples ({needed / 2**30:.1f} GiB once "
            f"read), more than this computer can analyse ({MEMORY_SHARE * budget / 2**30:.1f} GiB); if the recording "
            f"is that long, cut it into shorter recordings or keep only its EEG channels, otherwise its header is "
            f"damaged: re-export it.")


def check_declared_sizes(raw, name: str, label: str) -> None:
    """What a header-only open (`preload=False`) of a file declares, checked before MNE allocates
    for it: against the stored samples where the format allows, and against memory."""
    if label == "FIF":
        check_stored_samples(raw, name, FIF_SAMPLE_BYTES.get(getattr(raw, "orig_format", None), 2))
    elif label == "EEGLAB":
        if Path(raw.filenames[0]).suffix.lower() == ".set":
            return  # samples inside the .set: a preloaded read sizes them by what is stored, not by the header
        check_stored_samples(raw, name, EEGLAB_SAMPLE_BYTES)
    check_fits_in_memory(len(raw.ch_names), raw.n_times, name)
