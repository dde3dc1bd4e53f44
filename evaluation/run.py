"""Batch evaluation of reasoning accuracy: a checkpoint answers every test item of a leak-free split.

RUN_DIR holds everything needed to reproduce and to re-score:
    config.json      what was evaluated, how (checkpoint, data, protocol, tasks, ablation, engine)
    split.json       the folds (trial keys) used
    items.jsonl      every test item: prompt messages, recordings, target, evidence
    results.jsonl    one line per answered item (appended as answers arrive: an interrupted run resumes)
    metrics.json / metrics.csv / report.html (+ PNG plots)

The answers come from an `Answerer` the caller builds (the serving assistant: `serve.assistant
.Assistant` fits), so evaluation runs the very path users get and imports nothing above it.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Callable, Protocol, runtime_checkable

from encoders.errors import ConfigError
from encoders.evidence import Evidence, measures_of
from encoders.inputs import encode
from encoders.log import get_logger
from projector.decoding import GenerationParams
from training.progress import ItemProgress, step

from .config import EvalConfig, check_config
from .items import build_eval_items, load_tables
from .scoring import score_item, score_stored

log = get_logger(__name__)
ENGINE_HEARTBEAT_S = 15.0


@runtime_checkable
class Answerer(Protocol):
    """What evaluation needs from the model it evaluates (the serving assistant provides it)."""

    config: Any  # the checkpoint's CheckpointConfig
    template: Any  # its chat template
    reference: Any  # its band-power reference
    embedder: Any  # encoder, projector and token embeddings (`projector.fused.PromptEmbedder`)

    def embed_messages(self, messages: list[dict], eeg_blocks: list) -> Any: ...

    def start_engine(self) -> None: ...

    @property
    def parallelism(self) -> int: ...

    def generate(self, prompts: list, params: GenerationParams) -> list: ...

    def close(self) -> None: ...


def run_evaluation(config: EvalConfig, run_dir: Path, answerer: Answerer | Callable[[], Answerer],
                   progress: bool = True, on_progress=None, cancel: threading.Event | None = None) -> dict:
    """Evaluate (resuming whatever `run_dir` already holds) and write metrics and the report.

    `answerer` is the model under evaluation, or a callable that builds it: then nothing heavy
    happens before `check_config` passes, and the run closes what it built. Its engine starts only
    once the items are built and some are left to answer. Up to `config.batch_size` items are in the engine at
    once and each answer is saved as it arrives. `progress`: a bar on a terminal, log lines elsewhere;
    `on_progress(done, total)` after every answer (the app's progress bar). `cancel`: once set, no
    new item starts; answers in flight are finished and saved, and the metrics of what is answered
    are returned (`complete` false): the same call resumes the run.
    """
    check_config(config)
    run_dir = Path(run_dir)
    config_path = run_dir / "config.json"
    if config_path.exists():
        saved = json.loads(config_path.read_text())
        if saved != config.to_dict():
            raise ConfigError(f"{run_dir} holds a run with different settings; use a new folder or the same settings.")
    if isinstance(answerer, Answerer):
        return _run(config, run_dir, answerer, progress, on_progress, cancel)
    with step("loading the checkpoint's encoder, projector and tokenizer"):
        built = answerer()
    try:
        return _run(config, run_dir, built, progress, on_progress, cancel)
    finally:
        built.close()


def _run(config: EvalConfig, run_dir: Path, answerer: Answerer, progress: bool, on_progress,
         cancel: threading.Event | None) -> dict:
    from encoders.analysis import FeatureConfig

    config_path = run_dir / "config.json"
    run_dir.mkdir(parents=True, exist_ok=True)

    window_s = FeatureConfig.from_dict(answerer.config.features).window_s
    with step(f"building the feature tables of {config.dataset} (cached after the first run)"):
        table, degraded = load_tables(config, window_s, progress, answerer.config)
    items_path = run_dir / "items.jsonl"
    if items_path.exists():
        items = read_jsonl(items_path)
    else:
        with step("building the evaluation items"):
            items, split = build_eval_items(config, table, degraded, answerer.template, answerer.reference,
                                            answerer.embedder.encoder, answerer.config.encoder_temperature,
                                            list(answerer.config.labels), answerer.config.space)
        (run_dir / "split.json").write_text(json.dumps(split))
        tmp = items_path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(i) + "\n" for i in items))
        tmp.replace(items_path)
    config_path.write_text(json.dumps(config.to_dict(), indent=2))

    results_path = run_dir / "results.jsonl"
    done = {r["id"] for r in read_jsonl(results_path)}
    _rewrite_complete_lines(results_path)
    todo = [i for i in items if i["id"] not in done]
    if cancel is not None and cancel.is_set():
        todo = []  # cancelled while the data was prepared: start nothing
    if todo:
        backend = getattr(getattr(answerer, "engine_config", None), "backend", "inference")
        with step(f"starting the {backend} engine", heartbeat_s=ENGINE_HEARTBEAT_S):
            answerer.start_engine()
    tables = {"clean": table, "degraded": degraded}
    with ItemProgress(len(items), "evaluate", initial=len(items) - len(todo), enabled=progress,
                      on_update=on_progress) as bar:
        _answer(answerer, todo, tables, config, results_path, bar, cancel)
    if bar.n < len(items):
        log.info("stopped after %d of %d items; run again with the same settings and folder to resume",
                 bar.n, len(items))
    return rescore(run_dir)


def _answer(answerer: Answerer, todo: list[dict], tables: dict, config: EvalConfig, results_path: Path,
            bar: ItemProgress, cancel: threading.Event | None) -> None:
    """Answer `todo`, keeping as many items in the engine as it works on at once (at most
    `config.batch_size`) and saving each answer as it arrives. Prompts are built here, in one
    thread; the workers only wait for the engine."""
    if not todo:
        return
    trial_maps = {name: {tuple(t.key): t for t in tab.trials} for name, tab in tables.items() if tab}
    params = GenerationParams(max_tokens=config.max_tokens, frequency_penalty=config.frequency_penalty)
    encoder, temperature = answerer.embedder.encoder, answerer.config.encoder_temperature
    encoded: dict[tuple, object] = {}  # one encoder pass per trial, however many items ask about it

    def encoded_trial(source: str, key: tuple):
        if (source, key) not in encoded:
            inputs = tables[source].inputs(trial_maps[source][key])
            encoded[(source, key)] = encode(encoder, inputs, temperature)
        return encoded[(source, key)]

    def prompt(item: dict):
        blocks = []
        if item.get("eeg", True):
            for rec, evidence in zip(item["recordings"], item["evidence"]):
                blocks.append(answerer.embedder.eeg_tokens(encoded_trial(rec["source"], tuple(rec["key"])),
                                                           measures_of(Evidence.from_dict(evidence))))
        return answerer.embed_messages(item["messages"][:-1], blocks)

    def route_of(item: dict):
        """The route the served assistant gives the item's question: about one recording whose
        evidence text the prompt carries (items written before questions were stored: none)."""
        if not config.routing or len(item["recordings"]) != 1 or item.get("arm") == "eeg-only" or "question" not in item:
            return None
        return answerer.route_question(item["question"], Evidence.from_dict(item["evidence"][0]))

    window = max(1, min(config.batch_size, answerer.parallelism))
    waiting = iter(todo)
    pending: dict[Future, dict] = {}
    pool = ThreadPoolExecutor(max_workers=window, thread_name_prefix="evaluate")

    def fill() -> None:
        while len(pending) < window and not (cancel is not None and cancel.is_set()):
            item = next(waiting, None)
            if item is None:
                return
            pending[pool.submit(answerer.generate, [prompt(item)], params, None, [route_of(item)])] = item

    interrupted = False
    try:
        fill()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                item = pending.pop(future)
                out = future.result()[0]
                scored = score_item(item, out.text, out.extra.get("loop_guard", {}).get("raw_text"),
                                    out.extra.get("answer_line_guard", {}).get("raw_text"))
                routed = out.extra.get("route")
                append_jsonl(results_path, [scored | ({"route": routed} if routed else {})])
                bar.update(1)
            if cancel is not None and cancel.is_set() and pending:
                log.info("stopping: finishing the %d answer(s) already in the engine", len(pending))
            fill()
    except BaseException:
        interrupted = True  # Ctrl+C or an engine failure: do not wait for answers in flight
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=True)


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if line:
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:  # a line cut by an interruption: its item is redone
                    break
    return rows


def append_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "a") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _rewrite_complete_lines(path: Path) -> None:
    """Drop a trailing half-written line left by an interruption (its item is answered again)."""
    if not path.exists():
        return
    rows = read_jsonl(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    tmp.replace(path)


def rescore(run_dir: Path) -> dict:
    """Metrics, CSV and HTML report from RUN_DIR's items and results alone, every stored output
    judged again by the current code (results.jsonl rewritten with the new judgements)."""
    from .report import write_report
    from .summary import compute_metrics, metrics_rows

    run_dir = Path(run_dir)
    if not (run_dir / "items.jsonl").exists():
        raise ConfigError(f"{run_dir} holds no evaluation run (no items.jsonl); give the folder an evaluation wrote.")
    results = read_jsonl(run_dir / "results.jsonl")
    items = {i["id"]: i for i in read_jsonl(run_dir / "items.jsonl")}
    # Re-judge stored outputs with the current checker, so a re-score reflects the code, not a cache;
    # in item order, since answers are saved in the order they arrive.
    order = {item_id: index for index, item_id in enumerate(items)}
    results = sorted((score_stored(items[r["id"]], r)
                      | {"fold": r.get("fold")} | ({"route": r["route"]} if r.get("route") else {})
                      for r in results if r["id"] in items), key=lambda r: order[r["id"]])
    metrics = compute_metrics(results, total_items=len(items))
    # The re-judged results replace the stored ones in one rename, so the claims a reader finds
    # there are the ones the metrics count (and a run stopped mid-write keeps the old file).
    fresh = run_dir / "results.jsonl.rescored"
    fresh.write_text("".join(json.dumps(r) + "\n" for r in results))
    os.replace(fresh, run_dir / "results.jsonl")
    (run_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
    rows = metrics_rows(metrics)
    (run_dir / "metrics.csv").write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    write_report(run_dir, metrics, json.loads((run_dir / "config.json").read_text()))
    return metrics
