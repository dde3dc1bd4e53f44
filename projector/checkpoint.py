"""Checkpoints: the one self-describing artifact every training stage writes and serving reads.

    <dir>/config.json          everything needed to rebuild the model (CheckpointConfig), written last
    <dir>/encoder.safetensors  EEG encoder weights
    <dir>/projector.safetensors  (absent in a stage-1 checkpoint: encoder only)
    <dir>/adapter/             optional LoRA adapter (peft) on the base LLM
    <dir>/llm/                 optional merged LLM (the exported, served form)
    <dir>/MODEL_CARD.md

One format for every stage (stage 1 is a checkpoint without projector and LLM), written and read
only through this module: `save_checkpoint`, `load_encoder`, `load_checkpoint`, `copy_checkpoint`,
`update_checkpoint`. The format version is checked on read; formats written by earlier versions of
eegreason are migrated in memory (and on disk with `upgrade_checkpoint`), anything else is refused
with one sentence.

The base LLM is named by spec (see `projector.llm.resolve_llm`); an adapter-only checkpoint is
merged into the base once, at first use, into the cache, because vLLM cannot serve adapters that
carry full embedding matrices.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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

FORMAT = "eegreason-checkpoint/2"
STAGES = ("untrained", "encoder", "align", "instruct", "export")
ENCODER_FILE, PROJECTOR_FILE, CONFIG_FILE = "encoder.safetensors", "projector.safetensors", "config.json"
PARTS = ("encoder", "projector", "adapter", "llm", "card")  # what `copy_checkpoint` can copy


@dataclass
class CheckpointConfig:
    stage: str  # untrained | encoder | align | instruct | export
    encoder: dict[str, Any]  # EncoderConfig as a dict
    labels: list[str] = field(default_factory=lambda: list(EMOTIONS))  # classes of the encoder head
    # The label set those classes form (name, valence/arousal placement, how ratings became classes);
    # None: the registered set with these labels (the seven emotions for older checkpoints).
    label_space: dict[str, Any] | None = None
    projector: dict[str, Any] | None = None  # ProjectorConfig as a dict; None in a stage-1 checkpoint
    llm: str | None = None  # base LLM spec: preset, hub id, folder, "embedded:…" or "tiny-qwen2:<seed>"
    llm_hidden_size: int | None = None
    features: dict[str, Any] = field(default_factory=lambda: FeatureConfig().to_dict())
    prompt_template: str = "chat-v1"
    evidence_reference: dict[str, Any] = field(default_factory=lambda: BandReference.generic().to_dict())
    encoder_temperature: float = 1.0  # softmax temperature calibrating the encoder head on unseen subjects
    adapter: str | None = None  # sub-folder with a LoRA adapter
    merged_llm: str | None = None  # sub-folder with a merged LLM
    synthetic_data: bool = True  # trained on synthetic EEG only
    # Per stage: what it was run with and on — {"encoder": {"config", "data", "subjects",
    # "git_revision", "train_seconds"}, "align": {...}, ...} — so a run can be reproduced from here.
    provenance: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    git_revision: str | None = None
    created: str | None = None
    format: str = FORMAT

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise CheckpointError(f"Checkpoint stage {self.stage!r} is not one of {', '.join(STAGES)}.")

    @property
    def space(self):
        """The checkpoint's label set (`encoders.labels.LabelSpace`): prompts, parsing and metrics follow it."""
        from encoders.labels import space_of

        return space_of(self.labels, self.label_space)

    @property
    def has_language_model(self) -> bool:
        return self.projector is not None and self.llm is not None

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


# ---- formats written by earlier versions --------------------------------------------------------


def stage_record(config: dict[str, Any] | None, data: dict[str, Any] | None = None,
                 train_subjects=None, validation_subjects=None, train_seconds: float | None = None,
                 **extra: Any) -> dict[str, Any]:
    """What one stage records in `provenance[stage]`: its config, data, subjects and time."""
    subjects = None if train_subjects is None else {
        "train": sorted(train_subjects), "validation": sorted(validation_subjects or [])}
    return {"config": config, "data": data, "subjects": subjects, "train_seconds": train_seconds,
            "git_revision": git_revision(), **extra}


