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
    from .assistant import Assistant, Conversation

    assistant = assistant or Assistant(checkpoint, start_engine=False)
    context = assistant.analyse(recording)
    conversation = Conversation([context])
    return encode_embeds(assistant.prompt_embeds(conversation, question or assistant.template.default_question))


def ask_server(recording: str | Path, question: str | None = None, base_url: str = "http://127.0.0.1:8000/v1",
               api_key: str = "EMPTY", checkpoint: Path | None = None, max_tokens: int = 256, assistant=None) -> str:
    from openai import OpenAI

    client = OpenAI(base_url=base_url, api_key=api_key)
    payload = prompt_embeds_base64(recording, question, checkpoint, assistant)
    # prompt=None, not "": vLLM treats a text prompt next to the embeddings as a second, empty request.
    response = client.completions.create(model=SERVED_MODEL_NAME, prompt=None, max_tokens=max_tokens, temperature=0.0,
                                         extra_body={"prompt_embeds": payload})
    return response.choices[0].text
