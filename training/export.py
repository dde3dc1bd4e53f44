"""Stage 4 (export): the LoRA adapter merged into the LLM, saved with encoder, projector and config
as one served-model folder that vLLM loads directly (`llm/` is a plain Hugging Face model folder).
"""

from __future__ import annotations

from pathlib import Path

from projector.checkpoint import copy_checkpoint, read_config, resolve_llm, stage_record, update_checkpoint, write_served_llm

from .config import ExportStageConfig


def export_checkpoint(config: ExportStageConfig | str | Path, out: Path, resume: bool = True,
                      progress: bool = True) -> Path:
    """`resume` and `progress` are the stage runners' common signature; an export is one short step."""
    source = Path(config.checkpoint if isinstance(config, ExportStageConfig) else config)
    out = Path(out)
    base = read_config(source)
    exported = copy_checkpoint(source, out, parts=("encoder", "projector", "card"))
    write_served_llm(resolve_llm(base.llm), source / base.adapter if base.adapter else None, out / "llm")
    update_checkpoint(out, stage="export", merged_llm="llm", provenance={
        **exported.provenance, "export": stage_record(None, exported_from=str(source))})
    return out
