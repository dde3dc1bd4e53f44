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


class _LogLines:
    """A file for tqdm that turns each refresh into one log line (when no terminal shows a bar)."""

    def __init__(self, logger: logging.Logger):
        self.logger = logger
        self.last = ""

    def write(self, text: str) -> None:
        line = text.strip("\r\n ")
        if line and line != self.last:  # closing a bar repeats its last refresh
            self.logger.info("%s", line)
            self.last = line

    def flush(self) -> None:
        pass


# Off a terminal a bar is a log line at most this often (a log file, CI, the app's console).
LOG_EVERY_S = 30.0


def progress_bar(iterable=None, enabled: bool = True, **kwargs):
    """A tqdm bar for long work. On a terminal, the usual bar; anywhere else the same progress is
    logged as a line at most every LOG_EVERY_S seconds (and at the end), so a run written to a
    file still says how far it is and how long is left. Never shown when `enabled` is false."""
    import sys

    from tqdm.auto import tqdm

    if not enabled:
        return tqdm(iterable, disable=True, **kwargs)
    if getattr(sys.stderr, "isatty", lambda: False)():
        return tqdm(iterable, **kwargs)
    kwargs.setdefault("mininterval", LOG_EVERY_S)
    kwargs.setdefault("maxinterval", LOG_EVERY_S)
    from tqdm import tqdm as plain  # the notebook variant cannot write to a file

    kwargs.setdefault("bar_format", "{desc}: {percentage:3.0f}% {n_fmt}/{total_fmt} [{elapsed} elapsed, "
                                    "{remaining} left, {rate_fmt}{postfix}]")
    return plain(iterable, file=_LogLines(get_logger("progress")), **kwargs)
