"""The process `eegreason serve` becomes: vLLM's OpenAI-compatible server, closed by an API key.

    python -m serve.api_server VLLM-SERVER-ARGUMENTS...     (the key, if any, in $EEGREASON_API_KEY)

It adds to vLLM's server what vLLM leaves out:
- every route but /health requires the key (serve/api_auth.py), not only those under /v1;
- SIGHUP stops it like SIGTERM and SIGINT do (vLLM handles those two: engine first, then HTTP);
  a SIGHUP's default action would end this process at once and orphan the engine;
- at the end, whatever it started and is still alive is ended; if it is killed instead, the
  watchdog `eegreason serve` started before handing over this process ends the engine.
"""

from __future__ import annotations

import os
import signal
import sys

from encoders.errors import ConfigError, EEGReasonError

from . import api_auth, lifetime, quiet

AUTH_MIDDLEWARE = "serve.api_auth.RequireAPIKey"

# vLLM's engine processes import this module first (multiprocessing's spawn): see serve/quiet.py.
quiet.quiet_if_inherited()


def _host(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--host" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--host="):
            return arg.partition("=")[2]
    return "0.0.0.0"  # vLLM's default when --host is absent: every interface


def check_arguments(argv: list[str], has_key: bool) -> None:
    if any(arg == "--api-key" or arg.startswith("--api-key=") for arg in argv):
        raise ConfigError(f"Pass the API key in {api_auth.KEY_ENV}, not on the command line where `ps` shows it.")
    if not has_key:
        from .app import is_loopback

        if not is_loopback(_host(argv)):
            raise ConfigError(f"Refusing to serve on {_host(argv)} without an API key; set {api_auth.KEY_ENV}.")


def main(argv: list[str]) -> int:
    has_key = api_auth.take_key_from_environment()  # before any engine process could inherit it
    try:
        check_arguments(argv, has_key)
    except EEGReasonError as err:
        print(f"eegreason: error: {err}", file=sys.stderr)
        return err.exit_code
    # Forwarded to SIGTERM: vLLM's handler for that covers both start-up and serving.
    signal.signal(signal.SIGHUP, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
    lifetime.watch_engine_processes()  # started by `eegreason serve` already; a direct start gets its own

    from vllm.entrypoints.launchers.api_server.entry import main as vllm_main

    sys.argv = ["eegreason-serve", *argv, "--middleware", AUTH_MIDDLEWARE]
    if quiet.active():
        sys.argv.append("--no-use-tqdm-on-load")
    try:
        vllm_main()
    except KeyboardInterrupt:  # a stop signal during start-up
        return 128 + signal.SIGTERM
    finally:
        lifetime.end_leftovers()
    return 0


if __name__ == "__main__":
    # Without the interpreter's final clean-up: faster, and it would print nanobind's (Triton's)
    # reference-leak report of objects it never got to free.
    lifetime.exit_now(main(sys.argv[1:]))
