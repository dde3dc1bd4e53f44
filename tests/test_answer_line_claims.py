"""The Answer line is checked like the reasoning: every free question's answer line that states a
measurement (a band's z, the asymmetry, the grade, the bad channels, the confidence level, a class's
share and place, the largest deviation, the reading over time) holds when it is the target's and
fails when one part of it is changed; lines that state no measurement add no claim. Replies served
to `ask --json` and the Chat tab carry the check of the whole reply. (The corpus written apart
from this code is tests/test_answer_line_corpus.py.)"""

from __future__ import annotations

import dataclasses
import random
import re

import pytest

from pattern_evidence import analysed_evidence
from encoders.channels import montage
from encoders.features import BAND_NAMES
from encoders.labels import SEVEN_EMOTIONS
from prompts.answer_format import format_answer
from prompts.answers import answer_for
from prompts.claims import check_text
from prompts.questions import FREE_KINDS, REGIONS
from serve.answer_fields import answer_fields
from serve.tabs.claim_check import claim_check_message

# Kinds whose answer line states a measurement (the others: a reading, or a next step).
MEASURED = ("band", "asymmetry", "quality", "bad_channels", "confidence", "why_not", "reference", "timeline", "summary")


@pytest.fixture(scope="module")
def evidences():
    """Clean; fair with many bad channels and a changing reading; without a frontal pair or the
    occipital region, with a steady reading; every region typical; one that cannot support a reading."""
    clean = analysed_evidence(1)
    noisy = dataclasses.replace(analysed_evidence(2), bad_channels=["FP1", "T7", "O2", "CZ", "PZ", "F8", "C3", "P4", "OZ"],
                                quality_grade="fair", timeline=[[0, 20, "happy", 0.61], [20, 40, "sad", 0.44]])
    third = analysed_evidence(3)
    partial = dataclasses.replace(third, faa=None, faa_direction=None,
                                  band_z={r: z for r, z in third.band_z.items() if r != "occipital"},
                                  findings=[f for f in third.findings if ":occipital:" not in f.key],
                                  timeline=[[0, 10, "fear", 0.5], [10, 20, "fear", 0.4], [20, 30, "fear", 0.6]])
    calm = analysed_evidence(5)
    calm = dataclasses.replace(calm, band_z={r: {b: round(0.9 * ((i + j) % 3 - 1), 2) for j, b in enumerate(bands)}
                                             for i, (r, bands) in enumerate(calm.band_z.items())}, findings=[])
    unsupported = dataclasses.replace(analysed_evidence(4, 2), supports_emotion=False, quality_grade="poor",
                                      limits=["two channels"])
    return [clean, noisy, partial, calm, unsupported]


def _targets(ev, seed: int = 0):
    """(kind, reply, answer line) for every free kind, slots chosen at random."""
    rng = random.Random(seed)
    out = []
    for kind in FREE_KINDS:
        for _ in range(3 if kind in ("band", "why_not") else 1):
            target = answer_for(kind, ev, SEVEN_EMOTIONS, rng, region=rng.choice(REGIONS), band=rng.choice(BAND_NAMES),
                                emotion=rng.choice(SEVEN_EMOTIONS.labels))
            out.append((kind, format_answer(target.reasoning, target.answer, target.confidence), target.answer))
    return out


def _line_claims(text: str, ev):
    """The claims a reply makes beyond those of its reasoning: its Answer line's."""
    reasoning = text[:text.index("\nAnswer:")]
    before = {(c.kind, c.text) for c in check_text(reasoning, ev)}
    return [c for c in check_text(text, ev) if (c.kind, c.text) not in before]


def test_every_target_reply_holds_and_its_measured_answer_line_is_read(evidences):
    for ev in evidences:
        for kind, text, answer in _targets(ev):
            checked = check_text(text, ev)
            assert all(c.holds for c in checked), (kind, answer, [c.to_dict() for c in checked if not c.holds])
            read = _line_claims(text, ev)
            assert all(c.text in answer for c in read), (kind, answer, [c.to_dict() for c in read])
            assert bool(read) == (kind in MEASURED and answer != "cannot tell"), (kind, answer)


