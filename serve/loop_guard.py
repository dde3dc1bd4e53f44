"""The loop guard: an answer whose reasoning never reaches its Answer line gets one, from the model.

A small model decoding greedily sometimes repeats a clause until it runs out of tokens
("…beta points to anger, against the conclusion (mixed); beta points to anger, …"), and the
answer is lost. The guard keeps the reasoning up to the end of the first copy of the repeated
span (at the last clause boundary), closes the sentence, appends "Answer:" and lets the same
model continue from there for a few tokens, so the label and the confidence are still the
model's own. Answers that already hold an Answer line are never touched; a repaired answer says
so in `Generation.extra["loop_guard"]`, and the evaluator reports the parse rate with and
without the guard.
"""

from __future__ import annotations

import re

from prompts.answer_format import parse_answer

MIN_PERIOD = 8  # characters; shorter repeats are ordinary text ("the the", "0.00")
MAX_PERIOD = 400
MIN_COPIES = 3  # a span written three times in a row at the end of the text is a loop
ANSWER_CUE = "\nAnswer:"
CONTINUATION_TOKENS = 24  # room for "<label>\nConfidence: 0.xx"
_BOUNDARY = re.compile(r"[.;,](?=\s)|[.;,]$")


def loop_start(text: str, min_period: int = MIN_PERIOD, max_period: int = MAX_PERIOD,
               min_copies: int = MIN_COPIES) -> int | None:
    """Index just past the first copy of a span that repeats to the end of `text` (at least
    `min_copies` copies, the last possibly cut short), or None when the text does not end in a loop.
    The shortest such period wins, and the loop is traced back to where its repetition begins."""
    n = len(text)
    for period in range(min_period, min(max_period, n // min_copies) + 1):
        # the tail repeats with this period where text[i] == text[i - period]
        start = n
        while start - 1 - period >= 0 and text[start - 1] == text[start - 1 - period]:
            start -= 1
        if n - start >= (min_copies - 1) * period:
            return start  # text[start - period:start] is the first copy; what follows only repeats it
    return None


def stream_is_looping(text: str) -> bool:
    """For a growing answer: still before its Answer line, and already ending in a loop (only the
    tail is searched, so the check costs the same at every token)."""
    return "answer:" not in text.lower() and loop_start(text[-MIN_COPIES * MAX_PERIOD:]) is not None


def needs_answer(text: str) -> bool:
    """Reasoning was written in the answer format but no Answer line followed."""
    parsed = parse_answer(text)
    return text.lstrip().lower().startswith("reasoning:") and parsed.answer is None


def reasoning_prefix(text: str) -> str:
    """The reasoning worth keeping: up to the loop (if any), cut back to a clause boundary and
    closed with a full stop."""
    cut = loop_start(text)
    kept = text[:cut] if cut is not None else text
    answer_at = kept.lower().find("answer:")
    if answer_at >= 0:  # a half-written Answer line (no label): write it again
        kept = kept[:answer_at]
    # Where the second copy starts with punctuation, the first copy ends a clause already; elsewhere
    # (or with no loop: the token budget ran out mid-sentence) the unfinished clause is dropped.
    clause_ends = cut is not None and answer_at < 0 and text[cut:cut + 1] in (".", ";", ",", " ", "\n")
    if not clause_ends:
        head = len("reasoning:") + kept.lower().find("reasoning:")
        usable = [m.start() for m in _BOUNDARY.finditer(kept) if m.start() > head]
        if usable:
            kept = kept[:usable[-1]]
    kept = kept.rstrip(" ,;:\n")
    return kept + ("" if kept.endswith(".") else ".")


def merge(prefix: str, continuation: str) -> str:
    return f"{prefix}{ANSWER_CUE}{continuation}"
