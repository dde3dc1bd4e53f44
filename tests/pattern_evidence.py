"""Evidence with a given pattern match, and the ordering claims read from a text about it: what the
ordering tests and their independently written case files (tests/data/ordering_*.json) share."""

from __future__ import annotations

from dataclasses import replace

from encoders.evidence import Evidence, Finding


def good_evidence() -> Evidence:
    """A good 62-channel recording with no pattern match yet."""
    return Evidence("evidence-v1", True, 32.0, 62, "good", ["32 of 32 s usable"], 32.0, 32.0, [], 0.1, "balanced",
                    {"frontal": {"alpha": 0.2}}, "ref", [Finding("quality", "good", 1.0)])


def with_probabilities(ev: Evidence, **probabilities: float) -> Evidence:
    """`ev` with this full pattern match (its top three shown, as the evidence builder does)."""
    ranked = sorted(probabilities.items(), key=lambda kv: -kv[1])
    return replace(ev, probabilities=dict(probabilities), pattern=[[k, v] for k, v in ranked[:3]])


def with_timeline(ev: Evidence, timeline: list[list], duration: float) -> Evidence:
    """`ev` as a fully usable recording of `duration` seconds with this reading over time
    ([start_s, end_s, class, probability] per part)."""
    return replace(ev, timeline=[list(seg) for seg in timeline], duration_s=float(duration),
                   total_seconds=float(duration), usable_seconds=float(duration),
                   quality_reasons=[f"{duration:g} of {duration:g} s usable"])


def assert_verdicts(found: list, expect: bool | None, text: str, kind: str, one_claim: bool = True) -> None:
    """What a case written apart from the checker expects of the claims of `kind` found in `text`:
    None, that there are none; true or false, exactly one that holds or fails (`one_claim`), or at
    least one, all holding (true) or one failing (false)."""
    shown = [(c.text, c.holds, c.measured, c.why) for c in found]
    if expect is None:
        assert found == [], f"expected no {kind} claim in {text!r}, got {shown}"
    elif one_claim:
        assert [c.holds for c in found] == [expect], f"{text!r}: expected {expect}, got {shown}"
    elif expect:
        assert found and all(c.holds for c in found), f"{text!r}: expected every {kind} claim to hold, got {shown}"
    else:
        assert any(not c.holds for c in found), f"{text!r}: expected a failing {kind} claim, got {shown}"


def claims_of_kind(kind: str, text: str, recordings: list[dict[str, float]]) -> list:
    """The claims of `kind` the checker reads in `text` about these recordings (one recording:
    `check_text`, as `verify` does; several: `check_reasoning`)."""
    from prompts.claims import check_text
    from prompts.claims.between import check_reasoning

    evidences = [with_probabilities(good_evidence(), **p) for p in recordings]
    checked = check_text(text, evidences[0]) if len(evidences) == 1 else check_reasoning(text, evidences)
    return [c for c in checked if c.kind == kind]


def analysed_evidence(seed: int, n_channels: int = 62) -> Evidence:
    """The evidence of an analysed EEG-like recording (the first `n_channels` of the 62-channel
    montage, 40 s at 200 Hz) with a full pattern match drawn from `seed`, as the encoder gives one."""
    import random

    from eeg_files import eeg_like
    from encoders.analysis import analyse_recording
    from encoders.channels import electrode_positions, montage
    from encoders.evidence import build_evidence
    from encoders.labels import SEVEN_EMOTIONS
    from encoders.recording import Recording

    names = montage("seed62")[:n_channels]
    ev = build_evidence(analyse_recording(Recording(eeg_like(len(names), 200.0, 40.0, seed=seed), names, 200.0,
                                                    electrode_positions(names))))
    rng = random.Random(seed)
    weights = [rng.random() ** 3 for _ in SEVEN_EMOTIONS.labels]
    return with_probabilities(ev, **{label: w / sum(weights) for label, w in zip(SEVEN_EMOTIONS.labels, weights)})
