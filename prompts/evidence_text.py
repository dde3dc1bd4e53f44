"""Evidence rendered as the short text block a prompt carries. Deterministic: same evidence, same
text. Only numbers present in the `Evidence` object appear here."""

from __future__ import annotations

from encoders.evidence import Evidence

MAX_BAND_FINDINGS = 4
_FAA_WORDS = {
    "left": "favours the left hemisphere (relatively more left-frontal activity)",
    "right": "favours the right hemisphere (relatively more right-frontal activity)",
    "balanced": "is balanced",
}


def render_evidence(ev: Evidence) -> str:
    lines = []
    if ev.synthetic:
        lines.append("- source: SYNTHETIC recording (generated, not from a person)")
    bad = ", ".join(ev.bad_channels) if ev.bad_channels else "none"
    lines.append(f"- quality: {ev.quality_grade}; {ev.usable_seconds:.0f} of {ev.total_seconds:.0f} s usable; "
                 f"bad channels: {bad}")
    if ev.faa is not None:
        lines.append(f"- frontal alpha asymmetry: {ev.faa:+.2f} ({_FAA_WORDS[ev.faa_direction]})")
    # The strongest deviations only: a prompt is not a table, and a small model reads short lists best.
    notable = sorted((f for f in ev.findings if f.key.startswith("band:") and f.direction != "typical"),
                     key=lambda f: -abs(f.value or 0.0))[:MAX_BAND_FINDINGS]
    if notable:
        parts = []
        for f in notable:
            _, region, band = f.key.split(":")
            parts.append(f"{region} {band} {f.direction} (z {f.value:+.1f})")
        lines.append("- band power vs reference: " + "; ".join(parts))
    else:
        lines.append("- band power vs reference: all regions typical")
    return "\n".join(lines)
