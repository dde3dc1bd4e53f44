"""Checkpoint folders: self-describing artifacts that training writes and serving reads.

    <dir>/config.json          everything needed to rebuild the model (CheckpointConfig)
    <dir>/encoder.safetensors  EEG encoder weights
    <dir>/projector.safetensors
    <dir>/adapter/             optional LoRA adapter (peft) on the base LLM
    <dir>/llm/                 optional merged LLM (the exported, served form)
    <dir>/MODEL_CARD.md

The base LLM is named by spec (see `projector.llm.resolve_llm`); an adapter-only checkpoint is
merged into the base once, at first use, into the cache, because vLLM cannot serve adapters
that carry full embedding matrices.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from encoders.analysis import FeatureConfig
from encoders.errors import CheckpointError
from encoders.evidence import BandReference
from encoders.labels import EMOTIONS
from encoders.log import get_logger
from encoders.model import EEGEncoder, EncoderConfig
from encoders.paths import folder_written_atomically, home, repo_root

from .llm import resolve_llm
from .registry import ProjectorConfig, build_projector

log = get_logger(__name__)

FORMAT = "eegreason-checkpoint/1"


@dataclass
class CheckpointConfig:
    llm: str  # base LLM spec: preset, hub id, folder, "embedded:…" or "tiny-qwen2:<seed>"
    llm_hidden_size: int
    encoder: dict[str, Any]  # EncoderConfig as a dict
    projector: dict[str, Any]  # ProjectorConfig as a dict
    features: dict[str, Any] = field(default_factory=lambda: FeatureConfig().to_dict())
    prompt_template: str = "chat-v1"
    evidence_reference: dict[str, Any] = field(default_factory=lambda: BandReference.generic().to_dict())
    labels: list[str] = field(default_factory=lambda: list(EMOTIONS))
    stage: str = "untrained"  # untrained | encoder | align | instruct | export
    adapter: str | None = None  # sub-folder with a LoRA adapter
    merged_llm: str | None = None  # sub-folder with a merged LLM
    synthetic_data: bool = True  # trained on synthetic EEG only
    metrics: dict[str, Any] = field(default_factory=dict)
    encoder_temperature: float = 1.0  # softmax temperature calibrating the encoder head on unseen subjects
    provenance: dict[str, Any] = field(default_factory=dict)  # stage configs and data each stage used
    git_revision: str | None = None
    created: str | None = None
    format: str = FORMAT

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def git_revision() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo_root(), capture_output=True,
                             text=True, timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def default_checkpoint() -> Path:
    """The demo checkpoint shipped with the repository (overridable with EEGREASON_CHECKPOINT)."""
    return Path(os.environ.get("EEGREASON_CHECKPOINT") or repo_root() / "checkpoints" / "demo")


def read_config(directory: Path) -> CheckpointConfig:
    path = Path(directory) / "config.json"
    if not path.exists():
        raise CheckpointError(f"{directory} is not an eegreason checkpoint (no config.json); pass the folder "
                              f"written by `eegreason train` or `eegreason export`.")
    data = json.loads(path.read_text())
    if data.get("format") != FORMAT:
        raise CheckpointError(f"{directory} has checkpoint format {data.get('format')!r}; this version reads {FORMAT}.")
    unknown = set(data) - set(CheckpointConfig.__dataclass_fields__)
    if unknown:
        raise CheckpointError(f"{directory}/config.json has unknown fields {sorted(unknown)}.")
    return CheckpointConfig(**data)


def save_modules(directory: Path, config: CheckpointConfig, encoder: EEGEncoder, projector) -> None:
    """Write config and EEG-side weights (safetensors) into `directory`."""
    from safetensors.torch import save_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config.encoder = encoder.get_config()
    config.projector = asdict(projector.config)
    config.git_revision = config.git_revision or git_revision()
    config.created = config.created or datetime.now(timezone.utc).isoformat(timespec="seconds")
    save_file({k: v.contiguous() for k, v in encoder.state_dict().items()}, str(directory / "encoder.safetensors"))
    save_file({k: v.contiguous() for k, v in projector.state_dict().items()}, str(directory / "projector.safetensors"))
    (directory / "config.json").write_text(json.dumps(config.to_dict(), indent=2))


def load_modules(directory: Path, config: CheckpointConfig | None = None):
    """(encoder, projector) in eval mode, with strict key checks."""
    from safetensors.torch import load_file

    directory = Path(directory)
    config = config or read_config(directory)
    encoder = EEGEncoder.from_config(config.encoder)
    projector = build_projector(config.projector)
    for module, name in ((encoder, "encoder"), (projector, "projector")):
        file = directory / f"{name}.safetensors"
        if not file.exists():
            raise CheckpointError(f"{directory} lacks {name}.safetensors; the checkpoint is incomplete.")
        state = load_file(str(file))
        result = module.load_state_dict(state, strict=False)
        if result.missing_keys or result.unexpected_keys:
            raise CheckpointError(f"{file.name} does not match its config (missing {result.missing_keys[:3]}, "
                                  f"unexpected {result.unexpected_keys[:3]}).")
    encoder.eval()
    projector.eval()
    if config.projector.get("d_out") != config.llm_hidden_size:
        raise CheckpointError(f"Projector output {config.projector.get('d_out')} differs from the LLM hidden "
                              f"size {config.llm_hidden_size}; the checkpoint is inconsistent.")
    return encoder, projector


def llm_folder(directory: Path, config: CheckpointConfig | None = None) -> Path:
    """The LLM folder to serve for this checkpoint: merged, merged-on-first-use, or the base."""
    directory = Path(directory)
    config = config or read_config(directory)
    if config.merged_llm:
        path = directory / config.merged_llm
        if not (path / "config.json").exists():
            raise CheckpointError(f"{path} (the merged LLM) is missing or incomplete; re-run `eegreason export`.")
        return path
    base = resolve_llm(config.llm)
    if not config.adapter:
        return base
    return merged_from_adapter(base, directory / config.adapter)


def _hash_folder(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def merged_from_adapter(base: Path, adapter: Path) -> Path:
    """Merge a LoRA adapter into its base once; cached by the adapter's and base's content."""
    if not (adapter / "adapter_config.json").exists():
        raise CheckpointError(f"{adapter} is not a LoRA adapter folder (no adapter_config.json).")
    key = hashlib.sha256(f"{base.resolve()}|{_hash_folder(adapter)}".encode()).hexdigest()[:16]
    target = home() / "merged" / key
    if (target / "eegreason-merged.json").exists():
        return target
    log.info("Merging LoRA adapter %s into %s (once)", adapter.name, base.name)
    merge_adapter(base, adapter, target)
    return target


def merge_adapter(base: Path, adapter: Path, target: Path) -> None:
    import torch
    from peft import PeftModel

    from .llm import load_causal_lm, load_tokenizer

    model = load_causal_lm(base, "float32")
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    with folder_written_atomically(target) as tmp:
        with torch.no_grad():
            merged.save_pretrained(tmp)
        load_tokenizer(base).save_pretrained(tmp)
        (tmp / "eegreason-merged.json").write_text(json.dumps({"base": str(base), "adapter": adapter.name}))


def new_untrained(directory: Path, llm: str = "embedded:smollm2-135m-instruct", ch_names: list[str] | None = None,
                  projector_type: str = "mlp2x_gelu", n_tokens: int = 8, d_model: int = 128, seed: int = 0) -> Path:
    """A checkpoint with freshly initialised (seeded) encoder and projector on a base LLM: the
    starting point of training, and what tests serve before anything is trained."""
    import torch
    from transformers import AutoConfig

    from encoders.channels import montage

    torch.manual_seed(seed)
    llm_config = AutoConfig.from_pretrained(resolve_llm(llm), trust_remote_code=False)
    names = ch_names or montage("seed62")
    encoder = EEGEncoder(EncoderConfig(ch_names=names, n_chans=len(names), d_model=d_model))
    projector = build_projector(ProjectorConfig(type=projector_type, d_in=d_model,
                                                d_out=llm_config.hidden_size, n_tokens=n_tokens))
    config = CheckpointConfig(llm=llm, llm_hidden_size=llm_config.hidden_size, encoder={}, projector={})
    save_modules(Path(directory), config, encoder, projector)
    return Path(directory)
