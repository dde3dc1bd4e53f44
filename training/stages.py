"""Stage dispatch: a config names its stage; each stage has one runner writing one artifact folder."""

from __future__ import annotations

from pathlib import Path


def run_stage(config, out: Path, resume: bool = True, progress: bool = True) -> Path:
    if config.stage == "encoder":
        from .encoder_stage import train_encoder

        return train_encoder(config, out, progress=progress, resume=resume)
    if config.stage == "align":
        from .llm_stages import run_align

        return run_align(config, out, resume=resume, progress=progress)
    if config.stage == "instruct":
        from .llm_stages import run_instruct

        return run_instruct(config, out, resume=resume, progress=progress)
    if config.stage == "export":
        from .export import export_checkpoint

        return export_checkpoint(config, out)
    raise ValueError(f"no runner for stage {config.stage!r}")
