"""The Gradio app, really launched, driven through gradio_client."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def message_text(message: dict) -> str:
    """Gradio 6 returns chat content as a list of parts ({"type": "text", "text": ...})."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


@pytest.fixture(scope="module")
def app_url(tiny_checkpoint, vllm_engine, fif14, tmp_path_factory):
    from serve.app import build_app
    from serve.assistant import Assistant

    assistant = Assistant(tiny_checkpoint, engine=vllm_engine)
    app = build_app(assistant, samples={"sample_SYNTHETIC.fif": fif14},
                    upload_dir=tmp_path_factory.mktemp("uploads"))
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield app.local_url
    app.close()


def test_upload_and_ask(app_url, fif14):
    from gradio_client import Client, handle_file

    client = Client(app_url, verbose=False)
    status, chat = client.predict(handle_file(str(fif14)), None, api_name="/load_recording")
    assert "Signal quality" in status and "SYNTHETIC" in status
    history = client.predict("What emotion is most likely?", [], api_name="/ask")[0]
    assert history[0]["role"] == "user"
    assert history[-1]["role"] == "assistant" and message_text(history[-1]).strip()


def test_bad_upload_shows_the_message_and_the_app_keeps_running(app_url, tmp_path, fif14):
    from gradio_client import Client, handle_file

    bad = tmp_path / "broken.edf"
    bad.write_bytes(b"0       " + b"\x00" * 100)  # EDF magic, then garbage
    client = Client(app_url, verbose=False)
    status, _ = client.predict(handle_file(str(bad)), None, api_name="/load_recording")
    assert status.startswith("⚠️") and "broken.edf" in status
    status, _ = client.predict(None, "sample_SYNTHETIC.fif", api_name="/load_recording")
    assert "Signal quality" in status
