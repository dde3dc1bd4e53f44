"""Where eegreason keeps its cache (converted LLM weights, merged models, generated samples)."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """`EEGREASON_HOME`, default `~/.cache/eegreason`; created on first use."""
    root = Path(os.environ.get("EEGREASON_HOME") or Path.home() / ".cache" / "eegreason").expanduser()
    root.mkdir(parents=True, exist_ok=True)
    return root


def repo_root() -> Path:
    """The source tree (holds checkpoints/demo); packages are installed editable from it."""
    return Path(__file__).resolve().parent.parent
