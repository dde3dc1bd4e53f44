"""Which kind of question was asked, read by a classifier, and the opening a reply to it starts with.

A small LLM decides in its first few tokens what it is answering ("Rating arousal." or "Judging the
emotion."), and a question worded unlike its training phrasings can send it down the wrong path: an
arousal question answered with an emotion. A text classifier over character and word n-grams, fitted
on the same training phrasings, reads unseen writers' questions more reliably than the model does
(BENCHMARKS.md, "Free questions in the held-out banks' phrasings"). When it is sure of the
kind, the served reply starts with that kind's opening (`prompts.openings`) and the model writes the
rest: the reasoning, the answer and the confidence stay the model's (where its Answer line still
answers another kind, `serve.answer_line_guard` has it written again under the kind read). When it
is unsure, or names a kind the checkpoint was not trained to answer, the model decides alone.

The classifier is fitted from the banks in this package (deterministic, about 4 s on 2 cores), never
unpickled from a file.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass

from encoders.evidence import Evidence
from encoders.features import BAND_NAMES
from encoders.labels import LABEL_SPACES, LabelSpace

from .answers import asks_about_asymmetry, named_regions_and_bands
from .openings import (OPENINGS, PARTIAL_OPENINGS, REASONING_CUE, band_opening, reference_opening,
                       why_not_opening)
from .questions import REGIONS, ROUTER_BANK, fill, load_questions
from .templates import load_tasks

# The kinds a single-recording question is routed to: the free kinds and the tasks about one
# recording whose phrasings the model is trained on.
TASK_KINDS = ("valence_arousal", "scenario", "record")
# Below this probability the model decides alone. Chosen on the first three held-out banks (a wrong
# opening is worse than none: the model, left alone, answers most questions as asked); the fourth
# bank, written after it was fixed, measures it.
MIN_PROBABILITY = 0.5
FILLS_PER_PHRASING = 2  # slot fillings per phrasing with slots, so no one band or emotion is learned as the kind


# What a question sets aside is not what it asks ("Not pleasant vs unpleasant, I mean intensity: …",
# "Irrespective of valence, how activated …", "I don't need the emotion, just …"), yet its words are
# the set-aside kind's: a clause that opens with one of these cues, at the start of the question or
# of a clause, is left out before the question is read. "Why not {emotion}?" keeps its "not": the cue
# must open the clause.
_SET_ASIDE = re.compile(
    r"(?:^|(?<=[,;:.!?(\u2014\u2013]))\s*(?:not|never mind|forget(?: about)?|ignore|setting aside|set aside|"
    r"leaving aside|leave aside|leaving out|aside from|apart from|irrespective of|regardless of|independent(?:ly)? of|"
    r"other than|excluding|except(?: for)?|i don'?t need|i do not need|don'?t tell me|no need for)\b"
    r"[^,;:.!?()\u2014\u2013]*[,;:.!?)\u2014\u2013]", re.I)
MIN_WORDS_LEFT = 3  # fewer left, and the cue was no set-aside clause ("Not sure, is it clean?"): read it whole


def without_set_aside(question: str) -> str:
    """The question without the clauses it sets aside (unchanged when too little would be left)."""
    left = _SET_ASIDE.sub(" ", question).strip()
    return left if len(re.findall(r"\w+", left)) >= MIN_WORDS_LEFT else question


def names_a_band_in_a_region(question: str) -> bool:
    """Whether a question names a band and a region, other than as the left-right asymmetry."""
    regions, bands = named_regions_and_bands(question)
    return bool(regions and bands) and not asks_about_asymmetry(question)


@dataclass(frozen=True)
class Route:
    kind: str
    probability: float
    opening: str  # the reasoning's first words, "Reasoning: " included

    def to_dict(self) -> dict:
        return {"kind": self.kind, "probability": round(self.probability, 3), "opening": self.opening}


def _examples(banks: tuple[str, ...], tasks_version: str) -> tuple[list[str], list[str]]:
    """(question, kind) pairs: every phrasing of the banks, first and follow-up, and the task questions."""
    rng = random.Random(0)
    emotions = sorted({label for space in LABEL_SPACES.values() for label in space.labels if " " not in label})
    texts, kinds = [], []

    def add(template: str, kind: str) -> None:
        slots = re.findall(r"\{(\w+)\}", template)
        for _ in range(FILLS_PER_PHRASING if slots else 1):
            texts.append(fill(template, region=rng.choice(REGIONS), band=rng.choice(BAND_NAMES),
                              emotion=rng.choice(emotions)))
            kinds.append(kind)

    for name in banks:
        bank = load_questions(name)
        for table in (bank.first, bank.follow_up):
            for kind, phrasings in table.items():
                for text in phrasings:
                    add(text, kind)
    tasks = load_tasks(tasks_version)
    situations = [s for emotion in tasks.scenarios for s in tasks.scenario_pool(emotion, held_out=False)]
    for text in tasks.questions["emotion"]:
        add(text, "emotion")
    for space in LABEL_SPACES.values():
        for text in tasks.questions["classify"]:
            texts.append(text.format(classes=space.options()))
            kinds.append("emotion")
    for text in tasks.questions["scenario"]:
        for _ in range(FILLS_PER_PHRASING):
            options = "\n".join(f"{letter}) {rng.choice(situations)}" for letter in "ABC")
            texts.append(text.format(options=options))
            kinds.append("scenario")
    for kind in ("valence_arousal", "record"):
        for text in tasks.questions[kind]:
            add(text, kind)
    return texts, kinds


class QuestionRouter:
    """Question → kind probabilities, fitted on training phrasings."""

    def __init__(self, banks: tuple[str, ...], tasks_version: str = "tasks-v2"):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        self.banks = tuple(banks)
        texts, kinds = _examples(self.banks, tasks_version)
        texts = [without_set_aside(text) for text in texts]  # read as questions are read
        # Character n-grams carry misspellings and word parts ("arous", "valen"); word pairs carry
        # the phrases that separate near kinds ("not happy", "over time").
        features = make_union(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
                              TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True))
        self.model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=5000)).fit(texts, kinds)
        self.n_examples = len(texts)

    def probabilities(self, question: str) -> dict[str, float]:
        return self._probabilities_of(without_set_aside(question))

    def _probabilities_of(self, read: str) -> dict[str, float]:
        row = self.model.predict_proba([read])[0]
        return dict(sorted(zip(self.model.classes_, map(float, row)), key=lambda kv: -kv[1]))

    def kind(self, question: str) -> tuple[str, float]:
        read = without_set_aside(question)
        probabilities = self._probabilities_of(read)
        kind, p = next(iter(probabilities.items()))
        if kind in ("band", "reference") and names_a_band_in_a_region(read):
            # "How does beta over the central region compare with the norms?" asks for one measurement
            # against the reference: the band kind's answer ("central beta elevated (z +1.4)"), not the
            # reference kind's largest deviation anywhere, which names another band and region (no
            # reference phrasing the router is fitted on names one). Both kinds' probability is the
            # classifier's belief that band power against a standard is asked for.
            return "band", probabilities.get("band", 0.0) + probabilities.get("reference", 0.0)
        return str(kind), p  # a plain str, not numpy's

    def route(self, question: str, evidence: Evidence, space: LabelSpace,
              allowed: tuple[str, ...] | None = None) -> Route | None:
        """The route of a question about one recording (None: the model decides). `allowed`: the kinds
        the checkpoint was trained to answer (default: all)."""
        kind, p = self.kind(question)
        if p < MIN_PROBABILITY or (allowed is not None and kind not in allowed):
            return None
        # The opening names what the question asks about, not what it sets aside ("not frontal, parietal alpha").
        return Route(kind, p, REASONING_CUE + opening_for(kind, without_set_aside(question), evidence, space.labels))


def opening_for(kind: str, question: str, evidence: Evidence, labels) -> str:
    """The opening of a reply to a question of `kind`: in full where the question names what the
    opening names (a region and a band, one class), else the words before the slot."""
    if kind == "band":
        regions, bands = named_regions_and_bands(question)
        # As the looked-up measurement beside the question gives them (`prompts.answers.question_context`).
        return band_opening(regions[0], bands[0]) if regions and bands else PARTIAL_OPENINGS["band"]
    if kind == "why_not":
        named = [label for label in labels if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", question, re.I)]
        return why_not_opening(named[0]) if len(named) == 1 else PARTIAL_OPENINGS["why_not"]
    if kind == "reference":
        return reference_opening(evidence.reference) if evidence.reference else PARTIAL_OPENINGS["reference"]
    return OPENINGS[kind]


@functools.lru_cache(maxsize=4)
def router_for(bank: str = ROUTER_BANK) -> QuestionRouter:
    """The router fitted on `bank` (once per process)."""
    return QuestionRouter((bank,))
