"""Metrics of an evaluation run, from its scored results (evaluation/run.py)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from encoders.labels import EMOTIONS
from prompts.answer_format import ABSTAIN

from training.metrics import classification_report, expected_calibration_error

# Answer vocabularies of the classification tasks (index = class); anything else is invalid (−1).
_VA = [f"{v} valence, {a} arousal" for v in ("positive", "neutral", "negative") for a in ("high", "low")]
VOCABULARIES = {
    "emotion": list(EMOTIONS),
    "record": list(EMOTIONS),
    "valence_arousal": _VA,
    "compare": ["recording 1", "recording 2"],
    "scenario": ["A", "B", "C"],
}


def _labels(results: list[dict], vocabulary: list[str]) -> tuple[np.ndarray, np.ndarray]:
    index = {v: i for i, v in enumerate(vocabulary)}
    truth = np.array([index.get(r["target"], -1) for r in results])
    pred = np.array([index.get(r["parsed"]["answer"], -1) for r in results])
    keep = truth >= 0
    return truth[keep], pred[keep]


def _faithfulness(results: list[dict]) -> dict:
    claims = [c for r in results for c in r["claims"]]
    per_item = [np.mean([c["holds"] for c in r["claims"]]) for r in results if r["claims"]]
    return {"faithfulness": float(np.mean([c["holds"] for c in claims])) if claims else float("nan"),
            "faithfulness_item_mean": float(np.mean(per_item)) if per_item else float("nan"),
            "claims": len(claims), "items_with_claims": len(per_item)}


def _format(results: list[dict]) -> dict:
    formed = [r for r in results if r["parsed"]["well_formed"]]
    guarded = sum(bool(r.get("loop_guard")) for r in results)  # completed by the loop guard
    unguarded = [r for r in formed if not r.get("loop_guard")]
    return {"n": len(results),
            "parse_rate": len(formed) / len(results) if results else float("nan"),
            "parse_rate_unguarded": len(unguarded) / len(results) if results else float("nan"),
            "loop_guard_repairs": guarded,
            "answer_line_guard_repairs": sum(bool(r.get("answer_line_guard")) for r in results),
            "consistency": _mean([r["consistent"] for r in formed if r["consistent"] is not None])}


def _mean(values: list) -> float:
    return float(np.mean(values)) if values else float("nan")


def _free(results: list[dict]) -> dict:
    """Free questions: how often the reply answers the question asked, accuracy per kind, how often an
    Answer line that states a measurement holds against the evidence, and the valence and arousal
    answers beside the encoder's own read-out on the same items."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        by_kind[r["kind"]].append(r)
    out = {"answered_as_asked": _mean([bool(r["answered_as_asked"]) for r in results]),
           "per_kind": {kind: {"n": len(rs), "answered_as_asked": _mean([bool(r["answered_as_asked"]) for r in rs]),
                               "accuracy": _mean([r["correct"] for r in rs]),
                               "answer_lines_failing": sum(_line_fails(r) for r in rs)}
                        for kind, rs in sorted(by_kind.items())}}
    # Answer lines that state a measurement ("favours left (+0.27)"), and how many of them hold
    # against the evidence in every part (results scored before lines were checked have none).
    stating = [r for r in results if r.get("answer_claims")]
    out["answer_lines_stating"] = len(stating)
    out["answer_lines_hold"] = _mean([not _line_fails(r) for r in stating])
    routed = [r for r in results if r.get("route")]
    if routed:  # runs answered with the question router: how often it was sure, and of the kind asked
        out["routed"] = len(routed) / len(results)
        out["routed_as_asked"] = _mean([r["route"]["kind"] == r["kind"] for r in routed])
        # Before the answer-line guard wrote Answer lines again under the routed kind (results
        # stored before the guard existed count as unguarded).
        before = [r | {"answered_as_asked": r.get("answered_as_asked_unfitted", r["answered_as_asked"]),
                       "correct": r.get("correct_unfitted", r["correct"])} for r in results]
        out["answered_as_asked_unfitted"] = _mean([bool(r["answered_as_asked"]) for r in before])
        out["accuracy_unfitted"] = _mean([bool(r["correct"]) for r in before])
        out.update({f"{key}_unfitted": value for key, value in _dimensions(before).items() if "encoder" not in key})
        out["answer_lines_fitted"] = sum(bool(r.get("answer_line_guard")) for r in results)
    return out | _dimensions(results)


def _line_fails(result: dict) -> bool:
    """Whether a claim of the result's Answer line fails against the evidence."""
    return any(not c["holds"] for c in result.get("answer_claims") or [])


def _dimensions(results: list[dict]) -> dict:
    """Valence and arousal answers beside the encoder's own read-out on the same items."""
    out = {}
    for kind in ("valence", "arousal"):
        rs = [r for r in results if r["kind"] == kind and r["target"] != ABSTAIN]
        out[f"{kind}_accuracy"] = _mean([r["correct"] for r in rs])
        out[f"encoder_{kind}_accuracy"] = _mean([r["encoder_correct"] for r in rs if r["encoder_correct"] is not None])
    return out


def _calibration(results: list[dict]) -> dict:
    answered = [r for r in results if r["parsed"]["well_formed"] and r["parsed"]["answer"] != ABSTAIN
                and r["task"] != "abstain" and r["parsed"]["confidence"] is not None]
    if not answered:
        return {"ece": float("nan"), "reliability": [], "n_calibration": 0}
    ece, bins = expected_calibration_error([r["parsed"]["confidence"] for r in answered],
                                           [r["correct"] for r in answered])
    return {"ece": ece, "reliability": bins, "n_calibration": len(answered),
            "mean_confidence": float(np.mean([r["parsed"]["confidence"] for r in answered])),
            "accuracy_of_answered": float(np.mean([r["correct"] for r in answered]))}


