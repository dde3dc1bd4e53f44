"""The fast analysis engine gives the reference engine's numbers (MNE's filters and scipy's spectral
estimates, one channel at a time in float64), on files of several montages and rates, a short file,
a file full of bad channels and artifacts, DC offsets and absurd amplitudes; and each fast building
block gives the numbers of the MNE or scipy function it replaces.

Tolerances. The fast engine filters each channel minus its mean in float32, whose rounding is
~6e-8 of the signal's amplitude per operation; a band power then moves by ~1e-6 of itself and a
differential entropy (half a log-power) by ~5e-7 nats. The bounds below (1e-4 relative, 1e-4 nats)
leave a hundredfold margin yet fail at once on a real discrepancy: a window cut one sample off, a
wrong transition band or a missed edge correction each change features by 1e-3 to 1e-1. Quality
verdicts (bad channels, usable windows, grade, reasons) must be identical: float32 rounding could
only move one whose measured value lies within a few parts per million of its threshold, which none
of these recordings has. Evidence numbers are rounded to 0.01 once, so they may differ by at most
that one rounding step, and its directions not at all.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

from eeg_files import eeg_like, write_edf
from encoders.analysis import analyse_recording
from encoders.channels import electrode_positions, montage
from encoders.evidence import build_evidence
from encoders.io import read_recording
from encoders.recording import Recording, RecordingMeta

FEATURE_ATOL = 1e-4  # nats
POWER_RTOL = 1e-4
SIGNAL_RTOL = 1e-4  # max |Δ sample| relative to the channel's RMS


def recording(names, data, sfreq, line_freq=None, synthetic=True) -> Recording:
    return Recording(data, list(names), sfreq, electrode_positions(list(names)), [],
                     RecordingMeta(source_name="test", synthetic=synthetic, line_freq=line_freq))


def synthetic_file(tmp_path, montage_name: str, sfreq: float, seconds: float, seed: int):
    from encoders.synthetic.config import CohortConfig
    from encoders.synthetic.trials import generate_trial, trial_to_recording
    from encoders.writers import write_recording_edf

    cfg = CohortConfig(seed=seed, subjects=1, trials_per_emotion=1, montage=montage_name, sfreq=sfreq,
                       trial_seconds=seconds)
    path = tmp_path / f"{montage_name}_{int(sfreq)}_SYNTHETIC.edf"
    return write_recording_edf(trial_to_recording(generate_trial(cfg, 1, 1, 1 + seed % 7)), path)


def damaged_file(tmp_path):
    """19 channels, 200 Hz, 60 s: a flat, a clipped and a noisy channel, a movement artifact, blinks,
    EMG bursts and strong 50 Hz mains on some channels."""
    names = montage("1020-19")
    sfreq, n = 200.0, 12000
    t = np.arange(n) / sfreq
    data = eeg_like(19, sfreq, 60.0, seed=6)
    data[:, 4000:5600] += 300 * np.sin(2 * np.pi * 1.5 * t[:1600])  # movement, 8 s
    data[names.index("O1")] = 0.0  # flat
    data[names.index("C3")] = np.clip(data[names.index("C3")] * 20, -150, 150)  # clipped
    data[names.index("T8")] *= 40  # far noisier than the rest
    for onset in (2.0, 11.0, 23.5, 40.0, 52.0):  # blinks on the frontopolar channels
        data[:2] += 180 * np.exp(-0.5 * ((t - onset) / 0.1) ** 2)
    burst = np.random.default_rng(1).normal(0, 25, n) * ((t > 30) & (t < 38))
    data[names.index("T7")] += scipy.signal.sosfiltfilt(
        scipy.signal.butter(4, [30, 80], btype="band", fs=sfreq, output="sos"), burst)
    data[names.index("P7")] += 400 * np.sin(2 * np.pi * 50 * t)  # mains on one channel
    data += 30000.0 * np.random.default_rng(2).normal(size=(19, 1))  # DC offsets of tens of mV
    return write_edf(tmp_path / "damaged.edf", data, names, sfreq)


def assert_same_analysis(rec: Recording):
    fast = analyse_recording(rec, engine="fast")
    ref = analyse_recording(rec, engine="reference")
    # Quality: the same verdicts, word for word.
    q_fast, q_ref = fast.quality.to_dict(), ref.quality.to_dict()
    line_fast, line_ref = q_fast.pop("line_noise_ratio"), q_ref.pop("line_noise_ratio")
    assert q_fast == q_ref
    assert line_fast == pytest.approx(line_ref, rel=1e-4, abs=2e-3)  # rounded to 0.001 once
    # Preprocessed signal, features, band power, asymmetry.
    assert fast.recording.meta.preprocessing == ref.recording.meta.preprocessing
    assert fast.recording.sfreq == ref.recording.sfreq and fast.recording.data.shape == ref.recording.data.shape
    rms = np.std(ref.recording.data / 1e150, axis=1) * 1e150  # scaled: some channels are absurdly large
    deviation = np.abs(fast.recording.data - ref.recording.data).max(axis=1)
    assert np.all(deviation <= SIGNAL_RTOL * np.maximum(rms, 1e-3)), deviation / np.maximum(rms, 1e-3)
    np.testing.assert_allclose(fast.features, ref.features, rtol=0, atol=FEATURE_ATOL)
    np.testing.assert_allclose(fast.band_power, ref.band_power, rtol=POWER_RTOL, atol=1e-12)
    if ref.faa is None:
        assert fast.faa is None
    else:
        np.testing.assert_allclose(fast.faa, ref.faa, rtol=0, atol=1e-4)
    np.testing.assert_array_equal(fast.window_ok, ref.window_ok)
    assert_same_evidence(build_evidence(fast).to_dict(), build_evidence(ref).to_dict())
    return fast, ref


def assert_same_evidence(fast, ref, path="evidence"):
    """Equal, except that a number rounded to 0.01 may sit one rounding step away."""
    if isinstance(ref, dict):
        assert set(fast) == set(ref), path
        for key in ref:
            assert_same_evidence(fast[key], ref[key], f"{path}.{key}")
    elif isinstance(ref, (list, tuple)):
        assert len(fast) == len(ref), path
        for i, (a, b) in enumerate(zip(fast, ref)):
            assert_same_evidence(a, b, f"{path}[{i}]")
    elif isinstance(ref, float) and not isinstance(ref, bool):
        assert fast == pytest.approx(ref, abs=0.0101), path
    else:
        assert fast == ref, path


@pytest.mark.parametrize("montage_name, sfreq, seconds", [
    ("seed62", 200.0, 48.0),
    ("deap32", 128.0, 40.0),  # resampled up to 200 Hz
    ("emotiv14", 256.0, 40.0),
    ("1020-19", 1000.0, 24.0),  # nine notch harmonics, resampled down
])
def test_synthetic_files_of_several_montages_and_rates(tmp_path, montage_name, sfreq, seconds):
    path = synthetic_file(tmp_path, montage_name, sfreq, seconds, seed=3)
    fast, _ = assert_same_analysis(read_recording(path))
    assert fast.n_windows == int(seconds // 4)


def test_a_file_with_bad_channels_and_artifacts(tmp_path):
    fast, _ = assert_same_analysis(read_recording(damaged_file(tmp_path)))
    bad = fast.quality.bad_channel_reasons
    # The damage is found (by both engines, as the comparison above asserts).
    assert bad["O1"].startswith("flat") and bad["C3"].startswith("clipped")
    assert {"T8", "P7"} <= set(bad)
    assert not all(fast.window_ok) and fast.quality.blink_percent > 0


@pytest.mark.parametrize("seconds", [4.0, 5.0, 9.5])
def test_short_files_shorter_than_the_filters(tmp_path, seconds):
    # The notch kernel alone is 6.6 s long at 200 Hz: these take the exact stage-by-stage path.
    names = montage("1020-19")
    path = write_edf(tmp_path / "short.edf", eeg_like(19, 200.0, seconds, seed=4), names, 200.0)
    assert_same_analysis(read_recording(path))


def test_absurd_amplitudes_and_a_single_channel():
    names = montage("1020-19")
    data = eeg_like(19, 200.0, 40.0, seed=9)
    data[names.index("Pz")] *= 1e200  # beyond float32 (and float64 squares): computed in float64
    data[names.index("Cz")] *= 1e8  # beyond float32's safe range
    fast, ref = assert_same_analysis(recording(names, data, 200.0))
    assert {"Pz", "Cz"} <= set(fast.quality.bad_channels)
    assert_same_analysis(recording(["Fp1"], eeg_like(1, 256.0, 20.0, seed=2), 256.0))


# ---- the building blocks, against the functions they replace -----------------------------------------


@pytest.mark.parametrize("sfreq, seconds", [(200.0, 120.0), (128.0, 60.0), (1000.0, 40.0), (200.0, 3.0)])
def test_fir_cascade_is_mnes_band_pass_then_notch(sfreq, seconds):
    import mne

    from encoders.filtering import bandpass_kernel, fir_cascade, notch_kernel

    rng = np.random.default_rng(0)
    x = eeg_like(5, sfreq, seconds, seed=1) + np.cumsum(rng.normal(0, 1, (5, int(sfreq * seconds))), axis=1)
    x += 50000.0 * rng.normal(size=(5, 1))
    freqs = np.arange(50.0, sfreq / 2, 50.0)
    freqs = freqs[freqs < sfreq / 2 - 1]
    expected = mne.filter.notch_filter(mne.filter.filter_data(x, sfreq, 1.0, 50.0 if sfreq > 100 else None,
                                                              verbose="error"), sfreq, freqs, verbose="error")
    got = fir_cascade(x, [bandpass_kernel(sfreq, 1.0, 50.0 if sfreq > 100 else None),
                          notch_kernel(sfreq, tuple(freqs))])
    scale = np.std(expected, axis=1, keepdims=True)
    assert np.abs(got - expected).max() <= 1e-5 * scale.max()
    # The ends, where MNE's padding enters, are computed exactly as MNE does.
    edge = 50
    np.testing.assert_allclose(got[:, :edge], expected[:, :edge], rtol=0, atol=1e-8 * np.abs(expected).max())
    np.testing.assert_allclose(got[:, -edge:], expected[:, -edge:], rtol=0, atol=1e-8 * np.abs(expected).max())


@pytest.mark.parametrize("band", [1.0, (0.5, 4.0)])
def test_sosfiltfilt_fast_is_scipys(band):
    from encoders.filtering import sosfiltfilt_fast

    x = eeg_like(4, 250.0, 90.0, seed=5) + 20000.0
    sos = scipy.signal.butter(2, band, btype="high" if np.isscalar(band) else "band", fs=250.0, output="sos")
    expected = scipy.signal.sosfiltfilt(sos, x, axis=-1)
    got = sosfiltfilt_fast(sos, x)
    # float32 rounding of the centred signal, summed over the ~2000-sample response: ~1e-5 of its SD.
    assert np.abs(got - expected).max() <= 1e-4 * np.std(expected)


@pytest.mark.parametrize("sfreq", [128.0, 256.0, 1000.0, 512.0])
def test_resampling_is_mnes(sfreq):
    import mne

    from encoders.filtering import resample_like_mne

    x = eeg_like(3, sfreq, 30.3, seed=6) + 1000.0
    expected = mne.filter.resample(x, up=200.0, down=sfreq, npad="auto", verbose="error")
    got = resample_like_mne(x, 200.0, sfreq)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() <= 1e-5 * np.std(x)


@pytest.mark.parametrize("sfreq, line", [(200.0, 50.0), (250.0, 60.0), (1000.0, 50.0), (200.25, 50.0)])
def test_line_noise_ratio_is_scipys_welch(sfreq, line):
    from encoders.filtering import row_chunks
    from encoders.quality_signals import _line_ratio, _welch_line_ratio

    t = np.arange(int(sfreq * 30)) / sfreq
    x = eeg_like(4, sfreq, 30.0, seed=7)[:, :t.size] + np.array([[0.0], [2.0], [20.0], [200.0]]) * np.sin(
        2 * np.pi * line * t) + 3000.0
    f, psd = scipy.signal.welch(x, sfreq, nperseg=int(sfreq * 2))
    np.testing.assert_allclose(_welch_line_ratio(x, sfreq, line, row_chunks(x)), _line_ratio(f, psd, line), rtol=1e-5)


@pytest.mark.parametrize("line", [50.0, 60.0])
def test_mains_frequency_detection_agrees(line):
    from encoders.quality import detect_line_freq
    from encoders.quality_signals import welch_band_power

    sfreq = 500.0
    t = np.arange(int(sfreq * 70)) / sfreq
    data = eeg_like(6, sfreq, 70.0, seed=8) + 5.0 * np.sin(2 * np.pi * line * t)
    rec = recording(montage("emotiv14")[:6], data, sfreq)
    assert detect_line_freq(rec, "fast") == detect_line_freq(rec, "reference") == line
    bands = [(49, 51), (59, 61), (10, 12.5)]
    f, psd = scipy.signal.welch(data[:, :30000], sfreq, nperseg=500)
    expected = np.stack([psd[:, (f >= lo) & (f < hi)].sum(axis=1) for lo, hi in bands], axis=1)
    np.testing.assert_allclose(welch_band_power(data[:, :30000], sfreq, 500, bands), expected, rtol=1e-5)
