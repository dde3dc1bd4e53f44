"""Instruction data: multi-task examples with chain-of-thought targets, built from a cohort.

Every example is a conversation (system, user with one or more `<eeg>` recordings and their
evidence text, assistant target in the Reasoning/Answer/Confidence format) plus the keys of the
recordings it uses. Rationales come from each recording's measured evidence (`prompts.rationale`);
answers and confidences come from the stage-1 encoder's temperature-scaled class probabilities on
subjects it never saw (see `ItemBuilder`), so they reflect how readable the EEG actually is;
evaluation items carry the ground truth instead.

Deterministic by seed. Built with `datasets` and saved beside the stage artifact. Subjects in
`trials` are the only ones used: callers pass training subjects for training data and held-out
subjects for evaluation items, so test subjects never leak into training.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from encoders.evidence import BandReference, Evidence, label_probabilities
from encoders.labels import SEVEN_EMOTIONS, LabelSpace
from prompts.abstention import chance_among
from prompts.answer_format import ABSTAIN, format_answer
from prompts.evidence_text import render_evidence
from prompts.ordering import encoder_order, order_lines, pattern_class
from prompts.questions import TRAINING, fill, free_kinds, load_questions
from prompts.routing import TASK_KINDS
from prompts.rationale import (
    abstain_rationale,
    arousal_class,
    compare_rationale,
    eeg_only_rationale,
    emotion_rationale,
    rank_rationale,
    scenario_rationale,
    valence_arousal_rationale,
    valence_class,
    without_reading,
)
from prompts.templates import ChatTemplate, load_tasks

from encoders.log import get_logger

from .config import TaskMix
from .feature_table import FeatureTable, TrialRow

log = get_logger(__name__)

TASKS = ("emotion", "valence_arousal", "compare", "rank", "scenario", "record", "abstain", "free")
LETTERS = "ABCD"


@dataclass
class Sources:
    """Where recordings come from: the clean table, and degraded copies for abstention, with the
    encoder's calibrated class probabilities for each (the evidence's pattern match)."""

    table: FeatureTable
    degraded: FeatureTable | None = None
    reference: BandReference | None = None
    probabilities: dict[tuple, np.ndarray] = field(default_factory=dict)  # clean trial key → p(emotion)
    degraded_probabilities: dict[tuple, np.ndarray] = field(default_factory=dict)
    timelines: dict[tuple, list] = field(default_factory=dict)  # clean trial key → the encoder's reading over time
    space: LabelSpace = SEVEN_EMOTIONS  # the classes the probabilities are over (the checkpoint's label set)

    def lookup(self, source: str) -> FeatureTable:
        return self.degraded if source == "degraded" else self.table

    def evidence(self, source: str, trial: TrialRow) -> Evidence:
        probabilities = (self.degraded_probabilities if source == "degraded" else self.probabilities).get(tuple(trial.key))
        timeline = self.timelines.get(tuple(trial.key)) if source == "clean" else None
        return self.lookup(source).evidence(trial, self.reference, None if probabilities is None else
                                            label_probabilities(probabilities, self.space.labels), timeline)


def encoder_readings(encoder, table: FeatureTable, trials: list[TrialRow], temperature: float,
                     labels=SEVEN_EMOTIONS.labels) -> dict[tuple, list]:
    """The encoder's reading over time of each trial (the evidence's timeline), as serving computes it."""
    return {tuple(t.key): table.reading(t, encoder, list(labels), temperature) for t in trials}


def _confidence(value: float) -> float:
    return float(np.clip(round(value, 2), 0.05, 0.95))


def supported_tasks(space: LabelSpace) -> tuple[str, ...]:
    """The tasks (TaskMix fields) a label set can be asked about. Valence/arousal descriptions need
    classes placed on both dimensions; comparisons and rankings need one; situations exist for the
    emotions only; the emotion task and its arms, free questions, records and abstention need nothing
    beyond the classes themselves."""
    tasks = ["emotion", "record", "abstain", "eeg_only", "text_only", "no_pattern", "free", "conversation", "align"]
    if len(space.dimensions) == 2:
        tasks.append("valence_arousal")
    if space.dimensions:
        tasks += ["compare", "rank"]
    if space.emotions and _scenario_ready(space):
        tasks.append("scenario")
    return tuple(tasks)


def routed_kinds(space: LabelSpace) -> tuple[str, ...]:
    """The kinds of question about one recording a checkpoint of label set `space` is trained to
    answer, each with an opening of its own (`prompts.routing`): its class question, the free kinds it
    can answer, and the tasks about one recording it supports."""
    tasks = supported_tasks(space)
    return ("emotion",) + free_kinds(space) + tuple(t for t in TASK_KINDS if t in tasks)


def _scenario_ready(space: LabelSpace) -> bool:
    """Every class has situations, and each has two other classes that differ from it in valence or
    arousal class (the distractors of a situation question)."""
    situations = load_tasks().scenarios
    for label in space.labels:
        if label not in situations:
            return False
        if len([e for e in space.labels if _combo(space, e) != _combo(space, label)]) < 2:
            return False
    return True


def _combo(space: LabelSpace, label: str) -> tuple:
    return space.valence(label), space.arousal(label)


# What a prompt gives the model: the EEG tokens and the evidence text (with the encoder's pattern
# match), one of them, or the tokens and the measured features without the pattern match (the anchor
# paper's setting). Training mixes them so the model reads both inputs; evaluation reports each.
ARMS = ("both", "eeg-only", "text-only", "no-pattern")
ABLATIONS = ARMS


TARGETS = ("encoder", "truth")


class ItemBuilder:
    """Builds items. `targets="encoder"` (training): answers are the decisions the evidence supports
    under the stage-1 encoder's calibrated probabilities (the Bayes decision given everything the
    model is shown), so the language model learns to report and explain the EEG evidence, with
    confidences that match it. `targets="truth"` (evaluation): answers are the ground truth."""

    def __init__(self, sources: Sources, template: ChatTemplate, seed: int, zero_shot: bool = False,
                 ablation: str = "both", id_prefix: str = "", targets: str = "encoder"):
        if ablation not in ABLATIONS:
            raise ValueError(f"unknown ablation {ablation!r}")
        if targets not in TARGETS:
            raise ValueError(f"unknown targets {targets!r}")
        self.targets = targets
        self.sources = sources
        self.template = template
        self.tasks = load_tasks()
        self.rng = random.Random(seed)
        self.zero_shot = zero_shot  # scenarios from the held-out types
        self.ablation = ablation  # evaluation only: withhold the evidence text or the EEG tokens
        self.id_prefix = id_prefix
        self.counter = itertools.count()
        self.space = sources.space
        self.labels = self.space.labels
        self.default_space = self.labels == SEVEN_EMOTIONS.labels  # the seven emotions' own phrasings

    def _va(self, label: str) -> tuple[float | None, float | None]:
        return self.space.value(label, "valence"), self.space.value(label, "arousal")

    # ---- shared pieces ----
    def _probs(self, trial: TrialRow) -> np.ndarray:
        p = self.sources.probabilities.get(tuple(trial.key))
        return np.full(len(self.labels), 1 / len(self.labels)) if p is None else p

    def _question(self, task: str, **fmt) -> str:
        if task == "emotion" and not self.default_space:  # phrasings that name the label set's classes
            return self.rng.choice(self.tasks.questions["classify"]).format(classes=self.space.options())
        return self.rng.choice(self.tasks.questions[task]).format(**fmt)

    def emotion_question(self) -> str:
        """A first question asking for the class: a task phrasing, or a free one (for emotion label sets)."""
        if self.rng.random() < 0.5:
            return self._question("emotion")
        if self.default_space or self.space.emotions:
            return self.free_question("emotion")
        return self._question("emotion")

    def _item(self, task: str, recordings: list[tuple[str, TrialRow]], question: str, reasoning: str,
              answer: str, confidence: float, with_evidence: bool = True, arm: str | None = None,
              follow_ups: list[tuple[str, str]] | None = None) -> dict:
        """One example. `arm` (default: the builder's) decides what the prompt carries; `follow_ups`
        are further (question, reply) turns of the same conversation, each reply trained on."""
        arm = arm or self.ablation
        evidences = [self.sources.evidence(src, t) for src, t in recordings]
        multi = len(recordings) > 1
        # The valence/arousal read-out (chat-v4 on) about one recording only: about several, the order
        # lines between them say what a comparison needs, and three read-outs would not fit the context.
        readout = None if multi else self.template.evidence_readout(self.space)
        texts = [render_evidence(ev, pattern=arm != "no-pattern", readout=readout) for ev in evidences]
        with_eeg = arm != "text-only"
        if with_evidence and arm != "eeg-only":
            blocks = [self.template.recording_block(text, label=str(i + 1) if multi else "")
                      for i, text in enumerate(texts)]
        else:
            blocks = [f"EEG{' ' + str(i + 1) if multi else ''}: {self.template.placeholder}" for i in range(len(recordings))]
        if not with_eeg:
            blocks = [b.replace(self.template.placeholder, "(not provided)") for b in blocks]
        # The encoder's order across recordings is its reading, shown where the pattern match is.
        between = (order_lines(evidences, self.space, self.template.shared_class_clause)
                   if multi and with_evidence and arm not in ("eeg-only", "no-pattern") else None)
        target = reasoning if task.startswith("align") else format_answer(reasoning, answer, confidence)
        messages = [{"role": "system", "content": self.template.system},
                    {"role": "user", "content": self.template.user_turn(blocks, question, between)},
                    {"role": "assistant", "content": target}]
        for follow_question, reply in follow_ups or []:
            messages += [{"role": "user", "content": self.template.follow_up_turn(follow_question)},
                         {"role": "assistant", "content": reply}]
        return {
            "id": f"{self.id_prefix}{task}-{next(self.counter):05d}",
            "eeg": with_eeg,
            "arm": arm,
            "task": task,
            "recordings": [{"source": src, "key": list(t.key)} for src, t in recordings],
            "subjects": [t.info.subject for _, t in recordings],
            "question": question,  # as asked in the first user turn (what a question router reads)
            "messages": messages,
            "answer": answer,
            "confidence": confidence,
            "evidence": [ev.to_dict() for ev in evidences],
            "zero_shot": self.zero_shot and task == "scenario",
            "label_space": self.space.to_dict(),  # the classes answers and conclusions are read in
        }

    # ---- targets: what the evidence supports (training) or the ground truth (evaluation) ----
    def _emotion_target(self, trial: TrialRow, decision: bool = False) -> str:
        """The answer: the truth (evaluation), or the decision the encoder's probabilities support
        (training; `decision=True` always gives that, e.g. for what the EEG tokens read)."""
        if self.targets == "truth" and not decision:
            return trial.emotion
        return self.labels[int(np.argmax(self._probs(trial)))]

    def _combo_probabilities(self, trial: TrialRow) -> dict[str, float]:
        combos: dict[str, float] = {}
        for p, label in zip(self._probs(trial), self.labels):
            key = f"{self.space.valence(label)} valence, {self.space.arousal(label)} arousal"
            combos[key] = combos.get(key, 0.0) + float(p)
        return combos

    def _expected(self, trial: TrialRow, dimension: int) -> float:
        """Value on a dimension: the truth, or its expectation under the encoder's probabilities."""
        if self.targets == "truth":
            return _value(trial, dimension)
        return float(np.dot(self._probs(trial), [self._va(e)[dimension] for e in self.labels]))

    # ---- tasks ----
    def emotion(self, trial: TrialRow, clinical: bool = False, arm: str | None = None) -> dict:
        task = "record" if clinical else "emotion"
        arm = arm or self.ablation
        ev = self.sources.evidence("clean", trial)
        answer = self._emotion_target(trial)
        if arm == "eeg-only" and not clinical:
            reasoning = eeg_only_rationale(answer)
        elif arm == "no-pattern":
            read = self._emotion_target(trial, decision=True) if tuple(trial.key) in self.sources.probabilities else None
            reasoning = emotion_rationale(without_reading(ev), answer, self.rng, clinical=clinical, tokens_read=read,
                                          space=self.space)
        else:
            reasoning = emotion_rationale(ev, answer, self.rng, clinical=clinical, space=self.space)
        question = self._question(task) if clinical else self.emotion_question()
        return self._item(task, [("clean", trial)], question, reasoning, answer,
                          _confidence(self._probs(trial)[self.labels.index(answer)]), arm=arm)

    def free_question(self, kind: str, bank: str | None = None, follow_up: bool = False, **slots) -> str:
        """A phrasing of a free question of `kind` from `bank` (default: the training bank)."""
        bank = load_questions(bank or TRAINING)
        return fill(self.rng.choice(bank.phrasings(kind, follow_up)), **slots)

    def abstain(self, trial: TrialRow) -> dict:
        ev = self.sources.evidence("degraded", trial)
        task = self.rng.choice(["emotion", "record"])
        return self._item("abstain", [("degraded", trial)], self._question(task), abstain_rationale(ev, task),
                          ABSTAIN, chance_among(self.space.labels))

    def valence_arousal(self, trial: TrialRow) -> dict:
        ev = self.sources.evidence("clean", trial)
        combos = self._combo_probabilities(trial)
        if self.targets == "truth":
            answer = f"{valence_class(trial.valence)} valence, {arousal_class(trial.arousal)} arousal"
        else:
            answer = max(combos, key=combos.get)
        v_class, a_class = answer.split(" valence, ")[0], answer.split(", ")[1].split(" ")[0]
        return self._item("valence_arousal", [("clean", trial)], self._question("valence_arousal"),
                          valence_arousal_rationale(ev, v_class, a_class, self.rng, self.space), answer,
                          _confidence(combos.get(answer, 0.0)))

    def _pair_probability(self, a: TrialRow, b: TrialRow, dimension: int) -> float:
        """P(a's value > b's value) under the encoder's class probabilities (ties ignored)."""
        values = np.array([self._va(e)[dimension] for e in self.labels])
        greater = values[:, None] > values[None, :]
        differ = values[:, None] != values[None, :]
        joint = np.outer(self._probs(a), self._probs(b))
        total = float((joint * differ).sum())
        return float((joint * greater).sum()) / total if total > 0 else 0.5

    def _shown_order(self, evidences: list[Evidence], dimension: str) -> list[int] | None:
        """The encoder's order as the prompt shows it (None where the template shows none)."""
        return encoder_order(evidences, dimension, self.space) if self.template.shows_order else None

    def compare(self, a: TrialRow, b: TrialRow, dimension: str) -> dict:
        d = 0 if dimension == "valence" else 1
        p = self._pair_probability(a, b, d)
        evidences = [self.sources.evidence("clean", t) for t in (a, b)]
        shown = self._shown_order(evidences, dimension)
        if self.targets == "truth":
            winner = 1 if _value(a, d) > _value(b, d) else 2
        elif shown:  # the order the prompt shows (classes first, then the full pattern match)
            winner = shown[0]
        else:  # the pattern matches' classes when they differ (what the rationale derives it from)
            order = encoder_order(evidences, dimension, self.space)
            classes_differ = order is not None and len({pattern_class(ev, dimension, self.space) for ev in evidences}) > 1
            winner = order[0] if classes_differ else (1 if p >= 0.5 else 2)
        return self._item("compare", [("clean", a), ("clean", b)], self._question(f"compare_{dimension}"),
                          compare_rationale(evidences, dimension, winner, self.space, shown,
                                            self.template.shared_class_clause), f"recording {winner}",
                          _confidence(p if winner == 1 else 1 - p))

    def rank(self, trials: Sequence[TrialRow], dimension: str) -> dict:
        d = 0 if dimension == "valence" else 1
        evidences = [self.sources.evidence("clean", t) for t in trials]
        shown = self._shown_order(evidences, dimension)
        if shown and self.targets != "truth":
            order = [i - 1 for i in shown]
        else:
            order = sorted(range(len(trials)), key=lambda i: -self._expected(trials[i], d))
        # Confidence: how strongly the probabilities back each ordered pair of the ranking.
        agreement = [self._pair_probability(trials[order[i]], trials[order[j]], d)
                     for i, j in itertools.combinations(range(len(trials)), 2)]
        ranking = [i + 1 for i in order]
        return self._item("rank", [("clean", t) for t in trials], self._question(f"rank_{dimension}"),
                          rank_rationale(evidences, dimension, ranking, self.space, shown,
                                         self.template.shared_class_clause),
                          ", ".join(map(str, ranking)), _confidence(float(np.mean(agreement))))

    def scenario(self, trial: TrialRow) -> dict:
        # The options always include the situation of the trial's true emotion plus two that differ
        # in valence or arousal; the answer is the true one (evaluation) or the one the evidence favours.
        pool = self.tasks.scenario_pool(trial.emotion, held_out=self.zero_shot)
        distinguishable = [e for e in self.labels if e != trial.emotion and
                           _combo(self.space, e) != _combo(self.space, trial.emotion)]
        others = self.rng.sample(distinguishable, 2)
        options = [(trial.emotion, self.rng.choice(pool))] + [(e, self.rng.choice(self.tasks.scenario_pool(e, self.zero_shot)))
                                                             for e in others]
        self.rng.shuffle(options)
        p = self._probs(trial)
        option_p = np.array([p[self.labels.index(e)] for e, _ in options])
        chosen = [e for e, _ in options].index(trial.emotion) if self.targets == "truth" else int(option_p.argmax())
        letter = LETTERS[chosen]
        listing = "\n".join(f"{LETTERS[i]}) {text}" for i, (_, text) in enumerate(options))
        ev = self.sources.evidence("clean", trial)
        item = self._item("scenario", [("clean", trial)], self._question("scenario", options=listing),
                          scenario_rationale(ev, options[chosen][0], letter, [e for e, _ in options], self.rng, self.space),
                          letter,
                          _confidence(option_p[chosen] / option_p.sum()))
        item["option_emotions"] = [e for e, _ in options]  # lets the evaluator read an emotion conclusion
        return item

def _value(trial: TrialRow, dimension: int) -> float:
    return trial.valence if dimension == 0 else trial.arousal


def _distinct(trials: Sequence[TrialRow], dimension: int, min_gap: float = 0.25) -> bool:
    values = [_value(t, dimension) for t in trials]
    return all(abs(x - y) >= min_gap for x, y in itertools.combinations(values, 2))


def _draw(rng: random.Random, trials: list[TrialRow], k: int, dimension: int, gap: float) -> list[TrialRow] | None:
    """k trials whose values on `dimension` differ pairwise by at least `gap` (None if none found)."""
    if len(trials) < k:
        return None
    for _ in range(500):
        chosen = rng.sample(trials, k)
        if _distinct(chosen, dimension, gap):
            return chosen
    return None


def build_items(sources: Sources, trials: list[TrialRow], mix: TaskMix, template: ChatTemplate, seed: int,
                zero_shot_scenarios: bool = False, degraded_trials: list[TrialRow] | None = None,
                ablation: str = "both", id_prefix: str = "", targets: str = "encoder",
                heldout_questions: str | None = None) -> list[dict]:
    """`mix` examples drawn from `trials` (and `degraded_trials` for abstention and alignment),
    deterministic by seed. `heldout_questions`: the held-out bank (name or YAML file) free questions
    are asked in, for evaluation (default: the training bank)."""
    from .align_items import ALIGN_TASKS, align_item
    from .free_items import balance_reference_trials, conversation_item, free_item, free_rotation

    builder = ItemBuilder(sources, template, seed, zero_shot=zero_shot_scenarios, ablation=ablation,
                          id_prefix=id_prefix, targets=targets)
    rng = random.Random(seed + 1)
    items: list[dict] = []

    def cycle(n: int) -> list[TrialRow]:
        order: list[TrialRow] = []
        while len(order) < n:
            batch = list(trials)
            rng.shuffle(batch)
            order += batch
        return order[:n]

    counts = mix.counts()
    unsupported = sorted(set(counts) - set(supported_tasks(sources.space)))
    if unsupported:
        log.info("Label set %s cannot be asked %s; those examples are left out", sources.space.name,
                 ", ".join(unsupported))
        counts = {k: v for k, v in counts.items() if k not in unsupported}
    # Evaluation asks every kind equally often; training leans on the kinds hardest to tell apart.
    kinds = free_kinds(sources.space) if heldout_questions else free_rotation(sources.space)
    # Minimal pairs: the class question, the valence/arousal question and the free questions walk
    # one shuffled order of the trials from its start, so the recordings of the shorter lists are
    # asked the longer ones' questions too and only the question, never the evidence, tells which
    # answer format fits.
    shared = cycle(max(counts.get("emotion", 0), counts.get("valence_arousal", 0), counts.get("free", 0)))
    for trial in shared[:counts.get("emotion", 0)]:
        items.append(builder.emotion(trial))
    for trial in cycle(counts.get("record", 0)):
        items.append(builder.emotion(trial, clinical=True))
    for trial in shared[:counts.get("valence_arousal", 0)]:
        items.append(builder.valence_arousal(trial))
    for trial in cycle(counts.get("scenario", 0)):
        items.append(builder.scenario(trial))
    for arm in ("eeg-only", "text-only", "no-pattern"):  # the emotion task without one of the inputs
        for trial in cycle(counts.get(arm.replace("-", "_"), 0)):
            items.append(builder.emotion(trial, arm=arm))
    free_trials = shared[:counts.get("free", 0)]
    if not heldout_questions:
        free_trials = balance_reference_trials(builder, free_trials, kinds, trials)
    for i, trial in enumerate(free_trials):
        items.append(free_item(builder, trial, kinds[i % len(kinds)], bank=heldout_questions))
    for trial in cycle(counts.get("conversation", 0)):
        items.append(conversation_item(builder, trial))
    for i, trial in enumerate(cycle(counts.get("align", 0))):
        task = ALIGN_TASKS[i % len(ALIGN_TASKS)]
        if degraded_trials and task in ("align_quality", "align_emotion") and rng.random() < 0.3:
            items.append(align_item(builder, "degraded", rng.choice(degraded_trials), task))
        else:
            items.append(align_item(builder, "clean", trial, task))
    dimensions = [d for d in sources.space.dimensions
                  if len({round(v, 3) for t in trials if np.isfinite(v := _value(t, 0 if d == "valence" else 1))}) > 1]
    for i in range(counts.get("compare", 0) if dimensions else 0):
        dimension = dimensions[i % len(dimensions)]
        pair = _draw(rng, trials, 2, 0 if dimension == "valence" else 1, 0.3)
        if pair:
            items.append(builder.compare(*pair, dimension))
    for i in range(counts.get("rank", 0) if dimensions else 0):
        dimension = dimensions[i % len(dimensions)]
        triple = _draw(rng, trials, 3, 0 if dimension == "valence" else 1, 0.25)
        if triple:
            items.append(builder.rank(triple, dimension))
    if counts.get("abstain"):
        if not degraded_trials:
            raise ValueError("abstention examples need degraded recordings")
        pool = list(degraded_trials)
        for i in range(counts["abstain"]):
            if i % len(pool) == 0:
                rng.shuffle(pool)
            items.append(builder.abstain(pool[i % len(pool)]))
    rng.shuffle(items)
    return items


def to_dataset(items: list[dict]):
    """A `datasets.Dataset` (evidence and messages kept as JSON strings: nested, ragged records)."""
    import json

    import datasets

    nested = ("messages", "evidence", "recordings", "label_space")
    rows = [{**{k: v for k, v in item.items() if k not in nested}, **{k: json.dumps(item[k]) for k in nested if k in item}}
            for item in items]
    return datasets.Dataset.from_list(rows)


def from_dataset(dataset) -> list[dict]:
    import json

    nested = ("messages", "evidence", "recordings", "label_space")
    return [{**row, **{k: json.loads(row[k]) for k in nested if row.get(k) is not None}} for row in dataset]
