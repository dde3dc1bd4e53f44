"""A tiny watchdog that ends a command's engine processes when the command itself dies.

vLLM's engine process does not watch its parent: when the process that holds an engine is killed
(SIGKILL, an OOM kill, a crash), `VLLM::EngineCore` and its worker keep running under PID 1 with
gigabytes of memory. Its workers do watch the engine process, so ending the orphans once is enough.

Run as a script, with only the standard library and psutil imported:

    python -I serve/orphan_watch.py PID TAG

It knows the command's processes two ways, because once the command is dead they are children of
PID 1 and the process tree no longer says whose they were:
- a snapshot of the command's descendants, refreshed every `SNAPSHOT_S`;
- the tag: every process the command starts inherits `OWNER_ENV` = TAG ("<pid>-<start>") in
  its environment, which also finds one started an instant before the death. (Not alone: vLLM
  renames its processes with setproctitle, which may overwrite the environment block the kernel
  shows in /proc/PID/environ.)
It waits on a pidfd (Linux; elsewhere it polls), then terminates those processes, kills the ones
still alive after a grace period, and exits. It ignores SIGINT, SIGTERM and SIGHUP so that a Ctrl-C
at the terminal, or a signal to the whole process group, never stops it before the command is gone.
PIDs are never trusted alone: a process is known with its start time, and psutil refuses to signal
a PID that has since been given to another process.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time

import psutil

OWNER_ENV = "EEGREASON_ENGINE_OWNER"
GRACE_S = 3.0  # SIGTERM first (vLLM's processes shut down cleanly on it), SIGKILL after this
SNAPSHOT_S = 2.0  # a look at the process table costs ~10 ms
POLL_S = 0.5  # parent check where no pidfd is available
# Processes that exit by themselves once their parent has gone and ignore SIGTERM; ending them early
# loses their own clean-up: multiprocessing's resource tracker (it frees what the engine leaked).
SELF_ENDING = ("multiprocessing.resource_tracker",)
_GONE = (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess)


def owner_tag(process: psutil.Process) -> str:
    # The start time tells a process from a later one that reuses its PID.
    return f"{process.pid}-{_start(process)}"


def _start(process: psutil.Process) -> str:
    """When the process started, identically however often it is asked. psutil's create_time()
    adds the boot time as the clock sees it now, which moved by a second between two processes
    here; the kernel's start time in clock ticks since boot does not move."""
    try:
        with open(f"/proc/{process.pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[19].decode()  # field 22, starttime
    except FileNotFoundError:
        if os.path.isdir("/proc"):
            raise psutil.NoSuchProcess(process.pid) from None
        return f"{process.create_time():.0f}"  # no procfs (macOS)


def _owner(proc: psutil.Process) -> str | None:
    """The process's OWNER_ENV, read from the raw environment block: psutil's parser stops at the
    first empty entry, and setproctitle leaves runs of NULs in front of the variables."""
    prefix = f"{OWNER_ENV}=".encode()
    try:
        with open(f"/proc/{proc.pid}/environ", "rb") as block:
            entries = block.read().split(b"\0")
    except FileNotFoundError:
        if os.path.isdir("/proc"):
            return None  # gone
        return proc.environ().get(OWNER_ENV)  # no procfs (macOS): psutil asks the kernel
    except (PermissionError, ProcessLookupError):
        return None
    for entry in entries:
        if entry.startswith(prefix):
            return entry[len(prefix):].decode(errors="replace")
    return None


def tagged_processes(tag: str, exclude: set[int] = frozenset()) -> list[psutil.Process]:
    """Live processes started under the owner `tag`, with their descendants (in case one of them
    cleared its environment), except the PIDs in `exclude`."""
    found: dict[int, psutil.Process] = {}
    for proc in psutil.process_iter():
        if proc.pid in exclude or proc.pid in found:
            continue
        try:
            if _owner(proc) != tag:
                continue
            found[proc.pid] = proc
            for child in proc.children(recursive=True):
                if child.pid not in exclude:
                    found.setdefault(child.pid, child)
        except _GONE:
            continue
    return list(found.values())


def _command(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except _GONE:
        return ""


def self_ending(proc: psutil.Process) -> bool:
    return any(name in _command(proc) for name in SELF_ENDING)


def is_watchdog(proc: psutil.Process) -> bool:
    return os.path.basename(__file__) in _command(proc)


def end_processes(procs: list[psutil.Process], grace_s: float = GRACE_S) -> list[psutil.Process]:
    """SIGTERM to the topmost of `procs` (self-ending ones are only waited for), up to `grace_s`
    for all of them to go, then SIGKILL to what is left. Returns the processes that were alive.

    The topmost only: vLLM's engine process ends its own worker on SIGTERM, and a worker ended
    under it mid-start makes it print a traceback."""
    pids = {p.pid for p in procs}
    alive = []
    for proc in procs:
        try:
            if not self_ending(proc) and proc.ppid() not in pids:
                proc.terminate()
            alive.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    still = _wait_gone(alive, grace_s)
    for proc in still:
        try:
            proc.kill()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    _wait_gone(still, grace_s)
    return alive


def _gone(proc: psutil.Process) -> bool:
    # An orphan that has exited stays a zombie until PID 1 reaps it: it holds no memory, and it is gone.
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_gone(procs: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout_s
    while procs and time.monotonic() < deadline:
        procs = [p for p in procs if not _gone(p)]
        if procs:
            time.sleep(0.05)
    return [p for p in procs if not _gone(p)]


class Watch:
    """The watched command and what it has started so far."""

    def __init__(self, pid: int, tag: str):
        self.tag = tag
        self.known: dict[int, psutil.Process] = {}
        self.fd = None
        try:
            self.fd = os.pidfd_open(pid)  # opened first: from here on it refers to this very process
        except (AttributeError, OSError):  # not Linux, or already gone
            pass
        try:
            self.parent = psutil.Process(pid)
            if owner_tag(self.parent) != tag:
                self.parent = None  # the PID already belongs to another process
        except psutil.NoSuchProcess:
            self.parent = None

    def snapshot(self) -> None:
        if self.parent is None:
            return
        try:
            children = self.parent.children(recursive=True)
        except _GONE:
            return
        for child in children:
            if child.pid != os.getpid():
                self.known[child.pid] = child  # a reused PID replaces the old, gone process

    def parent_alive(self, wait_s: float) -> bool:
        if self.parent is None:
            return False
        if self.fd is not None:
            readable, _, _ = select.select([self.fd], [], [], wait_s)  # readable once it has exited
            return not readable
        time.sleep(wait_s)
        return not _gone(self.parent)

    def run(self) -> None:
        while True:
            self.snapshot()
            if not self.parent_alive(SNAPSHOT_S):
                break
        if self.fd is not None:
            os.close(self.fd)
        leftovers = {p.pid: p for p in self.known.values() if not _gone(p)}
        for proc in tagged_processes(self.tag, exclude={os.getpid()}) + [
                child for p in list(leftovers.values()) for child in _children(p)]:
            leftovers.setdefault(proc.pid, proc)
        leftovers.pop(os.getpid(), None)
        end_processes(list(leftovers.values()))


def _children(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return proc.children(recursive=True)
    except _GONE:
        return []


def main(argv: list[str]) -> int:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    Watch(int(argv[0]), argv[1]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