def _from_checkpoint_v1(data: dict[str, Any]) -> dict[str, Any]:
    """eegreason-checkpoint/1: the same fields, but provenance was flat (stage configs, the LLM
    stages' data and subjects side by side) and the encoder record had its own shape."""
    old = data.get("provenance") or {}
    metrics = data.get("metrics") or {}
    provenance: dict[str, Any] = {}
    encoder = old.get("encoder") or {}
    if encoder:
        provenance["encoder"] = {"config": encoder.get("stage_config"), "data": None, "subjects": None,
                                 "train_seconds": (encoder.get("metrics") or {}).get("train_seconds"),
                                 "git_revision": encoder.get("git_revision"), "path": encoder.get("path")}
    subjects = ({"train": old.get("train_subjects") or [], "validation": old.get("validation_subjects") or []}
                if "train_subjects" in old else None)
    for stage in ("align", "instruct"):
        if stage in old:
            data_used = old.get("data") if stage == "align" else {"degraded": old.get("degraded_data")}
            provenance[stage] = {"config": old[stage], "data": data_used, "subjects": subjects,
                                 "train_seconds": (metrics.get(stage) or {}).get("train_seconds"),
                                 "git_revision": data.get("git_revision")}
    if "exported_from" in old:
        provenance["export"] = {"config": None, "data": None, "subjects": None, "train_seconds": None,
                                "git_revision": data.get("git_revision"), "exported_from": old["exported_from"]}
    return {**data, "provenance": provenance, "format": FORMAT}


def _from_encoder_v1(data: dict[str, Any]) -> dict[str, Any]:
    """eegreason-encoder/1 (stage-1 artifacts): encoder config, stage config, data; metrics beside."""
    metrics = data.get("metrics") or {}  # read_config puts the artifact's metrics.json here
    record = {"config": data.get("stage_config"), "data": data.get("data"), "subjects": None,
              "train_seconds": (metrics.get("encoder") or {}).get("train_seconds"),
              "git_revision": data.get("git_revision")}
    return {"stage": "encoder", "encoder": data["encoder"], "labels": data.get("labels") or list(EMOTIONS),
            "synthetic_data": bool(data.get("synthetic_data", True)), "provenance": {"encoder": record},
            "metrics": metrics, "git_revision": data.get("git_revision"), "format": FORMAT}


_MIGRATIONS = {"eegreason-checkpoint/1": _from_checkpoint_v1, "eegreason-encoder/1": _from_encoder_v1}


def _config_from_dict(data: dict[str, Any], where: Path) -> CheckpointConfig:
    version = data.get("format") or data.get("artifact")
    if version in _MIGRATIONS:
        data = _MIGRATIONS[version]({k: v for k, v in data.items() if k != "artifact"})
    elif version != FORMAT:
        raise CheckpointError(f"{where} has checkpoint format {version!r}, which this version of eegreason "
                              f"cannot read (it reads {FORMAT} and its predecessors); use the version that wrote it.")
    unknown = set(data) - set(CheckpointConfig.__dataclass_fields__)
    if unknown:
        raise CheckpointError(f"{where} has unknown fields {sorted(unknown)}; it was not written by eegreason.")
    return CheckpointConfig(**data)


def read_config(directory: str | Path) -> CheckpointConfig:
    """The checkpoint's config, migrated to the current format; one sentence for anything else."""
    path = Path(directory) / CONFIG_FILE
    if not path.exists():
        raise CheckpointError(f"{directory} is not an eegreason checkpoint (no config.json); pass the folder "
                              f"written by `eegreason train` or `eegreason export`.")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CheckpointError(f"{path} is not valid JSON; the checkpoint is damaged, so copy it again.") from None
    if not isinstance(data, dict):
        raise CheckpointError(f"{path} does not describe a checkpoint; pass a folder written by eegreason.")
    if "metrics" not in data and (Path(directory) / "metrics.json").exists():  # stage-1 artifacts of format 1
        data["metrics"] = {"encoder": json.loads((Path(directory) / "metrics.json").read_text())}
    return _config_from_dict(data, Path(directory))


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)


