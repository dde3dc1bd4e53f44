"""One interface for every inference engine: prompt embeddings in, text out (whole or streamed)."""

from __future__ import annotations

import abc
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch

from encoders.errors import ShapeError
from projector.decoding import GenerationParams  # noqa: F401  (engines take it; re-exported for callers)


BACKENDS = ("vllm", "transformers")
DTYPES = ("float32", "bfloat16", "float16", "auto")


def _option(default, help: str, **extra):
    """A field whose metadata the command line reads (serve/commands/_options.py): its help, and
    where the option's name is not the field's, its flag."""
    return field(default=default, metadata={"help": help, **extra})


@dataclass
class EngineConfig:
    backend: str = _option("vllm", "inference engine: vLLM (batched), or transformers (the one-at-a-time reference)",
                           choices=BACKENDS, flag="--engine", aliases=("--backend",))
    # float32 is ~5x faster than bfloat16 on AVX2 CPUs; bfloat16/auto on GPU.
    dtype: str = _option("float32", "model dtype: float32 (fastest on CPUs without AVX-512), bfloat16, float16, "
                                    "auto (GPU)", choices=DTYPES)
    # Skipping graph compilation starts the engine in seconds instead of minutes.
    enforce_eager: bool = _option(True, "let vLLM compile graphs (slower start, faster decoding; worth it on GPU)",
                                  flag="--no-eager")
    max_model_len: int = _option(4096, "longest prompt + answer the engine accepts, in tokens")
    max_num_seqs: int = _option(16, "requests vLLM batches together")
    kv_cache_gib: float = _option(2.0, "vLLM's KV cache on CPU, in GiB ($VLLM_CPU_KVCACHE_SPACE wins when set)")
    tensor_parallel_size: int = _option(1, "GPUs to shard the model over (vLLM)")
    gpu_memory_utilization: float = _option(0.85, "share of GPU memory vLLM may take (GPU only)")
    seed: int = _option(0, "the engine's random seed", flag="--engine-seed")


@dataclass
class Generation:
    text: str
    token_ids: list[int]
    finish_reason: str | None
    first_token_s: float | None = None  # time to first token
    total_s: float = 0.0
    extra: dict = field(default_factory=dict)


class Engine(abc.ABC):
    """Subclasses implement `_generate_many` and `_stream`; validation lives here once."""

    name = "engine"

    def __init__(self, model_path, hidden_size: int, config: EngineConfig):
        self.model_path = model_path
        self.hidden_size = hidden_size
        self.config = config
        self.dtype = getattr(torch, config.dtype) if config.dtype not in ("auto",) else torch.float32

    def check_prompt(self, embeds: torch.Tensor) -> torch.Tensor:
        """vLLM's engine process dies on a wrong hidden size, so every prompt is checked here."""
        if not isinstance(embeds, torch.Tensor) or embeds.dim() != 2:
            raise ShapeError(f"Prompt embeddings must be a (tokens, hidden) tensor; got "
                             f"{getattr(embeds, 'shape', type(embeds))}.")
        if embeds.shape[1] != self.hidden_size:
            raise ShapeError(f"Prompt embeddings have hidden size {embeds.shape[1]} but the model expects "
                             f"{self.hidden_size}.")
        if embeds.shape[0] == 0:
            raise ShapeError("The prompt is empty.")
        if embeds.shape[0] >= self.config.max_model_len:
            raise ShapeError(f"The prompt has {embeds.shape[0]} tokens, at or above the engine's limit of "
                             f"{self.config.max_model_len}; shorten the question or the recording's token count.")
        if not torch.isfinite(embeds).all():
            raise ShapeError("Prompt embeddings contain NaN or infinite values.")
        return embeds.detach().to("cpu", self.dtype).contiguous()

    def generate(self, prompts: list[torch.Tensor], params: GenerationParams | None = None,
                 patterns: list[str | None] | None = None) -> list[Generation]:
        """`patterns`: for each prompt, a regular expression its whole output must match (decoding is
        constrained to it, the grammar compiled by xgrammar in either engine), or None: free text."""
        params = params or GenerationParams()
        checked = [self.check_prompt(p) for p in prompts]
        patterns = patterns or [None] * len(prompts)
        if len(patterns) != len(prompts):
            raise ValueError(f"{len(patterns)} patterns for {len(prompts)} prompts")
        return self._generate_many(checked, params, patterns)

    def stream(self, prompt: torch.Tensor, params: GenerationParams | None = None) -> Iterator[str]:
        """Yields text pieces as they are generated."""
        return self._stream(self.check_prompt(prompt), params or GenerationParams())

    @abc.abstractmethod
    def _generate_many(self, prompts: list[torch.Tensor], params: GenerationParams,
                       patterns: list[str | None]) -> list[Generation]: ...

    @abc.abstractmethod
    def _stream(self, prompt: torch.Tensor, params: GenerationParams) -> Iterator[str]: ...

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def now() -> float:
    return time.perf_counter()
