"""Progress a person can see while long work runs, on a terminal or not.

On a terminal, a tqdm bar. Anywhere else (a log file, a CI job, the app's server console) a bar
is hidden, so the same progress is written as log lines instead: the first item, every tenth of
the work, at least every `every_s` seconds, and the end, each with the rate and the time left.
`step` logs a stage that has no items (loading a checkpoint, starting an engine) with its
duration, and a heartbeat while it runs.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator

from encoders.log import get_logger

log = get_logger(__name__)
EVERY_S = 30.0


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 90:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def on_terminal() -> bool:
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


class ItemProgress:
    """Counts finished items; `update` after each one. `on_update(done, total)` is called too (the
    app's progress bar)."""

    def __init__(self, total: int, desc: str, unit: str = "item", initial: int = 0, enabled: bool = True,
                 every_s: float = EVERY_S, on_update: Callable[[int, int], None] | None = None,
                 logger: logging.Logger | None = None):
        self.total, self.desc, self.unit = int(total), desc, unit
        self.n = self.start_n = int(initial)
        self.every_s = every_s
        self.on_update = on_update
        self.log = logger or log
        self.started = self.last_line = time.monotonic()
        self.last_tenth = self._tenth(self.n)
        self.bar = None
        self.lines = enabled and not on_terminal()
        if enabled and not self.lines:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.total, initial=self.n, desc=desc, unit=unit, file=sys.stderr)
        if self.lines:
            resumed = f" ({self.n} done before)" if self.n else ""
            self.log.info("%s: %d %ss to do%s", desc, self.total - self.n, unit, resumed)

    def _tenth(self, n: int) -> int:
        return 10 * n // self.total if self.total else 10

    def update(self, n: int = 1) -> None:
        self.n += n
        if self.bar is not None:
            self.bar.update(n)
        if self.lines:
            now = time.monotonic()
            tenth = self._tenth(self.n)
            if self.n == self.start_n + n or tenth > self.last_tenth or now - self.last_line >= self.every_s \
                    or self.n >= self.total:
                self.last_line, self.last_tenth = now, tenth
                self.log.info("%s", self.describe(now))
        if self.on_update is not None:
            self.on_update(self.n, self.total)

    def describe(self, now: float | None = None) -> str:
        elapsed = (now or time.monotonic()) - self.started
        done_here = self.n - self.start_n
        share = f" ({100 * self.n / self.total:.0f} %)" if self.total else ""
        text = f"{self.desc}: {self.n}/{self.total} {self.unit}s{share}, {_duration(elapsed)} so far"
        if 0 < done_here and self.n < self.total:
            left = elapsed / done_here * (self.total - self.n)
            text += f", about {_duration(left)} left"
        return text

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> ItemProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextlib.contextmanager
def step(description: str, heartbeat_s: float | None = None, logger: logging.Logger | None = None) -> Iterator[None]:
    """Log `description …`, then `description: done in 12 s` (or `failed after`); with
    `heartbeat_s`, a `still …` line at that interval while it runs."""
    out = logger or log
    out.info("%s …", description)
    started = time.monotonic()
    stop = threading.Event()
    beat = None
    if heartbeat_s:
        def beating() -> None:
            while not stop.wait(heartbeat_s):
                out.info("… still %s (%s)", description, _duration(time.monotonic() - started))

        beat = threading.Thread(target=beating, name="progress-heartbeat", daemon=True)
        beat.start()
    try:
        yield
    except BaseException:
        out.info("%s: failed after %s", description, _duration(time.monotonic() - started))
        raise
    finally:
        stop.set()
        if beat is not None:
            beat.join(timeout=1)
    out.info("%s: done in %.1f s", description, time.monotonic() - started)
