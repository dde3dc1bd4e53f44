"""Stopping a command stops its engine: every process a command started (vLLM's engine process, its
worker, the helpers) is gone within 10 s of SIGTERM, SIGHUP or SIGINT to the command alone, and
within 30 s of a SIGKILL, which leaves the clean-up to the orphan watchdog. Also: at the default
log level the commands' stderr carries only our own lines. (`serve` × SIGINT is in test_serve.py.)

Two mechanisms stop the commands: `serve.lifetime` turns SIGINT, SIGTERM and SIGHUP into one
orderly shutdown for `ask`, `app` and `evaluate`; `serve` replaces itself with vLLM's server, which
handles SIGINT and SIGTERM, and turns SIGHUP into SIGTERM. Each signal is tested on each mechanism.

Each test starts the real command on the tiny checkpoint with the vLLM engine, waits until the
engine is up, collects the command's descendants, signals the command and times each of them.
"""

from __future__ import annotations

import json
import re
import signal

import pytest
from process_tree import Command, engine_processes, free_port

pytestmark = pytest.mark.slow

ORDERLY_S = 10.0  # SIGTERM, SIGHUP, SIGINT
ORPHANED_S = 30.0  # SIGKILL: the watchdog's job
# A 4096-token context and a long answer keep `ask` generating for a while after the engine is up
# (a random tiny model rarely stops by itself), so that the signal lands mid-answer.
LONG_ANSWER = ["--max-tokens", "3000", "--max-model-len", "4096"]
OURS = re.compile(r"^(\d\d:\d\d:\d\d INFO eegreason[.:]|eegreason: )")


def engine_args(checkpoint) -> list[str]:
    return ["--checkpoint", str(checkpoint), "--engine", "vllm"]


def foreign_lines(stderr: str) -> list[str]:
    """Lines that are not ours: neither a progress line of our logger at INFO nor our CLI's own
    one-line message (warnings of any origin, ours included, count as foreign)."""
    return [line for line in stderr.splitlines() if line.strip() and not OURS.match(line)]


def stop_and_check(command: Command, sig: int, limit_s: float) -> dict:
    procs = command.tree()
    assert engine_processes(procs), f"no engine process among {procs}"
    assert command.proc.poll() is None, "the command finished before it could be stopped"
    times = command.signal_and_time(sig, procs, limit_s + 20)
    print(f"\n{signal.Signals(sig).name}: seconds until gone: {times}")
    late = {name: t for name, t in times.items() if t is None or t > limit_s}
    assert not late, f"still running {limit_s:.0f} s after {signal.Signals(sig).name}: {late} (all: {times})\n" \
                     f"{command.stderr[-2000:]}"
    return times


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_ask_stops_the_engine_quietly(tiny_checkpoint, fif14, tmp_path, sig):
    ask = Command(["ask", str(fif14), *engine_args(tiny_checkpoint), *LONG_ANSWER], tmp_path, "ask")
    try:
        ask.wait_for_stderr("engine ready")
        stop_and_check(ask, sig, ORDERLY_S)
        assert ask.proc.returncode == 128 + sig
        assert foreign_lines(ask.stderr) == []
    finally:
        ask.kill_everything()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_serve_stops_its_engine_on_sighup_and_sigterm(tiny_checkpoint, tmp_path, sig):
    port, key = free_port(), "stop-test-key"
    server = Command(["serve", "--checkpoint", str(tiny_checkpoint), "--port", str(port), "--max-model-len", "2048"],
                     tmp_path, "serve", env={"EEGREASON_API_KEY": key})
    try:
        server.wait_for_http(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": f"Bearer {key}"})
        stop_and_check(server, sig, ORDERLY_S)
    finally:
        server.kill_everything()


def test_app_sighup_stops_the_engine_quietly(tiny_checkpoint, tmp_path):
    port = free_port()
    app = Command(["app", "--port", str(port), *engine_args(tiny_checkpoint), "--max-model-len", "2048"],
                  tmp_path, "app")
    try:
        app.wait_for_http(f"http://127.0.0.1:{port}/")
        stop_and_check(app, signal.SIGHUP, ORDERLY_S)
        assert app.proc.returncode == 128 + signal.SIGHUP
        assert foreign_lines(app.stderr) == []
    finally:
        app.kill_everything()


def test_evaluate_sigterm_stops_the_engine(tiny_checkpoint, tmp_path):
    run = tmp_path / "run"
    evaluate = Command(["evaluate", "--checkpoint", str(tiny_checkpoint), "--engine", "vllm", "--subjects", "2",
                        "--trials-per-emotion", "1", "--tasks", "emotion", "--max-tokens", "2000", "--out", str(run)],
                       tmp_path, "evaluate")
    try:
        # The items are built before the engine starts (a bad dataset is refused without it), so
        # wait for the engine itself: the answers come next.
        evaluate.wait_for_stderr("engine ready")
        stop_and_check(evaluate, signal.SIGTERM, ORDERLY_S)
        assert evaluate.proc.returncode == 128 + signal.SIGTERM
    finally:
        evaluate.kill_everything()


def test_killed_ask_and_app_leave_no_engine_behind(tiny_checkpoint, fif14, tmp_path):
    """SIGKILL: no clean-up in the command at all; the watchdog ends what it started. `ask` runs at
    DEBUG, where the third-party chatter hidden by default is shown."""
    port = free_port()
    ask = Command(["--log-level", "DEBUG", "ask", str(fif14), *engine_args(tiny_checkpoint), *LONG_ANSWER],
                  tmp_path, "ask")
    app = Command(["app", "--port", str(port), *engine_args(tiny_checkpoint), "--max-model-len", "2048"],
                  tmp_path, "app")
    try:
        ask.wait_for_stderr("engine ready")
        stop_and_check(ask, signal.SIGKILL, ORPHANED_S)
        app.wait_for_http(f"http://127.0.0.1:{port}/")
        stop_and_check(app, signal.SIGKILL, ORPHANED_S)
        assert any(noise in ask.stderr for noise in ("Triton", "FutureWarning", "NUMA")), ask.stderr[-2000:]
    finally:
        ask.kill_everything()
        app.kill_everything()


def test_ask_prints_only_its_own_lines(tiny_checkpoint, fif14, tmp_path):
    ask = Command(["ask", str(fif14), "--json", *engine_args(tiny_checkpoint), "--max-tokens", "8",
                   "--max-model-len", "2048"], tmp_path, "ask")
    try:
        assert ask.proc.wait(timeout=420) == 0, ask.stderr[-3000:]
        assert foreign_lines(ask.stderr) == []
        assert json.loads(ask.stdout)["engine"] == "vllm"  # stdout is the JSON object alone
    finally:
        ask.kill_everything()
