"""Checking generated reasoning against the measured evidence.

Every feature claim the reasoning makes (frontal alpha asymmetry, a region's band power, signal
quality, the encoder's pattern match) is parsed with the grammar in `prompts.rationale` and
compared with the recording's computed `Evidence`: the direction must match, a stated number must
be the measured one at the precision the prompt shows, and a meaning the sentence attaches to it
("…, a sign of positive valence") must be the documented association. Faithfulness is the share
of claims that hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from encoders.evidence import FAA_THRESHOLD, Z_THRESHOLD, Evidence
from prompts.rationale import Claim, documented_association, extract_claims


@dataclass
class CheckedClaim:
    text: str
    key: str
    holds: bool
    why: str

    def to_dict(self) -> dict:
        return {"text": self.text, "key": self.key, "holds": self.holds, "why": self.why}


def _band_direction(z: float) -> str:
    return "elevated" if z >= Z_THRESHOLD else "reduced" if z <= -Z_THRESHOLD else "typical"


def check_claim(claim: Claim, ev: Evidence) -> CheckedClaim:
    checked = _check_measurement(claim, ev)
    if checked.holds and claim.association is not None:
        documented = documented_association(claim)
        if documented != claim.association:
            dimension, sign = claim.association
            said = f"{'higher' if sign > 0 else 'lower'} {dimension}" if dimension == "arousal" else \
                f"{'positive' if sign > 0 else 'negative'} {dimension}"
            return CheckedClaim(claim.text, claim.key, False, f"the measurement is right but it does not indicate "
                                                             f"{said} (no such documented association)")
    return checked


def _check_measurement(claim: Claim, ev: Evidence) -> CheckedClaim:
    def result(holds: bool, why: str) -> CheckedClaim:
        return CheckedClaim(claim.text, claim.key, holds, why)

    if claim.kind == "faa":
        if ev.faa is None:
            return result(False, "no frontal alpha asymmetry was measured (no frontal pair)")
        if claim.direction != ev.faa_direction:
            return result(False, f"measured asymmetry {ev.faa:+.2f} is {ev.faa_direction}, not {claim.direction}")
        if claim.value is not None and abs(claim.value - ev.faa) > 0.005 + 1e-9:
            return result(False, f"stated {claim.value:+.2f}, measured {ev.faa:+.2f}")
        return result(True, "matches the measured asymmetry")
    if claim.kind == "band":
        _, region, band = claim.key.split(":")
        z = ev.band_z.get(region, {}).get(band)
        if z is None:
            return result(False, f"no {region} {band} measurement (no channels in that region)")
        if claim.direction != _band_direction(z):
            return result(False, f"measured z {z:+.2f} is {_band_direction(z)}, not {claim.direction}")
        if claim.value is not None and abs(claim.value - round(z, 1)) > 0.05 + 1e-9:
            return result(False, f"stated z {claim.value:+.1f}, measured {z:+.1f}")
        return result(True, "matches the measured band power")
    if claim.kind == "quality":
        if claim.direction != ev.quality_grade:
            return result(False, f"measured quality is {ev.quality_grade}, not {claim.direction}")
        if claim.extra is not None:
            usable, total = claim.extra
            if abs(usable - round(ev.usable_seconds)) > 0.5 or abs(total - round(ev.total_seconds)) > 0.5:
                return result(False, f"stated {usable:.0f} of {total:.0f} s usable, measured "
                                     f"{ev.usable_seconds:.0f} of {ev.total_seconds:.0f}")
        return result(True, "matches the quality report")
    if claim.kind == "pattern":
        if not ev.pattern:
            return result(False, "no pattern match was computed for this recording")
        stated = [(claim.direction, claim.value)] + ([claim.extra] if claim.extra else [])
        for rank, (emotion, probability) in enumerate(stated):
            if rank >= len(ev.pattern):
                return result(False, "the pattern match lists fewer emotions")
            measured_emotion, measured = ev.pattern[rank]
            if emotion != measured_emotion or abs(probability - measured) > 0.005 + 1e-9:
                return result(False, f"pattern match rank {rank + 1} is {measured_emotion} {measured:.0%}, "
                                     f"not {emotion} {probability:.0%}")
        return result(True, "matches the encoder's pattern match")
    return result(False, f"unknown claim kind {claim.kind}")


def check_reasoning(reasoning: str, evidences: list[Evidence]) -> list[CheckedClaim]:
    """Claims in a reasoning text checked against its recording's evidence. With several recordings,
    a claim is checked against the recording the sentence names ("In recording 2, …"), else the first."""
    if len(evidences) == 1:
        return [check_claim(c, evidences[0]) for c in extract_claims(reasoning)]
    checked: list[CheckedClaim] = []
    import re

    pieces = re.split(r"(?=\b[Ii]n recording \d+|\bRecording \d+[: ])", reasoning)
    for piece in pieces:
        match = re.match(r"\s*(?:[Ii]n r|R)ecording (\d+)", piece)
        index = int(match.group(1)) - 1 if match else 0
        if not 0 <= index < len(evidences):
            checked += [CheckedClaim(c.text, c.key, False, f"recording {index + 1} does not exist")
                        for c in extract_claims(piece)]
            continue
        checked += [check_claim(c, evidences[index]) for c in extract_claims(piece)]
    return checked


__all__ = ["CheckedClaim", "FAA_THRESHOLD", "check_claim", "check_reasoning"]
