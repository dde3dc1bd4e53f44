"""What an upload holds: one recording, given as one file, as a multi-file set, or as a zip.

BrainVision keeps a recording in three files (`.vhdr` header, `.eeg` samples, `.vmrk` markers) and
EEGLAB in one or two (`.set`, and `.fdt` samples when they are not inside the `.set`). An upload
is grouped here into exactly one header and the companions it needs, then staged into a private
folder under fixed names (`recording.vhdr`, `recording.eeg`, ...): a name the user chose, or one
found inside a header or an archive, never becomes part of a path. A BrainVision header names its
companions, so the staged copy's references are rewritten to the fixed names.

Zip archives are unpacked defensively: no absolute paths, no `..`, no links, no encryption, a
member count and a total size limit checked before and while extracting; only EEG files are taken.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from encoders.errors import CorruptFileError, RecordingError, UnsupportedFormatError
from encoders.io import COMPANIONS, FORMATS

HEADER_EXTENSIONS = tuple(FORMATS)  # .edf .bdf .fif .fif.gz .vhdr .set .cnt
COMPANION_EXTENSIONS = tuple(COMPANIONS)  # .vmrk .eeg (BrainVision), .fdt (EEGLAB)
UPLOAD_EXTENSIONS = (*HEADER_EXTENSIONS, *COMPANION_EXTENSIONS, ".zip")
MAX_ZIP_MEMBERS = 100
STAGED_STEM = "recording"
_CHUNK = 1024 * 1024
_NAME_CHARS = 255  # longer names are shortened for display (the extension is always kept)


def extension_of(name: str) -> str:
    lower = name.lower()
    return ".fif.gz" if lower.endswith(".fif.gz") else PurePosixPath(lower).suffix


def display_name(name: str) -> str:
    """The user's file name as a label: base name only, control characters removed, long names
    shortened in the middle so the extension stays visible."""
    base = PureWindowsPath(str(name)).name  # splits on both / and \
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "recording"
    if len(base) <= _NAME_CHARS:
        return base
    ext = extension_of(base)[:20]
    return base[: _NAME_CHARS - len(ext) - 1] + "…" + ext


@dataclass
class Part:
    """One file of an upload: where its bytes are, and the name the user gave it (display only)."""

    path: Path
    name: str
    owned: bool = False  # a copy in our staging folder (extracted from a zip): may be moved

    @property
    def ext(self) -> str:
        return extension_of(self.name)


@dataclass
class RecordingSet:
    """One recording: its header and the companion files it needs, by extension."""

    header: Part
    companions: dict[str, Part] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.header.name


def private_file(path: Path) -> int:
    """A new file only its owner can read and write (never briefly world-readable)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def copy_private(source, target: Path, limit: int | None = None, label: str = "") -> int:
    """Copy a path or binary stream into a new 0600 file; stop (and raise) past `limit` bytes."""
    written = 0
    stream = open(source, "rb") if isinstance(source, (str, Path)) else source
    try:
        with os.fdopen(private_file(target), "wb") as out:
            while chunk := stream.read(_CHUNK):
                written += len(chunk)
                if limit is not None and written > limit:
                    raise RecordingError(f"{label} unpacks to more than the upload limit of "
                                         f"{limit / 1024**2:.0f} MiB; upload the recording's files without the archive "
                                         f"or analyse it with the command line.")
                out.write(chunk)
    finally:
        if isinstance(source, (str, Path)):
            stream.close()
    return written


# ---- grouping -------------------------------------------------------------------------------------


