"""Client side of `eegreason serve`: prompt embeddings for a recording and a question, encoded the
way vLLM's OpenAI-compatible server reads them (base64 of a `torch.save`d tensor), and a helper
that sends one completion request with the `openai` package.

    from serve.client import ask_server
    print(ask_server("recording.edf", "How does this person feel?", base_url="http://127.0.0.1:8000/v1"))
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import torch

SERVED_MODEL_NAME = "eegreason"


def encode_embeds(embeds: torch.Tensor) -> str:
    buffer = io.BytesIO()
    torch.save(embeds.detach().cpu().contiguous(), buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def prompt_embeds_base64(recording: str | Path, question: str | None = None, checkpoint: Path | None = None,
                         assistant=None) -> str:
    """The full, chat-templated prompt (system, evidence, EEG tokens, question) as embeddings."""
    from .assistant import Assistant

    assistant = assistant or Assistant(checkpoint, start_engine=False)
    return encode_embeds(_prompt(assistant, recording, question)[0])  # without a route's opening: the model decides


def _prompt(assistant, recording: str | Path, question: str | None) -> tuple[torch.Tensor, list, object]:
    """The prompt embeddings, the evidence of its recording and the question's route (or None)."""
    from .assistant import Conversation

    conversation = Conversation([assistant.analyse(recording)])
    question = question or assistant.default_question
    embeds = assistant.prompt_embeds(conversation, question)
    return embeds, [ctx.evidence for ctx in conversation.recordings], assistant.route(conversation, question)


def ask_server(recording: str | Path, question: str | None = None, base_url: str = "http://127.0.0.1:8000/v1",
               api_key: str = "EMPTY", checkpoint: Path | None = None, max_tokens: int = 256, assistant=None) -> str:
    from openai import OpenAI

    from prompts import abstention

    from . import answer_line_guard, loop_guard
    from .assistant import Assistant

    client = OpenAI(base_url=base_url, api_key=api_key)
    assistant = assistant or Assistant(checkpoint, start_engine=False)
    declined = assistant.out_of_scope(question or assistant.default_question)
    if declined is not None:  # a clinical judgement: the scope reply, as in-process answers give it
        return declined.text
    prompt, evidence, route = _prompt(assistant, recording, question)
    labels = assistant.config.labels

    def complete(embeds: torch.Tensor, tokens: int, pattern: str | None = None) -> str:
        # prompt=None, not "": vLLM treats a text prompt next to the embeddings as a second, empty request.
        body = {"prompt_embeds": encode_embeds(embeds)}
        if pattern is not None:  # the server's structured outputs, as the in-process engine's
            body["structured_outputs"] = {"regex": pattern}
        response = client.completions.create(model=SERVED_MODEL_NAME, prompt=None, max_tokens=tokens, temperature=0.0,
                                             extra_body=body)
        return response.choices[0].text

    def answer_again(text: str, pattern: str | None) -> str:
        prefix = loop_guard.reasoning_prefix(text)
        tokens = loop_guard.CONTINUATION_TOKENS if pattern is None else answer_line_guard.CONTINUATION_TOKENS
        return loop_guard.merge(prefix, complete(assistant.continuation_prompt(prompt, prefix), tokens, pattern))

    # A routed reply starts with its opening, as in-process answers do (`Assistant.generate`), and the
    # same loop guard and answer-line guard follow (serve/loop_guard.py, serve/answer_line_guard.py).
    opening = route.opening if route is not None else ""
    text = opening + complete(assistant.opened_prompt(prompt, route), max_tokens)
    if loop_guard.needs_answer(text):
        text = answer_again(text, answer_line_guard.pattern_for(route, labels))
    if answer_line_guard.needs_fitting(text, route, labels):
        text = answer_again(text, answer_line_guard.pattern_for(route, labels))
    # The same evidence guard as in-process answers: no emotion the recording cannot support.
    return abstention.guard(text, evidence, list(labels)) or text
