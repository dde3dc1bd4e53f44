"""The one package logger. Modules call `get_logger(__name__)`; handlers are set by entry points."""

from __future__ import annotations

import logging
import os
import sys

ROOT = "eegreason"


def get_logger(name: str | None = None) -> logging.Logger:
    if not name or name == ROOT:
        return logging.getLogger(ROOT)
    return logging.getLogger(f"{ROOT}.{name}")


class _CurrentStderr(logging.StreamHandler):
    """A stderr handler that writes to whatever `sys.stderr` is when a record is emitted, not the
    stream of the moment it was made: a line logged from a server thread after the stream the
    handler was born with was closed (a finished test's capture, a redirected stream) is then not
    lost to a "Logging error" traceback."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):  # StreamHandler.__init__ assigns it; the current stderr is always used
        pass


def configure_logging(level: str | int | None = None) -> None:
    """Attach one stderr handler to the package logger (idempotent). Level from EEGREASON_LOG."""
    level = level or os.environ.get("EEGREASON_LOG", "INFO")
    logger = logging.getLogger(ROOT)
    logger.setLevel(level)
    if not any(getattr(h, "_eegreason", False) for h in logger.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
        handler._eegreason = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False


def progress_bar(iterable=None, enabled: bool = True, **kwargs):
    """A tqdm bar for long work. Shown on terminals only (`disable=None` hides it when output is
    piped to a file or another program), and never when `enabled` is false."""
    from tqdm.auto import tqdm

    return tqdm(iterable, disable=None if enabled else True, **kwargs)
