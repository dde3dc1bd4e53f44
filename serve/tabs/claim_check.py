"""The claim check shown under each answer in the Chat tab: every claim of the reply (its reasoning
and its Answer line) against the recordings' measured evidence, as `ask --json` and `eegreason
verify` report it, so a reader never takes a misstated figure on trust.

Shown as a collapsible message of its own below the answer: closed when every claim holds, open
with the failing claims first when one fails.
"""

from __future__ import annotations

from encoders.evidence import Evidence

from ..answer_fields import answer_fields

MAX_SHOWN = 12  # a long reasoning's holding claims are summarised past this many lines


def claim_check_message(answer: str, evidences: list[Evidence], labels) -> dict:
    """A chat message (Gradio's message format, shown as a titled, collapsible box) with the check of
    every claim `answer` makes."""
    claims = answer_fields(answer, evidences, labels)["claims"]
    failing = [c for c in claims if not c["holds"]]
    if not claims:
        title = "Checked against the recording: no checkable claim in this answer"
    elif failing:
        title = (f"Checked against the recording: {len(failing)} of {len(claims)} claim"
                 f"{'s' if len(claims) != 1 else ''} {'fail' if len(failing) != 1 else 'fails'}")
    else:
        title = f"Checked against the recording: all {len(claims)} claim{'s' if len(claims) != 1 else ''} hold"
    lines = [_line(c) for c in failing] + [_line(c) for c in claims if c["holds"]]
    if len(lines) > MAX_SHOWN:
        lines = lines[:MAX_SHOWN] + [f"- … and {len(lines) - MAX_SHOWN} more that hold"]
    content = "\n".join(lines) or ("The answer states no probability, band power, asymmetry, class, quality, "
                                   "channel or duration figure to check.")
    metadata = {"title": title}
    if not failing:
        metadata["status"] = "done"  # closed: nothing needs the reader's attention
    return {"role": "assistant", "content": content, "metadata": metadata}


def _line(claim: dict) -> str:
    if claim["holds"]:
        return f"- holds: “{claim['text']}” (measured: {claim['measured']})"
    return f"- **FAILS**: “{claim['text']}” — measured: {claim['measured']} ({claim['why']})"


__all__ = ["claim_check_message"]
