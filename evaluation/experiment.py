"""`eegreason experiment`: train and evaluate under a leak-free protocol, fold by fold, on a released
dataset, and end with one table.

    RUN/experiment.json     the run's settings and the resolved preset (a resumed run must match)
    RUN/dataset.json        what was found in the dataset folder (subjects, sessions, label set)
    RUN/split.json          every fold of the protocol (trial keys); made once, reused
    RUN/folds/<fold>/       plan.json (test subjects; which training subjects fed stage 1 and which
                            stages 2–3), config/*.yaml (each stage's config, runnable with `eegreason
                            train`), encoder/ align/ instruct/ (checkpoints), baselines.json (encoder
                            head and DE-feature baselines on the test trials), eval-<arm>/ (one
                            evaluation run per prompt arm), results.json (written last: the fold is done)
    RUN/results.json|csv|md the table: per fold and pooled, with intervals over subjects

Every fold is resumable (a finished stage, evaluation or fold is skipped), and a fold's results
are written only when all of it is done, so an interrupted run repeats at most the step it was in.
The dataset folder, the preset and the protocol are checked before anything is trained; a problem
gets one sentence. The language model answers through an `Answerer` the caller builds (serving's
assistant), as in `run_evaluation`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from encoders.analysis import FeatureConfig
from encoders.errors import ConfigError
from encoders.log import get_logger
from training.config import DataSpec
from training.experiment import FoldPlan, fold_baselines, fold_stage_configs, plan_folds, save_fold_configs, train_fold
from training.experiment_config import ExperimentConfig, ExperimentPreset, load_preset, override_preset
from training.progress import step
from training.splits import Split, load_or_make_split

from .config import EvalConfig
from .experiment_table import fold_summary, pooled, write_table
from .run import run_evaluation

log = get_logger(__name__)
MakeAnswerer = Callable[[Path, dict], object]  # (checkpoint, engine settings) -> an Answerer


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=float))
    tmp.replace(path)


def prepare(config: ExperimentConfig, run_dir: Path) -> tuple[ExperimentPreset, DataSpec, dict]:
    """The preset, the dataset spec and what the folder holds, every check done before training:
    the preset and its overrides, the folder's layout, subjects and label files, the protocol, a
    given encoder's label set, and a run folder holding another experiment."""
    from training.dataset_tables import check_dataset, label_space

    preset = override_preset(load_preset(config.preset), config.overrides)
    if abs(preset.encoder.window_s - preset.align.window_s) > 1e-9:
        raise ConfigError("The preset's encoder and align stages use different window lengths; make them equal.")
    spec = DataSpec(dataset=config.dataset, root=config.root, subjects=config.subjects, target=config.target,
                    threshold=config.threshold, inclusive=config.inclusive)
    found = check_dataset(spec, config.protocol)
    space = label_space(spec)
    if config.encoder:
        from projector.checkpoint import read_config

        encoder = read_config(config.encoder)
        if list(encoder.labels) != list(space.labels):
            raise ConfigError(f"The encoder {config.encoder} answers in {', '.join(encoder.labels)}, but {config.dataset} "
                              f"is labelled {space.options()}; give an encoder trained on this label set.")
    saved = run_dir / "experiment.json"
    if saved.exists():
        def identity(settings: dict) -> dict:  # how many GPUs train a stage does not make it another run
            return {k: v for k, v in settings.items() if k != "processes"}

        before = json.loads(saved.read_text()).get("config") or {}
        if identity(before) != identity(config.to_dict()):
            raise ConfigError(f"{run_dir} holds an experiment with other settings; use a new folder, or the same "
                              f"dataset, protocol, preset and options to resume it.")
    return preset, spec, found


def select_folds(plans: list[FoldPlan], folds: int | None, fold: int | None) -> list[FoldPlan]:
    if folds is not None and fold is not None:
        raise ConfigError("Give --folds K (the first K folds) or --fold I (fold I alone), not both.")
    if fold is not None:
        if not 1 <= fold <= len(plans):
            raise ConfigError(f"Fold {fold} does not exist; this protocol has folds 1 to {len(plans)}.")
        return [plans[fold - 1]]
    if folds is not None:
        if not 1 <= folds <= len(plans):
            raise ConfigError(f"--folds {folds} asks for more folds than the protocol has ({len(plans)}); give 1 to "
                              f"{len(plans)}.")
        return plans[:folds]
    return plans


