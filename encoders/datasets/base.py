"""The common trial record and loader interface shared by every emotion-EEG dataset loader.

Every loader turns its dataset's own files (formats in docs/datasets.md) into `Trial`
records with the same fields, so training and evaluation code never looks at a `.mat` key or a
pickle. One trial is one film clip watched by one subject in one session.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Iterable, Iterator

import numpy as np

from ..channels import electrode_positions
from ..errors import DatasetError
from ..log import get_logger
from ..recording import Annotation, Recording, RecordingMeta

log = get_logger(__name__)

KINDS = ("raw", "features")


@dataclass
class Trial:
    """One film clip of one subject in one session, from any dataset.

    `label` indexes the loader's `CLASS_NAMES` (so `CLASS_NAMES[label] == label_name`); each
    dataset keeps its own class set (no cross-dataset mapping here). `stimulus_id` is the same
    string wherever the same film clip was shown, for leave-stimulus-out splits. `features`, when
    the dataset ships feature files, maps a feature name (e.g. "de_LDS") to an array shaped
    (windows, channels, bands), whatever the on-disk layout was.
    """

    dataset: str
    subject: int
    session: int
    trial: int
    data: np.ndarray | None  # (C, S) float64 µV; None when only features were loaded
    ch_names: list[str]  # canonical 10-05 names (SEED's CB1/CB2 kept)
    sfreq: float  # sampling rate of `data`, or of the signal the features were computed from
    label: int | None
    label_name: str | None
    stimulus_id: str
    ratings: dict[str, float] = field(default_factory=dict)  # valence/arousal/dominance/liking
    features: dict[str, np.ndarray] | None = None  # name -> (windows, channels, bands)
    feature_window_s: float | None = None  # length of one feature window, seconds
    baseline: np.ndarray | None = None  # (C, S_b) µV pre-stimulus rest, where the dataset has one
    annotations: list[Annotation] = field(default_factory=list)  # onsets relative to `data`
    source: str = ""  # file name only, never the full path
    extra: dict[str, Any] = field(default_factory=dict)  # de-identified, dataset-specific facts

    @property
    def key(self) -> tuple[str, int, int, int]:
        """(dataset, subject, session, trial): unique per trial within a dataset."""
        return (self.dataset, self.subject, self.session, self.trial)

    def to_recording(self) -> Recording:
        """The trial's samples as a `Recording` (µV, canonical names, positions)."""
        if self.data is None:
            raise DatasetError(
                f"{self.dataset} subject {self.subject} session {self.session} trial {self.trial} "
                f"was loaded as features only and has no samples; load it with kind='raw' to get a "
                f"recording."
            )
        meta = RecordingMeta(
            source_name=self.source,
            file_format=f"{self.dataset} dataset",
            original_names=list(self.extra.get("original_names", self.ch_names)),
            set_aside=dict(self.extra.get("set_aside", {})),
            extra={
                "dataset": self.dataset,
                "subject": self.subject,
                "session": self.session,
                "trial": self.trial,
                "stimulus_id": self.stimulus_id,
                "label": self.label,
                "label_name": self.label_name,
                "ratings": dict(self.ratings),
            },
        )
        return Recording(self.data, list(self.ch_names), self.sfreq,
                         electrode_positions(self.ch_names), list(self.annotations), meta)


def shown(root: Path, *parts: str) -> str:
    """A path for messages: the root folder's own name and what follows, never the full path."""
    return "/".join([root.name or str(root), *parts])


def require_dir(root: Path, relative: str, hint: str) -> Path:
    """`root/relative` as a folder, or a DatasetError naming the expected layout."""
    path = root / relative
    if not path.is_dir():
        raise DatasetError(f"{shown(root, relative)} was not found; {hint}.")
    return path


def require_file(root: Path, relative: str, hint: str) -> Path:
    """`root/relative` as a non-empty file, or a DatasetError naming the expected layout."""
    path = root / relative
    if not path.is_file():
        raise DatasetError(f"{shown(root, relative)} was not found; {hint}.")
    if path.stat().st_size == 0:
        raise DatasetError(f"{shown(root, relative)} is empty (0 bytes); download that file again.")
    return path


def matching_files(folder: Path, pattern: re.Pattern[str]) -> list[tuple[re.Match[str], Path]]:
    """Files in `folder` whose name matches `pattern`, with the match, sorted by name."""
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.iterdir()):
        match = pattern.match(path.name)
        if match and path.is_file():
            out.append((match, path))
    return out


