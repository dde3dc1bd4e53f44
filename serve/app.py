"""The Gradio app: building it, and launching it safely.

Binds 127.0.0.1 unless told otherwise; any other address requires credentials (`--auth USER:PASS`
or $EEGREASON_AUTH), because recordings and notes are sensitive. Uploads go through one
`UploadStore` (serve/uploads.py): Gradio's own temporary copies land in its private folder, and a
browser session's recordings are removed when the session ends.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from encoders.errors import ConfigError
from encoders.paths import home, repo_root

from .assistant import Assistant
from .uploads import MAX_UPLOAD_MIB, SWEEP_EVERY_S, UploadStore

TITLE = "eegreason — emotion reasoning over EEG"
# Requests per endpoint served at once when no engine batches them (prompts and analysis only).
DEFAULT_CONCURRENCY = 8
# Gradio's thread pool by default (Starlette's): a streaming chat holds a thread while it waits for
# its next tokens, so an engine that batches more chats than this needs a larger pool.
GRADIO_THREADS = 40


def queue_concurrency(assistant: Assistant) -> int:
    """Requests per endpoint served at once: as many as the engine batches together. Fewer would
    leave batch slots empty (16 chats served 8 at a time by an engine that batches 16); more would
    only wait inside the engine, where the queue cannot show the wait."""
    engine = getattr(assistant, "engine", None)
    if engine is None:
        return DEFAULT_CONCURRENCY
    return max(1, int(engine.config.max_num_seqs))


def thread_count(assistant: Assistant) -> int:
    """Threads for `Blocks.launch(max_threads=...)`: Gradio's default, or enough for every chat the
    engine batches plus a few for uploads and plots."""
    return max(GRADIO_THREADS, queue_concurrency(assistant) + DEFAULT_CONCURRENCY)


def bundled_samples() -> dict[str, Path]:
    folder = repo_root() / "serve" / "samples"
    return {p.name: p for p in sorted(folder.glob("*.edf"))}


def build_app(assistant: Assistant, samples: dict[str, Path] | None = None, upload_dir: Path | None = None,
              store_path: Path | None = None, uploads: UploadStore | None = None):
    """The app's Blocks. `uploads` (default: a store in `upload_dir`, else $EEGREASON_HOME/uploads)
    is shared by the Chat and Report tabs; the caller closes it when the app stops."""
    uploads = uploads or UploadStore(upload_dir or home() / "uploads")
    # Gradio copies each upload before a handler sees it, by default into a world-readable
    # shared temporary folder; its components read this variable when they are created.
    os.environ["GRADIO_TEMP_DIR"] = str(uploads.gradio_dir)
    import gradio as gr

    from reports.store import ReportStore

    from .tabs.chat import build_chat_tab
    from .tabs.evaluate import build_evaluate_tab
    from .tabs.report import build_report_tab
    from .tabs.session import remove_uploads_when_sessions_end

    samples = bundled_samples() if samples is None else samples
    store = ReportStore(store_path)  # default: $EEGREASON_HOME/reports.sqlite3
    # delete_cache: Gradio also ages out the files it created (and removes them all on shutdown).
    with gr.Blocks(title=TITLE, delete_cache=(int(SWEEP_EVERY_S), int(uploads.retention_s))) as app:
        gr.Markdown(f"# {TITLE}")
        with gr.Tab("Chat"):
            build_chat_tab(assistant, samples, uploads)
        with gr.Tab("Report"):
            build_report_tab(assistant, store, samples, uploads)
        with gr.Tab("Batch evaluation"):
            build_evaluate_tab(assistant)
        remove_uploads_when_sessions_end(app, uploads)
    concurrency = queue_concurrency(assistant)
    app.queue(default_concurrency_limit=concurrency, max_size=max(64, 4 * concurrency))
    uploads.start_sweeping()  # at start, then every SWEEP_EVERY_S
    return app


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("Credentials must look like USER:PASSWORD (both non-empty).")
    return user, password


def launch_settings(host: str, auth: str | None, max_upload_mib: float = MAX_UPLOAD_MIB) -> dict:
    """Keyword arguments for `Blocks.launch`, refusing an exposed app without credentials. Gradio's
    per-file limit is the uploads' limit, in bytes (its "512mb" would mean MiB, read as MB)."""
    credentials = parse_auth(auth or os.environ.get("EEGREASON_AUTH"))
    if not is_loopback(host) and credentials is None:
        raise ConfigError(f"Refusing to serve on {host} without authentication; pass --auth USER:PASSWORD "
                          f"(or set EEGREASON_AUTH), or keep the default 127.0.0.1.")
    return {"server_name": host, "auth": credentials, "max_file_size": int(max_upload_mib * 1024 * 1024)}
