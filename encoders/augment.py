"""Degraded copies of recordings: what a poor recording looks like, for teaching abstention.

The damage is what ruins real sessions: electrodes that lose contact (flat), movement artifacts
in most windows, sustained muscle activity and strong mains interference. Deterministic given
the generator.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .recording import Recording


def degrade(rec: Recording, rng: np.random.Generator) -> Recording:
    data = rec.data.copy()
    n_channels, n_samples = data.shape
    t = np.arange(n_samples) / rec.sfreq
    # Lost contacts: a third to a half of the channels flat.
    flat = rng.choice(n_channels, size=int(n_channels * rng.uniform(0.3, 0.5)), replace=False)
    data[flat] = 0.0
    # Movement: large 1–3 Hz bursts in most 4-s windows, on every channel.
    window = int(4 * rec.sfreq)
    for start in range(0, n_samples - window + 1, window):
        if rng.random() < 0.85:
            length = int(rng.uniform(1.0, 3.0) * rec.sfreq)
            offset = start + rng.integers(0, window - length + 1)
            burst = rng.uniform(300, 700) * np.sin(2 * np.pi * rng.uniform(1, 3) * t[:length]) * np.hanning(length)
            data[:, offset:offset + length] += burst * rng.uniform(0.5, 1.5, size=(n_channels, 1))
    # Muscle: broadband 30–90 Hz noise on the remaining channels.
    muscle = rng.normal(0, rng.uniform(20, 40), size=data.shape)
    spectrum = np.fft.rfft(muscle, axis=1)
    freqs = np.fft.rfftfreq(n_samples, 1 / rec.sfreq)
    spectrum[:, (freqs < 30) | (freqs > 90)] = 0
    live = np.setdiff1d(np.arange(n_channels), flat)
    data[live] += np.fft.irfft(spectrum, n=n_samples, axis=1)[live]
    # Mains interference.
    line = rec.meta.line_freq or 50.0
    if line < rec.sfreq / 2:
        data[live] += rng.uniform(20, 60) * np.sin(2 * np.pi * line * t)
    meta = replace(rec.meta, extra={**rec.meta.extra, "degraded": True})
    return Recording(data, list(rec.ch_names), rec.sfreq, rec.positions.copy(), list(rec.annotations), meta)
