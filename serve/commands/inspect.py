"""`eegreason inspect RECORDING`: what eegreason sees in a file, before any model is involved."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

NAME = "inspect"
HELP = "Show channels, quality grade and reasons, bad channels and a feature summary of a recording."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", type=Path, help="EEG file: EDF, BDF, FIF, BrainVision .vhdr, EEGLAB .set, .cnt")
    parser.add_argument("--window", type=float, default=4.0, help="analysis window in seconds (default 4)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def inspection(path: Path, window_s: float) -> dict:
    from encoders.io import read_recording

    return inspection_of(read_recording(path), window_s, path.name)


def inspection_of(recording, window_s: float, name: str | None = None) -> dict:
    """What `inspect` reports on a `Recording`: plain JSON values, every number finite (None where
    there is no number, e.g. relative power of a recording without a usable channel)."""
    from encoders.analysis import FeatureConfig, analyse_recording

    return inspection_from(recording, analyse_recording(recording, FeatureConfig(window_s=window_s)), name)


def inspection_from(recording, analysis, name: str | None = None) -> dict:
    """`inspection_of` for a recording already analysed."""
    import numpy as np

    from encoders.evidence import build_evidence, region_log_relative_power
    from encoders.features import BAND_NAMES
    from encoders.finite import json_safe
    from encoders.inputs import usable_rows

    evidence = build_evidence(analysis)
    rows = usable_rows(analysis.window_ok)
    bad = set(analysis.quality.bad_channels)
    good = [i for i, n in enumerate(analysis.ch_names) if n not in bad]
    power = analysis.band_power[rows][:, good]  # (W, C_good, B): what the evidence rests on
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_power = power.mean(axis=0) if power.size else np.full((1, len(BAND_NAMES)), np.nan)  # (C, B) µV²
        relative = mean_power / mean_power.sum(axis=1, keepdims=True)
        band_mean = mean_power.mean(axis=0)
        relative_mean = relative.mean(axis=0)
    return json_safe({
        "recording": name or recording.meta.source_name,
        "format": recording.meta.file_format,
        "synthetic": recording.meta.synthetic,
        "sfreq_hz": recording.sfreq,
        "duration_s": round(recording.duration, 2),
        "channels_used": recording.ch_names,
        "channels_set_aside": recording.meta.set_aside,
        "units_note": recording.meta.units_note,
        "quality": {
            "grade": analysis.quality.grade,
            "reasons": analysis.quality.reasons,
            "bad_channels": analysis.quality.bad_channel_reasons,
            "usable_seconds": analysis.quality.usable_seconds,
            "total_seconds": analysis.quality.total_seconds,
            "artifact_percent": analysis.quality.artifact_percent,
            "blink_percent": analysis.quality.blink_percent,
            "muscle_percent": analysis.quality.muscle_percent,
            "line_noise_ratio": analysis.quality.line_noise_ratio,
        },
        "features": {
            "preprocessing": analysis.recording.meta.preprocessing,
            "reference": analysis.reference,
            "channels_in_features": [analysis.ch_names[i] for i in good],
            "band_power_uv2_mean": {b: round(float(band_mean[i]), 3) for i, b in enumerate(BAND_NAMES)},
            "relative_band_power_mean": {b: round(float(relative_mean[i]), 4) for i, b in enumerate(BAND_NAMES)},
            "region_log_relative_power": {r: {b: round(v, 3) for b, v in bands.items()} for r, bands in
                                          region_log_relative_power(analysis.band_power[:, good],
                                                                    [analysis.ch_names[i] for i in good],
                                                                    rows).items()},
            "frontal_alpha_asymmetry": evidence.faa,
            "frontal_alpha_asymmetry_direction": evidence.faa_direction,
        },
        "supports_emotion": evidence.supports_emotion,
        "limits": evidence.limits,
    })


def run(args: argparse.Namespace) -> int:
    info = inspection(args.recording, args.window)
    if args.json:
        print(json.dumps(info, indent=2, allow_nan=False))
        return 0
    q = info["quality"]
    f = info["features"]
    lines = [
        f"{info['recording']} ({info['format']}){'  [SYNTHETIC: generated, not from a person]' if info['synthetic'] else ''}",
        f"  rate {info['sfreq_hz']:g} Hz, duration {info['duration_s']:.1f} s",
        f"  EEG channels ({len(info['channels_used'])}): {' '.join(info['channels_used'])}",
        "  set aside: " + (", ".join(f"{k} ({v})" for k, v in info["channels_set_aside"].items()) or "none"),
        f"  quality: {q['grade']} — " + "; ".join(q["reasons"]),
        "  bad channels: " + (", ".join(f"{k} ({v})" for k, v in q["bad_channels"].items()) or "none"),
        "  relative band power: " + ", ".join(f"{b} {v:.1%}" if v is not None else f"{b} —"
                                              for b, v in f["relative_band_power_mean"].items()),
        f"  reference: {f['reference'] or 'none applied'}",
    ]
    if f["frontal_alpha_asymmetry"] is not None:
        lines.append(f"  frontal alpha asymmetry: {f['frontal_alpha_asymmetry']:+.2f} ({f['frontal_alpha_asymmetry_direction']})")
    if not info["supports_emotion"]:
        lines.append("  emotion reading: not supported (" + "; ".join(info["limits"]) + ")")
    elif info["limits"]:
        lines.append("  limits: " + "; ".join(info["limits"]))
    if info["units_note"]:
        lines.append(f"  units: {info['units_note']}")
    print("\n".join(lines))
    return 0
