"""Package a stage-3 run as the shipped demo checkpoint, evaluated on held-out synthetic subjects.

    python -m bench.demo_model --run runs/instruct-demo --out checkpoints/demo

Copies what serving needs (config, encoder, projector, LoRA adapter: the merged LLM is rebuilt
from the embedded LLM + adapter at first use, so the folder stays small), runs the evaluator on a
synthetic cohort no stage saw, and writes a model card with the commands, seeds, data and the
measured metrics. Only the shipped checkpoint (`checkpoints/demo`) rewrites BENCHMARKS.md's account;
a candidate packaged elsewhere gets its card and metrics and leaves that account as it is.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from encoders.log import configure_logging
from projector.checkpoint import copy_checkpoint, read_config, update_checkpoint
from serve import quiet

from .report import write_section

# vLLM's engine processes import this module first (spawn): quiet them as the CLI's are.
quiet.quiet_if_inherited()

EVAL_SEED = 30
EVAL_SUBJECTS = 6


def package(run: Path, out: Path) -> Path:
    """What serving needs from a stage-3 run (config, encoder, projector, adapter), nothing else."""
    if not read_config(run).adapter:
        raise SystemExit(f"{run} has no LoRA adapter; pass a stage-3 (instruct) run.")
    copy_checkpoint(run, out, parts=("encoder", "projector", "adapter"))
    return out


# What the prompt carries in each evaluated arm: both inputs (as served), the EEG tokens alone, the
# evidence text alone, and the tokens with the measured features but no pattern match.
ARMS = ("both", "eeg-only", "text-only", "no-pattern")


def eval_config(checkpoint: Path, ablation: str = "both", tasks: list[str] | None = None):
    from evaluation import EvalConfig
    from evaluation.config import EVAL_TASKS

    return EvalConfig(checkpoint=str(checkpoint), cohort_seed=EVAL_SEED, subjects=EVAL_SUBJECTS, trials_per_emotion=2,
                      protocol="loso", ablation=ablation, tasks=list(tasks or EVAL_TASKS),
                      engine={"backend": "vllm", "dtype": "float32"})


def evaluate(checkpoint: Path, run_dir: Path) -> tuple[dict, dict[str, dict]]:
    """Every task with both inputs, then the emotion task in each other arm, on the same held-out
    items and one engine. Returns the full metrics and each arm's."""
    from evaluation import run_evaluation
    from serve.assistant import answerer_for

    config = eval_config(checkpoint)
    assistant = answerer_for(checkpoint, config.engine)()
    try:
        assistant.start_engine()
        metrics = run_evaluation(config, run_dir, assistant)
        arms = {"both": metrics}
        for arm in ARMS[1:]:
            arms[arm] = run_evaluation(eval_config(checkpoint, arm, ["emotion"]), run_dir.with_name(
                f"{run_dir.name}-{arm}"), assistant)
    finally:
        assistant.close()
    return metrics, arms


def rescore_all(run_dir: Path) -> tuple[dict, dict[str, dict]]:
    from evaluation import rescore

    metrics = rescore(run_dir)
    arms = {"both": metrics}
    for arm in ARMS[1:]:
        folder = run_dir.with_name(f"{run_dir.name}-{arm}")
        if folder.exists():
            arms[arm] = rescore(folder)
    return metrics, arms


def figure(value) -> str:
    """A measured value as the tables print it: three decimals, or n/a where nothing was measured."""
    return "n/a" if value is None or value != value else f"{value:.3f}"