def group_parts(parts: list[Part], where: str = "The upload") -> RecordingSet:
    """Exactly one header of a supported kind, with the companions its format needs."""
    headers = [p for p in parts if p.ext in HEADER_EXTENSIONS]
    companions = [p for p in parts if p.ext in COMPANION_EXTENSIONS]
    others = [p for p in parts if p.ext not in HEADER_EXTENSIONS + COMPANION_EXTENSIONS]
    if others:
        raise UnsupportedFormatError(f"{others[0].name} is not an EEG file; upload a recording "
                                     f"({', '.join(HEADER_EXTENSIONS)}) with its companion files, or one .zip of them.")
    if not headers:
        if companions:
            label, header, role, files = COMPANIONS[companions[0].ext]
            raise UnsupportedFormatError(f"{companions[0].name} is the {role} of a {label} recording, not its header; "
                                         f"upload the {header} file together with {files}.")
        raise UnsupportedFormatError(f"{where} holds no EEG recording; upload one of "
                                     f"{', '.join(HEADER_EXTENSIONS)} (with its companion files), or one .zip of them.")
    if len(headers) > 1:
        names = ", ".join(p.name for p in headers[:4]) + (" …" if len(headers) > 4 else "")
        raise UnsupportedFormatError(f"{where} holds {len(headers)} recordings ({names}); upload one recording "
                                     f"at a time.")
    header = headers[0]
    wanted = {".vhdr": (".eeg", ".vmrk"), ".set": (".fdt",)}.get(header.ext, ())
    found: dict[str, Part] = {}
    for part in companions:
        if part.ext not in wanted:
            raise UnsupportedFormatError(f"{part.name} is not part of {header.name}; upload one recording (its "
                                         f"header and companion files) at a time.")
        if part.ext in found:
            raise UnsupportedFormatError(f"{where} holds two {part.ext} files ({found[part.ext].name}, {part.name}) "
                                         f"for {header.name}; upload only the recording's own files.")
        found[part.ext] = part
    rs = RecordingSet(header, found)
    if header.ext == ".vhdr":
        _check_brainvision(rs)
    elif header.ext == ".set":
        _check_eeglab(rs)
    return rs


_REFERENCE = re.compile(rb"^[ \t]*(DataFile|MarkerFile)[ \t]*=[ \t]*(.*?)[ \t]*(\r?)$", re.M | re.I)


def brainvision_references(header: bytes) -> dict[str, str]:
    """{"datafile": name, "markerfile": name} as the header's [Common Infos] gives them."""
    encoding = "utf-8" if re.search(rb"(?im)^codepage[ \t]*=[ \t]*utf-8", header) else "latin-1"
    refs: dict[str, str] = {}
    for match in _REFERENCE.finditer(header):
        refs.setdefault(match.group(1).decode().lower(), match.group(2).decode(encoding, "replace"))
    return refs


_FIELD = {"datafile": "DataFile", "markerfile": "MarkerFile"}


def _base(reference: str) -> str:
    return PureWindowsPath(reference).name  # the header may carry a Windows path


def _check_brainvision(rs: RecordingSet) -> None:
    refs = brainvision_references(rs.header.path.read_bytes())
    if not refs.get("datafile"):
        raise CorruptFileError(f"{rs.label} names no data file (DataFile= in [Common Infos]), so it is not a complete "
                               f"BrainVision header; re-export the recording from the recording software.")
    for ext, key, role in ((".eeg", "datafile", "data file"), (".vmrk", "markerfile", "marker file")):
        expected = _base(refs.get(key, ""))
        part = rs.companions.get(ext)
        if part is None:
            if ext == ".eeg":
                raise RecordingError(f"{rs.label} keeps its samples in {expected}, which the upload does not include; "
                                     f"upload the .vhdr, .vmrk and .eeg files together, or one .zip of them.")
            continue  # markers are optional: MNE reads the recording without annotations
        if part.name != expected:
            raise RecordingError(f"{rs.label} names its {role} {expected or '(none)'} but the upload has "
                                 f"{part.name}, so the files were renamed after export; give them back the names "
                                 f"the header uses, or correct {_FIELD[key]}= in the header.")


EMBEDDED = ""  # eeglab_data_name: the samples are inside the .set


def eeglab_data_name(set_file: Path) -> str | None:
    """The .fdt file a .set names in EEG.data, EMBEDDED when the samples are inside the .set, or
    None when scipy cannot tell (an HDF5 .set, a damaged file: the reader then has its say)."""
    import scipy.io

    try:
        variables = {name: kind for name, _, kind in scipy.io.whosmat(str(set_file))}
        if "data" in variables:
            if variables["data"] != "char":
                return EMBEDDED
            return str(scipy.io.loadmat(str(set_file), variable_names=["data"], squeeze_me=True)["data"])
        if "EEG" in variables:
            eeg = scipy.io.loadmat(str(set_file), variable_names=["EEG"], squeeze_me=True,
                                   struct_as_record=False)["EEG"]
            data = getattr(eeg, "data", None)
            return data if isinstance(data, str) else EMBEDDED
    except Exception:  # not a MATLAB 5 file, or damaged
        return None
    return None


