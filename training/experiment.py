"""The training side of an experiment fold: which subjects feed which stage, the three stages on the
fold's training trials, and the encoder head and DE-feature baselines on its test trials.

A fold of the saved split holds out test trials (a subject, a session, or a share of every subject's
trials). Its training subjects are divided: a share trains stage 1 (the encoder), the others stages
2–3 (projector and LoRA), so the pattern match the language model learns to read comes from an
encoder that never saw those people, as it will be at test time. The division is seeded, stated in
the fold's plan.json and recorded in every checkpoint. Each stage writes its own checkpoint folder in
the fold and is skipped when that checkpoint is complete, so a fold resumes stage by stage.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import yaml

from encoders.errors import ConfigError
from encoders.log import get_logger

from .config import DataSpec
from .experiment_config import ExperimentConfig, ExperimentPreset
from .feature_table import FeatureTable
from .splits import Fold, Split

log = get_logger(__name__)
STAGE_NAMES = ("encoder", "align", "instruct")


@dataclass
class FoldPlan:
    index: int  # 1-based, in the split's order
    name: str  # the split's fold name (subject-3, session-2, trials-fold-1)
    test_subjects: list[int]
    train_subjects: list[int]
    encoder_subjects: list[int]  # stage 1 (empty with a pretrained encoder)
    llm_subjects: list[int]  # stages 2–3

    def to_dict(self) -> dict:
        return asdict(self)


def plan_folds(split: Split, share: float, pretrained: bool, seed: int = 0) -> list[FoldPlan]:
    plans = []
    for index, fold in enumerate(split.folds, start=1):
        test = sorted({int(k[1]) for k in fold.test})
        train = sorted({int(k[1]) for k in fold.train})
        if pretrained:
            encoder, llm = [], list(train)
        else:
            if len(train) < 2:
                raise ConfigError(f"Fold {fold.name} trains on {len(train)} subject(s), but stage 1 and stages 2–3 "
                                  f"need different subjects; give a pretrained encoder (--encoder) or more subjects.")
            order = [train[i] for i in np.random.default_rng([seed, index]).permutation(len(train))]
            n = min(len(train) - 1, max(1, int(round(share * len(train)))))
            encoder, llm = sorted(order[:n]), sorted(order[n:])
        plans.append(FoldPlan(index, fold.name, test, train, encoder, llm))
    return plans


def fold_data(config: ExperimentConfig, split_path: Path, fold: str, subjects: list[int]) -> dict:
    """The DataSpec fields of one stage of a fold."""
    return {"dataset": config.dataset, "root": config.root, "subjects": list(subjects), "target": config.target,
            "threshold": config.threshold, "inclusive": config.inclusive, "split": str(split_path), "fold": fold}


def fold_stage_configs(preset: ExperimentPreset, config: ExperimentConfig, plan: FoldPlan, split_path: Path,
                       fold_dir: Path) -> dict:
    """The three stage configs of a fold: the preset's settings, this fold's data and subjects, and the
    folder each stage reads the one before from. Validation subjects are capped so each stage keeps at
    least one training subject."""
    def held(value: int, subjects: list[int]) -> int:
        return min(value, max(0, len(subjects) - 1))

    encoder_dir = Path(config.encoder) if config.encoder else fold_dir / "encoder"
    configs = {}
    if not config.encoder:
        configs["encoder"] = dataclasses.replace(
            preset.encoder, name=f"{preset.name}-encoder-{plan.name}",
            validation_subjects=held(preset.encoder.validation_subjects, plan.encoder_subjects),
            data=DataSpec(**fold_data(config, split_path, plan.name, plan.encoder_subjects)))
    llm_data = fold_data(config, split_path, plan.name, plan.llm_subjects)
    configs["align"] = dataclasses.replace(
        preset.align, name=f"{preset.name}-align-{plan.name}", encoder=str(encoder_dir),
        llm=config.llm or preset.align.llm, validation_subjects=held(preset.align.validation_subjects, plan.llm_subjects),
        data=dataclasses.replace(preset.align.data, **llm_data))
    configs["instruct"] = dataclasses.replace(
        preset.instruct, name=f"{preset.name}-instruct-{plan.name}", align=str(fold_dir / "align"),
        data=dataclasses.replace(preset.instruct.data, **llm_data))
    return configs


def save_fold_configs(fold_dir: Path, plan: FoldPlan, configs: dict) -> None:
    """plan.json (which subjects feed which stage, which are tested) and one YAML per stage, each of
    which `eegreason train` runs as it is."""
    (fold_dir / "config").mkdir(parents=True, exist_ok=True)
    (fold_dir / "plan.json").write_text(json.dumps(plan.to_dict(), indent=1))
    for stage, config in configs.items():
        (fold_dir / "config" / f"{stage}.yaml").write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))


def stage_done(out: Path, stage: str) -> bool:
    """A stage's checkpoint is complete (its config.json is written last)."""
    from projector.checkpoint import read_config

    if not (out / "config.json").exists():
        return False
    try:
        return read_config(out).stage == stage
    except Exception:  # a damaged folder is trained again
        return False


def train_fold(configs: dict, fold_dir: Path, progress: bool = True, processes: int = 1) -> Path:
    """Run the fold's stages in order (each skipped when its checkpoint is complete); the stage-3
    checkpoint. With `processes` > 1, stages 2-3 run data-parallel over that many GPUs through
    `accelerate launch`, each from the YAML saved for it (stage 1 runs here, on one device)."""
    import subprocess

    from .stages import launch_command, run_stage

    for stage in STAGE_NAMES:
        if stage not in configs:
            continue
        out = fold_dir / stage
        if stage_done(out, stage):
            log.info("%s: stage %s already trained", fold_dir.name, stage)
            continue
        log.info("%s: training stage %s", fold_dir.name, stage)
        if processes > 1 and stage != "encoder":
            subprocess.run(launch_command(fold_dir / "config" / f"{stage}.yaml", out, processes), check=True)
        else:
            run_stage(configs[stage], out, resume=True, progress=progress)
    return fold_dir / "instruct"


def fold_keys(fold: Fold) -> tuple[set, set]:
    return {tuple(k) for k in fold.train}, {tuple(k) for k in fold.test}


def fold_baselines(encoder_dir: Path, table: FeatureTable, fold: Fold, n_classes: int, seed: int = 0) -> dict:
    """The fold's test trials classified by the stage-1 encoder's head and by the DE-feature baselines
    fitted on all of the fold's training trials (window-level, scored per trial): per trial, the
    truth, the subject and each method's class."""
    from projector.checkpoint import load_encoder

    from .baselines import BASELINES, fit_predict
    from .trial_inference import encode_trials

    train_keys, test_keys = fold_keys(fold)
    train = [t for t in table.trials if tuple(t.key) in train_keys]
    test = [t for t in table.trials if tuple(t.key) in test_keys]
    labels = np.array([t.info.label for t in train])
    predictions = {"encoder_head": encode_trials(load_encoder(encoder_dir), table, test)[0].argmax(1).tolist()}
    for name in BASELINES:
        predictions[name] = fit_predict(name, table, train, test, labels, n_classes, seed).argmax(1).tolist()
    return {"keys": [list(t.key) for t in test], "truth": [int(t.info.label) for t in test],
            "subjects": [int(t.info.subject) for t in test], "predictions": predictions, "n_train_trials": len(train)}
