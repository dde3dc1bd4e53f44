"""Free questions in every held-out bank: does the model answer the question asked, in phrasings by
writers it never saw?

Each held-out bank (`prompts/templates/questions-heldout-v*.yaml`) was written by a different writer
from a description of the thirteen kinds of question, without reading the training phrasings. One
engine answers the free-question task in each bank on the demo benchmark's held-out cohort (same
subjects, same recordings, same folds); the table gives, per bank, the share of replies whose answer
line fits the question, the share correct where checkable, and the valence and arousal answers beside
the encoder's own read-out on the same items; then per kind, and the questions answered in another
kind's shape. Each bank is answered twice in the same run: by the model alone, and as served, with the
question router (`prompts.routing`) starting the reply with the opening of the kind it reads where it
is sure.

    python -m bench.question_banks [--checkpoint checkpoints/demo] [--per-kind 4] [--out runs/question-banks]
    python -m bench.question_banks --only questions-heldout-v8   # a bank just added; the rest re-judged

(Run as its own module, as above, so that vLLM's engine processes, which import the main module
first, are quieted as the CLI's are; `python -m bench question_banks` works too, with their chatter.)
"""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import replace
from pathlib import Path

from encoders.log import configure_logging
from serve import quiet

from .demo_model import eval_config, figure, is_shipped
from .report import write_section

# vLLM's engine processes import this module first (spawn): quiet them as the CLI's are.
quiet.quiet_if_inherited()

BANKS = tuple(f"questions-heldout-v{i}" for i in range(1, 9))
WRITERS = {"questions-heldout-v1": "first held-out writer", "questions-heldout-v2": "second writer",
           "questions-heldout-v3": "third writer (technician, student, lay person)",
           "questions-heldout-v4": "fourth writer (shorthand, researcher, patient, non-native; after the router)",
           "questions-heldout-v5": "fifth writer (neurologist, student, patient, non-native, ML jargon, indirect; "
                                   "after the answer-line guard)",
           "questions-heldout-v6": "sixth writer (psychiatrist, student, teenager, relative, non-native, sports "
                                   "scientist, says what it does not want; after set-aside clauses)",
           "questions-heldout-v7": "seventh writer (psychologist, ward resident, UX researcher, teacher, anxious "
                                   "participant, formal, dictation, slang, non-native; after the router's fourth "
                                   "training writer)",
           "questions-heldout-v8": "eighth writer (occupational therapist, sleep-lab notes, ML student, nurse to a "
                                   "parent, playtest researcher, participant, court-report style, journalist, "
                                   "dictation, typos, non-native, commands; after every serving step)"}
# The router's training bank before the fourth training writer's phrasings were added, read beside the
# one served (no model involved: how often the router is sure, and right, on every phrasing).
EARLIER_ROUTER_BANK = "questions-v3"
ARMS = ("model-alone", "routed")  # --no-routing, and as served


def evaluate_banks(checkpoint: Path, out: Path, per_kind: int, banks: tuple[str, ...] = BANKS
                   ) -> dict[str, dict[str, dict]]:
    """The free-question task in each of `banks`, by the model alone and as served, one engine for
    all; {arm: {bank: metrics}}."""
    from evaluation import run_evaluation
    from serve.assistant import answerer_for

    base = replace(eval_config(checkpoint, tasks=["free"]), free_per_kind=per_kind)
    assistant = answerer_for(checkpoint, base.engine)()
    results: dict[str, dict[str, dict]] = {arm: {} for arm in ARMS}
    try:
        assistant.start_engine()
        for bank in banks:
            for arm in ARMS:
                folder = out / arm / bank
                if folder.exists():
                    shutil.rmtree(folder)
                config = replace(base, questions=bank, routing=arm == "routed")
                results[arm][bank] = run_evaluation(config, folder, assistant)
    finally:
        assistant.close()
    return results


def stored_runs_missing(out: Path, answered: tuple[str, ...] = ()) -> list[str]:
    """The banks, other than those about to be `answered`, with no stored run in each arm under `out`
    (checked before an engine starts, so a re-judging run fails at once, not after the new banks)."""
    return [bank for bank in BANKS if bank not in answered
            and not all((out / arm / bank / "items.jsonl").exists() for arm in ARMS)]


