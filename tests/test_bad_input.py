"""Every way a file can be unusable gives a typed error with one clear sentence; the CLI exits
non-zero without a traceback."""

from __future__ import annotations

import numpy as np
import pytest

from eeg_files import eeg_like, write_edf, write_fif
from encoders import errors
from encoders.analysis import analyse_recording
from encoders.channels import montage
from encoders.io import read_recording
from test_cli import run_cli

NAMES = montage("emotiv14")


def _file(path, content: bytes):
    path.write_bytes(content)
    return path


def _truncated(tmp_path):
    path = write_edf(tmp_path / "cut.edf", eeg_like(14, 128.0, 20.0), NAMES, 128.0)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def _corrupt(tmp_path):
    path = tmp_path / "garbage.edf"
    path.write_bytes(b"0       " + bytes(np.random.default_rng(0).integers(0, 255, 3000, dtype=np.uint8)))
    return path


CASES = {
    "empty": (lambda p: _file(p / "empty.edf", b""), errors.EmptyFileError, "empty"),
    "truncated": (_truncated, errors.CorruptFileError, "truncated"),
    "corrupt": (_corrupt, errors.CorruptFileError, "damaged"),
    "unknown format": (lambda p: _file(p / "data.xyz", b"\x00\x01 binary"),
                       errors.UnsupportedFormatError, "supported formats"),
    "no eeg channels": (lambda p: write_edf(p / "aux.edf", eeg_like(3, 128.0, 10.0), ["ECG", "Resp", "ch7"], 128.0),
                        errors.NoEEGChannelsError, "no EEG channels"),
    "nan samples": (lambda p: write_fif(p / "nan_raw.fif", np.where(np.arange(128 * 10) % 97 == 0, np.nan,
                                        eeg_like(14, 128.0, 10.0)), NAMES, 128.0),
                    errors.NonFiniteDataError, "NaN or infinite"),
    "flat": (lambda p: write_fif(p / "flat_raw.fif", np.zeros((14, 1280)), NAMES, 128.0),
             errors.FlatRecordingError, "flat on every EEG channel"),
    "low rate": (lambda p: write_fif(p / "slow_raw.fif", eeg_like(14, 50.0, 20.0), NAMES, 50.0),
                 errors.SamplingRateError, "50 Hz"),
    "duplicate names": (lambda p: write_edf(p / "dup.edf", eeg_like(3, 128.0, 10.0), ["Fp1", "Fp1", "Cz"], 128.0),
                        errors.DuplicateChannelError, "more than one channel named Fp1"),
    # A clinical double-banana montage as CHB-MIT stores it (T8-P8 twice, renumbered by the reader).
    "bipolar montage": (lambda p: write_edf(p / "chb.edf", eeg_like(8, 128.0, 10.0),
                                            ["FP1-F7", "F7-T7", "T7-P7", "P7-O1", "FZ-CZ", "CZ-PZ", "T8-P8", "T8-P8"],
                                            128.0),
                        errors.BipolarMontageError, r"bipolar derivations \(FP1-F7"),
    # The same with a stimulator channel no reader knows: still the montage's error, not "no EEG".
    "bipolar and unknown": (lambda p: write_edf(p / "chb_vns.edf", eeg_like(4, 128.0, 10.0),
                                                ["FP1-F7", "F7-T7", "T7-P7", "VNS"], 128.0),
                            errors.BipolarMontageError, r"bipolar derivations \(FP1-F7, F7-T7, T7-P7\)"),
    "biosemi sockets": (lambda p: write_edf(p / "cap.edf", eeg_like(5, 128.0, 10.0), ["A1", "A2", "B1", "B2", "EXG1"],
                                            128.0),
                        errors.NoEEGChannelsError, r"BioSemi cap sockets \(A1–H32\) \(A1, A2, B1, B2, EXG1\)"),
    "numbered channels": (lambda p: write_edf(p / "num.edf", eeg_like(3, 128.0, 10.0), ["EEG 1", "EEG 2", "EEG 3"],
                                              128.0),
                          errors.NoEEGChannelsError, "only channel numbers"),
    "old and new name": (lambda p: write_edf(p / "t3t7.edf", eeg_like(3, 128.0, 10.0), ["T3", "T7", "Cz"], 128.0),
                         errors.DuplicateChannelError, "two channels for electrode T7"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_read_errors_are_typed_sentences(tmp_path, case):
    make, kind, words = CASES[case]
    path = make(tmp_path)
    with pytest.raises(kind, match=words) as info:
        read_recording(path)
    message = str(info.value)
    assert message.count(". ") == 0 and message.endswith((".", ")")) and path.name in message
    assert isinstance(info.value, errors.EEGReasonError)


def test_too_short_for_one_window(tmp_path):
    path = write_fif(tmp_path / "short_raw.fif", eeg_like(14, 128.0, 2.5), NAMES, 128.0)
    rec = read_recording(path)
    with pytest.raises(errors.RecordingTooShortError, match="shorter than one 4-s analysis window"):
        analyse_recording(rec)


@pytest.mark.parametrize("case", ["truncated", "no eeg channels", "flat", "duplicate names"])
def test_inspect_and_ask_exit_non_zero_without_traceback(tmp_path, case):
    path = CASES[case][0](tmp_path)
    for command in ("inspect", "ask"):
        result = run_cli(command, str(path))
        assert result.returncode == 2, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().startswith("eegreason: error:") and len(result.stderr.strip().splitlines()) == 1


def test_too_short_through_the_cli(tmp_path):
    path = write_fif(tmp_path / "short_raw.fif", eeg_like(14, 128.0, 2.0), NAMES, 128.0)
    result = run_cli("inspect", str(path))
    assert result.returncode == 2 and "shorter than one" in result.stderr and "Traceback" not in result.stderr


def test_channels_against_one_named_electrode_are_read_as_that_reference(tmp_path):
    """"Fp1-Cz", "Fp2-Cz", … is a referential recording against Cz (re-referenced like any other);
    bipolar derivations mixed into a referential file are set aside with their reason."""
    names = ["Fp1-Cz", "Fp2-Cz", "F3-Cz", "F4-Cz", "O1-Cz", "O2-Cz"]
    rec = read_recording(write_edf(tmp_path / "cz.edf", eeg_like(6, 128.0, 10.0), names, 128.0))
    assert rec.ch_names == ["Fp1", "Fp2", "F3", "F4", "O1", "O2"]
    mixed = ["EEG Fp1-REF", "EEG Fp2-REF", "EEG C3-REF", "EEG C4-REF", "EEG F7-T7", "EEG F8-T8"]
    rec = read_recording(write_edf(tmp_path / "mixed.edf", eeg_like(6, 128.0, 10.0), mixed, 128.0))
    assert rec.ch_names == ["Fp1", "Fp2", "C3", "C4"]
    assert "bipolar derivation (F7 − T7)" in rec.meta.set_aside["EEG F7-T7"]
