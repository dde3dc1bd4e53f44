"""Recordings written the way other tools and labs write them (pyedflib, edfio, BioSemi, pybv and
hand-written BrainVision in both orientations, code pages and data formats, EEGLAB from eeglabio,
savemat and MATLAB v7.3, MNE's FIF with bads and projectors), by a writer who never saw the reader
(tests/foreign_eeg/make_files.py, which states what a reader should make of each). Each is read as
the manifest says, with its 20 µV 10 Hz test channel at 20 µV, or refused with a typed error; none
crashes the reader or the analysis."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from encoders.analysis import analyse_recording
from encoders.channels import normalize_channel_name
from encoders.errors import CorruptFileError, EEGReasonError, UnsupportedFormatError
from encoders.io import read_recording

GENERATOR = Path(__file__).parent / "foreign_eeg" / "make_files.py"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("foreign_make_files", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def foreign(generator, tmp_path_factory):
    out = tmp_path_factory.mktemp("foreign")
    return out, generator.main(out, check_with_mne=False)


def _amplitude_at_10_hz(x: np.ndarray, sfreq: float) -> float:
    window = np.hanning(len(x))
    spectrum = np.abs(np.fft.rfft(x * window)) * 2 / window.sum()
    return float(spectrum[np.argmin(np.abs(np.fft.rfftfreq(len(x), 1 / sfreq) - 10.0))])


def _outcome(path: Path):
    """("read", recording) when it is read and analysed, else ("refuse", the typed error)."""
    try:
        recording = read_recording(path)
        analyse_recording(recording)
    except EEGReasonError as error:
        return "refuse", error
    return "read", recording


def test_the_set_is_what_it_says(foreign):
    _, manifest = foreign
    assert len(manifest) == 30 and {e["expect"] for e in manifest} == {"read", "refuse"}
    assert sum(e["expect"] == "refuse" for e in manifest) == 5  # and two where either is acceptable


def test_every_file_is_read_as_its_writer_says_or_refused_with_a_typed_error(foreign):
    out, manifest = foreign
    wrong = []
    for entry in manifest:
        outcome, got = _outcome(out / entry["path"])
        acceptable = {entry["expect"], *(entry.get("acceptable") or [])}
        if outcome not in acceptable:
            wrong.append((entry["path"], entry["expect"], outcome, str(got)[:200]))
            continue
        if outcome == "read" and entry["expect"] == "read":
            recording = got
            problems = []
            if recording.n_channels != entry["channels"]:
                problems.append(f"{recording.n_channels} EEG channels, not {entry['channels']}")
            if abs(recording.sfreq - float(entry["sfreq"])) > 0.01:
                problems.append(f"{recording.sfreq} Hz, not {entry['sfreq']}")
            if abs(recording.duration - float(entry["duration_s"])) > 1.0:
                problems.append(f"{recording.duration:.1f} s, not {entry['duration_s']}")
            name = normalize_channel_name(str(entry["test_channel"]))
            if name not in recording.ch_names:
                problems.append(f"test channel {entry['test_channel']} read as none of {recording.ch_names[:5]} …")
            else:
                amplitude = _amplitude_at_10_hz(recording.data[recording.ch_names.index(name)], recording.sfreq)
                if abs(amplitude - float(entry["amplitude_uv"])) > 1.0:
                    problems.append(f"test channel {amplitude:.2f} µV, not {entry['amplitude_uv']}")
            if problems:
                wrong.append((entry["path"], "; ".join(problems)))
    assert not wrong, "\n".join(map(str, wrong))


def test_a_discontinuous_edf_is_refused_with_where_its_first_gap_is(foreign):
    out, _ = foreign
    with pytest.raises(UnsupportedFormatError, match=r"discontinuous EDF\+ recording with 2 gaps .*first at 20 s, 10 s long"):
        read_recording(out / "edf" / "e11_hand_edfplusD_discontinuous.edf")


def test_a_brainvision_header_naming_a_missing_samples_file_says_which(foreign):
    out, _ = foreign
    with pytest.raises(CorruptFileError, match=r"names its samples file 'v06_hand_datafile_missing.eeg', which is not "
                                               r"beside it"):
        read_recording(out / "brainvision" / "v06_hand_datafile_missing.vhdr")


def test_a_brainvision_set_in_the_windows_code_page_keeps_its_marker_text(foreign):
    out, _ = foreign
    recording = read_recording(out / "brainvision" / "v05_hand_ansi_latin1_res0.0488.vhdr")
    assert any(not a.description.isascii() for a in recording.annotations)
    assert not list((out / "brainvision").glob("*utf8*"))  # nothing written beside the set


def test_an_edf_marked_discontinuous_whose_records_follow_each_other_is_read(generator, tmp_path):
    """Some recorders mark every file EDF+D: only real gaps between records are refused."""
    sfreq, seconds = 256, 20
    data = generator.synth(19, sfreq, seconds, 3, generator.STD19.index("Fz")) * 1e6
    signals = [generator.sig(name, data[i], "uV", -500, 500, -32768, 32767, sfreq) for i, name in enumerate(generator.STD19)]
    signals.append({"annot": True, "spr": 30})
    path = tmp_path / "contiguous_edfplusD.edf"
    generator.write_edf_hand(str(path), signals, 1, seconds, patient="X X X X", recording="Startdate 01-JAN-2024 X X x",
                             reserved="EDF+D", record_onsets=[float(r) for r in range(seconds)])
    recording = read_recording(path)
    assert recording.n_channels == 19 and abs(recording.duration - seconds) < 1e-6