def merged_results(answered: dict[str, dict[str, dict]], out: Path, rejudge) -> dict[str, dict[str, dict]]:
    """Every bank in each arm: the metrics of the banks just `answered`, and for the others
    `rejudge(out / arm / bank)` (the stored run judged by the current code)."""
    return {arm: {bank: answered.get(arm, {}).get(bank) or rejudge(out / arm / bank) for bank in BANKS}
            for arm in ARMS}


def _phrasings(bank: str) -> int:
    from prompts.questions import KINDS, load_questions

    questions = load_questions(bank)
    return sum(len(questions.phrasings(kind)) for kind in KINDS)


def _verdict(free: dict) -> str:
    """Which of the free-question targets a bank's answers meet."""
    missed = [] if free["answered_as_asked"] >= 0.95 else ["answered as asked"]
    for dimension in ("valence", "arousal"):
        model, encoder = free.get(f"{dimension}_accuracy"), free.get(f"encoder_{dimension}_accuracy")
        if model is not None and encoder is not None and model == model and encoder == encoder and model < encoder - 0.05:
            missed.append(dimension)
    return "met" if not missed else "**missed**: " + ", ".join(missed)


def banks_table(results: dict[str, dict]) -> str:
    from prompts.question_filter import near_training_phrasings

    lines = ["| bank | written by | phrasings | near a training phrasing | items | answers the question asked | "
             "correct | valence: model / encoder read-out | arousal: model / encoder read-out | targets |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for bank, metrics in results.items():
        free = metrics["tasks"]["free"]
        lines.append(f"| `{bank}` | {WRITERS.get(bank, 'your own')} | {_phrasings(bank)} | {near_training_phrasings(bank)} | "
                     f"{free['n']} | "
                     f"{figure(free['answered_as_asked'])} | {figure(free['accuracy'])} | "
                     f"{figure(free.get('valence_accuracy'))} / {figure(free.get('encoder_valence_accuracy'))} | "
                     f"{figure(free.get('arousal_accuracy'))} / {figure(free.get('encoder_arousal_accuracy'))} | "
                     f"{_verdict(free)} |")
    return "\n".join(lines)


def routing_table(results: dict[str, dict[str, dict]]) -> str:
    """Per bank, the model alone, then with the router's opening, then with the answer-line guard
    (as served): answered as asked, correct, valence and arousal; how often the router was sure and
    of the kind asked, and how many Answer lines the guard wrote again."""
    lines = ["| bank | answers the question asked: alone → opening → served | correct: alone → opening → served | "
             "valence: alone → opening → served | arousal: alone → opening → served | routed share | "
             "router's kind = kind asked | Answer lines written again |",
             "|---|---|---|---|---|---|---|---|"]
    for bank in results["routed"]:
        alone, routed = results["model-alone"][bank]["tasks"]["free"], results["routed"][bank]["tasks"]["free"]

        def steps(key: str, before: str) -> str:
            # Runs stored before the answer-line guard existed have no "before" figure: the opening is all there was.
            return f"{figure(alone.get(key))} → {figure(routed.get(before, routed.get(key)))} → {figure(routed.get(key))}"

        lines.append(f"| `{bank}` | {steps('answered_as_asked', 'answered_as_asked_unfitted')} | "
                     f"{steps('accuracy', 'accuracy_unfitted')} | {steps('valence_accuracy', 'valence_accuracy_unfitted')} | "
                     f"{steps('arousal_accuracy', 'arousal_accuracy_unfitted')} | {figure(routed.get('routed'))} | "
                     f"{figure(routed.get('routed_as_asked'))} | {routed.get('answer_lines_fitted', 0)} |")
    return "\n".join(lines)


def answer_lines_table(results: dict[str, dict[str, dict]]) -> str:
    """Per bank, the Answer lines that state a measurement and how many hold against the evidence in
    every part (`prompts/claims/answer_line.py`), by the model alone and as served, and the kinds of
    question whose served lines fail."""
    lines = ["| bank | Answer lines stating a measurement: alone / served | hold against the evidence: alone → served | "
             "failing as served, by kind |", "|---|---|---|---|"]
    for bank in results["routed"]:
        alone, served = results["model-alone"][bank]["tasks"]["free"], results["routed"][bank]["tasks"]["free"]
        failing = sorted(((kind, k.get("answer_lines_failing", 0)) for kind, k in served["per_kind"].items()),
                         key=lambda kv: (-kv[1], kv[0]))
        lines.append(f"| `{bank}` | {alone.get('answer_lines_stating', 0)} / {served.get('answer_lines_stating', 0)} | "
                     f"{figure(alone.get('answer_lines_hold'))} → {figure(served.get('answer_lines_hold'))} | "
                     + (", ".join(f"{kind} {n}" for kind, n in failing if n) or "none") + " |")
    return "\n".join(lines)


def router_reading(router, bank: str) -> tuple[float, float, float]:
    """(sure, right where sure, sure and right) over every phrasing of a bank, slots filled at random
    (seeded): the router's reading alone, no model involved."""
    import random

    from encoders.features import BAND_NAMES
    from encoders.labels import SEVEN_EMOTIONS
    from prompts.questions import KINDS, REGIONS, fill, load_questions
    from prompts.routing import MIN_PROBABILITY

    rng, questions = random.Random(1), load_questions(bank)
    read = [(kind, router.kind(fill(text, region=rng.choice(REGIONS), band=rng.choice(BAND_NAMES),
                                    emotion=rng.choice(SEVEN_EMOTIONS.labels))))
            for kind in KINDS for text in questions.phrasings(kind)]
    sure = [kind == found for kind, (found, p) in read if p >= MIN_PROBABILITY]
    return len(sure) / len(read), sum(sure) / max(len(sure), 1), sum(sure) / len(read)


def router_table(banks) -> str:
    """The router fitted on the earlier training bank beside the one served, on every phrasing of each bank."""
    from prompts.questions import ROUTER_BANK
    from prompts.routing import QuestionRouter, router_for

    routers = {EARLIER_ROUTER_BANK: QuestionRouter((EARLIER_ROUTER_BANK,)), ROUTER_BANK: router_for()}
    lines = ["| bank | phrasings | " + " | ".join(f"fitted on `{name}`: sure / right where sure / sure and right"
                                                    for name in routers) + " |",
             "|---|---|" + "---|" * len(routers)]
    for bank in banks:
        cells = [" / ".join(figure(x) for x in router_reading(router, bank)) for router in routers.values()]
        lines.append(f"| `{bank}` | {_phrasings(bank)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def kinds_table(results: dict[str, dict]) -> str:
    """Answered as asked, per kind (rows) and bank (columns)."""
    banks = list(results)
    kinds = list(next(iter(results.values()))["tasks"]["free"]["per_kind"])
    lines = ["| kind | " + " | ".join(f"`{b.removeprefix('questions-')}`" for b in banks) + " |",
             "|---|" + "---|" * len(banks)]
    for kind in kinds:
        cells = [figure(results[b]["tasks"]["free"]["per_kind"].get(kind, {}).get("answered_as_asked")) for b in banks]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misread_questions(out: Path, results: dict[str, dict], top: int = 5) -> str:
    """The questions answered in another kind's shape: the question, and the answer line given (the
    first `top` distinct ones of each bank)."""
    rows, shown = [], []
    for bank in results:
        items = {}
        with open(out / "routed" / bank / "items.jsonl", encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                items[item["id"]] = item
        bank_rows = []
        with open(out / "routed" / bank / "results.jsonl", encoding="utf-8") as handle:
            for line in handle:
                result = json.loads(line)
                if result.get("answered_as_asked", True):
                    continue
                question = items[result["id"]]["question"]
                answer = (result.get("parsed") or {}).get("answer") or "(no answer line)"
                route = result.get("route")
                read_as = f"{route['kind']} ({route['probability']:.2f})" if route else "not sure: model alone"
                bank_rows.append(f"| {bank.removeprefix('questions-')} | {result['kind']} | {question} | {read_as} | "
                                 f"{answer} |")
        rows += bank_rows
        shown += sorted(set(bank_rows))[:top]
    if not rows:
        return "Every question was answered in its own kind's shape."
    return "\n".join([f"Questions answered in another kind's shape as served ({len(rows)}; up to {top} of each bank "
                      f"shown):", "", "| bank | kind asked | question | router read it as | answer line given |",
                      "|---|---|---|---|---|", *shown])


def section(checkpoint: Path, out: Path, results: dict[str, dict[str, dict]], per_kind: int) -> str:
    from projector.checkpoint import read_config

    config = read_config(checkpoint)
    trained = (config.provenance.get("instruct") or {}).get("questions")
    trained = f"`{trained}`" if trained else "a bank its provenance does not name (made before it was recorded)"
    from prompts.question_filter import NEAR_RATIO
    from prompts.questions import ROUTER_BANK, TRAINED
    from prompts.routing import MIN_PROBABILITY

    served = results["routed"]
    return f"""## Free questions in the held-out banks' phrasings

The demo checkpoint (stage 3 trained on {trained}), the held-out cohort of the demo-model section
(seed 30, 6 unseen subjects, leave-one-subject-out), {per_kind} questions per kind per fold, one
engine. Target: ≥ 0.95 answered as asked; valence and arousal no worse than the encoder's own
read-out − 0.05 on the same items. Each bank answered twice in this run: by the model alone
(`--no-routing`), and as served, where the question router (fitted on `{ROUTER_BANK}`) starts the
reply with the opening of the kind it reads when its probability is at least {MIN_PROBABILITY}, the model
writes the rest, and where its Answer line still answers another kind, the answer-line guard has the
model write the Answer and Confidence lines again under the routed kind's pattern
(`serve/answer_line_guard.py`; "opening" below is the served reply before that step). The router and
its threshold were fixed before the fourth bank was written, the answer-line guard before the fifth,
the router's reading of set-aside clauses before the sixth; the seventh was written alongside the
router's fourth training writer (`questions-v4`, by another writer, filtered against every held-out
bank) and first read once the router fitted on it was fixed; the eighth was written after every
serving step here (and the Answer-line check) was fixed, and first read in this measurement.

As served ("near a training phrasing": within a {NEAR_RATIO} similarity ratio of a phrasing in
{", ".join(f"`{name}`" for name in TRAINED)}; the first banks were written before such repeats were
left out, so their figures test less unseen wording than the later banks'):

{banks_table(served)}

The model alone, with the router's opening, and as served (same items):

{routing_table(results)}

What an Answer line states, checked against the evidence like every claim of the reasoning (the
band's z and direction, the asymmetry's side and value, the grade, the bad channels, the confidence
level, a class's share and whether it leads, the largest deviation, the reading over time;
`prompts/claims/answer_line.py`); valence, arousal, emotion and next-step lines state no
measurement. The Chat tab and `ask --json` show the same check under each answer:

{answer_lines_table(results)}

The router alone on every phrasing of each bank (slots filled at random), fitted on the earlier
training bank and on the one served:

{router_table(list(served))}

Answered as asked as served, per kind:

{kinds_table(served)}

{misread_questions(out, served)}

Reproduce: `python -m bench.question_banks` (42 minutes measured on 2 cores for seven banks, 14 runs of 288 items; each
bank adds about 6; `--only BANK` answers one bank and re-judges the others from their stored runs). A bank of your own:
`eegreason evaluate --tasks free --questions FILE.yaml` (add `--no-routing` for the model alone)."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.question_banks", description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=Path("checkpoints/demo"))
    parser.add_argument("--per-kind", type=int, default=4, help="questions per kind per fold")
    parser.add_argument("--out", type=Path, default=Path("runs/question-banks"))
    parser.add_argument("--rescore", action="store_true", help="re-judge the answers already in --out (after a "
                                                               "change to the scoring, not to the model)")
    parser.add_argument("--only", nargs="+", choices=BANKS, metavar="BANK",
                        help="answer only these banks (a bank just added); the others are re-judged from --out")
    args = parser.parse_args(argv)
    configure_logging()
    quiet.configure(verbose=False)
    if args.rescore or args.only:
        from evaluation import rescore

        answered = tuple(args.only or ())
        missing = stored_runs_missing(args.out, answered)
        if missing:
            parser.error(f"{args.out} holds no stored run of {', '.join(missing)}; answer every bank first "
                         f"(without --only or --rescore) or give the --out of a full run.")
        results = evaluate_banks(args.checkpoint, args.out, args.per_kind, answered) if answered else \
            {arm: {} for arm in ARMS}
        results = merged_results(results, args.out, rescore)
    else:
        results = evaluate_banks(args.checkpoint, args.out, args.per_kind)
    body = section(args.checkpoint, args.out, results, args.per_kind)
    if is_shipped(args.checkpoint):
        write_section("question-banks", body)
    else:
        print(body)


if __name__ == "__main__":
    main()