class DatasetLoader(ABC):
    """Reads one dataset folder into `Trial`s.

    Subclasses set NAME, CLASS_NAMES, KINDS (what the dataset ships), LAYOUT (one phrase telling
    the user what the root folder must contain) and implement `_check_layout`, `subjects` and
    `_iter`.
    """

    NAME: ClassVar[str]
    CLASS_NAMES: ClassVar[tuple[str, ...]]
    KINDS: ClassVar[tuple[str, ...]] = KINDS
    LAYOUT: ClassVar[str]

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()
        if not self.root.exists():
            raise DatasetError(f"The {self.NAME} folder {self.root.name or self.root} was not found; "
                               f"point --root at {self.LAYOUT}.")
        if not self.root.is_dir():
            raise DatasetError(f"{self.root.name} is a file, not a folder; point --root at {self.LAYOUT}.")
        self._check_layout()

    @abstractmethod
    def _check_layout(self) -> None:
        """Raise DatasetError unless at least one kind of data can be read from `root`."""

    @abstractmethod
    def subjects(self, kind: str | None = None) -> list[int]:
        """Subject numbers present on disk (for `kind`, or for any kind), sorted."""

    @abstractmethod
    def _iter(self, kind: str, subjects: list[int]) -> Iterator[Trial]:
        """Trials of `subjects` for an already-checked `kind`."""

    def available_kinds(self) -> list[str]:
        """The kinds whose files are present (subset of KINDS)."""
        return list(self.KINDS)

    def _check_kind(self, kind: str) -> None:
        """Raise DatasetError naming the missing folder/file when `kind` cannot be read."""

    def iter_trials(self, kind: str = "raw", subjects: Iterable[int] | None = None) -> Iterator[Trial]:
        """Yield trials one file at a time (a subject's file is read once, never all at once)."""
        if kind not in KINDS:
            raise DatasetError(f"kind must be 'raw' or 'features', not {kind!r}.")
        if kind not in self.KINDS:
            what = "feature" if kind == "features" else "raw EEG"
            raise DatasetError(f"{self.NAME} ships no released {what} files; use kind="
                               f"{' or '.join(repr(k) for k in self.KINDS)}.")
        self._check_kind(kind)
        present = self.subjects(kind)
        wanted = present if subjects is None else [int(s) for s in subjects]
        missing = sorted(set(wanted) - set(present))
        if missing:
            raise DatasetError(
                f"Subject(s) {', '.join(map(str, missing))} are not in the {self.NAME} folder "
                f"{self.root.name}; available subjects are {', '.join(map(str, present)) or 'none'}."
            )
        return self._iter(kind, sorted(set(wanted)))

    def describe(self) -> dict[str, Any]:
        """A de-identified summary of what is on disk (safe for logs and reports)."""
        subjects = self.subjects()
        return {
            "name": self.NAME,
            "root": self.root.name,
            "kinds": self.available_kinds(),
            "classes": list(self.CLASS_NAMES),
            "n_subjects": len(subjects),
            "subjects": subjects,
            **self._describe_extra(),
        }

    def _describe_extra(self) -> dict[str, Any]:
        return {}


class FolderPerKindLoader(DatasetLoader):
    """A dataset with one folder for raw recordings and one for released features (the SEED
    family): the layout checks and messages shared by those loaders.

    Subclasses also set FOLDERS (kind → folder name), FILES (kind → the files a folder must hold,
    as the user should read it) and implement `_files(kind)`; `_check_extra_files` checks files
    outside the two folders (label tables).
    """

    FOLDERS: ClassVar[dict[str, str]]
    FILES: ClassVar[dict[str, str]]
    NAMED_WHEN_MISSING: ClassVar[str] = "raw"  # the folder a message names when neither exists

    @abstractmethod
    def _files(self, kind: str) -> list:
        """The files of `kind` on disk (each entry as the subclass's readers want it)."""

    def available_kinds(self) -> list[str]:
        return [kind for kind in self.KINDS if self._files(kind)]

    def _check_layout(self) -> None:
        if not any((self.root / folder).is_dir() for folder in self.FOLDERS.values()):
            raise DatasetError(f"{shown(self.root, self.FOLDERS[self.NAMED_WHEN_MISSING])} was not found; "
                               f"point --root at {self.LAYOUT}.")
        for kind, folder in self.FOLDERS.items():
            if (self.root / folder).is_dir() and not self._files(kind):
                raise DatasetError(f"{shown(self.root, folder)} contains no {self.FILES[kind]}; copy the "
                                   f"dataset's files into it or point --root at {self.LAYOUT}.")
        self._check_extra_files()

    def _check_extra_files(self) -> None:
        """Raise DatasetError when a file the loader needs besides the two folders is missing."""

    def _check_kind(self, kind: str) -> None:
        if not self._files(kind):
            raise DatasetError(f"{shown(self.root, self.FOLDERS[kind])} was not found; point --root at the "
                               f"folder that contains {self.FOLDERS[kind]} to load {self.NAME.upper()} {kind}.")

