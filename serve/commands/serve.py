"""`eegreason serve`: vLLM's OpenAI-compatible server for a checkpoint, with prompt embeddings on.

Clients compute prompt embeddings (serve/client.py) and send them to `/v1/completions`. Binds
127.0.0.1; another address requires an API key (--api-key or $EEGREASON_API_KEY). With a key, every
route but /health requires it (serve/api_auth.py). This process becomes the server
(serve/api_server.py), after starting the watchdog that ends the engine if the server is killed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ._options import ENGINE, add_checkpoint_argument, add_engine_arguments, engine_settings

NAME = "serve"
HELP = "Run vLLM's OpenAI-compatible server for a checkpoint (prompt embeddings enabled)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_checkpoint_argument(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--api-key", default=None,
                        help="required from clients on every route but /health (needed off loopback); "
                             "$EEGREASON_API_KEY keeps it off this command line, which `ps` shows")
    # The engine options of every command (EngineConfig's fields); the server is always vLLM, and
    # where vLLM's server has a default of its own for a setting, that default is kept unless given.
    add_engine_arguments(parser, exclude=("backend",), defaults=dict.fromkeys(VLLM_DEFAULTS),
                         helps={name: f"{help_of(name)} (default: vLLM's)" for name in VLLM_DEFAULTS})


VLLM_DEFAULTS = ("max_num_seqs", "gpu_memory_utilization", "seed")


def help_of(name: str) -> str:
    from dataclasses import fields

    from serve.engines import EngineConfig

    return next(f.metadata["help"] for f in fields(EngineConfig) if f.name == name)


def server_command(llm_path: Path, args: argparse.Namespace) -> list[str]:
    """The server's command line: the API key is not on it (`ps` shows command lines)."""
    from serve.client import SERVED_MODEL_NAME

    command = [sys.executable, "-m", "serve.api_server", "--model", str(llm_path),
               "--served-model-name", SERVED_MODEL_NAME, "--enable-prompt-embeds", "--dtype", args.engine_dtype,
               "--host", args.host, "--port", str(args.port), "--max-model-len", str(args.engine_max_model_len),
               "--tensor-parallel-size", str(args.engine_tensor_parallel_size)]
    for name in VLLM_DEFAULTS:
        if getattr(args, ENGINE + name) is not None:
            command += [f"--{name.replace('_', '-')}", f"{getattr(args, ENGINE + name)}"]
    if args.engine_enforce_eager:
        command.append("--enforce-eager")
    return command


def server_environment(api_key: str | None, kv_cache_gib: float = 2.0) -> dict[str, str]:
    from serve.api_auth import KEY_ENV

    # As for in-process engines, a KV-cache size set in the environment wins.
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": os.environ.get("VLLM_CPU_KVCACHE_SPACE", f"{kv_cache_gib:g}")}
    env.pop(KEY_ENV, None)
    if api_key:
        env[KEY_ENV] = api_key
    root = Path(__file__).resolve().parents[2]  # the folder that holds the `serve` package
    if root.name != "site-packages":  # a source checkout: `-m serve.api_server` must find it from any folder
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    return env


def run(args: argparse.Namespace) -> int:
    from encoders.errors import ConfigError
    from projector.checkpoint import default_checkpoint, llm_folder
    from serve import lifetime
    from serve.app import is_loopback
    from serve.engines import EngineConfig, engine_config

    # The settings are checked as every engine's are (vLLM's own defaults stand in for those not given).
    defaults = EngineConfig()
    engine_config({**engine_settings(args, exclude=("backend",)),
                   **{n: getattr(defaults, n) for n in VLLM_DEFAULTS if getattr(args, ENGINE + n) is None}})
    api_key = args.api_key or os.environ.get("EEGREASON_API_KEY")
    if not is_loopback(args.host) and not api_key:
        raise ConfigError(f"Refusing to serve on {args.host} without an API key; pass --api-key KEY (or set "
                          f"EEGREASON_API_KEY), or keep the default 127.0.0.1.")
    llm_path = llm_folder(Path(args.checkpoint or default_checkpoint()))
    lifetime.watch_engine_processes()  # the watchdog outlives the exec below and watches the server
    command = server_command(llm_path, args)
    env = server_environment(api_key, args.engine_kv_cache_gib)
    print(f"serving {llm_path} as 'eegreason' on http://{args.host}:{args.port}/v1 (prompt embeddings on"
          f"{'; every route but /health requires the API key' if api_key else ''})", flush=True)
    # The server replaces this process (same PID): SIGINT (Ctrl-C), SIGTERM and SIGHUP stop it.
    os.execvpe(command[0], command, env)
    return 0

