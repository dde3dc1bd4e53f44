"""Reading EDF, BDF and FIF files written by their own writers."""

from __future__ import annotations

import numpy as np
import pytest

from eeg_files import eeg_like, write_edf, write_fif
from encoders.channels import montage
from encoders.io import read_recording


def test_edf_round_trip_with_names_annotations_and_aux(tmp_path):
    raw_names = ["EEG FP1-REF", "EEG FP2-REF", "EEG T3-REF", "EEG T4-REF", "EEG CZ-REF", "ECG", "Status"]
    data = eeg_like(len(raw_names), 256.0, 12.0, seed=3)
    path = write_edf(tmp_path / "clinic.edf", data, raw_names, 256.0,
                     annotations=[(1.5, 0.0, "eyes closed")], patient_name="Jane Doe")
    rec = read_recording(path)
    assert rec.ch_names == ["Fp1", "Fp2", "T7", "T8", "Cz"]
    assert rec.meta.set_aside == {"ECG": "ecg", "Status": "stim"}
    assert rec.sfreq == 256.0 and rec.n_samples == 256 * 12
    # 16-bit EDF quantisation: step = range / 65535.
    step = np.abs(data[:5]).max(axis=1) * 2.1 / 65535
    assert np.all(np.abs(rec.data - data[:5]).max(axis=1) <= 2 * step)  # header fields hold 8 characters
    assert [a.description for a in rec.annotations] == ["eyes closed"]
    assert np.isfinite(rec.positions).all()
    # identifiers stay out unless asked for
    assert rec.meta.identifiers == {}
    assert "Jane" not in repr(rec.describe())
    with_ids = read_recording(path, keep_identifiers=True)
    assert any("Jane" in v for v in with_ids.meta.identifiers.values())


def test_bdf_round_trip_24_bit(tmp_path):
    names = montage("emotiv14")
    data = eeg_like(14, 128.0, 10.0, seed=4)
    rec = read_recording(write_edf(tmp_path / "x.bdf", data, names, 128.0, bdf=True))
    assert rec.meta.file_format == "BDF"
    assert rec.ch_names == names
    assert np.abs(rec.data - data).max() < 1e-3  # 24-bit: sub-nanovolt steps


def test_fif_round_trip_keeps_types_and_synthetic_mark(tmp_path):
    names = montage("1020-19") + ["EOG1"]
    data = eeg_like(20, 200.0, 8.0, seed=5)
    path = write_fif(tmp_path / "x_raw.fif", data, names, 200.0, types=["eeg"] * 19 + ["eog"],
                     description="SYNTHETIC test")
    rec = read_recording(path)
    assert rec.ch_names == montage("1020-19")
    assert rec.meta.set_aside == {"EOG1": "eog"}
    assert rec.meta.synthetic is True
    np.testing.assert_allclose(rec.data, data[:19], atol=1e-6)


def test_units_stored_in_volts_are_detected(tmp_path):
    names = montage("emotiv14")
    data = eeg_like(14, 128.0, 8.0)
    # µV numbers written as if they were volts: MNE returns them 1e6 too large.
    info_path = write_fif(tmp_path / "bad_units_raw.fif", data * 1e6, names, 128.0)
    rec = read_recording(info_path)
    assert rec.meta.units_note and "rescaled" in rec.meta.units_note
    assert 1 < np.median(rec.data.std(axis=1)) < 200


@pytest.mark.parametrize("name", ["recording.edf", "recording.bdf", "recording_raw.fif"])
def test_wrong_content_for_extension_is_a_clear_error(tmp_path, name):
    from encoders.errors import CorruptFileError

    path = tmp_path / name
    path.write_text("this is a text file, not EEG\n" * 20)
    with pytest.raises(CorruptFileError, match="not a valid"):
        read_recording(path)


@pytest.mark.parametrize("fmt, name", [("brainvision", "rec.vhdr"), ("eeglab", "rec.set")])
def test_brainvision_and_eeglab_round_trip(tmp_path, fmt, name):
    import mne

    names = montage("1020-19")
    data = eeg_like(19, 250.0, 10.0, seed=8)
    raw = mne.io.RawArray(data * 1e-6, mne.create_info(names, 250.0, "eeg"), verbose="error")
    path = tmp_path / name
    mne.export.export_raw(str(path), raw, fmt=fmt, verbose="error")
    rec = read_recording(path)
    assert rec.ch_names == names and rec.sfreq == 250.0
    assert rec.meta.file_format == {"brainvision": "BrainVision", "eeglab": "EEGLAB"}[fmt]
    np.testing.assert_allclose(rec.data, data, atol=0.05)  # BrainVision stores 0.1 µV steps


@pytest.fixture(scope="module")
def brainvision_set(tmp_path_factory):
    import mne

    names = montage("1020-19")
    raw = mne.io.RawArray(eeg_like(19, 250.0, 6.0, seed=11) * 1e-6, mne.create_info(names, 250.0, "eeg"),
                          verbose="error")
    path = tmp_path_factory.mktemp("bv") / "session 3.vhdr"
    mne.export.export_raw(str(path), raw, fmt="brainvision", verbose="error")
    return path


@pytest.mark.parametrize("companion, header", [(".vmrk", ".vhdr"), (".eeg", ".vhdr")])
def test_brainvision_companion_file_names_the_header_to_give(brainvision_set, companion, header):
    from encoders.errors import UnsupportedFormatError

    assert read_recording(brainvision_set).n_channels == 19  # the header itself reads
    with pytest.raises(UnsupportedFormatError) as info:
        read_recording(brainvision_set.with_suffix(companion))
    message = str(info.value)
    assert f"session 3{companion}" in message and header in message
    assert "damaged" not in message and "truncated" not in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence


def test_eeglab_data_file_names_the_set_to_give(tmp_path):
    from encoders.errors import UnsupportedFormatError

    fdt = tmp_path / "rest.fdt"
    fdt.write_bytes(np.arange(4000, dtype="<f4").tobytes())  # an .fdt is bare float32 samples
    with pytest.raises(UnsupportedFormatError, match=r"rest\.fdt .*\.set file"):
        read_recording(fdt)


@pytest.mark.parametrize("sample", ["synthetic-fear-32ch_SYNTHETIC.edf", "synthetic-happy-62ch_SYNTHETIC.edf"])
def test_bundled_samples_export_to_brainvision_and_read_back(tmp_path, sample):
    """MNE's BrainVision export (pybv) writes annotation text unescaped into comma-separated marker
    lines: the samples' annotations must survive that, for MNE and for eegreason."""
    import mne

    from encoders.paths import repo_root

    source = read_recording(repo_root() / "serve" / "samples" / sample)
    raw = mne.io.read_raw_edf(repo_root() / "serve" / "samples" / sample, preload=True, verbose="error")
    target = tmp_path / "exported.vhdr"
    mne.export.export_raw(str(target), raw, fmt="brainvision", verbose="error")
    back = mne.io.read_raw_brainvision(str(target), verbose="error")
    # MNE names BrainVision comments "Comment/<text>"
    texts = [d.removeprefix("Comment/") for d in back.annotations.description if d.startswith("Comment/")]
    assert " ".join(texts) == " ".join(a.description for a in source.annotations)
    rec = read_recording(target)
    assert rec.meta.synthetic and rec.meta.file_format == "BrainVision"  # still labelled synthetic
    assert rec.ch_names == source.ch_names and rec.data.shape == source.data.shape
    np.testing.assert_allclose(rec.data, source.data, atol=0.06)  # BrainVision keeps 0.1 µV steps
