"""The items of an evaluation run: each fold's test trials made into questions with ground-truth
answers, and the encoder head's own answer on the same items.

Items are built per fold from that fold's test trials only; the evidence reference is the
checkpoint's (fitted on its own training cohort) or, with `reference="train-fold"`, refitted on
the fold's training trials, so nothing about a test trial shapes its own prompt. The folds are made
from the protocol, or read from a saved split (`split_file`, optionally one `fold` of it).

Questions are asked in the checkpoint's label set. On data labelled in the same set every task it
supports is asked; on data labelled otherwise (a seven-emotion checkpoint on SEED's valence classes)
only the tasks scored from valence and arousal are.
"""

from __future__ import annotations

import numpy as np

from encoders.errors import ConfigError
from encoders.evidence import BandReference
from encoders.labels import SEVEN_EMOTIONS, LabelSpace
from training.config import DataSpec
from training.feature_table import FeatureTable
from training.instruction_data import Sources, TaskMix, build_items, encoder_readings, supported_tasks
from training.llm_stages import encoder_probabilities
from training.splits import Split, make_split

from .config import EvalConfig

VALENCE_AROUSAL_TASKS = ("valence_arousal", "compare", "rank")


def eval_data_spec(config: EvalConfig, checkpoint=None, subjects: list[int] | None = None) -> DataSpec:
    """The evaluation's dataset, labelled as the checkpoint was trained (the rating threshold and
    target its language stages, else its encoder, learnt this dataset with; the defaults otherwise)."""
    rule = {}
    for stage in ("align", "encoder") if checkpoint is not None else ():
        trained = (((checkpoint.provenance.get(stage) or {}).get("config") or {}).get("data") or {})
        if trained.get("dataset") == config.dataset:
            rule = {k: trained[k] for k in ("target", "threshold", "inclusive") if k in trained}
            break
    return DataSpec(dataset=config.dataset, root=config.root, subjects=subjects, **rule)


def fold_subjects(config: EvalConfig) -> tuple[list[int] | None, list[int] | None]:
    """(subjects whose clean trials the run reads, subjects whose damaged copies it reads); None: all."""
    if not config.split_file:
        return None, None
    folds = [f for f in Split.load(config.split_file).folds if config.fold in (None, f.name)]
    test = sorted({k[1] for f in folds for k in f.test})
    train = sorted({k[1] for f in folds for k in f.train}) if config.reference == "train-fold" else []
    return sorted(set(test) | set(train)), test


def load_tables(config: EvalConfig, window_s: float, progress: bool, checkpoint=None
                ) -> tuple[FeatureTable, FeatureTable | None]:
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

    clean_subjects, degraded_subjects = fold_subjects(config)
    spec = eval_data_spec(config, checkpoint, clean_subjects)
    table = dataset_table(spec, features, progress)
    degraded = (dataset_table(eval_data_spec(config, checkpoint, degraded_subjects), features, progress,
                              degraded_share=config.degraded_share) if "abstain" in config.tasks else None)
    return table, degraded


def evaluable_tasks(space: LabelSpace, table: FeatureTable) -> tuple[str, ...]:
    """The tasks the checkpoint's label set can be asked on this table's trials."""
    data_space = table.source.get("label_space", SEVEN_EMOTIONS.name)
    tasks = supported_tasks(space)
    if data_space == space.name or all(t.emotion in space.labels for t in table.trials):
        return tasks
    return tuple(t for t in tasks if t in VALENCE_AROUSAL_TASKS)


def _folds(config: EvalConfig, table: FeatureTable) -> Split:
    if not config.split_file:
        return make_split(config.protocol, [t.info for t in table.trials], seed=config.seed, n_folds=config.n_folds)
    split = Split.load(config.split_file)
    split.folds = [f for f in split.folds if config.fold in (None, f.name)]
    if not split.folds:
        raise ConfigError(f"The split file has no fold {config.fold!r}; name one of its folds.")
    known = {tuple(t.key) for t in table.trials}
    missing = [k for f in split.folds for k in f.test if tuple(k) not in known]
    if missing:
        raise ConfigError(f"The split's test trial {tuple(missing[0])} is not in the data; the split was made "
                          f"from another copy of the dataset, so make a new one.")
    return split


