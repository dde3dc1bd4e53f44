"""Features against hand-computed values; channel names; preprocessing records; quality flags."""

from __future__ import annotations

import math

import numpy as np
import pytest

from encoders.channels import homologous_pairs, montage, normalize_channel_name
from encoders.features import (BANDS, dasm, dcau, de_reference_filtfilt, frontal_alpha_asymmetry, lds_smooth,
                               make_windows, rasm, spectral_features, zscore_by_group)

SF = 200.0


@pytest.mark.parametrize("raw, canonical", [
    ("EEG FP1-REF", "Fp1"), ("Fp1-A1", "Fp1"), ("FP1", "Fp1"), ("fp1", "Fp1"), ("EEG Fp1-LE", "Fp1"),
    ("T3", "T7"), ("T4", "T8"), ("T5", "P7"), ("T6", "P8"), ("EEG T3-REF", "T7"),
    ("FCZ", "FCz"), ("CB1", "CB1"), ("cb2", "CB2"), ("O1-M2", "O1"), ("POZ", "POz"),
    ("Fp1-F7", None), ("ECG", None), ("squarewave", None), ("X1", None),
])
def test_channel_name_normalisation(raw, canonical):
    assert normalize_channel_name(raw) == canonical


def test_seed_montage_has_27_homologous_pairs():
    assert len(homologous_pairs(montage("seed62"))) == 27


def test_de_of_a_sinusoid_of_known_variance():
    # A 10-Hz sine of amplitude A has variance A²/2, entirely in the alpha band (8–14 Hz).
    t = np.arange(int(SF * 40)) / SF
    amplitude = 20.0
    x = (amplitude * np.sin(2 * np.pi * 10.0 * t))[None]
    spectral = spectral_features(make_windows(x, SF), SF)
    expected = 0.5 * math.log(2 * math.pi * math.e * amplitude ** 2 / 2)
    alpha = list(BANDS).index("alpha")
    np.testing.assert_allclose(spectral.de_gaussian[:, 0, alpha], expected, atol=0.01)
    # Band power: all of the variance, in the alpha band; the other bands hold next to nothing.
    np.testing.assert_allclose(spectral.band_power[:, 0, alpha], amplitude ** 2 / 2, rtol=0.02)
    assert spectral.band_power[:, 0, [0, 1, 3, 4]].max() < 0.01 * amplitude ** 2


def test_de_of_white_noise_matches_its_band_share():
    rng = np.random.default_rng(0)
    sigma = 10.0
    x = rng.normal(0, sigma, (4, int(SF * 200)))
    de = spectral_features(make_windows(x, SF), SF).de_gaussian.mean(axis=(0, 1))
    # White noise through a zero-phase Butterworth: band variance = σ² × ∫|H(f)|⁴ df / Nyquist,
    # with the filter's response taken from scipy, independently of our FFT implementation.
    import scipy.signal

    freqs = np.linspace(0, SF / 2, 20001)
    for b, (lo, hi) in enumerate(BANDS.values()):
        sos = scipy.signal.butter(4, [lo, min(hi, SF / 2 * 0.999)], btype="band", fs=SF, output="sos")
        gain = np.abs(scipy.signal.sosfreqz(sos, worN=freqs, fs=SF)[1]) ** 4
        bandwidth = np.trapezoid(gain, freqs)
        expected = 0.5 * math.log(2 * math.pi * math.e * sigma ** 2 * bandwidth / (SF / 2))
        assert abs(de[b] - expected) < 0.03, (b, de[b], expected)


def test_fast_de_equals_the_filtfilt_reference():
    from eeg_files import eeg_like

    x = eeg_like(3, SF, 120.0, seed=1)
    fast = spectral_features(make_windows(x, SF), SF).de_gaussian
    slow = de_reference_filtfilt(x, SF)
    diff = np.abs(fast - slow)
    assert np.median(diff) < 0.03
    assert np.quantile(diff[:, :, 1:], 0.99) < 0.3  # θ–γ; δ windows see more edge effect