def measured_tables(metrics: dict) -> str:
    """The held-out metrics as Markdown: headline figures, then one row per task."""
    rows = "\n".join(f"| {task} | {m['n']} | {figure(m.get('accuracy'))} | {figure(m['parse_rate'])} | "
                     f"{figure(m['consistency'])} | {figure(m['faithfulness'])} |" for task, m in metrics["tasks"].items())
    return f"""| | value |
|---|---|
| 7-way emotion accuracy (LLM answer) | {figure(metrics['accuracy'])} |
| stage-1 encoder head, same items | {figure(metrics.get('encoder_accuracy_same_items'))} |
| balanced accuracy / macro-F1 / κ | {figure(metrics['balanced_accuracy'])} / {figure(metrics['macro_f1'])} / {figure(metrics['cohen_kappa'])} |
| chance (7 classes) | 0.143 |
| answer format parsed | {figure(metrics['parse_rate'])} |
| … by the model alone (before the loop guard completes answers) | {figure(metrics.get('parse_rate_unguarded'))} ({metrics.get('loop_guard_repairs', 0)} completed) |
| reasoning consistent with answer | {figure(metrics['consistency'])} |
| feature claims that hold (faithfulness) | {figure(metrics['faithfulness'])} ({metrics.get('claims')} claims) |
| ECE of stated confidence | {figure(metrics['ece'])} |
| abstains on poor / good recordings | {figure(metrics['abstain_on_poor'])} / {figure(metrics['abstain_on_good'])} |
| zero-shot scenario accuracy (held-out situation types) | {figure(metrics['zero_shot_scenario_accuracy'])} |

| task | n | accuracy | parse | consistency | faithfulness |
|---|---|---|---|---|---|
{rows}"""


def arms_table(arms: dict[str, dict]) -> str:
    """The emotion task in each arm beside the encoder head on the very same items."""
    lines = ["| arm (what the prompt carries) | accuracy | encoder head, same items | parse | consistency | "
             "faithfulness |", "|---|---|---|---|---|---|"]
    what = {"both": "EEG tokens + evidence text (as served)", "eeg-only": "EEG tokens only",
            "text-only": "evidence text only", "no-pattern": "EEG tokens + measured features, no pattern match"}
    for arm, m in arms.items():
        emotion = m["tasks"].get("emotion", {})
        lines.append(f"| {arm}: {what[arm]} | {figure(emotion.get('accuracy'))} | "
                     f"{figure(emotion.get('encoder_accuracy_same_items'))} | {figure(emotion.get('parse_rate'))} | "
                     f"{figure(emotion.get('consistency'))} | {figure(emotion.get('faithfulness'))} |")
    return "\n".join(lines)


def free_table(metrics: dict) -> str:
    """Free questions in held-out phrasings: answered as asked, and correct where checkable."""
    free = metrics["tasks"].get("free")
    if not free:
        return "(no free-question items)"
    lines = ["| kind | n | answers the question asked | correct |", "|---|---|---|---|"]
    for kind, m in free["per_kind"].items():
        lines.append(f"| {kind} | {m['n']} | {figure(m['answered_as_asked'])} | {figure(m['accuracy'])} |")
    lines.append(f"| **all** | {free['n']} | {figure(free['answered_as_asked'])} | {figure(free['accuracy'])} |")
    if "answered_as_asked_unfitted" in free:  # a routed run: the step the answer-line guard adds
        lines.append(f"| **all**, before the answer-line guard ({free.get('answer_lines_fitted', 0)} written again) | "
                     f"{free['n']} | {figure(free['answered_as_asked_unfitted'])} | {figure(free['accuracy_unfitted'])} |")
    return "\n".join(lines)


def emotion_answer_shapes(eval_dir: Path, labels) -> str:
    """What shape the answers to the emotion questions took (with both inputs): an emotion, an
    abstention, or the answer line of another kind of question, which is a wrong answer however
    right its content."""
    import json
    from collections import Counter

    from prompts.questions import answer_kind

    results = eval_dir / "results.jsonl"
    if not results.exists():
        return ""
    shapes = Counter(answer_kind((r.get("parsed") or {}).get("answer"), labels) or "no recognisable shape"
                     for r in map(json.loads, results.read_text().splitlines()) if r.get("task") == "emotion")
    total, other = sum(shapes.values()), sum(n for k, n in shapes.items() if k not in ("emotion", "cannot tell"))
    if not total:
        return ""
    parts = ", ".join(f"{kind} {n}" for kind, n in shapes.most_common())
    return (f"Emotion questions (both inputs) answered in another question's shape: {other} of {total} "
            f"({parts}).")


# The reasoning step each multi-step task's conclusion rests on, as the checker names it.
_STEP_CLAIMS = {"compare": ("comparison_winner", "which recording the encoder's order puts higher"),
                "rank": ("rank_order", "the encoder's order of the three recordings"),
                "scenario": ("situation_choice", "the situation read as the emotion the EEG fits")}


