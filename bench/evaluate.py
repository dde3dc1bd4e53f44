"""`eegreason evaluate` throughput: items per second with vLLM against the transformers engine on
the same evaluation items (demo checkpoint, float32, greedy), and how it grows with the number
of items submitted."""

from __future__ import annotations

import time
from pathlib import Path

from .report import write_section

SIZES = (8, 16, 32)
MAX_TOKENS = 160


def evaluation_prompts(assistant, n: int) -> list:
    from encoders.evidence import Evidence, measures_of
    from encoders.inputs import encode
    from evaluation.config import EvalConfig
    from evaluation.items import build_eval_items, load_tables

    config = EvalConfig(checkpoint=str(assistant.checkpoint), cohort_seed=40, subjects=3, trials_per_emotion=2,
                        tasks=["emotion", "valence_arousal", "compare"])
    table, _ = load_tables(config, assistant.features.window_s, progress=False)
    items, _ = build_eval_items(config, table, None, assistant.template, assistant.reference)
    trials = {tuple(t.key): t for t in table.trials}
    prompts = []
    for item in items[:n]:
        blocks = [assistant.embedder.eeg_tokens(encode(assistant.embedder.encoder, table.inputs(trials[tuple(r["key"])])),
                                                measures_of(Evidence.from_dict(e)))
                  for r, e in zip(item["recordings"], item["evidence"])]
        prompts.append(assistant.embed_messages(item["messages"][:-1], blocks))
    return prompts


def timed(engine, prompts, batch_size: int = 32) -> float:
    from serve.engines import GenerationParams

    start = time.perf_counter()
    for i in range(0, len(prompts), batch_size):  # as `evaluate` submits them
        engine.generate(prompts[i:i + batch_size], GenerationParams(max_tokens=MAX_TOKENS))
    return time.perf_counter() - start


def main(checkpoint: Path | None = None) -> dict:
    from serve.assistant import Assistant
    from serve.engines import EngineConfig
    from serve.engines.hf import TransformersEngine

    assistant = Assistant(checkpoint, EngineConfig(backend="vllm", dtype="float32"))
    try:
        prompts = evaluation_prompts(assistant, max(SIZES))
        assistant.engine.generate(prompts[:2])  # warm-up
        hf = TransformersEngine(assistant.llm_path, EngineConfig(backend="transformers"))
        rows, results = [], {}
        for n in SIZES:
            fast = timed(assistant.engine, prompts[:n])
            slow = timed(hf, prompts[:n]) if n <= 16 else None  # the sequential engine scales linearly
            results[n] = {"vllm_items_per_s": n / fast, "transformers_items_per_s": n / slow if slow else None}
            ratio = f"{slow / fast:.1f}×" if slow else "—"
            rows.append(f"| {n} | {n / fast:.2f} | {f'{n / slow:.2f}' if slow else '(linear; not rerun)'} | {ratio} |")
    finally:
        assistant.close()
    body = f"""## Batch evaluation throughput (demo checkpoint, ≤{MAX_TOKENS} new tokens per item, float32)

| items | vLLM items/s | transformers items/s | vLLM / transformers |
|---|---|---|---|
{chr(10).join(rows)}

vLLM batches the items submitted together (the evaluator sends 32 at a time), so its rate grows
with the number of items until the batch is full; the transformers engine answers one item at a
time, so its rate is flat. Target: ≥ 3× at 16 items.

Reproduce: `make bench ARGS=evaluate`."""
    write_section("evaluate", body)
    print(body)
    return results


if __name__ == "__main__":
    main()
