"""How a command that starts an engine stops, whatever stops it.

- SIGTERM and SIGHUP become the same orderly shutdown as Ctrl-C (SIGINT): a KeyboardInterrupt in
  the main thread, so `finally: assistant.close()` runs (Gradio's `launch()` catches it and closes
  its server). A repeat during the shutdown is ignored, so it cannot cut the engine's close short;
  one more than `FORCE_AFTER_S` later forces the stop.
- `watch_engine_processes()` tags every process started from then on and starts the orphan
  watchdog (serve/orphan_watch.py), which ends them if this process dies without cleaning up
  (SIGKILL, OOM kill, crash).
- `end_leftovers()`: after the orderly close, whatever this command started and is still alive is
  terminated, then killed.

The command stays in the terminal's process group: a Ctrl-C reaches the engine processes too, and
they stop on it themselves.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from encoders.log import get_logger

log = get_logger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
FORCE_AFTER_S = 5.0  # a repeated signal after this long means the orderly shutdown is stuck


class _Watch:
    tag: str | None = None
    watchdog: subprocess.Popen | None = None


_watch = _Watch()


class StopSignals:
    """Within the block, SIGINT/SIGTERM/SIGHUP raise KeyboardInterrupt in the main thread (once);
    `received` tells which signal stopped the command."""

    def __init__(self):
        self.received: int | None = None
        self._first_at = 0.0
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            if handler is not None:  # None: a handler installed outside Python, which cannot be put back
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame) -> None:
        if self.received is None:
            self.received, self._first_at = signum, time.monotonic()
            raise KeyboardInterrupt(signal.Signals(signum).name)
        if time.monotonic() - self._first_at > FORCE_AFTER_S:
            end_leftovers(grace_s=1.0)
            os._exit(128 + signum)
        # Otherwise the orderly shutdown is under way; let it finish.

    @property
    def exit_code(self) -> int:
        return 128 + (self.received or signal.SIGINT)  # the shell's convention (130 for Ctrl-C)


def watch_engine_processes() -> None:
    """Tag the processes this one starts from now on and start the orphan watchdog (once)."""
    if _watch.tag is not None:
        return
    import psutil

    from .orphan_watch import OWNER_ENV, owner_tag

    tag = owner_tag(psutil.Process())
    if os.environ.get(OWNER_ENV) == tag:  # started before this process image was exec'd into (serve)
        _watch.tag = tag
        return
    os.environ[OWNER_ENV] = tag  # inherited by every process started after this line
    script = Path(__file__).with_name("orphan_watch.py")
    try:
        # -I and an empty environment: nothing from either changes what it imports, and it holds
        # none of the command's settings (such as an API key).
        _watch.watchdog = subprocess.Popen([sys.executable, "-I", str(script), str(os.getpid()), tag],
                                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env={})
    except OSError as exc:
        log.warning("could not start the orphan watchdog (%s); a killed command may leave its engine running", exc)
    _watch.tag = tag


def engine_started() -> bool:
    return _watch.tag is not None


def exit_now(code: int) -> None:
    """Exit the way the interpreter does (other threads joined, atexit handlers run, output flushed)
    but without its final garbage collection and module teardown. After an engine has run, that
    last step walks every object torch, vLLM and Gradio created: measured 5 s of a stop that
    otherwise takes 3 on 2 busy cores (and Triton's bindings then print a reference-leak report).
    The OS takes the memory back in an instant."""
    import atexit

    # The interpreter's own first two steps at exit: wake idle thread-pool workers and join every
    # non-daemon thread, then the atexit handlers (logging.shutdown, multiprocessing's clean-up...).
    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a broken pipe
            pass
    os._exit(code)


def descendants() -> frozenset:
    """This process's descendants now (psutil processes: a PID with its start time)."""
    import psutil

    try:
        return frozenset(psutil.Process().children(recursive=True))
    except psutil.Error:
        return frozenset()


def end_leftovers(grace_s: float = 3.0, keep: frozenset = frozenset()) -> int:
    """Terminate, then kill, the processes this one started that are still alive (none after a clean
    engine close): its descendants, and any tagged process that lost its parent on the way. `keep`:
    processes that were running before the command (`descendants()` taken then), such as an engine
    a program that runs a command in-process holds for itself. Returns how many there were."""
    if _watch.tag is None:
        return 0
    import psutil

    from .orphan_watch import end_processes, is_watchdog, self_ending, tagged_processes

    found = {p.pid: p for p in tagged_processes(_watch.tag, {os.getpid()})}
    try:
        found.update((p.pid, p) for p in psutil.Process().children(recursive=True))
    except psutil.Error:
        pass
    # A self-ending process (the resource tracker) exits after this one, and so does the watchdog
    # (the one to see to any that does not).
    leftovers = [p for p in found.values() if not (self_ending(p) or is_watchdog(p) or p in keep)]
    if leftovers:
        log.debug("ending %d leftover process(es): %s", len(leftovers), [p.pid for p in leftovers])
        end_processes(leftovers, grace_s)
    return len(leftovers)
