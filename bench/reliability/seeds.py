"""Valid seed recordings for the fuzz corpus, in every format eegreason reads and a library can write.

Every seed is written with that format's own writer (pyedflib for EDF/BDF, MNE for FIF, MNE's
export through pybv for BrainVision and through eeglabio for EEGLAB), so a mutation starts from a
file the real reader accepts. The bundled samples and pyEDFlib's own test files are added as they
are. Seeds are short (a few seconds, few channels) on purpose: the fuzz run spends its time on many
mutations, not on long analyses. All generated signals are SYNTHETIC and labelled so.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from encoders.channels import montage

SYNTHETIC_NOTE = "SYNTHETIC fuzz seed, generated, not recorded from a person"
START = datetime.datetime(2020, 1, 1, 12, 0, 0)  # fixed, so EDF headers are byte-identical across runs


@dataclass
class Seed:
    """One valid recording: `files` are its members (the first is the one a reader opens)."""

    name: str
    format: str  # edf | bdf | fif | fif.gz | vhdr | set | cnt
    files: list[Path]
    origin: str  # generated | bundled | pyedflib
    weight: float = 1.0  # how often mutations start from it (long recordings cost more per case)
    sha256: dict[str, str] = field(default_factory=dict)

    @property
    def primary(self) -> Path:
        return self.files[0]

    def describe(self) -> dict:
        return {"name": self.name, "format": self.format, "origin": self.origin, "weight": self.weight,
                "files": [p.name for p in self.files], "sha256": self.sha256}


def eeg_like(n_channels: int, sfreq: float, seconds: float, seed: int = 0, alpha_uv: float = 15.0) -> np.ndarray:
    """µV: 1/f-shaped noise plus a 10 Hz rhythm, scalp-EEG amplitudes (SD about 15–30 µV)."""
    rng = np.random.default_rng(seed)
    n = int(round(sfreq * seconds))
    spectrum = np.fft.rfft(rng.normal(size=(n_channels, n)), axis=1)
    spectrum /= np.maximum(np.fft.rfftfreq(n, 1 / sfreq), 1.0) ** 0.75
    pink = np.fft.irfft(spectrum, n=n, axis=1)
    pink *= 15.0 / pink.std(axis=1, keepdims=True).clip(min=1e-12)
    t = np.arange(n) / sfreq
    return pink + alpha_uv * np.sin(2 * np.pi * 10.0 * t + rng.uniform(0, 2 * np.pi, (n_channels, 1)))


# ---- writers (each the format's own library) ----

def write_edf(path: Path, data_uv: np.ndarray, names: list[str], sfreq: float, *, bdf: bool = False,
              plus: bool = True, record_s: float = 1.0, identifiers: dict[str, str] | None = None,
              physical: tuple[float, float] | None = None) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyedflib's notes on forced record durations and rounding
        return _write_edf(path, data_uv, names, sfreq, bdf, plus, record_s, identifiers or {}, physical)


def _write_edf(path: Path, data_uv: np.ndarray, names: list[str], sfreq: float, bdf: bool, plus: bool,
               record_s: float, ids: dict[str, str], physical: tuple[float, float] | None) -> Path:
    import pyedflib

    kinds = {(False, True): pyedflib.FILETYPE_EDFPLUS, (False, False): pyedflib.FILETYPE_EDF,
             (True, True): pyedflib.FILETYPE_BDFPLUS, (True, False): pyedflib.FILETYPE_BDF}
    writer = pyedflib.EdfWriter(str(path), len(names), file_type=kinds[(bdf, plus)])
    try:
        headers = []
        for i, name in enumerate(names):
            # A short whole number: EDF keeps 8 characters per field (pyedflib warns and truncates).
            peak = float(np.ceil(np.abs(data_uv[i]).max() * 1.05)) or 1.0
            low, high = physical or (-peak, peak)
            headers.append({"label": name, "dimension": "uV", "sample_frequency": sfreq,
                            "physical_max": high, "physical_min": low,
                            "digital_max": 8388607 if bdf else 32767, "digital_min": -8388608 if bdf else -32768})
        writer.setSignalHeaders(headers)
        if record_s != 1.0:
            writer.setDatarecordDuration(record_s)
        writer.setPatientName(ids.get("patient_name", "SYNTHETIC"))
        writer.setPatientCode(ids.get("patient_code", "SYNTHETIC"))
        if "birthdate" in ids:
            writer.setBirthdate(ids["birthdate"])
        if "admincode" in ids:
            writer.setAdmincode(ids["admincode"])
        if "technician" in ids:
            writer.setTechnician(ids["technician"])
        if "patient_additional" in ids:
            writer.setPatientAdditional(ids["patient_additional"])
        writer.setRecordingAdditional(ids.get("recording_additional", "SYNTHETIC_fuzz_seed"))
        writer.setStartdatetime(START)
        writer.writeSamples([np.ascontiguousarray(row) for row in data_uv])
        if plus:
            writer.writeAnnotation(0.0, -1, "SYNTHETIC recording")
    finally:
        writer.close()
    return Path(path)


def _raw(data_uv: np.ndarray, names: list[str], sfreq: float, types: list[str] | str = "eeg"):
    import mne

    info = mne.create_info(list(names), float(sfreq), types)
    info["description"] = SYNTHETIC_NOTE
    raw = mne.io.RawArray(data_uv * 1e-6, info, verbose="error")
    raw.set_annotations(mne.Annotations([0.0], [0.0], ["SYNTHETIC recording"]))
    return raw


def write_fif(path: Path, data_uv: np.ndarray, names: list[str], sfreq: float, *, double: bool = False,
              types: list[str] | str = "eeg") -> Path:
    raw = _raw(data_uv, names, sfreq, types)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # file names without MNE's raw.fif suffix
        raw.save(str(path), overwrite=True, fmt="double" if double else "single", verbose="error")
    return Path(path)


def write_brainvision(path: Path, data_uv: np.ndarray, names: list[str], sfreq: float) -> list[Path]:
    """The .vhdr first, then its .vmrk and .eeg (MNE's export through pybv, float32 samples)."""
    import mne

    path = Path(path).with_suffix(".vhdr")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mne.export.export_raw(str(path), _raw(data_uv, names, sfreq), fmt="brainvision", overwrite=True,
                              verbose="error")
    return [path, path.with_suffix(".vmrk"), path.with_suffix(".eeg")]


def write_eeglab(path: Path, data_uv: np.ndarray, names: list[str], sfreq: float) -> list[Path]:
    """The .set (MATLAB 5 file, data inside it) and any companion MNE's export writes."""
    import mne

    path = Path(path).with_suffix(".set")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mne.export.export_raw(str(path), _raw(data_uv, names, sfreq), fmt="eeglab", overwrite=True,
                              verbose="error")
    return [path, *sorted(p for p in path.parent.glob(path.stem + ".*") if p != path)]


def write_any(fmt: str, path: Path, data_uv: np.ndarray, names: list[str], sfreq: float, **options) -> list[Path]:
    """Write one recording in `fmt`; returns its files, the one a reader opens first."""
    path = Path(path)
    if fmt in ("edf", "bdf"):
        return [write_edf(path.with_suffix("." + fmt), data_uv, names, sfreq, bdf=fmt == "bdf", **options)]
    if fmt == "fif":
        return [write_fif(path.with_suffix(".fif"), data_uv, names, sfreq, **options)]
    if fmt == "fif.gz":
        plain = write_fif(path.with_suffix(".fif"), data_uv, names, sfreq, **options)
        packed = plain.with_name(plain.name + ".gz")
        packed.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
        plain.unlink()
        return [packed]
    if fmt == "vhdr":
        return write_brainvision(path, data_uv, names, sfreq)
    if fmt == "set":
        return write_eeglab(path, data_uv, names, sfreq)
    raise ValueError(f"no writer for {fmt}")


# ---- the seed set ----

# (name, format, montage or channel list, rate Hz, seconds, writer options)
GENERATED: list[tuple[str, str, str | list[str], float, float, dict]] = [
    ("edf-19ch-256hz", "edf", "1020-19", 256.0, 12.0, {}),
    ("edf-14ch-128hz-plain", "edf", "emotiv14", 128.0, 10.0, {"plus": False}),
    ("edf-8ch-halfsecond-records", "edf", ["Fp1", "Fp2", "F3", "F4", "C3", "C4", "O1", "O2"], 200.0, 9.0,
     {"record_s": 0.5}),
    ("edf-2ch-f3f4", "edf", ["F3", "F4"], 128.0, 12.0, {}),
    ("edf-1ch-cz", "edf", ["Cz"], 128.0, 12.0, {}),
    ("bdf-14ch-128hz", "bdf", "emotiv14", 128.0, 10.0, {}),
    ("bdf-2ch-o1o2", "bdf", ["O1", "O2"], 256.0, 10.0, {}),
    ("fif-32ch-256hz", "fif", "deap32", 256.0, 8.0, {}),
    ("fif-19ch-double", "fif", "1020-19", 200.0, 10.0, {"double": True}),
    ("fif-2ch-f3f4", "fif", ["F3", "F4"], 200.0, 10.0, {}),
    ("fifgz-14ch", "fif.gz", "emotiv14", 128.0, 10.0, {}),
    ("vhdr-19ch-250hz", "vhdr", "1020-19", 250.0, 10.0, {}),
    ("vhdr-1ch-fz", "vhdr", ["Fz"], 250.0, 10.0, {}),
    ("set-19ch-200hz", "set", "1020-19", 200.0, 10.0, {}),
    ("set-2ch-c3c4", "set", ["C3", "C4"], 200.0, 10.0, {}),
]


def _names(spec: str | list[str]) -> list[str]:
    return list(spec) if isinstance(spec, list) else montage(spec)


def _sha(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def pyedflib_test_files() -> list[Path]:
    import pyedflib

    folder = Path(pyedflib.__file__).parent / "tests" / "data"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".edf", ".bdf"))


