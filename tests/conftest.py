"""Shared fixtures: an isolated cache, a tiny Qwen2, a tiny checkpoint, test recordings, engines.

Engines are session-scoped because starting vLLM costs ~30 s on 2 cores.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from eeg_files import eeg_like, write_fif  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def eegreason_home(tmp_path_factory):
    path = tmp_path_factory.mktemp("eegreason-home")
    os.environ["EEGREASON_HOME"] = str(path)
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    return path


@pytest.fixture(scope="session")
def tiny_llm(eegreason_home) -> Path:
    from projector.llm import resolve_llm

    return resolve_llm("tiny-qwen2")


@pytest.fixture(scope="session")
def tiny_checkpoint(tiny_llm, tmp_path_factory) -> Path:
    from encoders.channels import montage
    from projector.checkpoint import new_untrained

    return new_untrained(tmp_path_factory.mktemp("ckpt") / "tiny", llm="tiny-qwen2", ch_names=montage("seed62"),
                         n_tokens=4, d_model=64)


@pytest.fixture(scope="session")
def fif14(tmp_path_factory) -> Path:
    from encoders.channels import montage

    names = montage("emotiv14")
    path = tmp_path_factory.mktemp("rec") / "emotiv14_SYNTHETIC_raw.fif"
    return write_fif(path, eeg_like(14, 128.0, 40.0, seed=1), names, 128.0, description="SYNTHETIC test recording")


@pytest.fixture(scope="session")
def vllm_engine(tiny_llm):
    from serve.engines import EngineConfig
    from serve.engines.vllm import VLLMEngine

    engine = VLLMEngine(tiny_llm, 128, EngineConfig(kv_cache_gib=1, max_model_len=2048, max_num_seqs=8))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def hf_engine(tiny_llm):
    from serve.engines import EngineConfig
    from serve.engines.hf import TransformersEngine

    return TransformersEngine(tiny_llm, EngineConfig(backend="transformers", max_model_len=2048))
