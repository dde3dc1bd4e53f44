"""User-facing errors.

Every error a user can cause (a bad file, a missing channel, a bad config) is one of these: a
typed exception whose message is one sentence saying what is wrong and what to do. The CLI prints
the message and exits non-zero; the app shows it and keeps running. Anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations


class EEGReasonError(Exception):
    """Base class of errors a user can cause; `str(err)` is the sentence to show them."""

    exit_code = 2


class RecordingError(EEGReasonError):
    """A recording cannot be used as given."""


class UnsupportedFormatError(RecordingError):
    pass


class EmptyFileError(RecordingError):
    pass


class CorruptFileError(RecordingError):
    pass


class NoEEGChannelsError(RecordingError):
    pass


class BipolarMontageError(NoEEGChannelsError):
    """Every EEG channel is the difference of two electrodes (a bipolar derivation)."""


class MissingChannelsError(RecordingError):
    pass


class DuplicateChannelError(RecordingError):
    pass


class SamplingRateError(RecordingError):
    pass


class NonFiniteDataError(RecordingError):
    pass


class FlatRecordingError(RecordingError):
    pass


class RecordingTooShortError(RecordingError):
    pass


class UnitError(RecordingError):
    pass


class RecordingTooLargeError(RecordingError):
    """Reading the recording would take more memory than the analysis can have."""


class DatasetError(EEGReasonError):
    """A dataset folder does not have the layout its loader expects."""


class UnsafePickleError(DatasetError):
    pass


class ConfigError(EEGReasonError):
    """A config file or option is invalid."""


class CheckpointError(EEGReasonError):
    """A checkpoint or model folder is missing, incomplete or inconsistent."""


class ShapeError(EEGReasonError):
    """Tensors handed between components do not fit together."""


class EngineError(EEGReasonError):
    """An inference engine could not be started or failed on a request."""


class ReportError(EEGReasonError):
    """A stored report cannot be changed as asked."""


class UnresolvedClaimsError(ReportError):
    """Signing refused: claims in the model's reasoning fail against the evidence and were neither
    struck nor corrected, and the signer did not acknowledge them. `claims` lists them."""

    def __init__(self, message: str, claims: list[dict] | None = None):
        super().__init__(message)
        self.claims = list(claims or [])
