"""A real browser session against a launched app: page, upload, answer, screenshot."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow
BROWSER_DIR = Path(__file__).parent / "browser"


def test_upload_ask_and_screenshot(tmp_path, tiny_checkpoint, vllm_engine, fif14):
    from PIL import Image

    from serve.app import build_app
    from serve.assistant import Assistant

    assert shutil.which("node"), "node is needed for the browser test (installed with the machine)"
    assert (BROWSER_DIR / "node_modules" / "playwright-core").exists(), "run `make browser` first"
    assert Path("/usr/bin/chromium").exists() or shutil.which("chromium"), "Debian's chromium is needed (make browser)"
    app = build_app(Assistant(tiny_checkpoint, engine=vllm_engine), samples={}, upload_dir=tmp_path / "uploads",
                    store_path=tmp_path / "reports.sqlite3")
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        shot = tmp_path / "chat.png"
        result = subprocess.run(["node", str(BROWSER_DIR / "upload_and_ask.mjs"), app.local_url, str(fif14), str(shot)],
                                capture_output=True, text=True, timeout=420, cwd=BROWSER_DIR)
        assert result.returncode == 0, result.stderr[-3000:]
        payload = json.loads(result.stdout.strip().splitlines()[-1])
        assert payload["ok"] and payload["answer"]
    finally:
        app.close()
    image = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert image.shape[0] > 500 and image.shape[1] > 800
    assert image.std() > 10  # not blank: text, plots and chat are on it
    assert len(np.unique(image.astype(int))) > 50
