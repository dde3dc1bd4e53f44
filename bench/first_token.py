"""Time to the first streamed token of a chat answer, demo checkpoint on the vLLM CPU engine: the
current path against the previous one, in the same run, with the same warm engine.

From the moment a question is asked with a 5-minute 62-channel file to the first piece of the answer
that `Assistant.stream` yields (the way the CLI and the app use it):

* current: read the file, analyse it with the fast engine (the default), run the encoder (pattern
  match, reading over time, EEG tokens), write the evidence, build the prompt, stream; the emotion
  timeline is not computed (only the app's Chat tab, which shows it, asks for it);
* previous: the same with the reference analysis engine and the timeline computed before the
  answer, as the assistant did before both changes.

The two alternate question by question, so a change of machine load hits both alike; the section
states the ratio of their medians. A follow-up question (the recording already analysed, one
question answered) is timed too, and each stage of the current path on its own, so a slow first
token says where its time went. The answers are not waited for: the stream is closed after its
first piece (the engine aborts the request), so each repeat starts with an idle engine.

`python -m bench first-token` rewrites the section of BENCHMARKS.md; `python -m bench.first_token
--repeats 2` is a shorter check that prints without writing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .report import load_note, write_section
from .serving import five_minute_recording

QUESTIONS = ["What emotion is this person most likely feeling?", "Is the person calm or aroused?",
             "How positive is this person's state?", "Which evidence matters most here?",
             "What does the frontal alpha asymmetry suggest?"]
FOLLOW_UPS = ["Why do you say that?", "How sure are you?", "Which band matters most?", "Could it be fear?",
              "What would change your answer?"]
TARGET_S = 1.0


def first_piece(assistant, conversation, question: str) -> float:
    """Seconds from the question to the first streamed piece of the answer; `conversation` is a
    callable, so that building it (reading and analysing a file) counts. The stream is then closed."""
    start = time.perf_counter()
    stream = assistant.stream(conversation(), question)
    try:
        next(stream)
        return time.perf_counter() - start
    finally:
        stream.close()


def current_path(assistant, recording: Path):
    from serve.assistant import Conversation

    return Conversation([assistant.analyse(recording)])


def previous_path(assistant, recording: Path):
    from serve.assistant import Conversation

    context = assistant.analyse(recording, engine="reference")
    assistant.timeline(context)  # computed with every analysis before it was left to where it is shown
    return Conversation([context])


def measure(assistant, recording: Path, repeats: int) -> dict:
    from encoders.analysis import analyse_recording
    from encoders.io import read_recording
    from serve.assistant import Conversation

    stages: dict[str, list[float]] = {k: [] for k in ("read", "analysis (fast engine)", "encoder + evidence",
                                                      "prompt", "engine to first token")}
    answered = Conversation([assistant.analyse(recording)])
    assistant.ask(answered, QUESTIONS[0])  # the conversation the follow-ups continue
    current, previous, follow_up = [], [], []
    for i in range(repeats):
        question, follow = QUESTIONS[i % len(QUESTIONS)], FOLLOW_UPS[i % len(FOLLOW_UPS)]
        # Alternate which path goes first, so neither always follows the other's allocations.
        order = [("current", current), ("previous", previous)]
        for name, times in (order if i % 2 == 0 else order[::-1]):
            path = current_path if name == "current" else previous_path
            times.append(first_piece(assistant, lambda: path(assistant, recording), question))
        follow_up.append(first_piece(assistant, lambda: answered, follow))
        # The current path stage by stage.
        start = time.perf_counter()
        rec = read_recording(recording, source_name=recording.name)
        stages["read"].append(time.perf_counter() - start)
        start = time.perf_counter()
        analyse_recording(rec, assistant.features)
        stages["analysis (fast engine)"].append(time.perf_counter() - start)
        start = time.perf_counter()
        context = assistant.analyse_recording(rec, recording.name)
        stages["encoder + evidence"].append(time.perf_counter() - start - stages["analysis (fast engine)"][-1])
        start = time.perf_counter()
        embeds = assistant.prompt_embeds(Conversation([context]), question)
        stages["prompt"].append(time.perf_counter() - start)
        start = time.perf_counter()
        pieces = assistant.engine.stream(embeds)
        next(pieces)
        stages["engine to first token"].append(time.perf_counter() - start)
        pieces.close()
    tokens = {"first question": int(assistant.prompt_embeds(Conversation(answered.recordings), QUESTIONS[0]).shape[0]),
              "follow-up": int(assistant.prompt_embeds(answered, FOLLOW_UPS[0]).shape[0])}
    return {"current": current, "previous": previous, "follow_up": follow_up, "stages": stages,
            "prompt_tokens": tokens}


def main(checkpoint: Path | None = None, repeats: int = 5, write: bool = True) -> dict:
    from serve.assistant import Assistant, Conversation
    from serve.engines import EngineConfig

    folder = Path(tempfile.mkdtemp(prefix="eegreason-bench-"))
    recording = five_minute_recording(folder)
    assistant = Assistant(checkpoint, EngineConfig(backend="vllm", dtype="float32", enforce_eager=True))
    try:
        warm = previous_path(assistant, recording)  # both engines' kernel caches and the encoder warm
        assistant.ask(Conversation(warm.recordings), "Warm up: what emotion is this?")
        load_before = os.getloadavg()
        result = measure(assistant, recording, repeats)
        load_after = os.getloadavg()
    finally:
        assistant.close()
    body = render(result, load_before, load_after)
    if write:
        write_section("first-token", body)
    print(body)
    return result


def render(result: dict, load_before, load_after) -> str:
    current, previous = statistics.median(result["current"]), statistics.median(result["previous"])
    follow_up = statistics.median(result["follow_up"])
    pairs = [p / c for p, c in zip(result["previous"], result["current"])]
    stages = "\n".join(f"| {name} | {statistics.median(values):.3f} s |" for name, values in result["stages"].items())
    met = lambda s: "met" if s < TARGET_S else "NOT met"  # noqa: E731
    tokens = result["prompt_tokens"]
    return f"""## Time to first token: a 5-minute recording, demo checkpoint, vLLM on CPU (float32, warm engine)

