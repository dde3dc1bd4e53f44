"""The Answer line a reply to a question of one kind may end with, as a pattern decoding can follow.

`prompts.questions.answer_shapes` says which kind an answer line answers; this module turns a kind's
shape into a regular expression for what follows "Answer:" — the line, then the Confidence line —
so an engine can be constrained to it (vLLM's structured outputs, or xgrammar in the transformers
engine). Derived from the shapes, not written again: a line the constraint admits is one the
evaluation counts as answering the question. Reading kinds may also abstain ("cannot tell"), as
`answers_question` allows.
"""

from __future__ import annotations

import re

from .answer_format import ABSTAIN
from .questions import answer_shapes, may_abstain

# As `format_answer` writes it: two decimals, in [0, 1].
CONFIDENCE_LINE = r"\nConfidence: (?:0\.[0-9][0-9]|1\.00)"
_ANCHOR = re.compile(r"(?<!\\)[\^$]")


def _unanchored(pattern: str) -> str:
    """A shape's pattern without its ^ and $ (every shape anchors each alternative), its open
    ends kept to one line ('.' would let the line run into the Confidence line), and spaces in
    labels unescaped (`re.escape` writes "high\\ arousal"; xgrammar's dialect has no such escape)."""
    return _ANCHOR.sub("", pattern).replace(".+", r"[^\n]+").replace("\\ ", " ")


def answer_line_pattern(kind: str, labels) -> str | None:
    """What follows "Answer:" in a reply to a question of `kind` (None: a kind without an answer
    shape of its own, e.g. the tasks about several recordings)."""
    shape = answer_shapes(labels).get(kind)
    if shape is None:
        return None
    line = _unanchored(shape.pattern)
    if may_abstain(kind):
        line = f"{line}|{ABSTAIN}"
    return f" (?:{line}){CONFIDENCE_LINE}"
