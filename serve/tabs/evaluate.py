"""Batch-evaluation tab: run `evaluation.run_evaluation` on a dataset and protocol, show metrics and the
confusion matrix, offer the run's files for download. The app's own checkpoint runs on the app's
engine; another checkpoint gets an engine of its own for the duration of the run.

Progress is shown per answered item. Cancel stops the session's run between items (the answers
already in the engine are finished and saved); the run folder is named after the settings, so
running the same settings again resumes it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import gradio as gr

from encoders.errors import EEGReasonError
from encoders.paths import home

from ..assistant import Assistant, answerer_for

DATASETS = ("synthetic", "seed", "seed-iv", "seed-v", "seed-vii", "deap", "dreamer")
PROTOCOLS = ("loso", "cross-trial", "cross-session", "leave-stimulus-out")


def metrics_markdown(metrics: dict, synthetic: bool) -> str:
    def num(v):
        return "n/a" if v is None or v != v else f"{v:.3f}"

    lines = []
    if synthetic:
        lines.append("**SYNTHETIC data** — generated recordings, no clinical validity.\n")
    lines += [f"**{metrics['n_items']} items**", "",
              "| metric | value |", "|---|---|",
              f"| Answer lines written again (answer-line guard) | {metrics.get('answer_line_guard_repairs', 0)} |",
              *[f"| {label} | {num(metrics.get(key))} |" for key, label in (
                  ("accuracy", "7-way accuracy"), ("balanced_accuracy", "balanced accuracy"), ("macro_f1", "macro-F1"),
                  ("cohen_kappa", "Cohen's κ"), ("parse_rate", "answer format parsed"),
                  ("parse_rate_unguarded", "… by the model alone (no loop guard)"),
                  ("consistency", "reasoning ↔ answer consistency"), ("faithfulness", "faithful feature claims"),
                  ("free_answer_lines_hold", "free questions' Answer lines that hold"),
                  ("ece", "ECE (stated confidence)"), ("abstain_on_poor", "abstains on poor recordings"),
                  ("abstain_on_good", "abstains on good recordings"),
                  ("zero_shot_scenario_accuracy", "zero-shot scenario accuracy"))],
              "", "| task | n | accuracy | parse | consistency | faithfulness |", "|---|---|---|---|---|---|"]
    for task, m in metrics["tasks"].items():
        lines.append(f"| {task} | {m['n']} | {num(m.get('accuracy'))} | {num(m['parse_rate'])} | "
                     f"{num(m['consistency'])} | {num(m['faithfulness'])} |")
    return "\n".join(lines)


def run_folder(config) -> Path:
    """One folder per settings (and checkpoint config): the same settings resume the same run."""
    checkpoint_config = Path(config.checkpoint) / "config.json"
    key = json.dumps(config.to_dict(), sort_keys=True) + (checkpoint_config.read_text()
                                                          if checkpoint_config.is_file() else "")
    return home() / "evaluations" / hashlib.sha256(key.encode()).hexdigest()[:16]


def build_evaluate_tab(assistant: Assistant) -> None:
    from evaluation import EVAL_TASKS
    from training.splits import sessions_needed

    gr.Markdown("Evaluate answers, reasoning consistency, faithfulness to the measured EEG and calibration on a "
                "leak-free split. Synthetic cohorts are generated on the fly; released datasets need their folder. "
                "Cancel stops between items; running the same settings again resumes.")
    with gr.Row():
        checkpoint = gr.Textbox(value=str(assistant.checkpoint), label="Checkpoint folder")
        dataset = gr.Dropdown(choices=list(DATASETS), value="synthetic", label="Dataset")
        root = gr.Textbox(value="", label="Dataset folder (released datasets only)")
    with gr.Row():
        protocol = gr.Dropdown(choices=list(PROTOCOLS), value="loso", label="Protocol")
        seed = gr.Number(value=20, precision=0, label="Synthetic cohort seed")
        subjects = gr.Number(value=3, precision=0, label="Synthetic subjects")
        tasks = gr.CheckboxGroup(choices=list(EVAL_TASKS), value=["emotion", "valence_arousal", "abstain"], label="Tasks")
    with gr.Row():
        run = gr.Button("Run evaluation", variant="primary")
        cancel = gr.Button("Cancel", variant="stop")
    summary = gr.Markdown()
    confusion = gr.Image(label="Confusion matrix (7-way emotion)", type="filepath")
    files = gr.File(label="Results (metrics, per-item answers, report)", file_count="multiple")
    running: dict[str, threading.Event] = {}  # browser session -> its run's cancel flag

    def evaluate(checkpoint_dir, dataset_name, root_dir, protocol_name, cohort_seed, n_subjects, task_names,
                 request: gr.Request, progress=gr.Progress()):
        from evaluation import EvalConfig, run_evaluation

        stop = running[request.session_hash] = threading.Event()
        try:
            if not task_names:
                return "Choose at least one task.", None, None
            same = Path(checkpoint_dir).resolve() == assistant.checkpoint.resolve()
            engine_config = assistant.engine_config
            config = EvalConfig(
                checkpoint=str(Path(checkpoint_dir)), dataset=dataset_name, root=root_dir or None,
                cohort_seed=int(cohort_seed), subjects=int(n_subjects),
                sessions=sessions_needed(protocol_name), protocol=protocol_name,
                tasks=list(task_names), reference="checkpoint" if dataset_name == "synthetic" else "train-fold",
                engine={"backend": engine_config.backend, "dtype": engine_config.dtype})
            run_dir = run_folder(config)
            progress(0, desc="preparing data and items (a new cohort takes a few minutes)")
            # The app's own checkpoint answers on the app's engine; another gets an engine for this run only.
            answerer = assistant if same else answerer_for(checkpoint_dir, config.engine)
            metrics = run_evaluation(config, run_dir, answerer, progress=False, cancel=stop,
                                     on_progress=lambda done, total: progress(
                                         (done, total), desc=f"{done}/{total} items answered", unit="items"))
        except EEGReasonError as err:
            return f"⚠️ {err}", None, None
        finally:
            running.pop(request.session_hash, None)
        image = run_dir / "confusion.png"
        outputs = [str(run_dir / n) for n in ("metrics.json", "metrics.csv", "results.jsonl", "report.html")]
        text = metrics_markdown(metrics, dataset_name == "synthetic")
        if not metrics["complete"]:
            text = (f"**Cancelled** after {metrics['n_items']} items; the metrics below cover those only. Run the "
                    f"same settings again to resume.\n\n") + text
        return text, str(image) if image.exists() else None, outputs

    def cancel_run(request: gr.Request) -> str:
        stop = running.get(request.session_hash)
        if stop is None:
            return "No evaluation is running in this session."
        stop.set()
        return "Cancelling: the answers already in the engine are finished and saved, then the run stops."

    run.click(evaluate, [checkpoint, dataset, root, protocol, seed, subjects, tasks], [summary, confusion, files],
              api_name="evaluate")
    # Not Gradio's `cancels=`: that abandons the handler but not the thread running the evaluation.
    cancel.click(cancel_run, None, [summary], api_name="evaluate_cancel")