From the question to the first streamed piece of the answer (`Assistant.stream`), median of
{len(result['current'])} questions per path, the two paths alternating; the engine started and answered once
before timing. Current: fast analysis engine (the default), timeline not computed (only the app's
Chat tab, which shows it, asks for it). Previous: reference analysis engine, timeline computed
with every analysis.

| case | time to first token | target < {TARGET_S:g} s |
|---|---|---|
| file given with the question, **current** (read + analysis + encoder + evidence + prompt + first token) | {current:.2f} s | {met(current)} |
| file given with the question, previous path | {previous:.2f} s | {met(previous)} |
| **previous / current** | **{previous / current:.2f}×** (per question: {min(pairs):.2f}× to {max(pairs):.2f}×) | |
| follow-up question (prompt of the conversation so far + first token) | {follow_up:.2f} s | {met(follow_up)} |

Where the current path's time goes (each stage timed on its own, medians):

| stage | time |
|---|---|
{stages}

Prompt length: {tokens.get('first question')} positions for the first question (EEG tokens and evidence
text included), {tokens.get('follow-up')} for a follow-up after one answer. Recording: 5-minute
62-channel 200 Hz SYNTHETIC EDF. Load average {load_before[0]:.1f} before, {load_after[0]:.1f} after
(1-min) on {os.cpu_count()} cores. {load_note(load_before, load_after)} The ratio comes from the same run.

Reproduce: `python -m bench first-token` (rewrites this section); `python -m bench.first_token
--repeats 2` (prints without writing)."""


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.first_token")
    parser.add_argument("--repeats", type=int, default=None, help="questions per path; a short check that "
                                                                 "prints without writing BENCHMARKS.md")
    parser.add_argument("--checkpoint", type=Path, default=None)
    args = parser.parse_args(sys.argv[1:])
    main(args.checkpoint, repeats=args.repeats or 5, write=args.repeats is None)
