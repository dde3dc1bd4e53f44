"""Files the fuzz run (bench/reliability) broke the product with, rebuilt from the harness's own case
generator (master seed 0, the case index) and run as the run ran them (a worker with a 4 GiB address
space and a timeout), and the same bugs again from inputs written here by hand: sampling rates up
to 100 kHz, EDF headers with impossible counts, FIF files with an unknown channel kind or a data tag
that claims gigabytes, pickles that declare terabytes."""

from __future__ import annotations

import io
import pickle
import shutil
import struct
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from eeg_files import eeg_like, write_edf, write_fif
from encoders import errors
from encoders.channels import electrode_positions, montage
from encoders.io import read_recording

NAMES = montage("emotiv14")


def one_sentence(text: str) -> bool:
    return bool(text) and "\n" not in text and text.endswith(".")


# ---- the run's cases, rebuilt ---------------------------------------------------------------------

# case index -> (what the generator must build for the case to still be the bug, the outcome now).
CASES = {
    706: ({"kind": "extreme", "format": "fif", "sfreq": 20000.0}, "accepted"),  # notch: stop bands overlapped
    125: ({"kind": "extreme", "sfreq": 100000.0}, "accepted"),  # notch band above Nyquist
    193: ({"kind": "header_edit", "format": "edf", "field": "n_signals"}, "CorruptFileError"),  # seek(-N)
    218: ({"kind": "byte_run", "format": "fif"}, "CorruptFileError"),  # unknown channel kind, after the read
    1429: ({"kind": "header_edit", "format": "fif.gz", "part": "kind"}, "CorruptFileError"),  # the same
    1583: ({"kind": "header_edit", "format": "fif.gz"}, "CorruptFileError"),  # a 2 GiB data tag in 60 KB
    # Found by 3,000-file runs while these were fixed (a header-only open first): tags leading in a
    # circle in a .fif.gz (MNE's walk never ended),
    761: ({"kind": "byte_run", "format": "fif.gz"}, "CorruptFileError"),
    # a tag leading back once, then on to the end: read from its tags as before,
    2153: ({"kind": "header_edit", "format": "fif", "edit": "tag_size"}, "accepted"),
    # an EEGLAB header claiming 10^9 or -1 samples beside the samples it holds (read by what it holds),
    806: ({"kind": "header_edit", "format": "set", "field": "pnts"}, "accepted"),
    472: ({"kind": "header_edit", "format": "set", "field": "pnts"}, "accepted"),
    # an EEGLAB file without its extension (the lazy reader insists on one),
    253: ({"kind": "wrong_extension", "format": "set", "extension": "(none)"}, "accepted"),
    # and an EDF declaring -12 records (MNE counts them in the file).
    944: ({"kind": "header_edit", "format": "edf", "field": "n_records"}, "accepted"),
    # Found by the 10,000-file run: a BrainVision recording cut to a fraction of a second (the fast
    # line-noise estimate assumed one whole Welch segment),
    559: ({"kind": "truncate", "format": "vhdr"}, "RecordingTooShortError"),
    # and a .fif.gz tag pointing before the file's start (a gzip handle seeks there to byte 0, so the
    # walk crept back through 600 million positions).
    8768: ({"kind": "byte_run", "format": "fif.gz"}, "CorruptFileError"),
}


