"""Figures for the app: a signal preview, band-power topomaps and the emotion timeline."""

from __future__ import annotations

import numpy as np

from encoders.analysis import RecordingAnalysis
from encoders.features import BAND_NAMES
from encoders.inputs import usable_rows

from .timeline import Timeline


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def signal_preview(analysis: RecordingAnalysis, seconds: float = 10.0, max_channels: int = 16, synthetic: bool = False):
    """The first seconds of the preprocessed signal, a subset of channels stacked."""
    plt = _pyplot()
    rec = analysis.recording
    n = int(min(seconds, rec.duration) * rec.sfreq)
    step = max(1, rec.n_channels // max_channels)
    index = list(range(0, rec.n_channels, step))[:max_channels]
    data = rec.data[index, :n]
    spacing = float(np.percentile(np.abs(data), 99) * 2.5) or 1.0
    t = np.arange(n) / rec.sfreq
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(index) + 1.2))
    bad = set(analysis.quality.bad_channels)
    for row, c in enumerate(index):
        name = rec.ch_names[c]
        ax.plot(t, data[row] - row * spacing, lw=0.6, color="#c0392b" if name in bad else "#2c3e50")
    ax.set_yticks([-row * spacing for row in range(len(index))], [rec.ch_names[c] for c in index], fontsize=7)
    ax.set_xlabel("time (s)")
    title = f"Signal, first {t[-1] if n else 0:.0f} s (1–50 Hz, average reference; bad channels in red)"
    ax.set_title(("SYNTHETIC — " if synthetic else "") + title, fontsize=9)
    ax.set_xlim(0, t[-1] if n else 1)
    fig.tight_layout()
    return fig


def band_topomaps(analysis: RecordingAnalysis, synthetic: bool = False):
    """Relative band power per electrode, one map per band (mean over usable windows)."""
    import mne

    plt = _pyplot()
    rows = usable_rows(analysis.window_ok)
    power = analysis.band_power[rows].mean(axis=0)
    relative = power / power.sum(axis=1, keepdims=True)
    names = analysis.ch_names
    montage = mne.channels.make_dig_montage(ch_pos=dict(zip(names, analysis.positions)), coord_frame="head")
    info = mne.create_info(names, 200.0, "eeg")
    info.set_montage(montage, verbose="error")
    fig, axes = plt.subplots(1, len(BAND_NAMES), figsize=(2.0 * len(BAND_NAMES), 2.4))
    for b, (ax, band) in enumerate(zip(axes, BAND_NAMES)):
        if len(names) >= 4:
            mne.viz.plot_topomap(relative[:, b], info, axes=ax, show=False, cmap="viridis", contours=0)
        ax.set_title(f"{band}\n{relative[:, b].mean():.0%}", fontsize=8)
    fig.suptitle(("SYNTHETIC — " if synthetic else "") + "Relative band power", fontsize=9)
    fig.tight_layout()
    return fig


def timeline_figure(timeline: Timeline, synthetic: bool = False):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 2.6))
    for i, label in enumerate(timeline.labels):
        ax.plot(timeline.times_s, timeline.probabilities[:, i], lw=1.2, label=label)
    for t, ok in zip(timeline.times_s, timeline.usable):
        if not ok:
            ax.axvspan(t - 4, t, color="grey", alpha=0.15, lw=0)
    ax.set_ylim(0, 1)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("probability")
    ax.legend(fontsize=7, ncol=4, loc="upper right")
    ax.set_title(("SYNTHETIC — " if synthetic else "") + "Emotion timeline (encoder; grey = unusable window)", fontsize=9)
    fig.tight_layout()
    return fig
