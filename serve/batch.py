"""Many questions about many recordings with one engine: `eegreason ask --batch FILE.jsonl`.

Each line of the file is one JSON object, `{"recording": PATH, "question": TEXT}` with an optional
"id" (default: the line number), an optional question (default: the assistant's) and an optional
"with": one or two more recordings asked about together with the first (numbered 1, 2, 3 in the
prompt; the default question then compares or ranks them). Relative paths
are taken from the batch file's folder, so a batch travels with its recordings. The output has one
JSON object per input line, in input order, written as soon as it and every line before it are
done. A line that cannot be answered (not JSON, no recording, a file that is missing or unreadable)
gets an object with `error`, one sentence, and the run goes on.

A recording named by several lines is read and analysed once, and kept only until its last line
has been sent. Requests go to the one engine as the lines come, as many at once as it batches
(`Assistant.parallelism`), so vLLM answers them together.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from encoders.errors import ConfigError, EEGReasonError
from encoders.finite import json_safe
from encoders.log import get_logger

from .answer_fields import answer_fields, served_steps
from .assistant import MAX_RECORDINGS, Assistant, Conversation, RecordingContext
from .engines import GenerationParams

log = get_logger(__name__)


@dataclass
class BatchLine:
    number: int  # 1-based line of the batch file
    id: str | int
    recording: str | None  # as written in the line
    path: Path | None  # resolved
    question: str | None  # None: the assistant's default question
    error: str | None = None  # why the line itself cannot be used
    # "with": further recordings asked about together with the first (as written, resolved)
    others: list[tuple[str, Path]] = field(default_factory=list)

    def recordings(self) -> list[tuple[str, Path]]:
        """(as written, resolved) of every recording the line asks about, in the prompt's order."""
        return [(self.recording, self.path), *self.others] if self.path is not None else []


def _line(number: int, text: str, folder: Path) -> BatchLine:
    def bad(why: str, **known) -> BatchLine:
        return BatchLine(number, known.get("id", number), known.get("recording"), None, known.get("question"), why)

    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        return bad(f"Line {number} is not valid JSON ({exc.msg}); write one object per line, like "
                   f'{{"recording": "a.edf", "question": "..."}}.')
    if not isinstance(item, dict):
        return bad(f"Line {number} is a JSON {type(item).__name__}, not an object; write "
                   f'{{"recording": "a.edf", "question": "..."}}.')
    known = {}
    line_id = item.get("id", number)
    if isinstance(line_id, (str, int)) and not isinstance(line_id, bool):
        known["id"] = line_id
    recording, question = item.get("recording"), item.get("question")
    if isinstance(recording, str):
        known["recording"] = recording
    if isinstance(question, str):
        known["question"] = question
    if "id" not in known:
        return bad(f"Line {number} has an id that is neither text nor a whole number; give a string or an integer.",
                   **known)
    if not isinstance(recording, str) or not recording.strip():
        return bad(f"Line {number} names no recording; add \"recording\": the path of an EEG file.", **known)
    if question is not None and not isinstance(question, str):
        return bad(f"Line {number} has a question that is not text; give \"question\" as a string.", **known)
    others = item.get("with", [])
    others = [others] if isinstance(others, str) else others
    if not isinstance(others, list) or not all(isinstance(o, str) and o.strip() for o in others):
        return bad(f"Line {number} has a \"with\" that is not a list of paths; give \"with\": [\"b.edf\"].", **known)
    if len(others) > MAX_RECORDINGS - 1:
        return bad(f"Line {number} asks about {len(others) + 1} recordings; at most {MAX_RECORDINGS} go together.",
                   **known)

    def resolved(written: str) -> Path:
        path = Path(written).expanduser()
        return path if path.is_absolute() else folder / path

    return BatchLine(number, line_id, recording, resolved(recording), question.strip() or None if question else None,
                     others=[(o, resolved(o)) for o in others])