def reasoning_steps_table(eval_dir: Path, metrics: dict) -> str:
    """Per multi-step task: accuracy against the truth, and how often the step its conclusion rests
    on holds under the checker (computed from the run's results)."""
    import json
    from collections import Counter

    results = eval_dir / "results.jsonl"
    if not results.exists():
        return ""
    counts: dict[str, Counter] = {task: Counter() for task in _STEP_CLAIMS}
    for row in map(json.loads, results.read_text().splitlines()):
        if row.get("task") in _STEP_CLAIMS and row.get("arm", "both") == "both":
            kind = _STEP_CLAIMS[row["task"]][0]
            steps = [c for c in row.get("claims", []) if c["kind"] == kind]
            counts[row["task"]]["items"] += 1
            counts[row["task"]]["with_step"] += bool(steps)
            counts[row["task"]]["step_holds"] += bool(steps) and all(c["holds"] for c in steps)
    lines = ["| task | n | accuracy (truth) | the step | items stating it | … where it holds |", "|---|---|---|---|---|---|"]
    for task, (kind, what) in _STEP_CLAIMS.items():
        c = counts[task]
        if not c["items"]:
            continue
        share = c["step_holds"] / c["with_step"] if c["with_step"] else float("nan")
        lines.append(f"| {task} | {c['items']} | {figure(metrics['tasks'].get(task, {}).get('accuracy'))} | {what} "
                     f"(`{kind}`) | {c['with_step']} | {figure(share)} |")
    return "\n".join(lines)


def failing_claims(eval_dir: Path, top: int = 8) -> str:
    """The claims that fail, by task and kind, most frequent first (with both inputs): where the
    faithfulness that is missing goes."""
    import json
    from collections import Counter

    results = eval_dir / "results.jsonl"
    if not results.exists():
        return ""
    failing = Counter((row["task"], claim["kind"]) for row in map(json.loads, results.read_text().splitlines())
                      for claim in row.get("claims", []) if not claim["holds"])
    if not failing:
        return "No claim fails."
    parts = ", ".join(f"{task} `{kind}` {n}" for (task, kind), n in failing.most_common(top))
    return f"Failing claims ({sum(failing.values())}), most frequent first: {parts}."


def _minutes(seconds) -> str:
    return "n/a" if seconds is None else f"{seconds / 60:.1f} min"


