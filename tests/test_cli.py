"""The `eegreason` command line: clear errors without tracebacks, and a real answer through vLLM."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, env_extra: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "serve.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=Path(__file__).parent.parent)


@pytest.mark.parametrize("name, content", [
    ("notes.txt", b"hello, this is not EEG\n"),
    ("scan.edf", b"GIF89a" + b"\x00" * 400),
    ("empty.fif", b""),
])
def test_ask_on_a_file_that_is_not_eeg_fails_cleanly(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli("ask", str(path), "How does this person feel?")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("eegreason: error: ")
    assert name in lines[0]


def test_missing_file_fails_cleanly(tmp_path):
    result = run_cli("ask", str(tmp_path / "nowhere.edf"))
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_ask_answers_on_a_14_channel_fif_through_vllm(fif14, tiny_checkpoint):
    result = run_cli("ask", str(fif14), "What emotion is most likely?", "--checkpoint", str(tiny_checkpoint),
                     "--engine", "vllm", "--max-tokens", "16", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    import json

    payload = json.loads(result.stdout[result.stdout.index("{"):]) if "{" in result.stdout else pytest.fail(result.stdout + result.stderr[-3000:])
    assert payload["engine"] == "vllm" and payload["synthetic"] is True
    assert payload["answer"].strip()
    assert payload["evidence"]["n_channels"] == 14