def _check_eeglab(rs: RecordingSet) -> None:
    named = eeglab_data_name(rs.header.path)
    part = rs.companions.get(".fdt")
    if named is None:
        return
    if named == EMBEDDED:
        if part is not None:
            raise UnsupportedFormatError(f"{rs.label} holds its samples itself, so {part.name} is not part of it; "
                                         f"upload the .set alone.")
        return
    expected = _base(named)
    if part is None:
        raise RecordingError(f"{rs.label} keeps its samples in {expected}, which the upload does not include; upload "
                             f"the .set and .fdt files together, or one .zip of them.")
    # MNE also accepts <the .set's own stem>.fdt: a set renamed consistently still loads
    if part.name not in (expected, rs.label[: -len(".set")] + ".fdt"):
        raise RecordingError(f"{rs.label} names its data file {expected} but the upload has {part.name}, so the files "
                             f"were renamed after export; give the .fdt the name the .set uses ({expected}).")


# ---- staging --------------------------------------------------------------------------------------


def stage(rs: RecordingSet, folder: Path, limit: int) -> Path:
    """Copy the set into `folder` under fixed names; returns the staged header's path."""
    header_ext = rs.header.ext
    header = folder / f"{STAGED_STEM}{header_ext}"
    if header_ext == ".vhdr":
        raw = rs.header.path.read_bytes()
        with os.fdopen(private_file(header), "wb") as out:
            out.write(_REFERENCE.sub(lambda m: _rewritten(m, header_ext), raw))
    else:
        _place(rs.header, header, limit)
    for ext, part in rs.companions.items():
        _place(part, folder / f"{STAGED_STEM}{ext}", limit)
    return header


def _rewritten(match: re.Match[bytes], header_ext: str) -> bytes:
    ext = ".eeg" if match.group(1).lower() == b"datafile" else ".vmrk"
    return match.group(1) + b"=" + f"{STAGED_STEM}{ext}".encode() + match.group(3)


def _place(part: Part, target: Path, limit: int) -> None:
    if part.owned:
        os.replace(part.path, target)
    else:
        copy_private(part.path, target, limit, part.name)


# ---- zip archives ---------------------------------------------------------------------------------


def _unsafe_member(name: str) -> bool:
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in re.split(r"[\\/]+", name)


def unpack_zip(archive: Part, folder: Path, limit: int, max_members: int = MAX_ZIP_MEMBERS) -> list[Part]:
    """The EEG files of a zip, extracted into `folder` under generated names (checked first)."""
    try:
        zf = zipfile.ZipFile(archive.path)
    except (zipfile.BadZipFile, OSError):
        raise CorruptFileError(f"{archive.name} is not a readable .zip archive; zip the recording's files "
                               f"again.") from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        for member in zf.infolist():
            if _unsafe_member(member.filename):
                raise UnsupportedFormatError(f"{archive.name} contains a member with an unsafe path "
                                             f"({display_name(member.filename)} leaves the archive's folder); refusing "
                                             f"the archive: zip the recording's files without absolute or '..' paths.")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise UnsupportedFormatError(f"{archive.name} contains a link ({display_name(member.filename)}); "
                                             f"refusing the archive: zip the recording's files themselves.")
            if member.flag_bits & 0x1:
                raise UnsupportedFormatError(f"{archive.name} is password-protected; upload an unencrypted .zip.")
        if len(members) > max_members:
            raise UnsupportedFormatError(f"{archive.name} holds {len(members)} files, more than the {max_members} an "
                                         f"upload may unpack; zip only the recording's files.")
        declared = sum(m.file_size for m in members)
        if declared > limit:
            raise RecordingError(f"{archive.name} unpacks to {declared / 1024**2:.0f} MiB, above the upload limit "
                                 f"of {limit / 1024**2:.0f} MiB; upload the recording's files without the archive "
                                 f"or analyse it with the command line.")
        wanted = [m for m in members if extension_of(m.filename) in HEADER_EXTENSIONS + COMPANION_EXTENSIONS
                  and not _is_metadata(m.filename)]
        parts: list[Part] = []
        budget = limit
        for index, member in enumerate(wanted):
            target = folder / f"member-{index}"
            try:
                with zf.open(member) as stream:
                    budget -= copy_private(stream, target, budget, archive.name)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
                reason = str(exc)[:80] or type(exc).__name__
                raise CorruptFileError(f"{archive.name} is damaged ({display_name(member.filename)}: {reason}); "
                                       f"zip the recording's files again.") from None
            parts.append(Part(target, display_name(member.filename), owned=True))
    if not parts:
        raise UnsupportedFormatError(f"{archive.name} holds no EEG recording; zip a recording "
                                     f"({', '.join(HEADER_EXTENSIONS)}) with its companion files.")
    return parts


def _is_metadata(name: str) -> bool:
    """Archivers' side files (macOS resource forks), not recordings."""
    parts = re.split(r"[\\/]+", name)
    return "__MACOSX" in parts or parts[-1].startswith("._")


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
