"""Inference engines behind one interface (`Engine`): vLLM (default) and transformers."""

from __future__ import annotations

from pathlib import Path

from encoders.errors import ConfigError

from .base import Engine, EngineConfig, Generation, GenerationParams

BACKENDS = ("vllm", "transformers")


def engine_config(settings: dict) -> EngineConfig:
    """Engine settings from a plain mapping (a saved run's config, a form), checked in one sentence."""
    try:
        config = EngineConfig(**settings)
    except TypeError as exc:
        raise ConfigError(f"The engine settings {sorted(settings)} are not all engine options ({exc}).") from None
    if config.backend not in BACKENDS:
        raise ConfigError(f"Unknown engine {config.backend!r}; choose one of {', '.join(BACKENDS)}.")
    return config


def create_engine(model_path: Path, hidden_size: int, config: EngineConfig) -> Engine:
    if config.backend == "vllm":
        from .vllm import VLLMEngine

        return VLLMEngine(model_path, hidden_size, config)
    if config.backend == "transformers":
        from .hf import TransformersEngine

        return TransformersEngine(model_path, config)
    raise ConfigError(f"Unknown engine {config.backend!r}; choose {' or '.join(BACKENDS)}.")


__all__ = ["BACKENDS", "Engine", "EngineConfig", "Generation", "GenerationParams", "create_engine", "engine_config"]