@pytest.fixture(scope="module")
def fuzz_results() -> dict[int, dict]:
    from bench.reliability.fuzz import run_corpus
    from bench.reliability.seeds import build_seeds

    work = Path(tempfile.mkdtemp(prefix="eegreason-fuzz-regressions-"))
    try:
        seeds = build_seeds(work / "seeds")
        tasks = [{"index": index, "master_seed": 0} for index in CASES]
        results, _ = run_corpus(tasks, seeds, work, workers=2, timeout_s=120.0, memory_gib=4.0, progress=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {r["index"]: r for r in results}


def _flat(case: dict) -> dict:
    """The case description with its detail's fields beside the top-level ones."""
    out = {k: v for k, v in case.items() if k != "detail"}
    detail = case.get("detail") or {}
    out.update(detail)
    for step in detail.get("steps", []):
        out.update(step)
    return out


@pytest.mark.parametrize("index", list(CASES))
def test_the_fuzz_runs_failures_are_fixed(fuzz_results, index):
    expected_case, expected = CASES[index]
    result = fuzz_results[index]
    case = _flat(result["case"])
    # The generator still builds the file that broke the product (else this test proves nothing).
    assert {k: case.get(k) for k in expected_case} == expected_case, result["case"]
    assert result["outcome"] not in ("traceback", "nonfinite", "hang", "crash"), result
    if expected == "accepted":
        assert result["outcome"] == "accepted" and result["stage"] is None, result
    else:
        assert result["outcome"] == "refused" and result["error_type"] == expected, result
        assert one_sentence(result["message"]), result["message"]


# ---- sampling rates across the accepted range --------------------------------------------------------

def _band_limited(names: list[str], sfreq: float, seconds: float) -> np.ndarray:
    """The same continuous signal at any rate: rhythms in every band plus 50 Hz mains (µV)."""
    t = np.arange(int(round(sfreq * seconds))) / sfreq
    rhythms = [(2.5, 12.0), (6.0, 9.0), (10.0, 20.0), (21.0, 6.0), (38.0, 3.0)]
    rows = []
    for c in range(len(names)):
        x = sum(a * np.sin(2 * np.pi * f * t + 0.7 * c + f) for f, a in rhythms)
        rows.append(x * (1 + 0.15 * c) + 25.0 * np.sin(2 * np.pi * 50.0 * t))
    return np.array(rows)


def _recording(names, data, sfreq):
    from encoders.recording import Recording

    return Recording(data, names, sfreq, electrode_positions(names))


@pytest.mark.parametrize("sfreq", [16_000.0, 20_000.0, 50_000.0, 100_000.0])
def test_features_at_very_high_rates_match_the_same_signal_at_5_khz(sfreq):
    """Filtering used to fail above 16 kHz (notch bands meeting, then crossing Nyquist); now a
    recording at any accepted rate gives the band features the same signal gives at 5 kHz, the rate
    it is filtered at. (Between 1 and 5 kHz, features of the last, filter-edge window already
    differed by up to 14% in the gamma band; that is the filters' edge, not this change.)"""
    from encoders.analysis import analyse_recording

    names = ["F3", "F4", "Cz"]
    reference = analyse_recording(_recording(names, _band_limited(names, 5000.0, 8.0), 5000.0))
    fast = analyse_recording(_recording(names, _band_limited(names, sfreq, 8.0), sfreq))
    assert fast.features.shape == reference.features.shape and np.isfinite(fast.features).all()
    np.testing.assert_allclose(fast.band_power, reference.band_power, rtol=0.02)
    steps = fast.recording.meta.preprocessing
    assert steps[0] == {"step": "limit_rate", "max_sfreq": 5000.0, "from_sfreq": sfreq}
    from reports.identity import recording_meta

    assert recording_meta("x.fif", fast)["sampling_rate_hz"] == sfreq  # the note states the file's own rate


@pytest.mark.parametrize("sfreq", [200.0, 256.0, 512.0, 1000.0, 2048.0, 5000.0])
def test_recordings_up_to_5_khz_are_filtered_exactly_as_before(sfreq):
    """The rate limit leaves every common rate alone: bit-identical to the pipeline without it."""
    from encoders.preprocess import BandPass, Notch, Pipeline, Reference, Resample, default_pipeline

    rec = _recording(NAMES, eeg_like(14, sfreq, 6.0, seed=4), sfreq)
    before = Pipeline((BandPass(1.0, 50.0), Notch(50.0), Resample(200.0), Reference("auto")))(rec)
    after = default_pipeline(50.0)(rec)
    assert np.array_equal(before.data, after.data)
    assert after.meta.preprocessing[0] == {"step": "limit_rate", "max_sfreq": 5000.0,
                                           "skipped": "at or below the limit"}


@pytest.mark.parametrize("sfreq", [64.0, 101.0, 250.0, 9_999.0, 19_600.0, 20_000.0, 33_333.0, 99_999.0, 100_000.0])
@pytest.mark.parametrize("mains", [50.0, 60.0])
def test_the_notch_alone_is_valid_at_any_rate(sfreq, mains):
    """A pipeline without the rate limit (a configuration written by hand) still filters: the notch
    cuts only harmonics whose bands fit below Nyquist without meeting the next one."""
    import mne

    from encoders.preprocess import Notch, notch_harmonics

    freqs = notch_harmonics(mains, sfreq)
    half = freqs / 400 + 0.5
    assert np.all(freqs + half < sfreq / 2) and np.all((freqs + half)[:-1] < (freqs - half)[1:])
    if sfreq <= 16_000:  # where every harmonic below Nyquist already fitted, all are kept
        every = np.arange(mains, sfreq / 2, mains)
        assert np.array_equal(freqs, every[every < sfreq / 2 - 1])
    if freqs.size and sfreq <= 20_000:  # the filter MNE builds from them (slow at the highest rates)
        data = eeg_like(1, sfreq, 2.0, seed=1)
        out = mne.filter.notch_filter(data, sfreq, freqs, verbose="error")
        assert np.isfinite(out).all()
    rec = _recording(["Cz"], eeg_like(1, sfreq, 2.0, seed=1), sfreq) if sfreq <= 1000 else None
    if rec is not None:
        assert np.isfinite(Notch(mains).apply(rec).data).all()


# ---- EDF/BDF headers with impossible counts ---------------------------------------------------------

def _edf(tmp_path: Path, bdf: bool = False) -> Path:
    return write_edf(tmp_path / ("rec.bdf" if bdf else "rec.edf"), eeg_like(4, 128.0, 6.0), NAMES[:4], 128.0, bdf=bdf)


def _set_field(path: Path, start: int, width: int, value: str) -> Path:
    data = bytearray(path.read_bytes())
    data[start:start + width] = value.ljust(width).encode("ascii")[:width]
    path.write_bytes(bytes(data))
    return path


def _cut(path: Path, size: int) -> Path:
    path.write_bytes(path.read_bytes()[:size])
    return path


def _signals(path: Path) -> int:
    return int(path.read_bytes()[252:256].decode("ascii"))


def _samples_field(path: Path, signal: int) -> int:
    """Offset of a signal's samples-per-record field: after 216 bytes of every signal's other fields."""
    return 256 + _signals(path) * 216 + 8 * signal


EDF_EDITS = {  # name -> (edit, words the sentence must contain; {n} is the file's signal count)
    "negative signal count": (lambda p: _set_field(p, 252, 4, "-999"), "-999 signals"),
    "zero signals": (lambda p: _set_field(p, 252, 4, "0"), "0 signals"),
    "more signals than the file can hold": (lambda p: _set_field(p, 252, 4, "9999"), "9999 signals"),
    "signal count not a number": (lambda p: _set_field(p, 252, 4, "x4"), "not a number"),
    "header size off": (lambda p: _set_field(p, 184, 8, "1024"), "header size"),
    "negative header size": (lambda p: _set_field(p, 184, 8, "-1280"), "header size"),
    "absurd record count": (lambda p: _set_field(p, 236, 8, "99999999"), "truncated"),
    "negative samples per record": (lambda p: _set_field(p, _samples_field(p, 0), 8, "-128"), "-128 samples"),
    "zero samples per record": (lambda p: _set_field(p, _samples_field(p, 1), 8, "0"), "0 samples"),
    "cut inside the fixed header": (lambda p: _cut(p, 200), "too short"),
    "cut inside the signal headers": (lambda p: _cut(p, 600), "{n} signals"),
}


@pytest.mark.parametrize("bdf", [False, True], ids=["edf", "bdf"])
@pytest.mark.parametrize("edit", list(EDF_EDITS))
def test_impossible_edf_header_counts_are_refused_before_use(tmp_path, edit, bdf):
    change, words = EDF_EDITS[edit]
    path = _edf(tmp_path, bdf)
    words = words.format(n=_signals(path))
    with pytest.raises(errors.CorruptFileError) as info:
        read_recording(change(path))
    message = str(info.value)
    assert words in message and one_sentence(message), message


@pytest.mark.parametrize("records", ["-1", "-12"])
def test_an_edf_with_unknown_length_still_reads(tmp_path, records):
    """-1 records ("unknown", written while recording) is not an impossible count, and MNE counts
    the records in the file whatever negative number the header gives."""
    rec = read_recording(_set_field(_edf(tmp_path), 236, 8, records))
    assert rec.n_channels == 4 and rec.n_samples == 128 * 6


# ---- FIF: an unknown channel kind, a data tag that claims gigabytes ------------------------------------

FIF_CH_INFO = struct.pack(">ii", 203, 30)  # tag kind FIFF_CH_INFO, type FIFFT_CH_INFO_STRUCT (big-endian)
FIF_DATA_BUFFER = 300


def _fif(tmp_path: Path) -> Path:
    return write_fif(tmp_path / "rec_raw.fif", eeg_like(14, 128.0, 20.0), NAMES, 128.0)


def _gzip(path: Path) -> Path:
    import gzip

    target = path.with_name(path.name + ".gz")
    target.write_bytes(gzip.compress(path.read_bytes(), mtime=0))
    return target


@pytest.mark.parametrize("compressed", [False, True], ids=["fif", "fif.gz"])
@pytest.mark.parametrize("kind", [12345, -30, 808464432])
def test_an_unknown_fif_channel_kind_is_refused_with_a_sentence(tmp_path, kind, compressed):
    path = _fif(tmp_path)
    data = bytearray(path.read_bytes())
    at = data.find(FIF_CH_INFO, 8)  # the first channel's info: scan no., log no., kind
    assert at > 0
    data[at + 16 + 8:at + 16 + 12] = struct.pack(">i", kind)
    path.write_bytes(bytes(data))
    with pytest.raises(errors.CorruptFileError) as info:
        read_recording(_gzip(path) if compressed else path)
    assert str(kind) in str(info.value) and one_sentence(str(info.value))


def _claim_size(path: Path, size: int) -> Path:
    """Rewrite the first data buffer tag's byte count (tag header: kind, type, size, next; big-endian)."""
    data = bytearray(path.read_bytes())
    position = 0
    while True:  # walk the tag chain from the file's start
        kind, _type, tag_size, _next = struct.unpack(">iiii", data[position:position + 16])
        if kind == FIF_DATA_BUFFER:
            data[position + 8:position + 12] = struct.pack(">i", size)
            path.write_bytes(bytes(data))
            return path
        position += 16 + tag_size


@pytest.mark.parametrize("compressed", [False, True], ids=["fif", "fif.gz"])
def test_a_fif_data_tag_claiming_2_gib_is_refused_before_anything_is_allocated(tmp_path, compressed):
    path = _claim_size(_fif(tmp_path), 2**31 - 1)
    path = _gzip(path) if compressed else path
    tracemalloc.start()
    try:
        with pytest.raises(errors.CorruptFileError) as info:
            read_recording(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB allocated"
    message = str(info.value)
    assert "declares" in message and "damaged" in message and one_sentence(message), message


@pytest.mark.parametrize("fmt", ["fif", "edf"])
def test_a_recording_larger_than_memory_allows_is_refused_before_reading(tmp_path, monkeypatch, fmt):
    from encoders import declared_sizes

    path = _fif(tmp_path) if fmt == "fif" else write_edf(tmp_path / "rec.edf", eeg_like(14, 128.0, 20.0), NAMES, 128.0)
    assert read_recording(path).n_channels == 14
    # As if this computer had a few kilobytes to spare for samples.
    monkeypatch.setattr(declared_sizes, "MEMORY_SHARE", 1e-7)
    with pytest.raises(errors.RecordingTooLargeError) as info:
        read_recording(path)
    # 14 EEG channels (and the EDF+ annotation signal, which MNE also reads), 20 s at 128 Hz
    assert f"{14 if fmt == 'fif' else 15} channels × 2560 samples" in str(info.value), str(info.value)
    assert "shorter" in str(info.value) and one_sentence(str(info.value))
    assert issubclass(errors.RecordingTooLargeError, errors.RecordingError)


def _first_tags(data: bytes, n: int) -> list[int]:
    """Byte positions of a FIF file's first `n` tags, each following the one before."""
    positions, position = [], 0
    while len(positions) < n:
        positions.append(position)
        _kind, _type, size, _next = struct.unpack(">iIii", data[position:position + 16])
        position += 16 + size
    return positions


def _point_back(path: Path) -> Path:
    """A FIF without a tag directory (so MNE walks the tags one by one) whose third tag says the
    next one is the second: a walk that never ends."""
    data = bytearray(path.read_bytes())
    positions = _first_tags(data, 3)
    dir_pointer = positions[1]  # FIFF_DIR_POINTER, right after FIFF_FILE_ID: its data is the directory's position
    data[dir_pointer + 16:dir_pointer + 20] = struct.pack(">i", -1)
    data[positions[2] + 12:positions[2] + 16] = struct.pack(">i", positions[1])
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("compressed", [False, True], ids=["fif", "fif.gz"])
def test_fif_tags_leading_in_a_circle_are_refused_instead_of_walked_for_ever(tmp_path, compressed):
    import time

    path = _point_back(_fif(tmp_path))
    path = _gzip(path) if compressed else path
    start = time.perf_counter()
    with pytest.raises(errors.CorruptFileError, match="never end") as info:
        read_recording(path)
    assert time.perf_counter() - start < 10 and one_sentence(str(info.value))


def _point_before_the_start(path: Path) -> Path:
    """A FIF walked tag by tag (no directory) whose third tag has a negative size, so the next tag
    would be before byte 0."""
    data = bytearray(path.read_bytes())
    positions = _first_tags(data, 3)
    data[positions[1] + 16:positions[1] + 20] = struct.pack(">i", -1)
    data[positions[2] + 8:positions[2] + 12] = struct.pack(">i", -600_000_000)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("compressed", [False, True], ids=["fif", "fif.gz"])
def test_a_fif_tag_pointing_before_the_start_is_refused_at_once(tmp_path, compressed):
    import time

    path = _point_before_the_start(_fif(tmp_path))
    path = _gzip(path) if compressed else path
    start = time.perf_counter()
    with pytest.raises(errors.CorruptFileError) as info:
        read_recording(path)
    assert time.perf_counter() - start < 10 and one_sentence(str(info.value))


@pytest.mark.parametrize("seconds", [0.1, 0.5, 0.99])
def test_a_recording_shorter_than_one_second_is_refused_as_too_short(seconds):
    from encoders.analysis import analyse_recording

    names = montage("seed62")[:19]
    with pytest.raises(errors.RecordingTooShortError) as info:
        analyse_recording(_recording(names, _band_limited(names, 250.0, seconds), 250.0))
    assert one_sentence(str(info.value))


def _eeglab_pair(tmp_path: Path, declared_samples: int) -> Path:
    """An EEGLAB .set naming a .fdt of float32 samples, whose header says `declared_samples`."""
    import mne
    import scipy.io

    data = eeg_like(14, 128.0, 10.0)
    raw = mne.io.RawArray(data * 1e-6, mne.create_info(NAMES, 128.0, "eeg"), verbose="error")
    inside = tmp_path / "inside.set"
    mne.export.export_raw(str(inside), raw, fmt="eeglab", overwrite=True, verbose="error")
    content = {k: v for k, v in scipy.io.loadmat(inside, appendmat=False).items() if not k.startswith("__")}
    samples = content["data"]
    content.update(data="rest.fdt", pnts=float(declared_samples))
    scipy.io.savemat(tmp_path / "rest.set", content, appendmat=False)
    (tmp_path / "rest.fdt").write_bytes(np.asarray(samples, "<f4").T.tobytes())
    return tmp_path / "rest.set"


def test_an_eeglab_header_claiming_more_than_its_fdt_holds_is_refused_before_allocating(tmp_path):
    assert read_recording(_eeglab_pair(tmp_path, 1280)).n_samples == 1280  # the honest pair reads
    path = _eeglab_pair(tmp_path, 10**8)  # 14 channels × 10^8 samples: 11 GB once read
    tracemalloc.start()
    try:
        with pytest.raises(errors.CorruptFileError) as info:
            read_recording(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB allocated"
    assert "100000000 samples" in str(info.value) and one_sentence(str(info.value))


# ---- pickles that declare more than they hold -------------------------------------------------------

def _declaring(opcode: bytes, fmt: str, count: int, protocol: int = 4) -> bytes:
    return b"\x80" + bytes([protocol]) + opcode + struct.pack(fmt, count) + b"abc."


GIANT = {
    "BINBYTES8": (pickle.BINBYTES8, "<Q"),
    "BINUNICODE8": (pickle.BINUNICODE8, "<Q"),
    "FRAME": (pickle.FRAME, "<Q"),
    "BYTEARRAY8": (pickle.BYTEARRAY8, "<Q"),
    "BINBYTES": (pickle.BINBYTES, "<I"),
    "BINUNICODE": (pickle.BINUNICODE, "<I"),
    "BINSTRING": (pickle.BINSTRING, "<i"),
    "LONG4": (pickle.LONG4, "<i"),
}


@pytest.mark.parametrize("as_file", [False, True], ids=["bytes", "file"])
@pytest.mark.parametrize("opcode", list(GIANT))
def test_a_tiny_pickle_declaring_a_giant_object_is_refused_without_allocating(tmp_path, opcode, as_file):
    from encoders.datasets.safe_pickle import safe_load

    code, fmt = GIANT[opcode]
    count = 2**40 if fmt == "<Q" else 2**31 - 1
    payload = _declaring(code, fmt, count, protocol=5 if opcode == "BYTEARRAY8" else 4)
    source = tmp_path / "s01.dat" if as_file else payload
    if as_file:
        source.write_bytes(payload)
    tracemalloc.start()
    try:
        with pytest.raises(errors.UnsafePickleError) as info:
            safe_load(source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB allocated"
    assert "declares" in str(info.value) and one_sentence(str(info.value))


def test_the_deap_loader_refuses_a_giant_declaration(tmp_path):
    from encoders.datasets import open_dataset

    folder = tmp_path / "deap" / "data_preprocessed_python"
    folder.mkdir(parents=True)
    (folder / "s01.dat").write_bytes(b"\x80\x04\x8e" + struct.pack("<Q", 2**40) + b"abc.")
    with pytest.raises(errors.DatasetError, match=r"s01\.dat declares a bytes object of 1024\.0 GiB"):
        list(open_dataset("deap", tmp_path / "deap").iter_trials())


@pytest.mark.parametrize("protocol", range(6))
def test_honest_pickles_of_every_protocol_still_load(protocol):
    from encoders.datasets.safe_pickle import safe_load

    obj = {"data": np.arange(40_000, dtype=np.float32).reshape(4, -1), "text": "µV " * 30_000,
           "raw": b"\x00\xff" * 40_000, "buffer": bytearray(b"xy" * 200), "big": 7**3000, "negative": -(3**500),
           "nested": [1, 2.5, ("a", None)]}
    out = safe_load(pickle.dumps(obj, protocol=protocol))
    assert np.array_equal(out["data"], obj["data"]) and out["data"].dtype == np.float32
    assert {k: v for k, v in out.items() if k != "data"} == {k: v for k, v in obj.items() if k != "data"}
    with io.BytesIO(pickle.dumps(obj, protocol=protocol)) as stream:
        assert safe_load(stream)["big"] == obj["big"]
