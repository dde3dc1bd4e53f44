"""`eegreason ask RECORDING "question"`: one answer about one recording."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ._options import add_model_arguments, generation_params, load_assistant

NAME = "ask"
HELP = "Ask a question about an EEG recording and print the reasoned answer."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", type=Path, help="EEG file: EDF, BDF, FIF, BrainVision .vhdr, EEGLAB .set, .cnt")
    parser.add_argument("question", nargs="?", default=None,
                        help="question (default: which emotion is most likely)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (answer, evidence, timing)")
    add_model_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import time

    from encoders.io import read_recording
    from serve.assistant import Conversation

    start = time.perf_counter()
    recording = read_recording(args.recording)  # fail fast on a bad file, before loading a model
    assistant = load_assistant(args)
    try:
        context = assistant.analyse_recording(recording, args.recording.name)
        conversation = Conversation([context])
        result = assistant.ask(conversation, args.question, generation_params(args))
    finally:
        assistant.close()
    elapsed = time.perf_counter() - start
    if args.json:
        from encoders.finite import json_safe

        guard = result.extra.get("evidence_guard")
        print(json.dumps(json_safe({
            "recording": args.recording.name,
            "synthetic": context.synthetic,
            "question": conversation.turns[-1].question,
            "answer": result.text,
            "finish_reason": result.finish_reason,
            "engine": args.engine_backend,
            "evidence": context.evidence.to_dict(),
            # Set when the recording cannot support an emotion reading: whether the model's own text
            # (kept here) was replaced by the abstention written from the evidence.
            "evidence_guard": guard,
            "seconds": round(elapsed, 2),
        }), indent=2, allow_nan=False))
    else:
        if context.synthetic:
            print("[SYNTHETIC recording: generated, not from a person]")
        print(context.evidence_text)
        print()
        print(result.text.strip())
    return 0
