"""The encoder's valence and arousal read-out (its pattern match summed by the classes' place): shown in
chat-v4 evidence, cited by the answers to valence and arousal questions, and checked as a claim.

The expected sums below are worked out by hand from the probabilities and the seven emotions' places
(positive: happy, surprise; neutral: neutral; negative: sad, anger, disgust, fear; high arousal: all
but neutral and sad)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from pattern_evidence import good_evidence, with_probabilities

from encoders.errors import ConfigError
from encoders.labels import LABEL_SPACES, SEVEN_EMOTIONS
from prompts.answers import dimension_answer
from prompts.claims import check_text
from prompts.evidence_text import class_readout, render_evidence
from prompts.rationale import conclusion_of
from prompts.templates import load_template, template_from_data

P = dict(happy=0.10, surprise=0.05, neutral=0.20, sad=0.30, anger=0.10, disgust=0.15, fear=0.10)
LINE = ("- valence and arousal (encoder, summed over the pattern match): negative valence 65%, neutral valence 20%, "
        "positive valence 15%; high arousal 50%, low arousal 50%")


def _evidence(**probabilities: float):
    return with_probabilities(good_evidence(), **(probabilities or P))


def test_the_read_out_sums_the_pattern_match_by_class():
    ev = _evidence()
    assert [(c, round(p, 6)) for c, p in class_readout(ev, SEVEN_EMOTIONS, "valence")] == \
        [("negative", 0.65), ("neutral", 0.2), ("positive", 0.15)]
    assert dict(class_readout(ev, SEVEN_EMOTIONS, "arousal")) == pytest.approx({"high": 0.5, "low": 0.5})
    # SEED's classes are valence only: no arousal read-out; and none without a full vector.
    assert class_readout(ev, LABEL_SPACES["valence-3"], "arousal") == []
    assert class_readout(replace(ev, probabilities={}), SEVEN_EMOTIONS, "valence") == []


def test_the_evidence_shows_the_read_out_only_where_asked_and_meaningful():
    ev = _evidence()
    assert LINE in render_evidence(ev, readout=SEVEN_EMOTIONS).splitlines()
    assert "summed over" not in render_evidence(ev)  # templates before chat-v4
    assert "summed over" not in render_evidence(ev, pattern=False, readout=SEVEN_EMOTIONS)  # no encoder reading
    unsupported = replace(ev, supports_emotion=False, limits=["too_short"])
    assert "summed over" not in render_evidence(unsupported, readout=SEVEN_EMOTIONS)
    # Classes that are valence classes already: the read-out would restate the pattern match.
    seed = with_probabilities(good_evidence(), negative=0.5, neutral=0.3, positive=0.2)
    assert "summed over" not in render_evidence(seed, readout=LABEL_SPACES["valence-3"])


def test_chat_v4_shows_the_read_out_and_earlier_templates_do_not():
    assert load_template("chat-v4").evidence_readout(SEVEN_EMOTIONS) is SEVEN_EMOTIONS
    for version in ("chat-v1", "chat-v2", "chat-v3"):
        assert load_template(version).evidence_readout(SEVEN_EMOTIONS) is None
    import yaml
    from importlib import resources

    data = yaml.safe_load((resources.files("prompts") / "templates" / "chat-v4.yaml").read_text(encoding="utf-8"))
    with pytest.raises(ConfigError, match="class_readout must be true or false"):
        template_from_data("chat-v4", {**data, "class_readout": "yes"})


@pytest.mark.parametrize("dimension, answer, cited", [
    ("valence", "negative valence", "negative valence 65%, neutral valence 20%, positive valence 15%"),
    ("arousal", None, "arousal 50%"),  # a tie: the first class in the label set's order
])
def test_a_dimension_answer_cites_the_read_out_and_concludes_from_it(dimension, answer, cited):
    ev = _evidence()
    target = dimension_answer(ev, SEVEN_EMOTIONS, dimension, random.Random(0))
    assert cited in target.reasoning
    if answer:
        assert target.answer == answer
    assert target.reasoning.endswith(f"Taken together this suggests {target.answer}.")
    # A valence conclusion reads back as the answer; an arousal-only one names no valence to read.
    assert conclusion_of(target.reasoning) == (target.answer if dimension == "valence" else None)
    claims = check_text(target.reasoning, ev)
    assert any(c.kind == "readout" for c in claims) and all(c.holds for c in claims), \
        [(c.kind, c.text, c.why) for c in claims if not c.holds]


def test_a_dimension_answer_says_whether_the_indicators_agree_before_concluding():
    # Sad leads but high arousal holds more of the match: the conclusion follows the read-out, and the
    # sentence before it says what the arousal indicators show.
    ev = replace(_evidence(happy=0.05, surprise=0.05, neutral=0.05, sad=0.40, anger=0.15, disgust=0.15, fear=0.15),
                 band_z={"frontal": {"theta": 1.4}})
    target = dimension_answer(ev, SEVEN_EMOTIONS, "arousal", random.Random(1))
    assert target.answer == "high arousal" and "high arousal 55%, low arousal 45%" in target.reasoning
    assert "arousal indicator stands out" in target.reasoning or "arousal evidence" in target.reasoning


@pytest.mark.parametrize("text, holds", [
    ("Summed over the pattern match, the encoder reads negative valence 65%, neutral valence 20%.", True),
    ("Negative-valence emotions hold 0.65 of the match.", True),
    ("About 65% of the match goes to negative valence.", True),
    ("High arousal 50%, low arousal 50%.", True),
    ("Summed over the pattern match, the encoder reads negative valence 60%.", False),
    ("Positive valence 20%.", False),                       # 15%
    ("The read-out gives high arousal 0.65.", False),        # the valence figure on arousal
])
def test_read_out_claims_are_held_to_the_sums(text, holds):
    found = [c for c in check_text(text, _evidence()) if c.kind == "readout"]
    assert found and all(c.holds for c in found) == holds, [(c.text, c.holds, c.why) for c in found]


@pytest.mark.parametrize("text", [
    "The pattern match is closest to sad (30%), an emotion with negative valence.",
    "Frontal alpha asymmetry of -0.14 favours the right hemisphere, a sign of negative valence.",
    "Frontal theta power is elevated (z +1.4), a sign of higher arousal.",
    "Is negative valence above 60%?",
    "The read-out favours negative valence.",
])
def test_other_statements_near_valence_words_are_not_read_outs(text):
    assert [c for c in check_text(text, _evidence()) if c.kind == "readout"] == []


def test_a_read_out_claim_without_a_full_pattern_match_fails():
    ev = replace(_evidence(), probabilities={})
    found = [c for c in check_text("Negative valence 65%.", ev) if c.kind == "readout"]
    assert [c.holds for c in found] == [False] and "no full pattern match" in found[0].why
