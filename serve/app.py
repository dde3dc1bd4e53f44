"""The Gradio app: building it, and launching it safely.

Binds 127.0.0.1 unless told otherwise; any other address requires credentials (`--auth USER:PASS`
or $EEGREASON_AUTH), because recordings and notes are sensitive.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from encoders.errors import ConfigError
from encoders.paths import home, repo_root

from .assistant import Assistant

TITLE = "eegreason — emotion reasoning over EEG"


def bundled_samples() -> dict[str, Path]:
    folder = repo_root() / "serve" / "samples"
    return {p.name: p for p in sorted(folder.glob("*.edf"))}


def build_app(assistant: Assistant, samples: dict[str, Path] | None = None, upload_dir: Path | None = None,
              store_path: Path | None = None):
    import gradio as gr

    from .report_store import ReportStore
    from .tabs.chat import build_chat_tab
    from .tabs.evaluate import build_evaluate_tab
    from .tabs.report import build_report_tab

    samples = bundled_samples() if samples is None else samples
    upload_dir = upload_dir or home() / "uploads"
    store = ReportStore(store_path)  # default: $EEGREASON_HOME/reports.sqlite3
    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"# {TITLE}")
        with gr.Tab("Chat"):
            build_chat_tab(assistant, samples, upload_dir)
        with gr.Tab("Report"):
            build_report_tab(assistant, store, samples, upload_dir)
        with gr.Tab("Batch evaluation"):
            build_evaluate_tab(assistant)
    app.queue(default_concurrency_limit=8, max_size=64)
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


def launch_settings(host: str, auth: str | None) -> dict:
    """Keyword arguments for `Blocks.launch`, refusing an exposed app without credentials."""
    credentials = parse_auth(auth or os.environ.get("EEGREASON_AUTH"))
    if not is_loopback(host) and credentials is None:
        raise ConfigError(f"Refusing to serve on {host} without authentication; pass --auth USER:PASSWORD "
                          f"(or set EEGREASON_AUTH), or keep the default 127.0.0.1.")
    return {"server_name": host, "auth": credentials, "max_file_size": "512mb"}
