"""`eegreason app`: the Gradio app (chat about a recording).

Starting takes minutes on a CPU (the LLM is converted or merged once, then the engine starts), so
each step is logged with its duration, with a heartbeat while the engine starts, and the address
once the app answers.
"""

from __future__ import annotations

import argparse
import time

from ._options import add_model_arguments, engine_config, generation_params

NAME = "app"
HELP = "Start the Gradio app on 127.0.0.1 (chat about a recording)."
ENGINE_HEARTBEAT_S = 15.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from serve.uploads import DEFAULT_RETENTION_HOURS

    parser.add_argument("--host", default="127.0.0.1", help="address to bind (non-local addresses need --auth)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--auth", default=None, help="USER:PASSWORD required to open the app (or $EEGREASON_AUTH)")
    parser.add_argument("--upload-retention-hours", type=float, default=DEFAULT_RETENTION_HOURS,
                        help=f"remove uploaded recordings this many hours after their last use, at the latest "
                             f"(they also go when the browser session that loaded them ends; default "
                             f"{DEFAULT_RETENTION_HOURS:g})")
    add_model_arguments(parser)


def load_assistant_in_steps(args: argparse.Namespace):
    """The assistant, each slow part logged as a step of its own."""
    from pathlib import Path

    from projector.checkpoint import default_checkpoint, llm_folder, read_config
    from serve.assistant import Assistant
    from training.progress import step

    settings, generation = engine_config(args), generation_params(args)  # refused before anything loads
    checkpoint = Path(args.checkpoint or default_checkpoint())
    with step(f"reading checkpoint {checkpoint.name}"):
        config = read_config(checkpoint)
    with step(f"preparing the LLM weights of {config.llm} (converted or merged once, on first use)"):
        llm_folder(checkpoint, config)
    with step("loading the EEG encoder, projector and tokenizer"):
        assistant = Assistant(checkpoint, settings, start_engine=False, generation=generation,
                              routing=getattr(args, "routing", True))
    if assistant.routing:
        with step("fitting the question router on the training phrasings"):
            from prompts.routing import router_for

            router_for()
    with step("fitting the scope classifier on the scope corpora"):
        from prompts.scope_classifier import scope_classifier

        scope_classifier()
    try:
        with step(f"starting the {settings.backend} engine", heartbeat_s=ENGINE_HEARTBEAT_S):
            assistant.start_engine()
    except BaseException:
        assistant.close()
        raise
    return assistant


def run(args: argparse.Namespace) -> int:
    from encoders.log import get_logger
    from encoders.paths import home
    from serve.app import build_app, launch_settings, thread_count
    from serve.uploads import UploadStore
    from training.progress import step

    log = get_logger(__name__)
    started = time.monotonic()
    settings = launch_settings(args.host, args.auth)  # refuse unsafe settings before loading a model
    uploads = UploadStore(home() / "uploads", retention_hours=args.upload_retention_hours)
    with step(f"removing uploads older than {args.upload_retention_hours:g} h"):
        uploads.sweep()
    assistant = load_assistant_in_steps(args)
    try:
        with step("building the app"):
            app = build_app(assistant, uploads=uploads)
        with step(f"starting the web server on {args.host}:{args.port}"):
            app.launch(server_port=args.port, prevent_thread_lock=True, quiet=True, max_threads=thread_count(assistant),
                       **settings)
        log.info("eegreason app ready at %s (started in %.0f s); Ctrl+C stops it", app.local_url,
                 time.monotonic() - started)
        app.block_thread()
    finally:
        uploads.close()
        assistant.close()
    return 0