def run_experiment(config: ExperimentConfig, run_dir: Path, make_answerer: MakeAnswerer, folds: int | None = None,
                   fold: int | None = None, progress: bool = True) -> dict:
    """Run (or resume) the selected folds and write the table over every fold done so far."""
    from training.dataset_tables import dataset_table, label_space

    run_dir = Path(run_dir)
    preset, spec, found = prepare(config, run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    _write_json(run_dir / "experiment.json", {"config": config.to_dict(), "preset": preset.to_dict()})
    _write_json(run_dir / "dataset.json", found)
    space = label_space(spec)
    with step(f"features of {config.dataset} (computed once per subject, then cached)"):
        table = dataset_table(spec, FeatureConfig(window_s=preset.encoder.window_s), progress)
    split = load_or_make_split(run_dir / "split.json", config.protocol, [t.info for t in table.trials], config.seed,
                               n_folds=config.n_folds)
    plans = plan_folds(split, preset.encoder_share, bool(config.encoder), config.seed)
    chosen = select_folds(plans, folds, fold)
    by_name = {f.name: f for f in split.folds}
    for plan in chosen:
        fold_dir = run_dir / "folds" / plan.name
        if (fold_dir / "results.json").exists():
            log.info("fold %s already done", plan.name)
            continue
        with step(f"fold {plan.index} of {len(plans)} ({plan.name}): test subjects {plan.test_subjects}"):
            _run_fold(config, preset, plan, by_name[plan.name], split, table, run_dir, fold_dir, make_answerer,
                      len(space.labels), progress)
    done = [run_dir / "folds" / p.name for p in plans if (run_dir / "folds" / p.name / "results.json").exists()]
    summaries = [json.loads((d / "results.json").read_text()) for d in done]
    arms = list(preset.evaluate.arms)
    pooled_metrics = pooled(done, arms, len(space.labels), preset.evaluate.bootstrap, config.seed) if done else None
    meta = {"dataset": config.dataset, "protocol": config.protocol, "preset": preset.name, "n_folds": len(plans),
            "label_space": space.name, "classes": list(space.labels), "label_rule": space.threshold,
            "synthetic": bool(table.source.get("synthetic"))}
    return write_table(run_dir, summaries, pooled_metrics, arms, meta)


def _run_fold(config: ExperimentConfig, preset: ExperimentPreset, plan: FoldPlan, fold, split: Split, table,
              run_dir: Path, fold_dir: Path, make_answerer: MakeAnswerer, n_classes: int, progress: bool) -> None:
    import time

    started = time.perf_counter()
    split_path = run_dir / "split.json"
    configs = fold_stage_configs(preset, config, plan, split_path, fold_dir)
    save_fold_configs(fold_dir, plan, configs)
    checkpoint = train_fold(configs, fold_dir, progress, config.processes)
    trained_s = time.perf_counter() - started
    if not (fold_dir / "baselines.json").exists():
        with step("encoder head and DE-feature baselines on the test trials"):
            encoder_dir = Path(config.encoder) if config.encoder else fold_dir / "encoder"
            _write_json(fold_dir / "baselines.json", fold_baselines(encoder_dir, table, fold, n_classes, config.seed))
    _evaluate_fold(config, preset, plan, checkpoint, split_path, fold_dir, make_answerer, progress)
    summary = fold_summary(fold_dir, list(preset.evaluate.arms), n_classes)
    summary.update(plan=plan.to_dict(), seconds={"training": round(trained_s, 1),
                                                 "fold": round(time.perf_counter() - started, 1)})
    _record_in_checkpoint(checkpoint, config, plan, len(split.folds), run_dir, preset.name, summary)
    _write_json(fold_dir / "results.json", summary)


def eval_config(config: ExperimentConfig, preset: ExperimentPreset, plan: FoldPlan, checkpoint: Path,
                split_path: Path, arm: str) -> EvalConfig:
    ev = preset.evaluate
    return EvalConfig(checkpoint=str(checkpoint), dataset=config.dataset, root=config.root, protocol=config.protocol,
                      tasks=list(ev.tasks), ablation=arm, reference="checkpoint",
                      degraded_share=preset.instruct.degraded_share, pairs_per_fold=ev.pairs_per_fold,
                      free_per_kind=ev.free_per_kind, seed=config.seed, max_tokens=ev.max_tokens,
                      batch_size=ev.batch_size, split_file=str(split_path), fold=plan.name,
                      trials_per_fold=ev.trials_per_fold,
                      engine={"backend": ev.engine, "dtype": ev.dtype, "tensor_parallel_size": ev.tensor_parallel_size})


def _complete(eval_dir: Path) -> bool:
    path = eval_dir / "metrics.json"
    return path.exists() and bool(json.loads(path.read_text()).get("complete"))


def _evaluate_fold(config: ExperimentConfig, preset: ExperimentPreset, plan: FoldPlan, checkpoint: Path,
                   split_path: Path, fold_dir: Path, make_answerer: MakeAnswerer, progress: bool) -> None:
    """Every arm on the fold's held-out trials, through one model (one engine start per fold)."""
    todo = [arm for arm in preset.evaluate.arms if not _complete(fold_dir / f"eval-{arm}")]
    if not todo:
        return
    configs = {arm: eval_config(config, preset, plan, checkpoint, split_path, arm) for arm in todo}
    with step("loading the fold's checkpoint for evaluation"):
        answerer = make_answerer(checkpoint, configs[todo[0]].engine)
    try:
        for arm in todo:
            with step(f"evaluating arm {arm}"):
                run_evaluation(configs[arm], fold_dir / f"eval-{arm}", answerer, progress=progress)
    finally:
        answerer.close()


def _record_in_checkpoint(checkpoint: Path, config: ExperimentConfig, plan: FoldPlan, n_folds: int, run_dir: Path,
                          preset: str, summary: dict) -> None:
    """The fold's protocol, subjects and results in the stage-3 checkpoint's provenance and model card."""
    from projector.checkpoint import read_config, update_checkpoint
    from training.model_card import write_model_card

    results = {f"{arm} accuracy": m.get("accuracy") for arm, m in summary["arms"].items()}
    results |= {f"{name} balanced accuracy": m["balanced_accuracy"] for name, m in summary["classifiers"].items()}
    record = {"protocol": config.protocol, "fold": plan.name, "index": plan.index, "n_folds": n_folds,
              "test_subjects": plan.test_subjects, "encoder_subjects": plan.encoder_subjects,
              "llm_subjects": plan.llm_subjects, "pretrained_encoder": config.encoder, "run": run_dir.name,
              "preset": preset, "results": results}
    provenance = read_config(checkpoint).provenance
    update_checkpoint(checkpoint, provenance={**provenance, "experiment": record})
    write_model_card(checkpoint, f"eegreason {config.dataset} {config.protocol} fold {plan.name}")
