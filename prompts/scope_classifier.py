"""A second reading of whether a question asks for a clinical judgement: a text classifier fitted on
the scope corpora, for the wording the rules in `prompts.scope` do not list.

The rules read what a question asks from its wording, and every new writer has brought wording the
earlier ones did not: their first reading of each new corpus fell writer by writer (0.912, 0.676,
0.632, 0.574 of the clinical questions declined; `templates/scope/README.md`). A classifier over
character and word n-grams (the question router's features) generalises from the same corpora to
wording none of them used ("did he rug us himself", "Brahmi syrup … how many spoons"). It is fitted
on the labelled corpora (`FITTED_CORPORA`: every question with its topic, or answerable) and on every
phrasing of the training question banks (all answerable), so that what users ordinarily ask is not
read as clinical. It is consulted only where the rules found nothing, and declines only where it is
sure (`MIN_PROBABILITY`). Fitted from the package's YAML files (deterministic, a few seconds on 2
cores), never unpickled.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from .questions import TRAINED, fill

CORPORA_DIR = Path(__file__).parent / "templates" / "scope"
# Fitted on; and read once, never fitted on (the measure of the classifier as shipped).
FITTED_CORPORA = ("development", "second", "third", "fourth", "fifth", "sixth", "seventh")
HELD_OUT_CORPORA = ("eighth",)
TOPIC_NAMES = ("diagnosis", "treatment", "seizure", "deception")
ANSWERABLE = "in"
# The classifier's probability that a question is clinical (any topic) at which it declines. Chosen
# by leaving one of the first six corpora out at a time (answerable questions of the left-out corpus
# declined: 8 of 529 at 0.7, 4 at 0.8, 1 at 0.9) before the seventh corpus was read with it.
MIN_PROBABILITY = 0.8


def load_corpus(name: str) -> list[dict]:
    """A scope corpus: `{id, question, scope: in|out, category}` per question."""
    return yaml.safe_load((CORPORA_DIR / f"{name}.yaml").read_text())


def bank_questions(banks: tuple[str, ...] = TRAINED) -> list[str]:
    """Every phrasing of `banks`, slots filled, as a user would ask it."""
    from .question_filter import bank_phrasings

    return [fill(p, region="frontal", band="alpha", emotion="sad") if "{" in p else p
            for bank in banks for p in bank_phrasings(bank)]


class ScopeClassifier:
    """Question → probability of each topic and of being answerable."""

    def __init__(self, corpora: tuple[str, ...] = FITTED_CORPORA, banks: tuple[str, ...] = TRAINED):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        self.corpora, self.banks = tuple(corpora), tuple(banks)
        cases = [case for name in self.corpora for case in load_corpus(name)]
        texts = [case["question"] for case in cases] + bank_questions(self.banks)
        topics = [case["category"] if case["scope"] == "out" else ANSWERABLE for case in cases]
        topics += [ANSWERABLE] * (len(texts) - len(topics))
        features = make_union(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
                              TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True))
        # Balanced classes: the bank phrasings outnumber the clinical questions about ten to one.
        self.model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=5000, class_weight="balanced"))
        self.model.fit(texts, topics)

    def probabilities(self, question: str) -> dict[str, float]:
        row = self.model.predict_proba([" ".join(question.split())])[0]
        return {str(topic): float(p) for topic, p in zip(self.model.classes_, row)}

    def topic(self, question: str) -> tuple[str, float] | None:
        """(topic, probability that the question is clinical) where that probability is at least
        `MIN_PROBABILITY`; None otherwise."""
        probabilities = self.probabilities(question)
        clinical = 1.0 - probabilities[ANSWERABLE]
        if clinical < MIN_PROBABILITY:
            return None
        return max(TOPIC_NAMES, key=lambda t: probabilities[t]), clinical


@functools.lru_cache(maxsize=2)
def scope_classifier(corpora: tuple[str, ...] = FITTED_CORPORA) -> ScopeClassifier:
    """The classifier fitted on `corpora` (once per process)."""
    return ScopeClassifier(corpora)


__all__ = ["ANSWERABLE", "CORPORA_DIR", "FITTED_CORPORA", "HELD_OUT_CORPORA", "MIN_PROBABILITY", "ScopeClassifier",
           "TOPIC_NAMES", "bank_questions", "load_corpus", "scope_classifier"]