def bundled_samples() -> list[Path]:
    from encoders.paths import repo_root

    return sorted((repo_root() / "serve" / "samples").glob("*.edf"))


def build_seeds(folder: Path, write: bool = True) -> list[Seed]:
    """Write the generated seeds into `folder` and copy the bundled and pyEDFlib files beside them
    (`write=False`: describe the seeds a previous run left in `folder`, to rebuild its cases exactly)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    seeds: list[Seed] = []
    for index, (name, fmt, channels, sfreq, seconds, options) in enumerate(GENERATED):
        base = folder / f"{name}_SYNTHETIC"
        if write:
            names = _names(channels)
            files = write_any(fmt, base, eeg_like(len(names), sfreq, seconds, seed=100 + index), names, sfreq,
                              **options)
        else:
            files = _existing(base, fmt)
        seeds.append(Seed(name, fmt, files, "generated"))
    for path in bundled_samples():
        copy = folder / path.name
        if write:
            shutil.copyfile(path, copy)
        # 60 s of 32-62 channels: about 10x the cost of a generated seed per case.
        seeds.append(Seed(f"bundled:{path.stem}", "edf", [copy], "bundled", weight=0.3))
    for path in pyedflib_test_files():
        copy = folder / f"pyedflib-{path.name}"
        if write:
            shutil.copyfile(path, copy)
        seeds.append(Seed(f"pyedflib:{path.name}", path.suffix.lower().lstrip("."), [copy], "pyedflib", weight=0.5))
    for seed in seeds:
        seed.sha256 = _sha(seed.files)
    return seeds


def _existing(base: Path, fmt: str) -> list[Path]:
    primary = base.with_name(base.name + "." + fmt)
    if fmt == "vhdr":
        return [primary, base.with_suffix(".vmrk"), base.with_suffix(".eeg")]
    if fmt == "set":
        return [primary, *sorted(p for p in base.parent.glob(base.name + ".*") if p != primary)]
    return [primary]