def _draw(trials: list, n: int, seed: int) -> list:
    """Up to n trials, dealt label by label in a seeded order (every class kept when it can be)."""
    if not n or len(trials) <= n:
        return trials
    rng = np.random.default_rng(seed)
    by_label: dict[int, list] = {}
    for t in trials:
        by_label.setdefault(t.info.label, []).append(t)
    queues = [[group[i] for i in rng.permutation(len(group))] for _, group in sorted(by_label.items())]
    chosen = []
    while len(chosen) < n:
        for queue in queues:
            if queue and len(chosen) < n:
                chosen.append(queue.pop())
    return sorted(chosen, key=lambda t: t.key)


def build_eval_items(config: EvalConfig, table: FeatureTable, degraded: FeatureTable | None, template,
                     checkpoint_reference: BandReference, encoder=None, temperature: float = 1.0,
                     labels: list[str] | None = None, space: LabelSpace | None = None) -> tuple[list[dict], dict]:
    """Test items of every fold, with ground-truth answers, asked in `space` (the checkpoint's label
    set; default: the one `labels` name). With `encoder`, each recording's evidence carries the
    encoder's pattern match, as in serving, and every single-recording emotion item records the
    encoder head's own answer (`encoder_answer`), the reference the language model is compared with
    on the very same items."""
    from encoders.labels import space_of

    space = space or space_of(labels)
    split = _folds(config, table)
    tasks = [t for t in config.tasks if t in evaluable_tasks(space, table)]
    by_key = {tuple(t.key): t for t in table.trials}
    degraded_by_key = {tuple(t.key): t for t in degraded.trials} if degraded else {}
    tested = {tuple(k) for f in split.folds for k in f.test}
    asked = table.trials if not config.split_file else [t for t in table.trials if tuple(t.key) in tested]
    probabilities = encoder_probabilities(encoder, table, asked, temperature) if encoder is not None else {}
    degraded_asked = ([] if not degraded else degraded.trials if not config.split_file
                      else [t for t in degraded.trials if tuple(t.key) in tested])
    degraded_probabilities = (encoder_probabilities(encoder, degraded, degraded_asked, temperature)
                              if encoder is not None and degraded_asked else {})
    # the encoder's reading over time, which the evidence shows as in serving
    timelines = encoder_readings(encoder, table, asked, temperature, space.labels) if encoder is not None else {}
    items: list[dict] = []
    for index, fold in enumerate(split.folds):
        test = _draw([by_key[tuple(k)] for k in fold.test], config.trials_per_fold, config.seed * 1000 + index)
        train = [by_key[tuple(k)] for k in fold.train if tuple(k) in by_key]
        reference = (table.fit_reference(train, f"training folds of {config.dataset}") if config.reference == "train-fold"
                     else checkpoint_reference)
        sources = Sources(table, degraded, reference, probabilities, degraded_probabilities, timelines, space=space)
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
            from prompts.questions import free_kinds

            fold_items += build_items(sources, test, TaskMix(free=config.free_per_kind * len(free_kinds(space))), template,
                                      seed + 700, ablation=config.ablation, id_prefix=f"{fold.name}/fq-",
                                      targets="truth", heldout_questions=config.questions)
        drawn = {tuple(t.key) for t in test}
        degraded_test = [degraded_by_key[k] for k in map(tuple, fold.test) if k in degraded_by_key and k in drawn]
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
    from prompts.answers import dimension_decision

    from .scoring import item_space

    for item in items:
        if item["task"] == "free" and item.get("kind") in ("valence", "arousal"):
            # the encoder's own valence or arousal read-out: the class its probabilities favour
            ev = Evidence.from_dict(item["evidence"][0])
            decision = dimension_decision(ev, item_space(item), item["kind"]) if ev.supports_emotion else None
            item["encoder_answer"] = f"{decision[0]} {item['kind']}" if decision else "cannot tell"
            continue
        if item["task"] not in ("emotion", "record") or len(item["recordings"]) != 1:
            continue
        rec = item["recordings"][0]
        p = (degraded_probabilities if rec["source"] == "degraded" else probabilities).get(tuple(rec["key"]))
        if p is not None:
            item["encoder_answer"] = labels[int(np.argmax(p))]