def benchmark_section(checkpoint: Path, metrics: dict, arms: dict[str, dict], eval_dir: Path) -> str:
    """BENCHMARKS.md's account of the demo model: the targets, met or missed, and the training time."""
    config = read_config(checkpoint)
    encoder_s, align_s, instruct_s = ((config.provenance.get(stage) or {}).get("train_seconds")
                                      for stage in ("encoder", "align", "instruct"))
    encoder = metrics.get("encoder_accuracy_same_items") or float("nan")
    gap = metrics["accuracy"] - encoder
    eeg_only = (arms.get("eeg-only") or {}).get("tasks", {}).get("emotion", {})
    eeg_acc, eeg_ref = eeg_only.get("accuracy", float("nan")), eeg_only.get("encoder_accuracy_same_items", float("nan"))
    free = metrics["tasks"].get("free", {})

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    def va(kind: str) -> tuple[float, float]:
        return free.get(f"{kind}_accuracy", float("nan")), free.get(f"encoder_{kind}_accuracy", float("nan"))

    (v, v_ref), (a, a_ref) = va("valence"), va("arousal")

    return f"""## Demo model: reasoning on held-out synthetic subjects

Cohort seed {EVAL_SEED}, {EVAL_SUBJECTS} subjects no training stage saw, leave-one-subject-out folds,
{metrics['n_items']} items; the LLM answers through vLLM (float32, greedy), as served: questions about one
recording routed where the question router is sure (`prompts.routing`; free questions routed:
{figure(free.get('routed'))}; the model alone beside it: "Free questions in the held-out banks' phrasings"),
and a routed reply whose Answer line answers another kind written again under the kind asked
(`serve/answer_line_guard.py`; {metrics.get('answer_line_guard_repairs', 0)} of {metrics['n_items']} answers).

| target | measured | |
|---|---|---|
| 7-way answer accuracy with both inputs ≥ the stage-1 encoder head on the same items | {figure(metrics['accuracy'])} vs {figure(encoder)} ({gap * 100:+.1f} points) | {verdict(gap >= 0)} |
| EEG tokens only: accuracy ≥ encoder head − 0.08 on the same items, and ≥ 0.25 | {figure(eeg_acc)} vs {figure(eeg_ref)} | {verdict(eeg_acc >= eeg_ref - 0.08 and eeg_acc >= 0.25)} |
| free questions (held-out phrasings) answered as asked ≥ 0.95 | {figure(free.get('answered_as_asked'))} | {verdict(free.get('answered_as_asked', 0) >= 0.95)} |
| … for reference: before the answer-line guard (Answer lines it wrote again: {free.get('answer_lines_fitted', 0)}) | {figure(free.get('answered_as_asked_unfitted', free.get('answered_as_asked')))} | {'≥ 0.95' if free.get('answered_as_asked_unfitted', free.get('answered_as_asked', 0)) >= 0.95 else 'below 0.95'} |
| free valence / arousal answers ≥ the encoder's own read-out − 0.05 | {figure(v)} vs {figure(v_ref)} / {figure(a)} vs {figure(a_ref)} | {verdict(v >= v_ref - 0.05 and a >= a_ref - 0.05)} |
| claims that hold under the checker (faithfulness) ≥ 0.97 | {figure(metrics['faithfulness'])} | {verdict(metrics['faithfulness'] >= 0.97)} |
| answer format parsed on ≥ 99 % of outputs (as served, loop guard on) | {figure(metrics['parse_rate'])} | {verdict(metrics['parse_rate'] >= 0.99)} |
| … for reference: the model alone, loop guard off ({metrics.get('loop_guard_repairs', 0)} answers looped) | {figure(metrics.get('parse_rate_unguarded'))} | {'≥ 99 %' if metrics.get('parse_rate_unguarded', 0) >= 0.99 else 'below 99 %'} |
| answer–rationale consistency ≥ 95 % | {figure(metrics['consistency'])} | {verdict(metrics['consistency'] >= 0.95)} |

{measured_tables(metrics)}

The emotion task in each arm (same items; chance 0.143):

{arms_table(arms)}

{emotion_answer_shapes(eval_dir, config.labels)}

{failing_claims(eval_dir)}

Two recordings compared, three ranked, a situation matched: the step each conclusion rests on,
checked (`prompts/claims/between.py`, `prompts/claims/situations.py`):

{reasoning_steps_table(eval_dir, metrics)}

Free questions in phrasings never seen in training:

{free_table(metrics)}

Training time on this machine (training loops only; stage 1 includes its validation passes):
stage 1 {_minutes(encoder_s)}, stage 2 {_minutes(align_s)}, stage 3 {_minutes(instruct_s)}.

Reproduce: `make demo-checkpoint` (all stages, then this evaluation), or only the evaluation:
`python -m bench.demo_model --run runs/instruct-demo --out checkpoints/demo`."""