def save_tensors(module, path: Path) -> None:
    """A module's weights as safetensors, replaced atomically (checkpoints and resume snapshots)."""
    from safetensors.torch import save_file

    tmp = path.with_name(f".{path.name}.tmp")
    save_file({k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}, str(tmp))
    os.replace(tmp, path)


def load_tensors(module, path: Path, directory: Path) -> None:
    """Weights written by `save_tensors` into `module`, refused in one sentence when missing or mismatched."""
    from safetensors.torch import load_file

    if not path.exists():
        raise CheckpointError(f"{directory} lacks {path.name}; the checkpoint is incomplete, so write it again.")
    result = module.load_state_dict(load_file(str(path)), strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise CheckpointError(f"{path.name} in {directory} does not match its config (missing "
                              f"{result.missing_keys[:3]}, unexpected {result.unexpected_keys[:3]}).")


# ---- writing ------------------------------------------------------------------------------------


def save_adapter(model, directory: str | Path, llm_spec: str | None, name: str = "adapter") -> Path:
    """A peft model's LoRA adapter (safetensors) as the folder `name` in `directory`, swapped in
    whole. peft records the base model's local path; the LLM spec is recorded instead, so the folder
    travels (eegreason resolves the base from the checkpoint config, not from this field)."""
    target = Path(directory) / name
    with folder_written_atomically(target) as tmp:
        model.save_pretrained(str(tmp), safe_serialization=True)
        path = tmp / "adapter_config.json"
        data = json.loads(path.read_text())
        data["base_model_name_or_path"] = llm_spec
        path.write_text(json.dumps(data, indent=2))
    return target


def save_checkpoint(directory: str | Path, config: CheckpointConfig, encoder: EEGEncoder, projector=None,
                    adapter_model=None) -> Path:
    """Write the weights (safetensors; with `adapter_model`, its LoRA adapter) and then config.json
    (each replaced atomically, the config last, so a folder with a config always has the weights it
    names). The encoder's and projector's own configs are taken from the modules, never from the caller."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config.encoder = encoder.get_config()
    config.projector = asdict(projector.config) if projector is not None else None
    if config.projector is not None and config.llm_hidden_size is not None \
            and config.projector.get("d_out") != config.llm_hidden_size:
        raise CheckpointError(f"Projector output {config.projector.get('d_out')} differs from the LLM hidden size "
                              f"{config.llm_hidden_size}; the checkpoint would be inconsistent.")
    config.git_revision = config.git_revision or git_revision()
    config.created = config.created or datetime.now(timezone.utc).isoformat(timespec="seconds")
    config.format = FORMAT
    save_tensors(encoder, directory / ENCODER_FILE)
    if projector is not None:
        save_tensors(projector, directory / PROJECTOR_FILE)
    if adapter_model is not None:
        save_adapter(adapter_model, directory, config.llm, config.adapter or "adapter")
    _write_json_atomically(directory / CONFIG_FILE, config.to_dict())
    return directory


def update_checkpoint(directory: str | Path, **changes: Any) -> CheckpointConfig:
    """Change config fields of a written checkpoint (e.g. `metrics=...`), atomically; weights untouched."""
    config = read_config(directory)
    unknown = set(changes) - set(CheckpointConfig.__dataclass_fields__)
    if unknown:
        raise CheckpointError(f"Checkpoints have no field(s) {sorted(unknown)}.")
    for key, value in changes.items():
        setattr(config, key, value)
    config.format = FORMAT
    _write_json_atomically(Path(directory) / CONFIG_FILE, config.to_dict())
    return config


def upgrade_checkpoint(directory: str | Path) -> CheckpointConfig:
    """Rewrite a checkpoint written in an earlier format in the current one (config only)."""
    config = read_config(directory)
    _write_json_atomically(Path(directory) / CONFIG_FILE, config.to_dict())
    stale = Path(directory) / "metrics.json"
    if stale.exists() and "encoder" in config.metrics:
        stale.unlink()  # its numbers now live in config.metrics
    return config


def copy_checkpoint(source: str | Path, target: str | Path, parts: tuple[str, ...] = ("encoder", "projector", "adapter"),
                    **changes: Any) -> CheckpointConfig:
    """Copy the named parts of a checkpoint into a new folder (replaced if it exists) with its config,
    applying `changes` to the config. Parts: encoder, projector, adapter, llm (a merged LLM), card."""
    source, target = Path(source), Path(target)
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise CheckpointError(f"Unknown checkpoint part(s) {sorted(unknown)}; choose from {', '.join(PARTS)}.")
    if target.resolve() == source.resolve():
        raise CheckpointError("Copy a checkpoint into a new folder, not over itself.")
    config = read_config(source)
    with folder_written_atomically(target) as tmp:
        files = {"encoder": ENCODER_FILE, "projector": PROJECTOR_FILE, "card": "MODEL_CARD.md"}
        for part in parts:
            if part in files and (source / files[part]).exists():
                shutil.copy2(source / files[part], tmp / files[part])
            elif part == "adapter" and config.adapter:
                shutil.copytree(source / config.adapter, tmp / config.adapter,
                                ignore=shutil.ignore_patterns("README.md"))
            elif part == "llm" and config.merged_llm:
                shutil.copytree(source / config.merged_llm, tmp / config.merged_llm)
        if "adapter" not in parts:
            config.adapter = None
        if "llm" not in parts:
            config.merged_llm = None
        for key, value in changes.items():
            setattr(config, key, value)
        config.format = FORMAT
        _write_json_atomically(tmp / CONFIG_FILE, config.to_dict())
    return config


# ---- reading ------------------------------------------------------------------------------------


def load_encoder(directory: str | Path, config: CheckpointConfig | None = None) -> EEGEncoder:
    """The encoder of any checkpoint (stage 1 onwards), in eval mode, keys checked strictly."""
    directory = Path(directory)
    config = config or read_config(directory)
    encoder = EEGEncoder.from_config(config.encoder)
    load_tensors(encoder, directory / ENCODER_FILE, directory)
    return encoder.eval()


def load_checkpoint(directory: str | Path, config: CheckpointConfig | None = None):
    """(encoder, projector) of a checkpoint that links the encoder to an LLM, in eval mode."""
    directory = Path(directory)
    config = config or read_config(directory)
    if config.projector is None:
        raise CheckpointError(f"{directory} is a stage-1 (encoder-only) checkpoint; pass one written by the "
                              f"align, instruct or export stage.")
    if config.projector.get("d_out") != config.llm_hidden_size:
        raise CheckpointError(f"Projector output {config.projector.get('d_out')} differs from the LLM hidden "
                              f"size {config.llm_hidden_size} in {directory}; the checkpoint is inconsistent.")
    encoder = load_encoder(directory, config)
    projector = build_projector(config.projector)
    load_tensors(projector, directory / PROJECTOR_FILE, directory)
    return encoder, projector.eval()


def llm_folder(directory: str | Path, config: CheckpointConfig | None = None) -> Path:
    """The LLM folder to serve for this checkpoint: merged, merged-on-first-use, or the base."""
    directory = Path(directory)
    config = config or read_config(directory)
    if not config.llm:
        raise CheckpointError(f"{directory} has no language model (a stage-1 checkpoint); pass one written by "
                              f"the align, instruct or export stage.")
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


def write_served_llm(base: Path, adapter: Path | None, target: Path) -> None:
    """The LLM a served-model folder carries: the base with `adapter` merged in, or the base as it
    is when there is no adapter (the folder stays self-contained either way)."""
    if adapter is not None:
        merge_adapter(base, adapter, target)
        return
    import shutil

    with folder_written_atomically(target) as tmp:
        shutil.copytree(base, tmp, dirs_exist_ok=True)


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
    config = CheckpointConfig(stage="untrained", encoder={}, llm=llm, llm_hidden_size=llm_config.hidden_size)
    return save_checkpoint(Path(directory), config, encoder, projector)
