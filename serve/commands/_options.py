"""Options shared by commands that load a model (checkpoint and engine)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model")
    group.add_argument("--checkpoint", type=Path, default=None,
                       help="checkpoint folder (default: the bundled demo checkpoint, or $EEGREASON_CHECKPOINT)")
    group.add_argument("--engine", choices=("vllm", "transformers"), default="vllm",
                       help="inference engine (default: vllm)")
    group.add_argument("--dtype", default="float32",
                       help="model dtype: float32 (fastest on CPUs without AVX-512), bfloat16, float16, auto (GPU)")
    group.add_argument("--no-eager", action="store_true",
                       help="let vLLM compile graphs (slower start, faster decoding; worth it on GPU)")
    group.add_argument("--tensor-parallel-size", type=int, default=1, help="GPUs to shard the model over (vLLM)")
    group.add_argument("--max-tokens", type=int, default=256, help="longest answer, in tokens")
    add_frequency_penalty(group)
    group.add_argument("--max-model-len", type=int, default=4096, help="longest prompt + answer the engine accepts")


def add_frequency_penalty(parser) -> None:
    from serve.engines import GenerationParams

    default = GenerationParams.frequency_penalty
    parser.add_argument("--frequency-penalty", type=float, default=default,
                        help=f"logit penalty per earlier use of a token in the answer; stops greedy loops "
                             f"(default {default}: plain greedy)")


def engine_config(args: argparse.Namespace):
    from serve.engines import EngineConfig

    return EngineConfig(backend=args.engine, dtype=args.dtype, enforce_eager=not args.no_eager,
                        tensor_parallel_size=args.tensor_parallel_size, max_model_len=args.max_model_len)


def generation_params(args: argparse.Namespace):
    from serve.engines import GenerationParams

    return GenerationParams(max_tokens=args.max_tokens, frequency_penalty=args.frequency_penalty)


def load_assistant(args: argparse.Namespace):
    from serve.assistant import Assistant

    return Assistant(args.checkpoint, engine_config(args))
