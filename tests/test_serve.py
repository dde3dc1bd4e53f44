"""`eegreason serve`: vLLM's OpenAI-compatible server answering a prompt-embeddings completion from
the `openai` client, and refusing to expose itself without an API key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_exposed_server_without_key_is_refused(tiny_checkpoint):
    from test_cli import run_cli

    result = run_cli("serve", "--checkpoint", str(tiny_checkpoint), "--host", "0.0.0.0")
    assert result.returncode == 2 and "without an API key" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_openai_client_gets_an_answer(tiny_checkpoint, fif14, tmp_path):
    from serve.assistant import Assistant
    from serve.client import ask_server

    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "serve.cli", "serve", "--checkpoint", str(tiny_checkpoint),
                               "--port", str(port), "--api-key", "test-key", "--max-model-len", "2048"],
                              stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1"},
                              cwd=Path(__file__).parent.parent)
    try:
        deadline = time.time() + 240
        while time.time() < deadline:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/models",
                                                 headers={"Authorization": "Bearer test-key"})
                if urllib.request.urlopen(request, timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(2)
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
        else:
            pytest.fail("server did not start: " + (tmp_path / "server.log").read_text()[-3000:])
        assistant = Assistant(tiny_checkpoint, start_engine=False)
        text = ask_server(fif14, "What emotion?", base_url=f"http://127.0.0.1:{port}/v1", api_key="test-key",
                          max_tokens=8, assistant=assistant)
        assert isinstance(text, str) and text
        with pytest.raises(Exception):  # the key is required
            ask_server(fif14, "What emotion?", base_url=f"http://127.0.0.1:{port}/v1", api_key="wrong",
                       max_tokens=4, assistant=assistant)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
