"""Free questions about one recording, and conversations that follow up on an answer.

A free item asks one of the kinds of `prompts.questions` in a phrasing from the training bank (or,
for evaluation, the held-out bank), with the measurements the question names looked up and given
beside it (`prompts.answers.with_context`), and the reply written from the evidence
(`prompts.answers.answer_for`). A conversation opens with an emotion judgement or a free question and
follows up with further free questions in short phrasings; every reply is trained on.

Evaluation items keep the ground truth for the readings it can score (valence and arousal); the
measurements' references are what the evidence says.
"""

from __future__ import annotations

import random

from encoders.features import BAND_NAMES
from encoders.labels import LabelSpace, arousal_class, valence_class
from encoders.log import get_logger
from prompts.answer_format import format_answer
from prompts.answers import Target, answer_for, with_context
from prompts.evidence_text import notable_band_findings
from prompts.questions import REGIONS, free_kinds

from .feature_table import TrialRow
from .instruction_data import ItemBuilder

log = get_logger(__name__)

# Kinds asked twice as often: a valence question reads most like the emotion question ("the
# patient's affect", "how they feel"), a confidence question names the emotion reading it asks
# about, an asymmetry question speaks of valence's sides ("F4 versus F3"), a reference question
# ("is this typical?") reads like a quality one, a summary repeats the emotion reading, and a
# why-not question names an emotion: these take the most examples to tell apart from the emotion
# question they resemble.
EMPHASISED_KINDS = ("valence", "confidence", "asymmetry", "reference", "summary", "why_not")


def free_rotation(space: LabelSpace) -> tuple[str, ...]:
    """The order free items walk the kinds in: every kind once, the emphasised ones twice."""
    kinds = free_kinds(space)
    return kinds + tuple(k for k in EMPHASISED_KINDS if k in kinds)


# Share of reference questions asked of a recording whose band power is typical everywhere. A
# cohort's own recordings rarely are (with 25 region-band z-scores against the cohort, one nearly
# always passes |z| >= 1: 2% of training items), but unseen subjects often are (17% of held-out
# items): without examples the model has no answer for "nothing deviates".
TYPICAL_REFERENCE_SHARE = 1 / 3


def balance_reference_trials(builder: ItemBuilder, free_trials: list[TrialRow], kinds: tuple[str, ...],
                             pool: list[TrialRow]) -> list[TrialRow]:
    """`free_trials` with every third reference question moved to a recording of `pool` whose band
    power is typical in every measured region (cycling through them), where the pool has any."""
    typical = [t for t in pool if (ev := builder.sources.evidence("clean", t)).band_z and not notable_band_findings(ev)]
    positions = [i for i in range(len(free_trials)) if kinds[i % len(kinds)] == "reference"]
    moved = positions[::round(1 / TYPICAL_REFERENCE_SHARE)] if typical else []
    log.info("Reference questions: %d of %d asked of recordings with typical band power (%d such recordings)",
             len(moved), len(positions), len(typical))
    out = list(free_trials)
    for n, i in enumerate(moved):
        out[i] = typical[n % len(typical)]
    return out


def _slots(kind: str, rng: random.Random, ev, labels) -> dict:
    if kind == "band":
        measured = [(r, b) for r, bands in ev.band_z.items() for b in bands]
        # Mostly regions the recording covers; sometimes one it does not ("not measured").
        if measured and rng.random() < 0.85:
            region, band = rng.choice(measured)
        else:
            region, band = rng.choice(REGIONS), rng.choice(BAND_NAMES)
        return {"region": region, "band": band}
    if kind == "why_not":
        ranked = sorted(ev.probabilities, key=lambda k: -ev.probabilities[k]) or list(labels)
        # Usually a class other than the best match, sometimes the best match itself.
        return {"emotion": ranked[0] if rng.random() < 0.2 else rng.choice(ranked[1:] or ranked)}
    return {}


def _truth(kind: str, trial: TrialRow, target: Target) -> str:
    """What evaluation scores a reply against: the truth for valence and arousal, the evidence's own
    reply for measurements (a reading the evidence cannot support stays "cannot tell")."""
    if target.answer == "cannot tell":
        return target.answer
    if kind == "valence":
        return f"{valence_class(trial.valence)} valence"
    if kind == "arousal":
        return f"{arousal_class(trial.arousal)} arousal"
    return target.answer


def free_item(builder: ItemBuilder, trial: TrialRow, kind: str, bank: str | None = None) -> dict:
    """One free question about `trial` and its reply, phrased from `bank` (a held-out bank for
    evaluation; default: the training bank)."""
    ev = builder.sources.evidence("clean", trial)
    labels = list(builder.labels)
    slots = _slots(kind, builder.rng, ev, labels)
    question = builder.free_question(kind, bank=bank, **slots)
    target = answer_for(kind, ev, builder.space, builder.rng, **slots)
    answer = _truth(kind, trial, target) if builder.targets == "truth" else target.answer
    item = builder._item("free", [("clean", trial)], with_context(question, ev, labels), target.reasoning, answer,
                         target.confidence)
    # The question without the measurements looked up for it, as the user asked it.
    item.update(kind=kind, slots=slots, reference_answer=target.answer, heldout=bank is not None, question=question)
    return item


def conversation_item(builder: ItemBuilder, trial: TrialRow, turns: int = 2) -> dict:
    """A conversation: an emotion judgement (or a free question), then follow-ups in short phrasings."""
    ev = builder.sources.evidence("clean", trial)
    labels = list(builder.labels)
    rng = builder.rng
    kinds = free_kinds(builder.space)
    first = builder.emotion(trial) if rng.random() < 0.6 else free_item(builder, trial, rng.choice(kinds))
    follow_ups = []
    for kind in rng.sample(kinds, turns - 1):
        slots = _slots(kind, rng, ev, labels)
        question = builder.free_question(kind, follow_up=True, **slots)
        target = answer_for(kind, ev, builder.space, rng, **slots)
        follow_ups.append((with_context(question, ev, labels),
                           format_answer(target.reasoning, target.answer, target.confidence)))
    for question, reply in follow_ups:
        first["messages"] += [{"role": "user", "content": builder.template.follow_up_turn(question)},
                              {"role": "assistant", "content": reply}]
    first["task"] = "conversation"
    first["id"] = first["id"].replace(first["id"].split("/")[-1].split("-")[0], "conversation", 1)
    return first
