"""The transformers engine: `generate(inputs_embeds=...)`. The fallback, and the parity reference
for vLLM (greedy outputs match token for token in float32)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import torch

from projector.llm import load_causal_lm, load_tokenizer

from .base import Engine, EngineConfig, Generation, GenerationParams, now


class FrequencyPenalty:
    """vLLM's frequency penalty as a transformers logits processor: scores minus penalty × count of
    each token in the answer so far. With `inputs_embeds`, `input_ids` holds the answer's tokens
    only, so the prompt is never penalised, as in vLLM."""

    def __init__(self, penalty: float):
        self.penalty = penalty

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        if input_ids.shape[1] == 0:
            return scores
        counts = torch.zeros_like(scores).scatter_add_(1, input_ids, torch.ones_like(input_ids, dtype=scores.dtype))
        return scores - self.penalty * counts


class TransformersEngine(Engine):
    name = "transformers"

    def __init__(self, model_path, config: EngineConfig | None = None):
        config = config or EngineConfig(backend="transformers")
        dtype = "float32" if config.dtype == "auto" else config.dtype
        self.model = load_causal_lm(model_path, dtype).eval()
        self.tokenizer = load_tokenizer(model_path)
        super().__init__(model_path, self.model.config.hidden_size, config)
        # One forward at a time: generate() is not re-entrant across threads on one model.
        self._lock = threading.Lock()
        self._compiler = None  # xgrammar's, built on the first constrained request

    def _kwargs(self, params: GenerationParams, pattern: str | None = None) -> dict:
        kwargs = {"max_new_tokens": params.max_tokens, "pad_token_id": self.tokenizer.pad_token_id
                  if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id}
        processors = []
        if params.frequency_penalty:
            processors.append(FrequencyPenalty(params.frequency_penalty))
        if pattern is not None:  # the grammar vLLM's default structured-output backend uses too
            from xgrammar.contrib.hf import LogitsProcessor

            processors.append(LogitsProcessor(self._grammar(pattern)))  # one per generate() call, as it requires
        if processors:
            from transformers import LogitsProcessorList

            kwargs["logits_processor"] = LogitsProcessorList(processors)
        if params.temperature > 0:
            kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        return kwargs

    def _grammar(self, pattern: str):
        """`pattern` compiled for this tokenizer: one compiler per engine, whose own cache keeps each
        compiled pattern (a kind's pattern recurs on every guarded answer)."""
        import xgrammar

        if self._compiler is None:
            info = xgrammar.TokenizerInfo.from_huggingface(self.tokenizer, vocab_size=self.model.config.vocab_size)
            self._compiler = xgrammar.GrammarCompiler(info)
        return self._compiler.compile_regex(pattern)

    def _generate_one(self, prompt: torch.Tensor, params: GenerationParams, pattern: str | None = None) -> Generation:
        start = now()
        if params.seed is not None:
            torch.manual_seed(params.seed)
        with self._lock, torch.no_grad():
            out = self.model.generate(inputs_embeds=prompt[None], attention_mask=torch.ones(1, prompt.shape[0],
                                      dtype=torch.long), **self._kwargs(params, pattern))
        ids = out[0].tolist()
        eos = self.model.generation_config.eos_token_id
        eos = set(eos if isinstance(eos, list) else [eos])
        finish = "stop" if ids and ids[-1] in eos else "length"
        # Pad ids after EOS are not part of the answer.
        text = self.tokenizer.decode(ids, skip_special_tokens=True)
        return Generation(text, ids, finish, None, now() - start)

    def _generate_many(self, prompts, params, patterns):
        # One at a time: the reference engine. Batching is vLLM's job (see bench/).
        return [self._generate_one(p, params, pattern) for p, pattern in zip(prompts, patterns)]

    def _stream(self, prompt: torch.Tensor, params: GenerationParams) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=False, skip_special_tokens=True, timeout=600)
        kwargs = dict(inputs_embeds=prompt[None], attention_mask=torch.ones(1, prompt.shape[0], dtype=torch.long),
                      streamer=streamer, **self._kwargs(params))
        errors: list[BaseException] = []

        def run():
            try:
                with self._lock, torch.no_grad():
                    self.model.generate(**kwargs)
            except BaseException as exc:  # surfaced to the caller below
                errors.append(exc)
                streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        for piece in streamer:
            if piece:
                yield piece
        thread.join()
        if errors:
            raise errors[0]
