"""The Gradio app, really launched, driven through gradio_client."""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.slow


def message_text(message: dict) -> str:
    """Gradio 6 returns chat content as a list of parts ({"type": "text", "text": ...})."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


@pytest.fixture(scope="module")
def second_recording(tmp_path_factory):
    from eeg_files import eeg_like, write_fif
    from encoders.channels import montage

    path = tmp_path_factory.mktemp("rec2") / "tenten19_raw.fif"
    return write_fif(path, eeg_like(19, 200.0, 40.0, seed=9), montage("1020-19"), 200.0)


@pytest.fixture(scope="module")
def app_url(tiny_checkpoint, vllm_engine, fif14, tmp_path_factory):
    from serve.app import build_app
    from serve.assistant import Assistant

    assistant = Assistant(tiny_checkpoint, engine=vllm_engine)
    folder = tmp_path_factory.mktemp("app")
    app = build_app(assistant, samples={"sample_SYNTHETIC.fif": fif14}, upload_dir=folder / "uploads",
                    store_path=folder / "reports.sqlite3")
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield app.local_url
    app.close()


def test_upload_ask_and_follow_up(app_url, fif14):
    from gradio_client import Client, handle_file

    client = Client(app_url, verbose=False)
    status, _chat, *_plots, current = client.predict([handle_file(str(fif14))], None, api_name="/load_recording")
    assert "Signal quality" in status and "SYNTHETIC" in status and "Bad channels" in status
    assert "emotiv14_SYNTHETIC_raw.fif" in current
    history, _, current = client.predict("What emotion is most likely?", [], api_name="/ask")
    assert history[0]["role"] == "user"
    assert history[1]["role"] == "assistant" and message_text(history[1]).strip()
    # Each answer is followed by the check of its claims against the recording.
    assert history[2]["role"] == "assistant"
    assert history[2]["metadata"]["title"].startswith("Checked against the recording")
    history, _, current = client.predict("Why do you think so?", history, api_name="/ask")
    assert [m["role"] for m in history] == ["user", "assistant", "assistant"] * 2
    assert message_text(history[-2]).strip() and "emotiv14" in current
    assert history[-1]["metadata"]["title"].startswith("Checked against the recording")


def test_a_second_and_third_recording_join_the_conversation_for_a_comparison(app_url, fif14, second_recording):
    from gradio_client import Client, handle_file

    client = Client(app_url, verbose=False)
    status = client.predict(None, None, [], api_name="/add_recording")[0]
    assert "Load a first recording" in status  # nothing to add to yet
    client.predict([handle_file(str(fif14))], None, api_name="/load_recording")
    status, chat, *_plots, current = client.predict([handle_file(str(second_recording))], None, [], api_name="/add_recording")
    assert "### Recording 1" in status and "### Recording 2" in status and chat == []
    assert "recording 1: **emotiv14_SYNTHETIC_raw.fif**" in current and "recording 2: **tenten19_raw.fif**" in current
    history, _, current = client.predict("", [], api_name="/ask")  # the default question compares them
    assert "Which recording" in message_text(history[0]) and message_text(history[-1]).strip()
    client.predict(None, "sample_SYNTHETIC.fif", [], api_name="/add_recording")
    status = client.predict(None, "sample_SYNTHETIC.fif", [], api_name="/add_recording")[0]
    assert "At most 3 recordings" in status
    assert "Rank the recordings" in message_text(client.predict("", [], api_name="/ask")[0][0])


def test_plots_are_produced(app_url, fif14):
    from gradio_client import Client, handle_file

    outputs = Client(app_url, verbose=False).predict([handle_file(str(fif14))], None, api_name="/load_recording")
    plots = outputs[2:5]
    assert all(plot is not None for plot in plots)


def test_bad_upload_shows_the_message_and_the_app_keeps_running(app_url, tmp_path, fif14):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    bad = tmp_path / "broken.edf"
    bad.write_bytes(b"0       " + b"\x00" * 100)  # EDF magic, then garbage
    client = Client(app_url, verbose=False)
    status = client.predict([handle_file(str(bad))], None, api_name="/load_recording")[0]
    assert status.startswith("⚠️") and "broken.edf" in status
    # An extension the upload box does not accept: Gradio itself refuses it with the list of formats.
    wrong_type = tmp_path / "notes.txt"
    wrong_type.write_text("not eeg")
    with pytest.raises(AppError, match=r"Invalid file type.*\.edf"):
        client.predict([handle_file(str(wrong_type))], None, api_name="/load_recording")
    # An accepted extension with text inside: our reader says what it is not.
    disguised = tmp_path / "notes.fif"
    disguised.write_text("not eeg at all, just some notes")
    status = client.predict([handle_file(str(disguised))], None, api_name="/load_recording")[0]
    assert status.startswith("⚠️") and "notes.fif" in status
    status = client.predict(None, "sample_SYNTHETIC.fif", api_name="/load_recording")[0]
    assert "Signal quality" in status


def test_two_concurrent_sessions_never_mix_recordings(app_url, fif14, second_recording):
    from gradio_client import Client, handle_file

    files = {"a": fif14, "b": second_recording}
    seen: dict[str, list[str]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def session(name: str) -> None:
        try:
            client = Client(app_url, verbose=False)
            outputs = client.predict([handle_file(str(files[name]))], None, api_name="/load_recording")
            seen[name].append(outputs[0])
            for question in ("What emotion?", "And the arousal?"):
                _, _, current = client.predict(question, [], api_name="/ask")
                seen[name].append(current)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(n,)) for n in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert "14 EEG channels" in seen["a"][0] and "19 EEG channels" in seen["b"][0]
    assert all(files["a"].name in text for text in seen["a"][1:])
    assert all(files["b"].name in text for text in seen["b"][1:])


def test_exposed_host_without_auth_is_refused():
    from encoders.errors import ConfigError
    from serve.app import launch_settings

    with pytest.raises(ConfigError, match="without authentication"):
        launch_settings("0.0.0.0", None)
    assert launch_settings("0.0.0.0", "ana:secret")["auth"] == ("ana", "secret")
    assert launch_settings("127.0.0.1", None)["server_name"] == "127.0.0.1"


def test_the_queue_serves_as_many_chats_at_once_as_the_engine_batches(tiny_checkpoint, tiny_llm, hf_engine, fif14,
                                                                        tmp_path):
    """16 chats submitted together are all being answered at the same moment when the engine batches
    16 (the queue once served 8 per endpoint whatever the engine); with no engine the default holds.

    The engine is kept busy with a long request of its own while the chats arrive (the transformers
    engine answers one request at a time), so every chat the queue admits is visibly in progress at
    once, however fast or slow this machine submits them."""
    import threading
    import time

    import torch
    from gradio_client import Client
    from gradio_client.utils import Status

    from serve.app import DEFAULT_CONCURRENCY, GRADIO_THREADS, build_app, queue_concurrency, thread_count
    from serve.assistant import Assistant
    from serve.engines import EngineConfig, GenerationParams
    from serve.engines.hf import TransformersEngine

    assert hf_engine.config.max_num_seqs == 16
    assistant = Assistant(tiny_checkpoint, engine=hf_engine)
    assert queue_concurrency(assistant) == 16 and thread_count(assistant) == GRADIO_THREADS
    assert queue_concurrency(Assistant(tiny_checkpoint, start_engine=False)) == DEFAULT_CONCURRENCY
    wide = TransformersEngine(tiny_llm, EngineConfig(backend="transformers", max_num_seqs=64))
    wide_assistant = Assistant(tiny_checkpoint, engine=wide)
    assert queue_concurrency(wide_assistant) == 64 and thread_count(wide_assistant) > 64
    app = build_app(assistant, samples={"sample_SYNTHETIC.fif": fif14}, upload_dir=tmp_path / "uploads",
                    store_path=tmp_path / "reports.sqlite3")
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        clients = [Client(app.local_url, verbose=False) for _ in range(16)]
        for client in clients:
            assert "14 EEG channels" in client.predict(None, "sample_SYNTHETIC.fif", api_name="/load_recording")[0]
        busy = threading.Thread(target=hf_engine.generate, args=([torch.zeros(8, 128)], GenerationParams(max_tokens=1500)))
        busy.start()
        jobs = [client.submit("What emotion is most likely?", [], api_name="/ask") for client in clients]
        peak, deadline = 0, time.monotonic() + 300
        while not all(job.done() for job in jobs) and time.monotonic() < deadline:
            peak = max(peak, sum(job.status().code == Status.PROCESSING for job in jobs))
            time.sleep(0.02)
        busy.join()
        answers = [job.result(timeout=60) for job in jobs]
        assert all(history[-1]["role"] == "assistant" and message_text(history[-1]) for history, *_ in answers)
        assert peak == 16, f"at most {peak} of 16 chats were being answered at once"
        for client in clients:
            client.close()
    finally:
        app.close()
