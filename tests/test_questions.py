"""Free questions: the banks, the target replies written from the evidence, and the items built from
them. The held-out bank was written from a specification of the kinds by another writer than the
training bank; the checks here are on behaviour (answer shapes, claims holding), never on wording."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from encoders.labels import EMOTIONS, SEVEN_EMOTIONS
from prompts.answer_format import parse_answer
from prompts.answers import answer_for, question_context
from prompts.questions import HELDOUT, KINDS, READINGS, REGIONS, answer_kind, answers_question, fill, load_questions

TINY = dict(seed=6, subjects=2, trials_per_emotion=1, montage="1020-19", trial_seconds=16.0)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def test_banks_cover_every_kind_and_share_no_phrasing():
    train, heldout = load_questions(), load_questions(HELDOUT)
    assert len(KINDS) >= 12
    for kind in KINDS:
        assert len(train.phrasings(kind)) >= 8, kind
        assert len(heldout.phrasings(kind)) >= 4, kind
    older = load_questions("questions-v1")
    seen = {_norm(p) for bank in (train, older) for k in KINDS for f in (False, True) for p in bank.phrasings(k, f)}
    unseen = {_norm(p) for k in KINDS for f in (False, True) for p in heldout.phrasings(k, f)}
    assert not seen & unseen
    # The second and third writers' banks: every kind, nothing trained on, little overlap with the first.
    for name in ("questions-heldout-v2", "questions-heldout-v3"):
        other = load_questions(name)
        assert all(len(other.phrasings(kind)) >= 14 for kind in KINDS), name
        again = {_norm(p) for k in KINDS for p in other.phrasings(k)}
        assert not seen & again and len(unseen & again) <= 10, name
    # The current bank extends v1 (the phrasings earlier checkpoints were trained on), never rewrites it.
    for kind in KINDS:
        assert set(older.first[kind]) <= set(train.first[kind]), kind
        assert set(older.follow_up[kind]) <= set(train.follow_up[kind]), kind


@pytest.fixture(scope="module")
def evidences(tiny_llm):
    """Evidence of real synthetic recordings (clean and damaged), with pattern-match probabilities
    drawn at random so every kind of reading occurs (confident, split, flat)."""
    from encoders.analysis import FeatureConfig
    from encoders.evidence import label_probabilities
    from encoders.synthetic import CohortConfig
    from training.feature_table import cohort_table

    rng = np.random.default_rng(0)
    clean = cohort_table(CohortConfig(**TINY), FeatureConfig(), progress=False)
    damaged = cohort_table(CohortConfig(**TINY), FeatureConfig(), progress=False, degraded_share=0.5)
    reference = clean.fit_reference(clean.trials, "test")
    out = []
    for table in (clean, damaged):
        for trial in table.trials:
            p = rng.dirichlet(np.full(len(EMOTIONS), rng.choice([0.2, 1.0, 5.0])))
            timeline = [[0.0, 4.0, EMOTIONS[int(np.argmax(p))], 0.6], [4.0, 8.0, EMOTIONS[int(rng.integers(7))], 0.5]]
            out.append(table.evidence(trial, reference, label_probabilities(p, EMOTIONS), timeline))
    assert any(not ev.supports_emotion for ev in out) and any(ev.supports_emotion for ev in out)
    return out


def _slots(kind: str, rng: random.Random):
    if kind == "band":
        return {"region": rng.choice(REGIONS), "band": rng.choice(["delta", "theta", "alpha", "beta", "gamma"])}
    if kind == "why_not":
        return {"emotion": rng.choice(EMOTIONS)}
    return {}


def test_every_reply_answers_the_question_asked_and_its_claims_hold(evidences):
    from prompts.claims.between import check_reasoning

    rng = random.Random(1)
    for ev in evidences:
        for kind in KINDS[1:]:
            target = answer_for(kind, ev, SEVEN_EMOTIONS, rng, **_slots(kind, rng))
            assert answers_question(kind, target.answer, EMOTIONS), (kind, target.answer)
            # an emotion is named as the answer only to an emotion question
            assert answer_kind(target.answer, EMOTIONS) != "emotion"
            assert 0 < target.confidence <= 1
            failing = [c for c in check_reasoning(target.reasoning, [ev]) if not c.holds]
            assert not failing, (kind, target.reasoning, failing)
            if not ev.supports_emotion and kind in READINGS:  # "how sure?" may honestly say "low"
                assert target.answer in ("cannot tell", "confidence low"), (kind, target.answer)
            if kind in ("quality", "bad_channels", "reference", "next_steps"):
                assert target.answer != "cannot tell"  # measurements are reported on any recording


def test_measurement_questions_are_answered_from_the_named_values(evidences):
    ev = next(e for e in evidences if e.supports_emotion and e.band_z)
    region = next(iter(ev.band_z))
    band = next(iter(ev.band_z[region]))
    z = ev.band_z[region][band]
    target = answer_for("band", ev, SEVEN_EMOTIONS, region=region, band=band)
    expected = "elevated" if z >= 1 else "reduced" if z <= -1 else "typical"
    assert target.answer.startswith(f"{region} {band} {expected}")
    # the lookup beside a question names the same value, whatever the phrasing
    for phrasing in (f"what's {band} doing over the {region} electrodes?", f"{band.upper()} at {region} sites?"):
        context = question_context(phrasing, ev, EMOTIONS)
        assert context and f"{region} {band} {expected}" in context


@pytest.mark.parametrize("question", [
    "Is the left frontal alpha higher or lower than the right, and so what?",
    "Compare alpha power between F3 and F4.",
    "Which hemisphere shows more frontal alpha?",
    "Frontal alpha asymmetry?",
])
def test_an_asymmetry_question_gets_no_regions_band_power_beside_it(evidences, question):
    ev = next(e for e in evidences if e.supports_emotion and "frontal" in e.band_z)
    context = question_context(question, ev, EMOTIONS) or ""
    assert "frontal alpha" not in context


def test_neutral_in_a_valence_question_names_the_scale_not_the_emotion(evidences):
    ev = next(e for e in evidences if e.supports_emotion and "neutral" in e.probabilities)
    for question in ("Is the valence positive, neutral or negative?", "Pleasant, neutral or unpleasant?"):
        assert "neutral" not in (question_context(question, ev, EMOTIONS) or "")
    assert "pattern match for neutral" in question_context("Why not neutral?", ev, EMOTIONS)
    # where the classes are the valence classes, "neutral" is the class asked about
    three = ["positive", "neutral", "negative"]
    seed = type(ev)(**{**ev.__dict__, "probabilities": {"positive": 0.5, "neutral": 0.3, "negative": 0.2}})
    assert "pattern match for neutral 30%" in question_context("Is it neutral or negative valence?", seed, three)


def test_why_not_names_the_asked_class_with_its_probability(evidences):
    ev = next(e for e in evidences if e.supports_emotion)
    ranked = sorted(ev.probabilities, key=lambda k: -ev.probabilities[k])
    target = answer_for("why_not", ev, SEVEN_EMOTIONS, emotion=ranked[-1])
    assert target.answer.startswith(f"{ranked[-1]} is less likely (")
    assert f"({round(100 * ev.probabilities[ranked[-1]])}%)" in target.answer


def test_free_items_and_conversations(tiny_llm, evidences):
    from encoders.analysis import FeatureConfig
    from encoders.synthetic import CohortConfig
    from prompts.claims.between import check_reasoning
    from prompts.templates import load_template
    from training.config import TaskMix
    from training.feature_table import cohort_table
    from training.instruction_data import Sources, build_items

    table = cohort_table(CohortConfig(**TINY), FeatureConfig(), progress=False)
    rng = np.random.default_rng(3)
    probabilities = {tuple(t.key): rng.dirichlet(np.ones(len(EMOTIONS))) for t in table.trials}
    sources = Sources(table, None, table.fit_reference(table.trials, "test"), probabilities)
    items = build_items(sources, table.trials, TaskMix(free=24, conversation=4), load_template(), seed=2)
    kinds = {item["kind"] for item in items if item["task"] == "free"}
    assert kinds == set(KINDS[1:])
    for item in items:
        replies = [m["content"] for m in item["messages"] if m["role"] == "assistant"]
        assert len(replies) == (1 if item["task"] == "free" else 2)
        for reply in replies:
            parsed = parse_answer(reply)
            assert parsed.well_formed, reply
            failing = [c for c in check_reasoning(parsed.reasoning, [e for e in map(_evidence, item["evidence"])])
                       if not c.holds]
            assert not failing, (reply, failing)
        if item["task"] == "free":
            assert answers_question(item["kind"], parse_answer(replies[0]).answer, EMOTIONS)
    heldout = build_items(sources, table.trials, TaskMix(free=12), load_template(), seed=2, heldout_questions=HELDOUT)
    bank = {_norm(fill(p, region="frontal", band="alpha", emotion="fear"))
            for k in KINDS for p in load_questions().phrasings(k)}
    for item in heldout:
        lines = item["messages"][1]["content"].splitlines()
        assert item["heldout"] and not any(_norm(line) in bank for line in lines if line.strip())


def _evidence(data: dict):
    from encoders.evidence import Evidence

    return Evidence.from_dict(data)


def test_a_reference_question_where_nothing_deviates_answers_none_and_its_claim_is_checked():
    import json
    from pathlib import Path

    from encoders.evidence import Evidence
    from prompts.claims.between import check_reasoning
    from prompts.evidence_text import notable_band_findings

    data = Path(__file__).parent / "data" / "claims"
    evs = [Evidence.from_dict(json.loads(p.read_text())) for p in sorted(data.glob("evidence-0*.json"))]
    typical = next(e for e in evs if e.band_z and not notable_band_findings(e))
    deviating = next(e for e in evs if notable_band_findings(e))
    target = answer_for("reference", typical, SEVEN_EMOTIONS)
    assert target.answer == "largest deviation: none (all regions typical)"
    assert answer_kind(target.answer, EMOTIONS) == "reference"
    assert all(c.holds for c in check_reasoning(target.reasoning, [typical]))
    # the same words about a recording with a deviation are flagged
    assert any(not c.holds for c in check_reasoning(target.reasoning, [deviating]))
    top = notable_band_findings(deviating)[0]
    _, region, band = top.key.split(":")
    assert answer_for("reference", deviating, SEVEN_EMOTIONS).answer.startswith(f"largest deviation: {region} {band} ")
    # the bare form a writer may use still answers the question; a dangling "none" does not
    assert answers_question("reference", "all regions typical", EMOTIONS)
    assert not answers_question("reference", "largest deviation: none", EMOTIONS)


def _bank_file(path, kinds: dict) -> str:
    import yaml

    path.write_text(yaml.safe_dump({"version": "my-bank", "kinds": kinds}), encoding="utf-8")
    return str(path)


def test_a_held_out_bank_of_ones_own_is_checked_before_any_model_loads(tmp_path):
    """A researcher's own phrasings (a YAML file) are read, their slots checked, and refused when they
    repeat a trained phrasing, with one sentence each."""
    from encoders.errors import ConfigError
    from prompts.questions import check_heldout_bank

    own = {kind: [f"In my words, a {kind} question number {i}?" for i in range(3)] for kind in KINDS}
    own["band"] = ["Where does {band} stand at the {region} sites, in my words?"]
    own["why_not"] = ["What in my words speaks against {emotion}?"]
    bank = check_heldout_bank(_bank_file(tmp_path / "mine.yaml", own))
    assert bank.first["band"] == ("Where does {band} stand at the {region} sites, in my words?",)
    trained = dict(own, valence=[load_questions().phrasings("valence")[0].upper()])
    broken = dict(own, band=["How is the {band} band doing?"])
    for kinds, words in ((trained, "shares 1 phrasing"), (broken, r"must have \{band\} and \{region\}"),
                         ({k: v for k, v in own.items() if k != "summary"}, "no phrasings for summary"),
                         (dict(own, quality=[]), "no phrasings for quality"),
                         (dict(own, timeline=None), "timeline phrasings must be a list of non-empty strings"),
                         (dict(own, reference=["Typical?", 42]), "reference phrasings must be a list"),
                         (dict(own, summary="Sum it up?"), "summary phrasings must be a list")):
        with pytest.raises(ConfigError, match=words) as info:
            check_heldout_bank(_bank_file(tmp_path / f"bad{len(words)}.yaml", kinds))
        assert str(info.value).count(". ") == 0
    (tmp_path / "junk.yaml").write_text("kinds: [unclosed", encoding="utf-8")
    for missing in (str(tmp_path / "junk.yaml"), str(tmp_path / "absent.yaml"), str(tmp_path / "bank.txt"),
                    "questions-v2"):
        with pytest.raises(ConfigError):
            check_heldout_bank(missing)


def test_free_items_are_asked_in_the_bank_the_evaluation_names(tmp_path):
    from encoders.analysis import FeatureConfig
    from encoders.synthetic import CohortConfig
    from prompts.templates import load_template
    from training.config import TaskMix
    from training.feature_table import cohort_table
    from training.instruction_data import Sources, build_items

    own = {kind: [f"Per my own wording, tell me about {kind} here?"] for kind in KINDS}
    own["band"] = ["My wording: {band} at {region}?"]
    own["why_not"] = ["My wording: why is it not {emotion}?"]
    path = _bank_file(tmp_path / "mine.yaml", own)
    table = cohort_table(CohortConfig(**TINY), FeatureConfig(), progress=False)
    sources = Sources(table, None, table.fit_reference(table.trials, "test"), {})
    items = build_items(sources, table.trials, TaskMix(free=12), load_template(), seed=2, heldout_questions=path)
    assert len(items) == 12 and all(item["heldout"] for item in items)
    assert all("my own wording" in item["messages"][1]["content"].lower() or
               "my wording" in item["messages"][1]["content"].lower() for item in items)

