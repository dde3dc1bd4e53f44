"""Stage 4 (export): the LoRA adapter merged into the LLM, saved with encoder, projector and config
as one served-model folder that vLLM loads directly (`llm/` is a plain Hugging Face model folder).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from projector.checkpoint import (copy_checkpoint, merge_adapter, read_config, resolve_llm, stage_record,
                                  update_checkpoint)

from .config import ExportStageConfig


def export_checkpoint(config: ExportStageConfig | str | Path, out: Path, resume: bool = True,
                      progress: bool = True) -> Path:
    """`resume` and `progress` are the stage runners' common signature; an export is one short step."""
    source = Path(config.checkpoint if isinstance(config, ExportStageConfig) else config)
    out = Path(out)
    base = read_config(source)
    exported = copy_checkpoint(source, out, parts=("encoder", "projector", "card"))
    llm_dir = out / "llm"
    if base.adapter:
        merge_adapter(resolve_llm(base.llm), source / base.adapter, llm_dir)
    else:  # nothing to merge: ship the base weights so the folder is still self-contained
        shutil.copytree(resolve_llm(base.llm), llm_dir)
    update_checkpoint(out, stage="export", merged_llm="llm", provenance={
        **exported.provenance, "export": stage_record(None, exported_from=str(source))})
    return out
