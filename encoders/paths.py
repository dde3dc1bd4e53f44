"""Where eegreason keeps its cache (converted LLM weights, merged models, generated samples)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def home() -> Path:
    """`EEGREASON_HOME`, default `~/.cache/eegreason`; created on first use."""
    root = Path(os.environ.get("EEGREASON_HOME") or Path.home() / ".cache" / "eegreason").expanduser()
    root.mkdir(parents=True, exist_ok=True)
    return root


def repo_root() -> Path:
    """The source tree (holds checkpoints/demo); packages are installed editable from it."""
    return Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def folder_written_atomically(target: Path):
    """Yield a temporary sibling folder to fill; on success it replaces `target` in one rename, so
    an interrupted write never leaves a half-written folder that a later run would trust."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        yield tmp
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
