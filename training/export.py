"""Stage 4 (export): the LoRA adapter merged into the LLM, saved with encoder, projector and config
as one served-model folder that vLLM loads directly (`llm/` is a plain Hugging Face model folder).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from encoders.errors import CheckpointError
from projector.checkpoint import merge_adapter, read_config, resolve_llm

from .config import ExportStageConfig


def export_checkpoint(config: ExportStageConfig | str | Path, out: Path) -> Path:
    source = Path(config.checkpoint if isinstance(config, ExportStageConfig) else config)
    out = Path(out)
    base = read_config(source)
    if out.resolve() == source.resolve():
        raise CheckpointError("Export into a new folder, not over the checkpoint it reads.")
    out.mkdir(parents=True, exist_ok=True)
    for name in ("encoder.safetensors", "projector.safetensors"):
        shutil.copy2(source / name, out / name)
    llm_dir = out / "llm"
    if llm_dir.exists():
        shutil.rmtree(llm_dir)
    if base.adapter:
        merge_adapter(resolve_llm(base.llm), source / base.adapter, llm_dir)
    else:  # nothing to merge: ship the base weights so the folder is still self-contained
        shutil.copytree(resolve_llm(base.llm), llm_dir)
    base.merged_llm = "llm"
    base.adapter = None
    base.stage = "export"
    base.provenance = {**base.provenance, "exported_from": str(source)}
    (out / "config.json").write_text(json.dumps(base.to_dict(), indent=2))
    card = source / "MODEL_CARD.md"
    if card.exists():
        shutil.copy2(card, out / "MODEL_CARD.md")
    return out