def test_seed_convention_matches_the_released_loop_code():
    rng = np.random.default_rng(2)
    x = rng.normal(0, 10, (2, int(SF * 8)))
    windows = make_windows(x, SF, 4.0)
    got = spectral_features(windows, SF, seed_convention=True)
    # SEED's DE_PSD: Hann window of length n, FFT zero-padded to nfft, mean |X|² over band bins.
    n, nfft = 800, 1024
    hann = np.array([0.5 - 0.5 * np.cos(2 * np.pi * k / (n + 1)) for k in range(1, n + 1)])
    for w in range(windows.shape[0]):
        for c in range(2):
            mag = np.abs(np.fft.fft(windows[w, c] * hann, nfft)[: nfft // 2])
            for b, (lo, hi) in enumerate(BANDS.values()):
                start, stop = int(lo / SF * nfft), int(hi / SF * nfft)
                energy = np.sum(mag[start - 1:stop] ** 2) / (stop - start + 1)
                assert got.de_seed[w, c, b] == pytest.approx(math.log2(100 * energy), abs=1e-3)
    assert 15 < got.de_seed.mean() < 30  # the SEED-style range, unlike the Gaussian one


def test_frontal_alpha_asymmetry_sign():
    names = ["F3", "F4", "Cz"]
    power = np.ones((5, 3, 5))
    power[:, 0, 2] = 4.0  # more alpha on the left = less left activity
    power[:, 1, 2] = 1.0
    faa = frontal_alpha_asymmetry(power, names)
    np.testing.assert_allclose(faa, math.log(1.0) - math.log(4.0))
    assert (faa < 0).all()  # relatively more RIGHT-frontal activity → negative FAA


def test_asymmetry_features_shapes_and_values():
    names = montage("seed62")
    de = np.random.default_rng(3).normal(size=(4, 62, 5))
    d, pairs = dasm(de, names)
    assert d.shape == (4, 27, 5) and pairs[0] == ("Fp1", "Fp2")
    np.testing.assert_allclose(d[:, 0], de[:, 0] - de[:, 2])
    r, _ = rasm(de, names)
    np.testing.assert_allclose(r[:, 0], de[:, 0] / de[:, 2])
    c, cpairs = dcau(de, names)
    assert c.shape == (4, 23, 5) and len(cpairs) == 23


def test_lds_never_crosses_trial_boundaries():
    x = np.r_[np.zeros(20), np.full(20, 10.0), np.zeros(20)][:, None]
    trials = np.r_[np.zeros(20), np.ones(20), np.full(20, 2)]
    smooth = lds_smooth(x, trials)
    # Within each trial the signal is constant, so a smoother that respects boundaries returns it
    # unchanged; one that crossed them would blur the steps.
    np.testing.assert_allclose(smooth, x, atol=1e-9)
    blurred = lds_smooth(x, None, process_var=1e-3)
    assert np.abs(blurred - x).max() > 1.0


def test_lds_reduces_noise_within_a_trial():
    rng = np.random.default_rng(4)
    truth = np.sin(np.linspace(0, 3, 200))[:, None]
    noisy = truth + rng.normal(0, 0.3, truth.shape)
    smooth = lds_smooth(noisy, np.zeros(200), process_var=1e-3, obs_var=0.09)
    assert np.abs(smooth - truth).mean() < 0.5 * np.abs(noisy - truth).mean()


def test_zscore_uses_training_rows_only():
    x = np.r_[[-1.0, 1.0, -1.0, 1.0], np.full(4, 100.0), [5.0, 7.0, 5.0, 7.0]][:, None]
    groups = np.r_[np.zeros(8, int), np.ones(4, int)]
    fit = np.r_[np.ones(4, bool), np.zeros(4, bool), np.ones(4, bool)]
    z = zscore_by_group(x, groups, fit)
    np.testing.assert_allclose(z[:4, 0], [-1, 1, -1, 1])
    np.testing.assert_allclose(z[4:8], 100.0)  # test rows did not influence the statistics
    np.testing.assert_allclose(z[8:, 0], [-1, 1, -1, 1])  # each group has its own statistics


def test_preprocessing_steps_are_recorded_and_rebuildable():
    from encoders.preprocess import Pipeline, default_pipeline
    from encoders.recording import Recording

    names = montage("emotiv14")
    rec = Recording(np.random.default_rng(5).normal(0, 10, (14, 128 * 20)), names, 128.0, np.zeros((14, 3)))
    pipeline = default_pipeline(50.0)
    out = pipeline(rec)
    assert out.sfreq == 200.0 and out.n_samples == 200 * 20
    assert [s["step"] for s in out.meta.preprocessing] == ["limit_rate", "bandpass", "notch", "resample", "reference"]
    assert Pipeline.from_list(pipeline.to_list()) == pipeline
    np.testing.assert_allclose(out.data.mean(axis=0), 0.0, atol=1e-9)  # average reference


def test_quality_flags_flat_clipped_and_artifacts():
    from encoders.quality import assess_quality
    from encoders.recording import Recording

    from eeg_files import eeg_like

    names = montage("1020-19")
    data = eeg_like(19, 200.0, 60.0, seed=6)
    data[:, 200 * 20:200 * 28] += 300 * np.sin(2 * np.pi * 1.5 * np.arange(1600) / 200)  # movement, 8 s
    data[names.index("O1")] = 0.0  # flat
    data[names.index("C3")] = np.clip(data[names.index("C3")] * 20, -150, 150)  # clipped at the amplifier
    report = assess_quality(Recording(data, names, 200.0, np.zeros((19, 3))))
    assert report.bad_channel_reasons["O1"].startswith("flat")
    assert report.bad_channel_reasons["C3"].startswith("clipped")
    assert report.window_ok[5] is False and report.window_ok[6] is False and report.window_ok[0] is True
    assert report.usable_seconds == 52.0 and report.grade in ("fair", "good")
    clean = assess_quality(Recording(eeg_like(19, 200.0, 60.0, seed=7), names, 200.0, np.zeros((19, 3))))
    assert clean.grade == "good" and not clean.bad_channels and clean.usable_seconds == 60.0


@pytest.mark.parametrize("seed_convention", [False, True])
def test_spectra_shared_with_a_second_thread_are_the_same_numbers(seed_convention):
    """`spectral_features(pool=…)` hands every other batch of windows to the pool's thread; a batch
    with absurd values (rescaled before its float32 squares) lands on each thread."""
    from concurrent.futures import ThreadPoolExecutor

    from encoders.features import make_windows, spectral_features

    rng = np.random.default_rng(5)
    x = rng.standard_normal((8, 200 * 4 * 100)) * 20.0  # 100 windows: four batches
    x[3, :800] *= 1e18  # window 0 of channel 3 (first batch, this thread)
    x[5, 200 * 4 * 40:200 * 4 * 41] *= 1e18  # window 40 (second batch, the pool's)
    windows = make_windows(x, 200.0)
    alone = spectral_features(windows, 200.0, seed_convention=seed_convention)
    with ThreadPoolExecutor(max_workers=1) as pool:
        shared = spectral_features(windows, 200.0, seed_convention=seed_convention, pool=pool)
    for name in ("de_gaussian", "band_power") + (("de_seed",) if seed_convention else ()):
        assert np.array_equal(getattr(alone, name), getattr(shared, name)), name
    assert np.isfinite(shared.de_gaussian).all()


def test_the_reads_row_summary_on_two_threads_is_the_same_numbers():
    from encoders.io import RowSummary, _summarise

    rng = np.random.default_rng(6)
    data = rng.standard_normal((62, 70_000)) * 30.0  # 4.3 million samples: above the two-thread size
    data[7] = np.inf
    one = [np.array(column) for column in zip(*_summarise(data))]
    two = RowSummary.of(data)
    for mine, theirs in zip(one, (two.sums, two.lows, two.highs, two.stds)):
        assert np.array_equal(mine, theirs, equal_nan=True)
