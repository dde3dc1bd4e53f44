"""The answer-line guard: a routed reply whose Answer line answers another kind of question gets one
of the kind asked, written by the model under that kind's answer pattern.

The question router starts a reply with the opening of the kind asked ("Rating arousal."), but a small
model can still drift into the template it has seen most and end an arousal question with an emotion
("Answer: happy"). Where the router was sure of the kind and the reply's Answer line has another
kind's shape, the guard keeps the model's reasoning, appends "Answer:" and lets the same model write
the Answer and Confidence lines again with decoding constrained to the shapes that answer the kind
asked (`prompts.answer_lines`; vLLM's structured outputs, xgrammar in the transformers engine). The
label and the confidence stay the model's choice among those shapes; nothing is written for it. A
reply that already answers the question, abstains where that is allowed, or was not routed is never
touched. A fitted reply keeps the model's own text in `Generation.extra["answer_line_guard"]`, and
the evaluator reports how often the question was answered as asked with and without the guard.
"""

from __future__ import annotations

from prompts.answer_format import parse_answer
from prompts.answer_lines import answer_line_pattern
from prompts.questions import answers_question

# Room for the longest answer lines (a list of bad channels, a next step) and the Confidence line.
CONTINUATION_TOKENS = 48


def pattern_for(route, labels) -> str | None:
    """The pattern a routed reply's Answer line is held to (None: not routed, or a kind without an
    answer shape of its own)."""
    return None if route is None else answer_line_pattern(route.kind, labels)


def needs_fitting(text: str, route, labels) -> bool:
    """A routed reply whose Answer line is there but does not answer the kind the router read (a
    reply without one is the loop guard's to complete)."""
    if pattern_for(route, labels) is None:
        return False
    answer = parse_answer(text, tuple(labels)).answer
    return answer is not None and not answers_question(route.kind, answer, labels)
