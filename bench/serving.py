"""A chat turn on the demo model: time to first token and tokens/s, vLLM against transformers,
and aggregate tokens/s with 8 concurrent chats; plus the time to analyse a 5-minute recording.

Both engines serve the same checkpoint in the same process on the same prompts (greedy, float32).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from .report import write_section

QUESTIONS = ["What emotion is this person most likely feeling?", "Is the person calm or aroused?",
             "How positive is this person's state?", "Which evidence matters most here?",
             "Describe the valence and arousal of this recording.", "Could this be fear?",
             "What does the frontal alpha asymmetry suggest?", "How reliable is this recording?"]
MAX_TOKENS = 96


def five_minute_recording(folder: Path) -> Path:
    from encoders.synthetic import write_sample

    return write_sample(folder / "bench-5min_SYNTHETIC.edf", emotion="sad", seed=200, seconds=300.0)


def measure(assistant, context, concurrent: int) -> dict:
    from serve.assistant import Conversation
    from serve.engines import GenerationParams

    params = GenerationParams(max_tokens=MAX_TOKENS)
    # One chat: stream, timing the first piece.
    embeds = assistant.prompt_embeds(Conversation([context]), QUESTIONS[0])
    start = time.perf_counter()
    first = None
    text = ""
    for piece in assistant.engine.stream(embeds, params):
        if first is None:
            first = time.perf_counter() - start
        text += piece
    single_s = time.perf_counter() - start
    single_tokens = len(assistant.tokenizer(text, add_special_tokens=False)["input_ids"])
    # Concurrent chats: each its own conversation, all submitted together.
    prompts = [assistant.prompt_embeds(Conversation([context]), q) for q in QUESTIONS[:concurrent]]
    start = time.perf_counter()
    results = assistant.engine.generate(prompts, params)
    batch_s = time.perf_counter() - start
    batch_tokens = sum(len(r.token_ids) for r in results)
    return {"ttft_s": first, "single_tokens_per_s": single_tokens / single_s, "single_tokens": single_tokens,
            "concurrent_tokens_per_s": batch_tokens / batch_s, "concurrent_tokens": batch_tokens,
            "concurrent_s": batch_s}


def main(checkpoint: Path | None = None, concurrent: int = 8) -> dict:
    from serve.assistant import Assistant, Conversation
    from serve.engines import EngineConfig
    from serve.engines.hf import TransformersEngine

    folder = Path(tempfile.mkdtemp(prefix="eegreason-bench-"))
    recording = five_minute_recording(folder)
    vllm_assistant = Assistant(checkpoint, EngineConfig(backend="vllm", dtype="float32", enforce_eager=True))
    try:
        start = time.perf_counter()
        context = vllm_assistant.analyse(recording)
        analysis_s = time.perf_counter() - start
        vllm_assistant.engine.generate([vllm_assistant.prompt_embeds(Conversation([context]), "warm up")])
        fast = measure(vllm_assistant, context, concurrent)
        hf_engine = TransformersEngine(vllm_assistant.llm_path, EngineConfig(backend="transformers"))
        hf_assistant = Assistant(vllm_assistant.checkpoint, engine=hf_engine)
        slow = measure(hf_assistant, context, concurrent)
    finally:
        vllm_assistant.close()
    ratio = fast["concurrent_tokens_per_s"] / slow["concurrent_tokens_per_s"]
    body = f"""## Serving: one chat turn on the demo model (SmolLM2-135M + EEG tokens, float32, greedy, ≤{MAX_TOKENS} new tokens)

Recording: 5-minute 62-channel synthetic EDF (analysis = read, quality, preprocessing, features,
evidence, EEG tokens, timeline): **{analysis_s:.2f} s** from file to ready.

| engine | time to first token | tokens/s, one chat | aggregate tokens/s, {concurrent} concurrent chats |
|---|---|---|---|
| vLLM (in-process AsyncLLM, prompt embeddings) | {fast['ttft_s']:.2f} s | {fast['single_tokens_per_s']:.1f} | {fast['concurrent_tokens_per_s']:.1f} |
| transformers `generate(inputs_embeds=…)` | {slow['ttft_s']:.2f} s | {slow['single_tokens_per_s']:.1f} | {slow['concurrent_tokens_per_s']:.1f} |

**vLLM / transformers at {concurrent} concurrent chats: {ratio:.1f}×** (target ≥ 3×); vLLM first token
{fast['ttft_s']:.2f} s for a 5-minute recording (target < 2 s). The transformers engine answers one
request at a time (it is the parity reference, not a server).

Reproduce: `make bench ARGS=serving`."""
    write_section("serving", body)
    print(body)
    return {"analysis_s": analysis_s, "vllm": fast, "transformers": slow, "ratio": ratio}


if __name__ == "__main__":
    main()
