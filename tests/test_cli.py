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


def test_ask_in_plain_text_ends_with_the_check_of_its_claims(fif14, tiny_checkpoint):
    result = run_cli("ask", str(fif14), "Is the signal quality good?", "--checkpoint", str(tiny_checkpoint),
                     "--engine", "transformers", "--max-tokens", "8")
    assert result.returncode == 0, result.stderr[-2000:]
    check = result.stdout.split("Checked against the recording:\n", 1)[1]
    assert check.strip().endswith("claims hold.") or check.startswith("No checkable claim found")


def test_app_start_logs_each_step_and_the_address_and_sweeps_old_uploads(tiny_checkpoint, tmp_path):
    """`eegreason app` as a user starts it: every slow step on stderr with its duration, the
    address once the app answers, old uploads removed at start; Ctrl+C stops it cleanly."""
    import re
    import signal
    import socket
    import threading
    import time
    import urllib.request

    home = tmp_path / "home"
    old = home / "uploads" / "kept" / ("0" * 64)
    old.mkdir(parents=True)
    (old / "recording.edf").write_bytes(b"0       ")
    long_ago = time.time() - 10 * 3600
    os.utime(old, (long_ago, long_ago))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "EEGREASON_HOME": str(home)}
    # the tiny LLM lives in the test session's cache: point the new home's copy at it
    (home / "llm").mkdir(parents=True)
    for entry in (Path(os.environ["EEGREASON_HOME"]) / "llm").iterdir():
        (home / "llm" / entry.name).symlink_to(entry)
    process = subprocess.Popen([sys.executable, "-m", "serve.cli", "app", "--checkpoint", str(tiny_checkpoint),
                                "--engine", "transformers", "--port", str(port), "--upload-retention-hours", "6"],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                               cwd=Path(__file__).parent.parent, start_new_session=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            if "ready at" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(300), "".join(lines[-30:])
        text = "".join(lines)
        for stage in (r"removing uploads older than 6 h", r"reading checkpoint tiny", r"preparing the LLM weights",
                      r"loading the EEG encoder, projector and tokenizer", r"starting the transformers engine",
                      r"building the app", r"starting the web server"):
            assert re.search(stage + r".*: done in [\d.]+ s", text), stage
        url = re.search(r"ready at (http://\S+) \(started in \d+ s\)", text).group(1)
        assert f":{port}" in url
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        assert not old.exists()  # swept at start
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_app_refuses_a_retention_that_is_not_positive():
    result = run_cli("app", "--upload-retention-hours", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "positive number of hours" in result.stderr


def test_the_report_command_of_earlier_releases_still_drafts():
    from serve.cli import _with_legacy_forms, build_parser

    args = build_parser().parse_args(_with_legacy_forms(["report", "rec.edf", "--out", "note.md"]))
    assert args.action == "draft" and str(args.recording) == "rec.edf" and str(args.out) == "note.md"
    args = build_parser().parse_args(_with_legacy_forms(["report", "sign", "rpt-1", "--signer", "Dr A"]))
    assert args.action == "sign"


def test_ask_about_two_recordings_numbers_them_and_asks_which_is_more_positive(fif14, tiny_checkpoint, tmp_path):
    import json

    from eeg_files import eeg_like, write_fif
    from encoders.channels import montage

    other = write_fif(tmp_path / "second_SYNTHETIC_raw.fif", eeg_like(14, 128.0, 40.0, seed=7), montage("emotiv14"), 128.0,
                      description="SYNTHETIC test recording")
    result = run_cli("ask", str(fif14), "--with", str(other), "--checkpoint", str(tiny_checkpoint),
                     "--engine", "transformers", "--max-tokens", "8", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout)
    assert [(r["number"], r["recording"]) for r in payload["recordings"]] == [(1, fif14.name), (2, other.name)]
    assert payload["question"].startswith("Which recording shows the more positive emotional state?")
    assert payload["recording"] == fif14.name and "claims" in payload


def test_ask_about_more_than_three_recordings_is_refused_before_reading_them(tmp_path):
    result = run_cli("ask", *[str(tmp_path / f"r{i}.edf") for i in range(1, 2)],
                     *[arg for i in range(2, 5) for arg in ("--with", str(tmp_path / f"r{i}.edf"))])
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and "at most 3" in lines[0], result.stderr
