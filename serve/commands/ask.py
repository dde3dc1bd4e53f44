"""`eegreason ask RECORDING "question"`: one answer about one recording; `ask A "question" --with B
[--with C]`: one answer about two or three recordings at once (which is more positive, their order);
`ask --batch FILE.jsonl`: many, with one engine (serve/batch.py).

Exit status of a batch: 0 when every line was answered, 1 when any line has an error (its output
object says why; the other lines are answered all the same), 2 when the batch could not start."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ._options import add_model_arguments, add_with_argument, generation_params, load_assistant, recording_paths

NAME = "ask"
HELP = "Ask a question about an EEG recording (or a batch of them) and print the reasoned answer."
BATCH_FAILED = 1  # exit status when some lines of a batch failed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", type=Path, nargs="?", default=None,
                        help="EEG file: EDF, BDF, FIF, BrainVision .vhdr, EEGLAB .set, .cnt")
    parser.add_argument("question", nargs="?", default=None,
                        help="question (default: which emotion is most likely)")
    add_with_argument(parser, "another recording asked about together with the first (repeat once more for a third): "
                              "the question compares or ranks them, numbered 1, 2, 3 in the order given")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (answer, label, confidence, claim check, evidence, timing)")
    batch = parser.add_argument_group("batch")
    batch.add_argument("--batch", metavar="FILE.jsonl", default=None,
                       help='ask many questions with one engine: one {"recording": PATH, "question": TEXT} object '
                            'per line (optional "id"; relative paths from the file\'s folder; - reads standard '
                            'input); prints one JSON object per line, in order; exit status 1 if any line failed')
    batch.add_argument("--out", type=Path, default=None, help="with --batch: write the JSON lines here, not to stdout")
    batch.add_argument("--no-progress", action="store_true", help="with --batch: no progress bar")
    add_model_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from encoders.errors import ConfigError

    if args.batch is not None:
        if args.recording is not None or args.others:
            raise ConfigError("Give either a recording (and a question) or --batch FILE.jsonl, not both.")
        return run_batch(args)
    if args.recording is None:
        raise ConfigError("Give a recording to ask about, or --batch FILE.jsonl for many.")
    if args.out is not None:
        raise ConfigError("--out goes with --batch; for one answer, redirect the output instead.")
    return run_one(args)


def run_batch(args: argparse.Namespace) -> int:
    from serve.batch import answer_batch, jsonl_writer, read_batch

    lines = read_batch(args.batch)  # a missing or empty file is refused before a model loads
    params = generation_params(args)
    assistant = load_assistant(args)
    try:
        if args.out is not None:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            with open(args.out, "w", encoding="utf-8") as out:
                failed = answer_batch(assistant, lines, params, jsonl_writer(out), progress=not args.no_progress)
        else:
            failed = answer_batch(assistant, lines, params, jsonl_writer(sys.stdout), progress=not args.no_progress)
    finally:
        assistant.close()
    if failed:
        print(f"eegreason: {failed} of {len(lines)} lines failed (see their \"error\")", file=sys.stderr)
    return BATCH_FAILED if failed else 0


def run_one(args: argparse.Namespace) -> int:
    import time

    from encoders.io import read_recording
    from serve.answer_fields import answer_fields, claim_lines, served_steps
    from serve.assistant import Conversation

    start = time.perf_counter()
    paths = recording_paths(args)
    recordings = [read_recording(p) for p in paths]  # fail fast on a bad file, before loading a model
    assistant = load_assistant(args)
    try:
        contexts = [assistant.analyse_recording(r, p.name) for r, p in zip(recordings, paths)]
        context = contexts[0]
        conversation = Conversation(contexts)
        question = args.question or assistant.default_question_for(len(contexts))
        asked = assistant.question_as_asked(conversation, question)
        result = assistant.ask(conversation, question, generation_params(args))
    finally:
        assistant.close()
    elapsed = time.perf_counter() - start
    if args.json:
        from encoders.finite import json_safe

        print(json.dumps(json_safe({
            "recording": args.recording.name,
            "synthetic": context.synthetic,
            "question": question,
            # The measurements the question names, looked up and given to the model with it (or null).
            "question_context": asked[len(question):].strip() or None,
            "answer": result.text,
            **answer_fields(result.text, [c.evidence for c in contexts], assistant.config.labels),
            "finish_reason": result.finish_reason,
            "engine": args.engine_backend,
            "evidence": context.evidence.to_dict(),
            # With --with: every recording asked about, numbered as the prompt numbers them.
            **({"recordings": [{"number": i, "recording": p.name, "synthetic": c.synthetic, "evidence": c.evidence.to_dict()}
                               for i, (p, c) in enumerate(zip(paths, contexts), start=1)]} if len(contexts) > 1 else {}),
            **served_steps(result.extra),
            "seconds": round(elapsed, 2),
            "timings": {"total_s": round(elapsed, 3), "answer_s": round(result.total_s, 3),
                        "first_token_s": None if result.first_token_s is None else round(result.first_token_s, 3)},
        }), indent=2, allow_nan=False))
    else:
        for i, (p, c) in enumerate(zip(paths, contexts), start=1):
            if len(contexts) > 1:
                print(f"Recording {i}: {p.name}")
            if c.synthetic:
                print("[SYNTHETIC recording: generated, not from a person]")
            print(c.evidence_text)
            print()
        route = result.extra.get("route")
        if route is not None:  # why the reply took its shape; --no-routing lets the model decide alone
            print(f"[question read as: {route['kind'].replace('_', ' ')}, router {route['probability']:.2f}]")
        print(result.text.strip())
        # Each claim of the reply against the measured evidence: the failing ones in full, then the count.
        claims = answer_fields(result.text, [c.evidence for c in contexts], assistant.config.labels)["claims"]
        print()
        print("Checked against the recording:")
        print("\n".join(claim_lines(claims, holding=False)))
    return 0