def _changed(kind: str, answer: str, ev) -> list[str]:
    """Answer lines with one part of the target's changed: each is wrong about the recording."""
    lines = []
    z = re.search(r"\(z ([+-]\d+\.\d)\)", answer)
    if kind in ("band", "reference") and z:
        value = float(z.group(1))
        lines.append(answer.replace(z.group(0), f"(z {-value if abs(value) >= 0.2 else value + 1.5:+.1f})"))
        lines.append(answer.replace(z.group(0), f"(z {value + 0.6:+.1f})"))
        for word in ("elevated", "reduced", "typical"):
            if f" {word} " not in answer:
                lines.append(re.sub(r" (?:elevated|reduced|typical) ", f" {word} ", answer))
                break
    if kind == "band" and answer.endswith("not measured"):
        lines.append(answer.replace("not measured", "typical (z +0.2)"))
    if kind == "asymmetry" and ev.faa is not None:
        value = float(re.search(r"\(([+-]\d+\.\d+)\)", answer).group(1))
        lines += [f"favours {'right' if value > 0 else 'left'} ({value:+.2f})", re.sub(r"\([+-]\d+\.\d+\)",
                                                                                      f"({value + 0.2:+.2f})", answer),
                  "not measured"]
    if kind == "asymmetry" and ev.faa is None:
        lines.append("favours left (+0.20)")
    if kind in ("quality", "summary"):
        grade = ev.quality_grade
        other = {"good": "fair", "fair": "poor", "poor": "good"}[grade]
        lines.append(answer.replace(f"quality {grade}", f"quality {other}").replace(f"{grade} quality", f"{other} quality"))
    if kind == "bad_channels":
        healthy = next(c for c in montage("seed62") if c not in ev.bad_channels)
        if ev.bad_channels and "more" not in answer:
            lines.append(answer + f", {healthy}")
            lines.append(f"bad channels: {', '.join(ev.bad_channels[1:]) or 'none'}")
        elif "more" in answer:
            lines.append(re.sub(r"and (\d+) more", lambda m: f"and {int(m.group(1)) + 2} more", answer))
        else:
            lines.append(f"bad channels: {healthy}")
    if kind == "confidence":
        level = answer.split()[-1]
        lines.append(f"confidence {'high' if level != 'high' else 'low'}")
    if kind == "why_not" and answer != "cannot tell":
        percent = int(re.search(r"\((\d+)%\)", answer).group(1))
        lines.append(re.sub(r"\(\d+%\)", f"({percent + 7}%)", answer))
        lines.append(answer.replace("is less likely", "is the closest match") if "less likely" in answer else
                     answer.replace("is the closest match", "is less likely"))
    if kind == "reference" and "largest deviation: " in answer and z:
        others = sorted(((abs(v), r, b, v) for r, bands in ev.band_z.items() for b, v in bands.items()
                         if abs(v) >= 1.0), reverse=True)[1:2]
        for _, region, band, v in others:
            word = "elevated" if v > 0 else "reduced"
            lines.append(f"largest deviation: {region} {band} {word} (z {v:+.1f})")
        lines.append("largest deviation: none (all regions typical)")
    if kind == "reference" and "none" in answer:
        region, bands = next(iter(ev.band_z.items()))
        band, v = next(iter(bands.items()))
        lines.append(f"largest deviation: {region} {band} {'elevated' if v >= 0 else 'reduced'} (z {v:+.1f})")
    if kind == "timeline" and answer != "cannot tell":
        labels = [seg[2] for seg in ev.timeline]
        other = next(x for x in SEVEN_EMOTIONS.labels if x not in labels)
        if answer.startswith("steady"):
            lines += [f"steady: {other}", f"changing: {labels[0]} then {other}"]
        else:
            lines += [f"steady: {labels[0]}", "changing: " + " then ".join(reversed(answer[len("changing: "):]
                                                                                   .split(" then ")))]
    return [line for line in lines if line != answer]


def test_an_answer_line_with_one_part_changed_fails(evidences):
    tried = 0
    for ev in evidences:
        for kind, text, answer in _targets(ev, seed=1):
            for line in _changed(kind, answer, ev):
                wrong = text.replace(f"Answer: {answer}", f"Answer: {line}")
                failing = [c for c in check_text(wrong, ev) if not c.holds]
                assert failing and all(c.text in line for c in failing), (kind, answer, line,
                                                                          [c.to_dict() for c in failing])
                tried += 1
    assert tried >= 80


def test_lines_are_read_whatever_their_case_and_trailing_full_stop(evidences):
    ev = evidences[1]
    text = "Reasoning: I looked at the quality report.\nAnswer: Bad channels: FP1, T7, O2, CZ, PZ, F8, C3, P4 and 1 more.\n" \
           "Confidence: 0.95"
    (claim,) = [c for c in check_text(text, ev) if c.kind == "bad_channels"]
    assert claim.holds, claim
    wrong = text.replace("and 1 more", "and 4 more")
    assert [c.holds for c in check_text(wrong, ev) if c.kind == "bad_channels"] == [False]
    listed = "Reasoning: x.\nAnswer: bad channels: FP1 (flat) and T7\nConfidence: 0.9"
    (claim,) = [c for c in check_text(listed, ev) if c.kind == "bad_channels"]
    assert not claim.holds and "bad channels are" in claim.why  # the list is not all of them


