"""Process lifetime without an engine (fast): stop signals become the orderly path, leftovers are
ended, and the watchdog ends what a killed command started, and nothing else. Real processes:
small Python programs stand in for a command, `sleep` and stubborn children for its engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).parent.parent


def program(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)


def gone(proc: psutil.Process) -> bool:
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_gone(procs: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not all(gone(p) for p in procs):
        time.sleep(0.05)
    return [p for p in procs if not gone(p)]


def cleanup(parent: subprocess.Popen, procs: list[psutil.Process]) -> None:
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass
    try:
        os.killpg(parent.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    parent.wait(timeout=10)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_runs_the_orderly_path_once(sig):
    parent = program("""
        import time
        from serve.lifetime import StopSignals
        with StopSignals() as stop:
            try:
                print("ready", flush=True)
                time.sleep(60)
            except KeyboardInterrupt:
                print("interrupted", stop.received, flush=True)
                time.sleep(1.0)  # closing: a repeated signal must not cut this short
                print("closed", flush=True)
        print("exit", stop.exit_code, flush=True)
    """)
    try:
        assert parent.stdout.readline().strip() == "ready"
        parent.send_signal(sig)
        time.sleep(0.3)
        parent.send_signal(sig)  # impatience while the engine closes
        out, _ = parent.communicate(timeout=20)
        assert out.split() == ["interrupted", str(int(sig)), "closed", "exit", str(128 + sig)]
        assert parent.returncode == 0
    finally:
        cleanup(parent, [])


STARTS_CHILDREN = """
    import json, os, subprocess, sys, time
    from serve import lifetime
    lifetime.watch_engine_processes()
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)"
    with_child = "import subprocess, time; subprocess.Popen(['sleep', '300']); time.sleep(300)"
    children = [subprocess.Popen(["sleep", "300"]),
                subprocess.Popen([sys.executable, "-c", stubborn]),
                subprocess.Popen([sys.executable, "-c", with_child]),
                subprocess.Popen(["sleep", "300"], env={})]  # no tag: only the snapshot knows it
    time.sleep(1.0)
    print(json.dumps({"watchdog": lifetime._watch.watchdog.pid}), flush=True)
    time.sleep(300) if {wait} else None
    print(lifetime.end_leftovers(grace_s=1.0), flush=True)
    time.sleep(300)
"""


def test_the_watchdog_ends_what_a_killed_command_started_and_nothing_else():
    bystander = subprocess.Popen(["sleep", "300"])  # started by someone else: must survive
    parent = program(STARTS_CHILDREN.replace("{wait}", "True"))
    parent_proc = psutil.Process(parent.pid)
    started: list[psutil.Process] = []
    try:
        watchdog = json.loads(parent.stdout.readline())["watchdog"]
        time.sleep(2.5)  # one snapshot of the watchdog's
        started = parent_proc.children(recursive=True)
        assert len(started) == 6 and watchdog in {p.pid for p in started}  # 4 children, 1 grandchild, watchdog
        start = time.monotonic()
        parent.kill()
        left = wait_gone(started, 15)
        assert left == [], left
        print(f"\nall gone {time.monotonic() - start:.1f} s after SIGKILL (a stubborn one needs SIGKILL after 3 s)")
        assert bystander.poll() is None
    finally:
        bystander.kill()
        cleanup(parent, started)


def test_leftovers_are_ended_in_process_and_the_watchdog_leaves_after_the_command():
    parent = program(STARTS_CHILDREN.replace("{wait}", "False"))
    started: list[psutil.Process] = []
    try:
        watchdog = psutil.Process(json.loads(parent.stdout.readline())["watchdog"])
        started = psutil.Process(parent.pid).children(recursive=True)
        assert len(started) == 6
        assert int(parent.stdout.readline()) == 5  # its 4 children and the grandchild
        assert [p for p in started if not gone(p)] == [watchdog]
        parent.kill()
        assert wait_gone([watchdog], 10) == []  # it leaves once the command is gone
    finally:
        cleanup(parent, started)


def test_the_watchdog_never_takes_another_process_for_the_command():
    from serve.orphan_watch import Watch, owner_tag

    me = psutil.Process()
    watch = Watch(me.pid, f"{me.pid}-1")  # this PID, but another start: not the command
    assert watch.parent is None and not watch.parent_alive(0.1)
    watch.run()  # ends the processes carrying that tag: none
    assert me.is_running()
    watch = Watch(me.pid, owner_tag(me))
    try:
        assert watch.parent_alive(0.1)  # the real one is watched
    finally:
        if watch.fd is not None:
            os.close(watch.fd)


def test_a_command_run_in_process_leaves_the_callers_own_processes_alone():
    """A program that holds an engine of its own (a test session, a notebook) and runs a command
    through `serve.cli.main(argv)`: the command's clean-up ends what the command started, never the
    engine the program started before it."""
    proc = program("""
        import subprocess
        from serve import lifetime
        from serve.cli import main

        lifetime.watch_engine_processes()  # as an engine started by the program does
        held = subprocess.Popen(["sleep", "60"])  # the program's own engine
        code = main(["inspect", "no-such-recording.edf"])
        print(code, held.poll() is None, flush=True)
        held.kill()
    """)
    out, _ = proc.communicate(timeout=120)
    code, alive = out.split()
    assert code != "0" and alive == "True"
