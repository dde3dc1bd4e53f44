"""Batch evaluation of reasoning accuracy: run a checkpoint over every test item of a split.

RUN_DIR holds everything needed to reproduce and to re-score:
    config.json      what was evaluated, how (checkpoint, data, protocol, tasks, ablation, engine)
    split.json       the folds (trial keys) used
    items.jsonl      every test item: prompt messages, recordings, target, evidence
    results.jsonl    one line per answered item (appended as answers arrive: an interrupted run resumes)
    metrics.json / metrics.csv / report.html (+ PNG plots)

Items are built per fold from that fold's test trials only; the evidence reference is the
checkpoint's (fitted on its own training cohort) or, with `reference="train-fold"`, refitted on the
fold's training trials, so nothing about a test trial shapes its own prompt.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from encoders.errors import ConfigError
from encoders.evidence import BandReference
from encoders.log import get_logger
from prompts.answer_format import parse_answer
from serve.engines.base import GenerationParams

from .faithfulness import check_reasoning
from .feature_table import FeatureTable, TrialRow
from .instruction_data import TASKS, Sources, TaskMix, build_items
from .progress import ItemProgress, step
from .splits import PROTOCOLS, make_split

log = get_logger(__name__)
EVAL_TASKS = TASKS  # emotion, valence_arousal, compare, rank, scenario, record, abstain
ABLATIONS = ("both", "eeg-only", "text-only")
REFERENCES = ("checkpoint", "train-fold")
ENGINE_HEARTBEAT_S = 15.0


@dataclass
class EvalConfig:
    checkpoint: str
    dataset: str = "synthetic"
    root: str | None = None  # dataset folder for released datasets
    cohort_seed: int = 20  # synthetic: a seed no training stage used
    subjects: int = 6
    sessions: int = 1
    trials_per_emotion: int = 2
    trial_seconds: float = 32.0
    montage: str = "seed62"
    protocol: str = "loso"
    n_folds: int = 5
    tasks: list[str] = field(default_factory=lambda: list(EVAL_TASKS))
    ablation: str = "both"  # both | eeg-only | text-only
    reference: str = "checkpoint"  # checkpoint | train-fold
    degraded_share: float = 0.25
    pairs_per_fold: int = 8  # compare items per fold (rank: half as many)
    seed: int = 0
    max_tokens: int = 220
    frequency_penalty: float = GenerationParams.frequency_penalty  # the served default: evaluate what users get
    batch_size: int = 32  # most items in the engine at once (vLLM batches them; capped by what it runs at once)
    engine: dict = field(default_factory=dict)  # serve.engines.EngineConfig fields

    def to_dict(self) -> dict:
        return asdict(self)


# ---- checks before anything is loaded ------------------------------------------------------------


def check_config(config: EvalConfig) -> None:
    """Refuse a run that cannot succeed before any model is loaded or any data read: unknown names,
    impossible numbers, a folder that is not a checkpoint, a dataset folder without the dataset's
    layout (its files are read later, when the run needs them)."""
    from encoders.analysis import FeatureConfig
    from encoders.datasets.registry import DATASETS
    from projector.checkpoint import read_config
    from serve.engines import BACKENDS, EngineConfig

    def choose(value, allowed, what: str) -> None:
        if value not in allowed:
            raise ConfigError(f"Unknown {what} {value!r}; choose one of {', '.join(allowed)}.")

    choose(config.dataset, ("synthetic", *DATASETS), "dataset")
    unknown = sorted(set(config.tasks) - set(EVAL_TASKS))
    if unknown or not config.tasks:
        raise ConfigError(f"Unknown or no task(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(EVAL_TASKS)}.")
    choose(config.protocol, PROTOCOLS, "protocol")
    choose(config.ablation, ABLATIONS, "ablation")
    choose(config.reference, REFERENCES, "reference")
    for name, low in (("subjects", 1), ("sessions", 1), ("trials_per_emotion", 1), ("n_folds", 2),
                      ("batch_size", 1), ("max_tokens", 1), ("pairs_per_fold", 0)):
        if int(getattr(config, name)) < low:
            raise ConfigError(f"{name.replace('_', ' ')} must be at least {low}, not {getattr(config, name)}.")
    if not 0 < config.degraded_share <= 1:
        raise ConfigError(f"The degraded share must be above 0 and at most 1, not {config.degraded_share}.")
    if config.dataset == "synthetic":
        if config.protocol == "loso" and config.subjects < 2:
            raise ConfigError("Leave-one-subject-out needs at least two subjects; raise --subjects.")
        if config.protocol == "cross-session" and config.sessions < 2:
            raise ConfigError("Cross-session evaluation needs at least two sessions; raise --sessions.")
    try:
        engine = EngineConfig(**config.engine)
    except TypeError as exc:
        raise ConfigError(f"The engine settings {sorted(config.engine)} are not all engine options ({exc}).") from None
    choose(engine.backend, BACKENDS, "engine")
    GenerationParams(max_tokens=config.max_tokens, frequency_penalty=config.frequency_penalty)  # checks the penalty
    checkpoint = read_config(Path(config.checkpoint))  # a folder that is not a checkpoint is refused here
    window_s = FeatureConfig.from_dict(checkpoint.features).window_s
    if config.dataset == "synthetic" and config.trial_seconds < window_s:
        raise ConfigError(f"Synthetic trials of {config.trial_seconds:g} s are shorter than the checkpoint's "
                          f"{window_s:g}-s window; use longer trials.")
    if config.dataset != "synthetic":
        from encoders.datasets import open_dataset

        if not config.root:
            raise ConfigError(f"Evaluating on {config.dataset} needs --root, the folder of the released dataset.")
        open_dataset(config.dataset, config.root).iter_trials(kind="raw")  # checks layout and raw files, reads none


# ---- data ---------------------------------------------------------------------------------------


def load_tables(config: EvalConfig, window_s: float, progress: bool) -> tuple[FeatureTable, FeatureTable | None]:
    from encoders.analysis import FeatureConfig

    from .feature_table import cohort_table

    features = FeatureConfig(window_s=window_s)
    if config.dataset == "synthetic":
        from encoders.synthetic import CohortConfig

        cohort = CohortConfig(seed=config.cohort_seed, subjects=config.subjects, sessions=config.sessions,
                              trials_per_emotion=config.trials_per_emotion, montage=config.montage,
                              trial_seconds=config.trial_seconds)
        table = cohort_table(cohort, features, progress=progress)
        degraded = (cohort_table(cohort, features, progress=progress, degraded_share=config.degraded_share)
                    if "abstain" in config.tasks else None)
        return table, degraded
    from .dataset_tables import dataset_table

    return dataset_table(config.dataset, Path(config.root) if config.root else None, features, progress), None


def build_eval_items(config: EvalConfig, table: FeatureTable, degraded: FeatureTable | None, template,
                     checkpoint_reference: BandReference, encoder=None, temperature: float = 1.0
                     ) -> tuple[list[dict], dict]:
    """Test items of every fold, with ground-truth answers. With `encoder`, each recording's evidence
    carries the encoder's pattern match, as in serving."""
    from .llm_stages import encoder_probabilities

    from .dataset_tables import available_tasks

    split = make_split(config.protocol, [t.info for t in table.trials], seed=config.seed, n_folds=config.n_folds)
    tasks = [t for t in config.tasks if t in available_tasks(table)]
    unknown = set(config.tasks) - set(EVAL_TASKS)
    if unknown:
        raise ConfigError(f"Unknown task(s) {', '.join(sorted(unknown))}; choose from {', '.join(EVAL_TASKS)}.")
    by_key = {tuple(t.key): t for t in table.trials}
    degraded_by_key = {tuple(t.key): t for t in degraded.trials} if degraded else {}
    probabilities = encoder_probabilities(encoder, table, table.trials, temperature) if encoder is not None else {}
    degraded_probabilities = (encoder_probabilities(encoder, degraded, degraded.trials, temperature)
                              if encoder is not None and degraded else {})
    items: list[dict] = []
    for index, fold in enumerate(split.folds):
        test = [by_key[tuple(k)] for k in fold.test]
        train = [by_key[tuple(k)] for k in fold.train]
        reference = (table.fit_reference(train, f"training folds of {config.dataset}") if config.reference == "train-fold"
                     else checkpoint_reference)
        sources = Sources(table, degraded, reference, probabilities, degraded_probabilities)
        n = len(test)
        mix = TaskMix(emotion=n if "emotion" in tasks else 0,
                      valence_arousal=n if "valence_arousal" in tasks else 0,
                      record=max(1, n // 3) if "record" in tasks else 0,
                      compare=config.pairs_per_fold if "compare" in tasks and n >= 2 else 0,
                      rank=max(1, config.pairs_per_fold // 2) if "rank" in tasks and n >= 3 else 0)
        seed = config.seed * 1000 + index
        fold_items = build_items(sources, test, mix, template, seed, ablation=config.ablation,
                                 id_prefix=f"{fold.name}/", targets="truth")
        if "scenario" in tasks:  # zero-shot: situations of the types held out of training
            fold_items += build_items(sources, test, TaskMix(scenario=n), template, seed + 500, zero_shot_scenarios=True,
                                      ablation=config.ablation, id_prefix=f"{fold.name}/zs-", targets="truth")
        degraded_test = [degraded_by_key[k] for k in map(tuple, fold.test) if k in degraded_by_key]
        if "abstain" in tasks and degraded_test:
            fold_items += build_items(sources, test, TaskMix(abstain=len(degraded_test)), template, seed + 900,
                                      degraded_trials=degraded_test, ablation=config.ablation,
                                      id_prefix=f"{fold.name}/ab-", targets="truth")
        for item in fold_items:
            item["fold"] = fold.name
        items += fold_items
    return items, split.to_dict()


# ---- running ------------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> list[dict]:
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


def _append_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "a") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def score_item(item: dict, output: str, guarded_from: str | None = None) -> dict:
    """Parse an answer and judge it: correctness, consistency with its reasoning, faithful claims.
    `guarded_from`: the model's own text when the loop guard completed it (kept for the report)."""
    from encoders.evidence import Evidence
    from prompts.rationale import conclusion_agrees, conclusion_of

    labels = None  # emotion labels are the default vocabulary of the parser
    parsed = parse_answer(output) if labels is None else parse_answer(output, labels)
    answer = parsed.answer
    if answer is not None and item["task"] in ("compare",):
        answer = answer.lower().replace("rec ", "recording ").strip(".")
    if answer is not None and item["task"] in ("scenario",):
        answer = answer.strip("). ").upper()[:1]
    if answer is not None and item["task"] in ("rank",):
        answer = ", ".join(x.strip() for x in answer.replace(">", ",").split(",") if x.strip())
    conclusion = conclusion_of(parsed.reasoning, item["task"]) if parsed.reasoning else None
    evidences = [Evidence.from_dict(e) for e in item["evidence"]]
    claims = check_reasoning(parsed.reasoning, evidences) if parsed.reasoning else []
    return {
        "id": item["id"],
        "task": item["task"],
        "fold": item.get("fold"),
        "subjects": item["subjects"],
        "zero_shot": item.get("zero_shot", False),
        "quality": [e["quality_grade"] for e in item["evidence"]],
        "target": item["answer"],
        "output": output,
        "loop_guard": guarded_from is not None,
        "unguarded_output": guarded_from,
        "parsed": {"reasoning": parsed.reasoning, "answer": answer, "confidence": parsed.confidence,
                   "well_formed": parsed.well_formed},
        "correct": answer == item["answer"],
        "encoder_correct": (item["encoder_answer"] == item["answer"]) if "encoder_answer" in item else None,
        "conclusion": conclusion,
        "consistent": bool(parsed.well_formed and conclusion_agrees(conclusion, answer, item.get("option_emotions"))),
        "claims": [c.to_dict() for c in claims],
    }


def run_evaluation(config: EvalConfig, run_dir: Path, progress: bool = True, engine=None, on_progress=None,
                   cancel: threading.Event | None = None) -> dict:
    """Evaluate (resuming whatever `run_dir` already holds) and write metrics and the report.

    Nothing heavy happens before `check_config` passes; the engine starts only once the items are
    built and some are left to answer. Up to `config.batch_size` items are in the engine at once and
    each answer is saved as it arrives. `progress`: a bar on a terminal, log lines elsewhere;
    `on_progress(done, total)` after every answer (the app's progress bar). `cancel`: once set, no
    new item starts; answers in flight are finished and saved, and the metrics of what is answered
    are returned (`complete` false): the same call resumes the run.
    """
    from encoders.analysis import FeatureConfig
    from projector.checkpoint import read_config
    from serve.assistant import Assistant

    check_config(config)
    run_dir = Path(run_dir)
    config_path = run_dir / "config.json"
    if config_path.exists():
        saved = json.loads(config_path.read_text())
        if saved != config.to_dict():
            raise ConfigError(f"{run_dir} holds a run with different settings; use a new folder or the same settings.")
    run_dir.mkdir(parents=True, exist_ok=True)
    window_s = FeatureConfig.from_dict(read_config(Path(config.checkpoint)).features).window_s
    with step(f"building the feature tables of {config.dataset} (cached after the first run)"):
        table, degraded = load_tables(config, window_s, progress)
    assistant = Assistant(Path(config.checkpoint), engine=engine, start_engine=False)
    try:
        items_path = run_dir / "items.jsonl"
        if items_path.exists():
            items = _read_jsonl(items_path)
        else:
            with step("building the evaluation items"):
                items, split = build_eval_items(config, table, degraded, assistant.template, assistant.reference,
                                                assistant.embedder.encoder, assistant.config.encoder_temperature)
                _add_encoder_answers(items, assistant, {"clean": table, "degraded": degraded})
            (run_dir / "split.json").write_text(json.dumps(split))
            tmp = items_path.with_suffix(".tmp")
            tmp.write_text("".join(json.dumps(i) + "\n" for i in items))
            tmp.replace(items_path)
        config_path.write_text(json.dumps(config.to_dict(), indent=2))

        results_path = run_dir / "results.jsonl"
        done = {r["id"] for r in _read_jsonl(results_path)}
        _rewrite_complete_lines(results_path)
        todo = [i for i in items if i["id"] not in done]
        if cancel is not None and cancel.is_set():
            todo = []  # cancelled while the data was prepared: start nothing
        if todo and assistant.engine is None:
            from serve.engines import EngineConfig, create_engine

            settings = EngineConfig(**config.engine)
            with step(f"starting the {settings.backend} engine", heartbeat_s=ENGINE_HEARTBEAT_S):
                assistant.engine = create_engine(assistant.llm_path, assistant.embedder.hidden_size, settings)
        tables = {"clean": table, "degraded": degraded}
        with ItemProgress(len(items), "evaluate", initial=len(items) - len(todo), enabled=progress,
                          on_update=on_progress) as bar:
            _answer(assistant, todo, tables, config, results_path, bar, cancel)
        if bar.n < len(items):
            log.info("stopped after %d of %d items; run again with the same settings and folder to resume",
                     bar.n, len(items))
    finally:
        if engine is None:
            assistant.close()
    return rescore(run_dir)


def engine_parallelism(engine_config) -> int:
    """How many requests an engine works on at once: vLLM batches up to `max_num_seqs`; the
    transformers engine (the reference) answers one at a time. More in flight would only wait
    inside the engine, where a cancel cannot reach them."""
    return max(1, int(engine_config.max_num_seqs)) if engine_config.backend == "vllm" else 1


def _answer(assistant, todo: list[dict], tables: dict, config: EvalConfig, results_path: Path, bar: ItemProgress,
            cancel: threading.Event | None) -> None:
    """Answer `todo`, keeping as many items in the engine as it works on at once (at most
    `config.batch_size`) and saving each answer as it arrives. Prompts are built here, in one
    thread; the workers only wait for the engine."""
    from .collate import trial_inputs

    if not todo:
        return
    trial_maps = {name: {tuple(t.key): t for t in tab.trials} for name, tab in tables.items() if tab}
    params = GenerationParams(max_tokens=config.max_tokens, frequency_penalty=config.frequency_penalty)

    def prompt(item: dict):
        blocks = []
        if item.get("eeg", True):
            for rec in item["recordings"]:
                trial: TrialRow = trial_maps[rec["source"]][tuple(rec["key"])]
                blocks.append(assistant.embedder.eeg_tokens(trial_inputs(tables[rec["source"]], trial)))
        return assistant.embed_messages(item["messages"][:-1], blocks)

    window = max(1, min(config.batch_size, engine_parallelism(assistant.engine.config)))
    waiting = iter(todo)
    pending: dict[Future, dict] = {}
    pool = ThreadPoolExecutor(max_workers=window, thread_name_prefix="evaluate")

    def fill() -> None:
        while len(pending) < window and not (cancel is not None and cancel.is_set()):
            item = next(waiting, None)
            if item is None:
                return
            pending[pool.submit(assistant.generate, [prompt(item)], params)] = item

    interrupted = False
    try:
        fill()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                item = pending.pop(future)
                out = future.result()[0]
                _append_jsonl(results_path, [score_item(item, out.text, out.extra.get("loop_guard", {}).get("raw_text"))])
                bar.update(1)
            if cancel is not None and cancel.is_set() and pending:
                log.info("stopping: finishing the %d answer(s) already in the engine", len(pending))
            fill()
    except BaseException:
        interrupted = True  # Ctrl+C or an engine failure: do not wait for answers in flight
        raise
    finally:
        pool.shutdown(wait=not interrupted, cancel_futures=True)


def _add_encoder_answers(items: list[dict], assistant, tables: dict) -> None:
    """The stage-1 encoder head's own label for every single-recording emotion item: the reference
    the language model's answers are compared with on the very same items."""
    import torch

    from encoders.labels import EMOTIONS

    from .collate import trial_inputs

    maps = {name: {tuple(t.key): t for t in tab.trials} for name, tab in tables.items() if tab}
    encoder = assistant.embedder.encoder
    for item in items:
        if item["task"] not in ("emotion", "record") or len(item["recordings"]) != 1:
            continue
        rec = item["recordings"][0]
        inputs = trial_inputs(tables[rec["source"]], maps[rec["source"]][tuple(rec["key"])])
        with torch.no_grad():
            logits = encoder(inputs.features[None], positions=inputs.positions, channel_mask=inputs.channel_mask[None])
        item["encoder_answer"] = EMOTIONS[int(logits.argmax())]


def _rewrite_complete_lines(path: Path) -> None:
    """Drop a trailing half-written line left by an interruption (its item is answered again)."""
    if not path.exists():
        return
    rows = _read_jsonl(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    tmp.replace(path)


def rescore(run_dir: Path) -> dict:
    """Metrics, CSV and HTML report from RUN_DIR's items and results alone."""
    from .eval_metrics import compute_metrics, metrics_rows
    from .eval_report import write_report

    run_dir = Path(run_dir)
    results = _read_jsonl(run_dir / "results.jsonl")
    items = {i["id"]: i for i in _read_jsonl(run_dir / "items.jsonl")}
    # Re-judge stored outputs with the current checker, so a re-score reflects the code, not a cache;
    # in item order, since answers are saved in the order they arrive.
    order = {item_id: index for index, item_id in enumerate(items)}
    results = sorted((score_item(items[r["id"]], r["output"], r.get("unguarded_output")) | {"fold": r.get("fold")}
                      for r in results if r["id"] in items), key=lambda r: order[r["id"]])
    metrics = compute_metrics(results, total_items=len(items))
    (run_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
    rows = metrics_rows(metrics)
    (run_dir / "metrics.csv").write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    write_report(run_dir, metrics, json.loads((run_dir / "config.json").read_text()))
    return metrics
