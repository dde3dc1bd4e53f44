"""`eegreason app`: the Gradio app (chat about a recording)."""

from __future__ import annotations

import argparse

from ._options import add_model_arguments, load_assistant

NAME = "app"
HELP = "Start the Gradio app on 127.0.0.1 (chat about a recording)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (non-local addresses need --auth)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--auth", default=None, help="USER:PASSWORD required to open the app (or $EEGREASON_AUTH)")
    add_model_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from serve.app import build_app, launch_settings

    settings = launch_settings(args.host, args.auth)  # refuse unsafe settings before loading a model
    assistant = load_assistant(args)
    try:
        app = build_app(assistant)
        app.launch(server_port=args.port, **settings)
    finally:
        assistant.close()
    return 0
