"""Running an `eegreason` command as a real process tree for the stop tests: start it, wait until
its engine is up, collect its descendants, signal it, and time how long each one takes to go.

The command runs in a session of its own (the harness's choice, not the command's) so that a
failing test can always kill everything it started, and nothing else, with one killpg.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command:
    def __init__(self, args: list[str], log_dir: Path, name: str, env: dict | None = None):
        self.stdout_path, self.stderr_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "serve.cli", *args], stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, cwd=ROOT, start_new_session=True,
                                         env={**os.environ, **(env or {})})
        self.seen: list[psutil.Process] = []

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def wait_until(self, ready, what: str, timeout_s: float = 420) -> None:
        """Poll `ready()` while the command runs; fail with its stderr if it ends or takes too long."""
        deadline = time.monotonic() + timeout_s
        while not ready():
            assert self.proc.poll() is None, f"the command ended (code {self.proc.returncode}) before {what}:\n" \
                                             f"{self.stderr[-3000:]}"
            assert time.monotonic() < deadline, f"no {what} after {timeout_s} s:\n{self.stderr[-3000:]}"
            time.sleep(0.2)

    def wait_for_stderr(self, text: str, **kwargs) -> None:
        self.wait_until(lambda: text in self.stderr, repr(text), **kwargs)

    def wait_for_http(self, url: str, headers: dict | None = None, **kwargs) -> None:
        def answers() -> bool:
            try:
                request = urllib.request.Request(url, headers=headers or {})
                return urllib.request.urlopen(request, timeout=2).status == 200
            except OSError:
                return False

        self.wait_until(answers, f"answer from {url}", **kwargs)

    def tree(self) -> list[psutil.Process]:
        """The command and all its descendants, now (remembered for the clean-up)."""
        root = psutil.Process(self.proc.pid)
        procs = [root, *root.children(recursive=True)]
        self.seen += [p for p in procs if p not in self.seen]
        return procs

    def signal_and_time(self, sig: int, procs: list[psutil.Process], limit_s: float) -> dict[str, float | None]:
        """Send `sig` to the command alone; seconds until each of `procs` was gone (None: still
        there after `limit_s`), keyed by a short description."""
        names = {p.pid: _describe(p) for p in procs}
        start = time.monotonic()
        self.proc.send_signal(sig)
        gone: dict[int, float] = {}
        while len(gone) < len(procs) and time.monotonic() - start < limit_s:
            self.proc.poll()  # reap the command itself, so that its PID cannot linger as our zombie
            for proc in procs:
                if proc.pid not in gone and _gone(proc):
                    gone[proc.pid] = round(time.monotonic() - start, 2)
            time.sleep(0.05)
        return {f"{names[p.pid]} [{p.pid}]": gone.get(p.pid) for p in procs}

    def kill_everything(self) -> None:
        """Whatever happened: the command's process group, and every process of its ever seen."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for proc in self.seen + self._tree_or_empty():
            try:
                proc.kill()
            except psutil.Error:
                pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass

    def _tree_or_empty(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            return []


def _gone(proc: psutil.Process) -> bool:
    # An exited orphan is a zombie until PID 1 reaps it: no memory, no CPU, gone.
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _describe(proc: psutil.Process) -> str:
    try:
        words = " ".join(proc.cmdline()).split()
    except psutil.Error:
        return "?"
    return next((w for w in words if w.startswith("VLLM::")), None) or " ".join(words[1:4])[:60]


def engine_processes(procs: list[psutil.Process]) -> list[psutil.Process]:
    """The vLLM engine process among `procs` (named by vLLM's setproctitle)."""
    return [p for p in procs if "EngineCore" in _describe(p)]