def test_served_fields_and_the_chat_check_cover_the_answer_line(evidences):
    ev = evidences[0]
    kind, text, answer = next(t for t in _targets(ev) if t[0] == "asymmetry")
    assert answer_fields(text, [ev], SEVEN_EMOTIONS.labels)["claims_failing"] == 0
    side = "right" if "left" in answer else "left"
    wrong = text.replace(f"Answer: {answer}", "Answer: " + re.sub(r"^(?:favours \w+|balanced)", f"favours {side}", answer))
    fields = answer_fields(wrong, [ev], SEVEN_EMOTIONS.labels)
    assert fields["claims_failing"] == 1 and fields["label"].startswith(f"favours {side}")
    message = claim_check_message(wrong, [ev], SEVEN_EMOTIONS.labels)
    assert message["role"] == "assistant" and "1 of" in message["metadata"]["title"]
    assert "status" not in message["metadata"]  # open: a failing claim needs the reader's eye
    assert message["content"].startswith("- **FAILS**: “favours")
    held = claim_check_message(text, [ev], SEVEN_EMOTIONS.labels)
    assert held["metadata"]["status"] == "done" and "all" in held["metadata"]["title"]
    nothing = claim_check_message("Reasoning: I cannot say more.\nAnswer: happy\nConfidence: 0.4", [ev],
                                  SEVEN_EMOTIONS.labels)
    assert "no checkable claim" in nothing["metadata"]["title"]


def test_any_answer_line_is_read_without_an_error(evidences):
    """Answer lines made of the shapes' words in any order: each is read (as a shape or as prose)
    and checked; none raises."""
    words = ["frontal", "alpha", "elevated", "(z", "+1.4)", "favours", "left", "(+0.27)", "balanced", "quality", "good",
             "bad channels:", "FP1,", "and", "3", "more", "none", "confidence", "high", "happy", "is", "less likely",
             "(12%)", "the closest match", "largest deviation:", "steady:", "changing:", "then", "sad", "summary:",
             "not measured", "no region measured", "all regions typical", ",", ".", "(", ")", "cannot tell", "next:"]
    rng = random.Random(7)
    for _ in range(3000):
        line = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        for claim in check_text(f"Reasoning: I read the table.\nAnswer: {line}\nConfidence: 0.50", rng.choice(evidences)):
            assert isinstance(claim.holds, bool) and claim.measured is not None


def test_a_class_said_twice_in_a_row_is_one_part_of_the_sequence(evidences):
    ev = evidences[1]  # happy for 0–20 s, then sad
    def holds(line):
        return [c.holds for c in check_text(f"Reasoning: r.\nAnswer: {line}\nConfidence: 0.50", ev) if c.kind == "trend"]
    assert holds("changing: happy then sad then sad") == [True]
    assert holds("changing: happy then sad then happy") == [False]
    assert holds("changing: sad then happy") == [False]


def test_the_evaluation_counts_answer_lines_that_hold_apart_from_faithfulness(evidences):
    from evaluation.scoring import score_item
    from evaluation.summary import _free

    ev = evidences[0]
    kind, text, answer = next(t for t in _targets(ev) if t[0] == "quality")
    item = {"id": "q1", "task": "free", "kind": kind, "subjects": ["s1"], "answer": answer,
            "evidence": [ev.to_dict()], "label_space": SEVEN_EMOTIONS.to_dict()}
    right = score_item(item, text)
    wrong = score_item(item | {"id": "q2"}, text.replace(f"Answer: {answer}", "Answer: quality poor"))
    valence = score_item(item | {"id": "q3", "kind": "valence", "answer": "positive valence"},
                         "Reasoning: Rating valence.\nAnswer: positive valence\nConfidence: 0.60")
    assert [len(r["answer_claims"]) for r in (right, wrong, valence)] == [1, 1, 0]
    assert right["claims"] == wrong["claims"]  # the reasoning's claims, as faithfulness counts them
    summary = _free([right, wrong, valence])
    assert summary["answer_lines_stating"] == 2 and summary["answer_lines_hold"] == 0.5
    assert summary["per_kind"]["quality"]["answer_lines_failing"] == 1
    from evaluation.summary import compute_metrics
    from serve.tabs.evaluate import metrics_markdown

    metrics = compute_metrics([right, wrong, valence])
    assert metrics["free_answer_lines_hold"] == 0.5
    assert "| free questions' Answer lines that hold | 0.500 |" in metrics_markdown(metrics, synthetic=True)