def read_batch(source: str | Path) -> list[BatchLine]:
    """The lines of a batch file (`-`: standard input, relative paths from the working folder).
    Blank lines are skipped; a line that cannot be used keeps its error for the output."""
    if str(source) == "-":
        text, folder = sys.stdin.read(), Path.cwd()
    else:
        path = Path(source)
        if not path.is_file():
            raise ConfigError(f"The batch file {source} does not exist; give a JSON-lines file with one "
                              f'{{"recording": ..., "question": ...}} object per line.')
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"The batch file {source} is not UTF-8 text; save it as JSON lines.") from None
        folder = path.resolve().parent
    lines = [_line(n, raw, folder) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if not lines:
        raise ConfigError(f"The batch file {source} holds no lines; write one JSON object per line.")
    return lines


class _Recordings:
    """Each recording analysed once (or its error kept), and forgotten after its last line."""

    def __init__(self, assistant: Assistant, lines: list[BatchLine]):
        self.assistant = assistant
        self.last_use = {self.key(path): i for i, line in enumerate(lines) for _, path in line.recordings()}
        self.known: dict[str, tuple[RecordingContext | None, str | None]] = {}

    @staticmethod
    def key(path: Path) -> str:
        return str(path.resolve())

    def _one(self, written: str, path: Path) -> tuple[RecordingContext | None, str | None, bool]:
        key = self.key(path)
        if key in self.known:
            return (*self.known[key], True)
        try:
            found = (self.assistant.analyse(path, Path(written).name), None)
        except EEGReasonError as err:
            found = (None, str(err))
        self.known[key] = found
        return (*found, False)

    def get(self, line: BatchLine) -> tuple[list[RecordingContext], str | None, float, bool]:
        """(contexts of the line's recordings, the first error, seconds spent analysing now, whether
        every analysis was an earlier line's)."""
        start = time.perf_counter()
        contexts, reused = [], True
        for written, path in line.recordings():
            ctx, error, was_reused = self._one(written, path)
            reused = reused and was_reused
            if error:
                return [], error, round(time.perf_counter() - start, 3), reused
            contexts.append(ctx)
        return contexts, None, round(time.perf_counter() - start, 3), reused

    def done_with(self, index: int) -> None:
        for key in [k for k in self.known if self.last_use[k] <= index]:
            del self.known[key]


def _base(line: BatchLine) -> dict:
    base = {"id": line.id, "line": line.number, "recording": line.recording, "question": line.question}
    return {**base, "with": [written for written, _ in line.others]} if line.others else base


def error_record(line: BatchLine, error: str) -> dict:
    return {**_base(line), "error": error}


def answer_batch(assistant: Assistant, lines: list[BatchLine], params: GenerationParams,
                 write: Callable[[dict], None], progress: bool = True) -> int:
    """Answer every line, calling `write` with each line's object in input order; returns how many
    lines failed."""
    from training.progress import ItemProgress

    recordings = _Recordings(assistant, lines)
    labels = list(assistant.config.labels)
    window = max(1, assistant.parallelism)
    pending: dict[Future, tuple[int, list[RecordingContext], str, dict]] = {}
    finished: dict[int, dict] = {}
    state = {"next": 0, "failed": 0}
    pool = ThreadPoolExecutor(max_workers=window, thread_name_prefix="ask-batch")

    def finish(index: int, record: dict) -> None:
        finished[index] = record
        state["failed"] += record.get("error") is not None
        bar.update(1)
        while state["next"] in finished:
            write(finished.pop(state["next"]))
            state["next"] += 1

    def answered(index: int, contexts: list, question: str, result, timings: dict) -> None:
        finish(index, {**_base(lines[index]), "question": question, "synthetic": any(c.synthetic for c in contexts),
                       "answer": result.text, **answer_fields(result.text, [c.evidence for c in contexts], labels),
                       **served_steps(result.extra),
                       "finish_reason": result.finish_reason, "timings": timings, "error": None})

    def collect(block: bool) -> None:
        if not pending:
            return
        done, _ = wait(pending, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for future in done:
            index, contexts, question, timings = pending.pop(future)
            try:
                result = future.result()[0]
            except EEGReasonError as err:
                finish(index, error_record(lines[index], str(err)))
                continue
            answered(index, contexts, question, result,
                     {**timings, "answer_s": round(result.total_s, 3),
                      "first_token_s": None if result.first_token_s is None else round(result.first_token_s, 3)})

    interrupted = False
    with ItemProgress(len(lines), "ask", unit="line", enabled=progress) as bar:
        try:
            for index, line in enumerate(lines):
                while len(pending) >= window:
                    collect(block=True)
                collect(block=False)
                if line.error:
                    finish(index, error_record(line, line.error))
                    continue
                contexts, error, analysis_s, reused = recordings.get(line)
                recordings.done_with(index)
                if error:
                    finish(index, error_record(line, error))
                    continue
                try:
                    question = line.question or assistant.default_question_for(len(contexts))
                    timings = {"analysis_s": analysis_s, "analysis_reused": reused}
                    declined = assistant.out_of_scope(question)
                    if declined is not None:  # a clinical judgement: the scope reply, nothing generated
                        answered(index, contexts, question, declined, timings)
                        continue
                    prompt = assistant.prompt_embeds(Conversation(contexts), question)
                    route = assistant.route(Conversation(contexts), question)
                except EEGReasonError as err:  # e.g. a prompt longer than the engine takes
                    finish(index, error_record(line, str(err)))
                    continue
                future = pool.submit(assistant.generate, [prompt], params, [[c.evidence for c in contexts]], [route])
                pending[future] = (index, contexts, question, timings)
            while pending:
                collect(block=True)
        except BaseException:
            interrupted = True  # Ctrl+C or an engine failure: do not wait for answers in flight
            raise
        finally:
            pool.shutdown(wait=not interrupted, cancel_futures=True)
    return state["failed"]


def jsonl_writer(stream) -> Callable[[dict], None]:
    """Writes each object as one line of strict JSON (no NaN), flushed at once."""

    def write(record: dict) -> None:
        stream.write(json.dumps(json_safe(record), allow_nan=False) + "\n")
        stream.flush()

    return write