def _abstention(results: list[dict]) -> dict:
    """Abstains on poor inputs (recall), not on good ones (false-abstention rate)."""
    poor = [r for r in results if r["task"] == "abstain"]
    good = [r for r in results if r["task"] in ("emotion", "record") and all(q != "poor" for q in r["quality"])]
    abstained = lambda rs: [r["parsed"]["answer"] == ABSTAIN for r in rs]  # noqa: E731
    out = {"abstain_on_poor": float(np.mean(abstained(poor))) if poor else float("nan"),
           "abstain_on_good": float(np.mean(abstained(good))) if good else float("nan"),
           "n_poor": len(poor), "n_good": len(good)}
    if poor and good:
        tp, fp = sum(abstained(poor)), sum(abstained(good))
        out["abstention_precision"] = tp / (tp + fp) if tp + fp else float("nan")
        out["abstention_recall"] = out["abstain_on_poor"]
    return out


def task_metrics(task: str, results: list[dict]) -> dict:
    out = {**_format(results), **_faithfulness(results)}
    subjects = [r["subjects"][0] for r in results]
    if task in VOCABULARIES:
        vocabulary = VOCABULARIES[task]
        if task in ("emotion", "record") and results and results[0].get("labels"):
            vocabulary = list(results[0]["labels"])  # the label set the items were asked in
        truth, pred = _labels(results, vocabulary)
        keep = [r for r in results if r["target"] in vocabulary]
        report = classification_report(truth, pred, len(vocabulary), groups=[r["subjects"][0] for r in keep])
        out.update({k: v for k, v in report.items() if k != "per_subject"})
        out["per_subject"] = report.get("per_subject", {})
        out["labels"] = vocabulary
        reference = [r["encoder_correct"] for r in results if r.get("encoder_correct") is not None]
        if reference:  # the stage-1 encoder's head on the same items
            out["encoder_accuracy_same_items"] = float(np.mean(reference))
    else:
        out["accuracy"] = float(np.mean([r["correct"] for r in results])) if results else float("nan")
        if task == "free":
            out.update(_free(results))
        if task == "rank":
            out["pairwise_agreement"] = float(np.mean([_pairwise(r) for r in results]))
        per = defaultdict(list)
        for r, s in zip(results, subjects):
            per[str(s)].append(r["correct"])
        out["per_subject"] = {s: {"accuracy": float(np.mean(v))} for s, v in per.items()}
    return out


def _pairwise(result: dict) -> float:
    """Share of recording pairs a ranking orders as the truth does (0 if unparseable)."""
    truth = [x.strip() for x in result["target"].split(",")]
    answer = result["parsed"]["answer"]
    if not answer:
        return 0.0
    given = [x.strip() for x in answer.split(",")]
    if sorted(given) != sorted(truth):
        return 0.0
    pos = {v: i for i, v in enumerate(given)}
    pairs = [(a, b) for i, a in enumerate(truth) for b in truth[i + 1:]]
    return float(np.mean([pos[a] < pos[b] for a, b in pairs])) if pairs else 1.0


def compute_metrics(results: list[dict], total_items: int | None = None) -> dict:
    by_task: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        by_task[r["task"]].append(r)
    tasks = {task: task_metrics(task, rs) for task, rs in sorted(by_task.items())}
    emotion = tasks.get("emotion", {})
    zero_shot = [r for r in results if r["task"] == "scenario" and r["zero_shot"]]
    per_subject: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        per_subject[str(r["subjects"][0])].append(r["correct"])
    metrics = {
        "n_items": len(results),
        "complete": total_items is None or len(results) >= total_items,
        # Top level: the 7-way emotion task's label metrics (the headline), then format and honesty.
        "accuracy": emotion.get("accuracy", float("nan")),
        "balanced_accuracy": emotion.get("balanced_accuracy", float("nan")),
        "macro_f1": emotion.get("macro_f1", float("nan")),
        "cohen_kappa": emotion.get("cohen_kappa", float("nan")),
        "confusion_matrix": emotion.get("confusion_matrix"),
        "encoder_accuracy_same_items": emotion.get("encoder_accuracy_same_items", float("nan")),
        **_format(results),
        **_faithfulness(results),
        **_calibration(results),
        **_abstention(results),
        "free_answered_as_asked": tasks.get("free", {}).get("answered_as_asked", float("nan")),
        "free_answer_lines_hold": tasks.get("free", {}).get("answer_lines_hold", float("nan")),
        "zero_shot_scenario_accuracy": float(np.mean([r["correct"] for r in zero_shot])) if zero_shot else float("nan"),
        "overall_item_accuracy": float(np.mean([r["correct"] for r in results])) if results else float("nan"),
        "per_subject": {s: float(np.mean(v)) for s, v in sorted(per_subject.items())},
        "tasks": tasks,
    }
    metrics["n"] = len(results)
    return metrics


def metrics_rows(metrics: dict) -> list[list]:
    """A flat table for the CSV: one row per task with the headline columns."""
    columns = ["n", "accuracy", "balanced_accuracy", "macro_f1", "cohen_kappa", "parse_rate", "consistency",
               "faithfulness"]
    rows = [["task", *columns]]
    rows.append(["all", *[_fmt(metrics.get(c)) for c in columns]])
    for task, m in metrics["tasks"].items():
        rows.append([task, *[_fmt(m.get(c)) for c in columns]])
    return rows


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if np.isnan(value) else f"{value:.4f}"
    return str(value)
