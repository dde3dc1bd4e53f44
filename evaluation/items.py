"""The items of an evaluation run: each fold's test trials made into questions with ground-truth
answers, and the encoder head's own answer on the same items.

Items are built per fold from that fold's test trials only; the evidence reference is the
checkpoint's (fitted on its own training cohort) or, with `reference="train-fold"`, refitted on
the fold's training trials, so nothing about a test trial shapes its own prompt.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from encoders.evidence import BandReference
from encoders.labels import EMOTIONS
from training.feature_table import FeatureTable
from training.instruction_data import Sources, TaskMix, build_items, encoder_readings
from training.llm_stages import encoder_probabilities
from training.splits import make_split

from .config import EvalConfig


def load_tables(config: EvalConfig, window_s: float, progress: bool) -> tuple[FeatureTable, FeatureTable | None]:
    """The run's trials as feature tables: clean ones, and damaged copies for the abstention task."""
    from encoders.analysis import FeatureConfig
    from training.feature_table import cohort_table

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
    from training.dataset_tables import dataset_table

    return dataset_table(config.dataset, Path(config.root) if config.root else None, features, progress), None


def build_eval_items(config: EvalConfig, table: FeatureTable, degraded: FeatureTable | None, template,
                     checkpoint_reference: BandReference, encoder=None, temperature: float = 1.0,
                     labels: list[str] | None = None) -> tuple[list[dict], dict]:
    """Test items of every fold, with ground-truth answers. With `encoder`, each recording's evidence
    carries the encoder's pattern match, as in serving, and every single-recording emotion item
    records the encoder head's own answer (`encoder_answer`), the reference the language model is
    compared with on the very same items."""
    from training.dataset_tables import available_tasks

    split = make_split(config.protocol, [t.info for t in table.trials], seed=config.seed, n_folds=config.n_folds)
    tasks = [t for t in config.tasks if t in available_tasks(table)]
    by_key = {tuple(t.key): t for t in table.trials}
    degraded_by_key = {tuple(t.key): t for t in degraded.trials} if degraded else {}
    probabilities = encoder_probabilities(encoder, table, table.trials, temperature) if encoder is not None else {}
    degraded_probabilities = (encoder_probabilities(encoder, degraded, degraded.trials, temperature)
                              if encoder is not None and degraded else {})
    # the encoder's reading over time, which the evidence shows as in serving
    timelines = (encoder_readings(encoder, table, table.trials, temperature, labels or EMOTIONS)
                 if encoder is not None else {})
    items: list[dict] = []
    for index, fold in enumerate(split.folds):
        test = [by_key[tuple(k)] for k in fold.test]
        train = [by_key[tuple(k)] for k in fold.train]
        reference = (table.fit_reference(train, f"training folds of {config.dataset}") if config.reference == "train-fold"
                     else checkpoint_reference)
        sources = Sources(table, degraded, reference, probabilities, degraded_probabilities, timelines)
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
        if "free" in tasks and config.free_per_kind:  # the held-out phrasings of every kind
            from training.free_items import FREE_KINDS

            fold_items += build_items(sources, test, TaskMix(free=config.free_per_kind * len(FREE_KINDS)), template,
                                      seed + 700, ablation=config.ablation, id_prefix=f"{fold.name}/fq-",
                                      targets="truth", heldout_questions=True)
        degraded_test = [degraded_by_key[k] for k in map(tuple, fold.test) if k in degraded_by_key]
        if "abstain" in tasks and degraded_test:
            fold_items += build_items(sources, test, TaskMix(abstain=len(degraded_test)), template, seed + 900,
                                      degraded_trials=degraded_test, ablation=config.ablation,
                                      id_prefix=f"{fold.name}/ab-", targets="truth")
        for item in fold_items:
            item["fold"] = fold.name
        items += fold_items
    if labels is not None:
        _add_encoder_answers(items, probabilities, degraded_probabilities, labels)
    return items, split.to_dict()


def _add_encoder_answers(items: list[dict], probabilities: dict, degraded_probabilities: dict,
                         labels: list[str]) -> None:
    from encoders.evidence import Evidence
    from encoders.labels import SEVEN_EMOTIONS
    from prompts.answers import dimension_decision

    for item in items:
        if item["task"] == "free" and item.get("kind") in ("valence", "arousal"):
            # the encoder's own valence or arousal read-out: the class its probabilities favour
            ev = Evidence.from_dict(item["evidence"][0])
            decision = dimension_decision(ev, SEVEN_EMOTIONS, item["kind"]) if ev.supports_emotion else None
            item["encoder_answer"] = f"{decision[0]} {item['kind']}" if decision else "cannot tell"
            continue
        if item["task"] not in ("emotion", "record") or len(item["recordings"]) != 1:
            continue
        rec = item["recordings"][0]
        p = (degraded_probabilities if rec["source"] == "degraded" else probabilities).get(tuple(rec["key"]))
        if p is not None:
            item["encoder_answer"] = labels[int(np.argmax(p))]
