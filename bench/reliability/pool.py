"""A process pool with a hard per-task timeout, recycled workers and a memory cap.

`multiprocessing.Pool` cannot stop one task that hangs inside C code without breaking the pool, so
each worker here has its own pipe and the parent watches every worker's clock: a task past its
deadline gets its worker SIGKILLed and replaced (the task is a "hang"); a worker that dies on its
own (segfault, the memory cap) is a "crash"; after `max_tasks_per_child` tasks a worker exits and a
fresh one takes its place, so state one pathological file leaves behind (leaked memory, a wedged
thread) cannot poison later files. Workers are forked from a forkserver that has already imported
the product, so a replacement starts in milliseconds.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

PRELOAD = ["numpy", "scipy.signal", "mne", "pyedflib", "encoders.io", "encoders.analysis", "encoders.evidence",
           "reports.draft", "reports.render", "prompts.evidence_text", "serve.commands.inspect", "bench.reliability.cases"]


def _worker(conn: Connection, fn: Callable[[Any], dict], max_tasks: int, memory_bytes: int | None) -> None:
    from threadpoolctl import threadpool_limits

    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    with threadpool_limits(1):  # one BLAS thread per worker: the pool already uses every core
        for _ in range(max_tasks):
            message = conn.recv()
            if message is None:
                break
            key, task = message
            conn.send((key, fn(task)))
    conn.close()


@dataclass
class _Slot:
    process: Any
    conn: Connection
    done: int = 0
    key: Any = None
    task: Any = None
    started: float = 0.0


@dataclass
class PoolStats:
    workers_started: int = 0
    hangs: int = 0
    crashes: int = 0
    recycled: int = 0
    wall_s: float = 0.0
    timings: list[float] = field(default_factory=list)


class HardTimeoutPool:
    def __init__(self, fn: Callable[[Any], dict], workers: int, timeout_s: float, max_tasks_per_child: int = 50,
                 memory_gib: float | None = 4.0):
        self.fn = fn
        self.workers = max(1, workers)
        self.timeout_s = timeout_s
        self.max_tasks = max(1, max_tasks_per_child)
        self.memory_bytes = int(memory_gib * 2**30) if memory_gib else None
        self.context = mp.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.stats = PoolStats()

    def _spawn(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(child, self.fn, self.max_tasks, self.memory_bytes),
                                       daemon=True)
        process.start()
        child.close()
        self.stats.workers_started += 1
        return _Slot(process, parent)

    @staticmethod
    def _stop(slot: _Slot, kill: bool) -> None:
        """Join the worker (SIGKILL first when `kill`, or when it will not exit by itself)."""
        if kill and slot.process.is_alive():
            os.kill(slot.process.pid, signal.SIGKILL)
        slot.process.join(timeout=10)
        if slot.process.is_alive():
            os.kill(slot.process.pid, signal.SIGKILL)
            slot.process.join(timeout=10)
        slot.conn.close()

    def map(self, tasks: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, dict]]:
        """Yields (key, result) as tasks finish (not in order). A result is `fn`'s dict, or
        {"outcome": "hang"|"crash", ...} when the worker had to be killed or died."""
        pending = deque(tasks)
        slots = [self._spawn() for _ in range(min(self.workers, len(pending)) or 1)]
        start = time.perf_counter()
        try:
            while pending or any(s.task is not None for s in slots):
                for slot in slots:
                    if slot.task is None and pending:
                        slot.key, slot.task = pending.popleft()
                        slot.conn.send((slot.key, slot.task))
                        slot.started = time.perf_counter()
                busy = [s for s in slots if s.task is not None]
                now = time.perf_counter()
                remaining = min(s.started + self.timeout_s - now for s in busy)
                ready = wait([s.conn for s in busy], timeout=max(0.0, remaining))
                for index, slot in enumerate(slots):
                    if slot.task is None:
                        continue
                    elapsed = time.perf_counter() - slot.started
                    if slot.conn in ready:
                        try:
                            key, result = slot.conn.recv()
                        except (EOFError, OSError):
                            slot.process.join(timeout=5)
                            result = {"outcome": "crash", "exitcode": slot.process.exitcode,
                                      "seconds": round(elapsed, 3)}
                            key = slot.key
                            self.stats.crashes += 1
                            self._stop(slot, kill=True)
                            slots[index] = self._spawn()
                            yield key, result
                            continue
                        self.stats.timings.append(elapsed)
                        slot.done += 1
                        slot.task = None
                        if slot.done >= self.max_tasks:
                            self.stats.recycled += 1
                            self._stop(slot, kill=False)
                            slots[index] = self._spawn()
                        yield key, result
                    elif elapsed > self.timeout_s:
                        key = slot.key
                        self.stats.hangs += 1
                        self._stop(slot, kill=True)
                        slots[index] = self._spawn()
                        yield key, {"outcome": "hang", "seconds": round(elapsed, 3), "timeout_s": self.timeout_s}
        finally:
            for slot in slots:
                idle = slot.task is None and slot.process.is_alive()
                if idle:
                    try:
                        slot.conn.send(None)  # asks the worker to exit after its loop
                    except OSError:
                        idle = False
                self._stop(slot, kill=not idle)
            self.stats.wall_s = time.perf_counter() - start