def model_card(checkpoint: Path, metrics: dict, arms: dict[str, dict], eval_dir: Path) -> str:
    config = read_config(checkpoint)
    prov = config.provenance
    encoder_stage = (prov.get("encoder") or {}).get("config") or {}
    align = prov.get("align") or {}
    return f"""# eegreason demo checkpoint

**Trained on SYNTHETIC EEG only** (the project's simulated cohort). It demonstrates the system; it
has no clinical validity and says nothing about real people's emotions.

- Base LLM: `{config.llm}` (SmolLM2-135M-Instruct, embedded; the LoRA adapter in `adapter/` is
  merged into it at first use)
- Encoder: electrode-token transformer, d_model {config.encoder['d_model']}, trained on the SEED 62-channel
  montage; runs on any channel subset. Projector: `{config.projector['type']}`, {config.projector['n_tokens']} EEG tokens.
- Prompt template `{config.prompt_template}`; rationales `{(prov.get('instruct') or {}).get('rationale', 'unrecorded')}`;
  question phrasings `{(prov.get('instruct') or {}).get('questions', 'unrecorded')}`; evidence reference:
  {config.evidence_reference['source']}.
- git revision {config.git_revision}

## How it was made (CPU, 2 cores)

```bash
make demo-checkpoint
# = eegreason train encoder-demo  --out runs/encoder-demo    # stage 1
#   eegreason train align-demo    --out runs/align-demo      # stage 2
#   eegreason train instruct-demo --out runs/instruct-demo   # stage 3
#   python -m bench.demo_model --run runs/instruct-demo --out checkpoints/demo
```

Data (all synthetic, `encoders/synthetic/`, generator version {(align.get('data') or {}).get('generator_version')}):
- stage 1: cohort seed {encoder_stage.get('cohort', {}).get('seed')}, {encoder_stage.get('cohort', {}).get('subjects')} subjects
  ({encoder_stage.get('validation_subjects')} held out for validation curves)
- stages 2–3: cohort seed {(align.get('config') or {}).get('cohort', {}).get('seed')}, training subjects
  {(align.get('subjects') or {}).get('train')}, held out {(align.get('subjects') or {}).get('validation')}
  (never in training data)
- evaluation below: cohort seed {EVAL_SEED}, {EVAL_SUBJECTS} subjects no stage saw; leave-one-subject-out folds.

## Measured on held-out synthetic subjects

`eegreason evaluate --checkpoint checkpoints/demo --cohort-seed {EVAL_SEED} --subjects {EVAL_SUBJECTS} --trials-per-emotion 2 --protocol loso --out {eval_dir}`

{measured_tables(metrics)}

The emotion task by what the prompt carries (`--ablation eeg-only|text-only|no-pattern --tasks emotion`):

{arms_table(arms)}

{emotion_answer_shapes(eval_dir, config.labels)}

Two recordings compared, three ranked, a situation matched: the step each conclusion rests on, checked:

{reasoning_steps_table(eval_dir, metrics)}

Free questions in held-out phrasings (`--tasks free`):

{free_table(metrics)}

## Limits

Research and software testing only. Synthetic training data; small model; accuracy on real
recordings is unknown and expected to be lower. Not a medical device.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="the stage-3 run to package; without it the checkpoint in --out is "
                                                 "evaluated again as it is (after a change to serving, not to the model)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--eval-dir", type=Path, default=Path("runs/eval-demo"))
    parser.add_argument("--rescore", action="store_true",
                        help="keep the packaged checkpoint and the answers in --eval-dir; re-judge them and rewrite "
                             "the card (after a change to the checker, not to the model)")
    args = parser.parse_args()
    configure_logging()  # progress of the evaluation as log lines
    quiet.configure(verbose=False)
    if args.rescore:
        checkpoint = args.out
        metrics, arms = rescore_all(args.eval_dir)
    else:
        checkpoint = package(args.run, args.out) if args.run is not None else args.out
        for arm in ARMS:
            folder = args.eval_dir if arm == "both" else args.eval_dir.with_name(f"{args.eval_dir.name}-{arm}")
            if folder.exists():
                shutil.rmtree(folder)
        metrics, arms = evaluate(checkpoint, args.eval_dir)
    held_out = {k: metrics[k] for k in ("accuracy", "encoder_accuracy_same_items", "balanced_accuracy", "macro_f1",
                                        "cohen_kappa", "parse_rate", "parse_rate_unguarded", "loop_guard_repairs",
                                        "consistency", "faithfulness", "ece", "abstain_on_poor", "abstain_on_good",
                                        "zero_shot_scenario_accuracy", "free_answered_as_asked", "n_items")}
    held_out["arms"] = {arm: {k: m["tasks"].get("emotion", {}).get(k) for k in
                              ("accuracy", "encoder_accuracy_same_items", "parse_rate", "consistency", "faithfulness")}
                        for arm, m in arms.items()}
    update_checkpoint(checkpoint, metrics={**read_config(checkpoint).metrics, "held_out_eval": held_out})
    (checkpoint / "MODEL_CARD.md").write_text(model_card(checkpoint, metrics, arms, args.eval_dir))
    if is_shipped(checkpoint):
        write_section("demo-model", benchmark_section(checkpoint, metrics, arms, args.eval_dir))
    else:  # a candidate: its card and metrics are written, BENCHMARKS.md keeps the shipped model's account
        print(f"{checkpoint} is not the shipped checkpoint ({SHIPPED}): BENCHMARKS.md left as it is")
    print(f"demo checkpoint written to {checkpoint}")


SHIPPED = Path(__file__).resolve().parents[1] / "checkpoints" / "demo"


def is_shipped(checkpoint: Path) -> bool:
    """Whether `checkpoint` is the bundled demo checkpoint, whose account BENCHMARKS.md gives."""
    return Path(checkpoint).resolve() == SHIPPED


if __name__ == "__main__":
    main()
