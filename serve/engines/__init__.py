"""Inference engines behind one interface (`Engine`): vLLM (default) and transformers."""

from __future__ import annotations

from pathlib import Path

from encoders.errors import ConfigError

from .base import BACKENDS, DTYPES, Engine, EngineConfig, Generation, GenerationParams

# (setting, smallest value, largest value or None): what an engine can start with.
_LIMITS = (("max_model_len", 16, None), ("max_num_seqs", 1, None), ("kv_cache_gib", 0.01, None),
           ("tensor_parallel_size", 1, None), ("gpu_memory_utilization", 0.01, 1.0))


def engine_config(settings: dict) -> EngineConfig:
    """Engine settings from a plain mapping (a saved run's config, a form, the command line),
    checked before any engine starts, each refusal in one sentence."""
    try:
        config = EngineConfig(**settings)
    except TypeError as exc:
        raise ConfigError(f"The engine settings {sorted(settings)} are not all engine options ({exc}).") from None
    if config.backend not in BACKENDS:
        raise ConfigError(f"Unknown engine {config.backend!r}; choose one of {', '.join(BACKENDS)}.")
    if config.dtype not in DTYPES:
        raise ConfigError(f"Unknown dtype {config.dtype!r}; choose one of {', '.join(DTYPES)}.")
    for name, low, high in _LIMITS:
        value = getattr(config, name)
        if value < low or (high is not None and value > high):
            bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise ConfigError(f"The engine's {name.replace('_', ' ')} must be {bounds}, not {value:g}.")
    return config


def create_engine(model_path: Path, hidden_size: int, config: EngineConfig) -> Engine:
    if config.backend == "vllm":
        from .vllm import VLLMEngine

        return VLLMEngine(model_path, hidden_size, config)
    if config.backend == "transformers":
        from .hf import TransformersEngine

        return TransformersEngine(model_path, config)
    raise ConfigError(f"Unknown engine {config.backend!r}; choose {' or '.join(BACKENDS)}.")


__all__ = ["BACKENDS", "DTYPES", "Engine", "EngineConfig", "Generation", "GenerationParams", "create_engine", "engine_config"]
