"""`eegreason ask --batch FILE.jsonl` and `ask --json`: many questions through one engine, one output
object per input line in input order, a bad line reported in one sentence without stopping the run,
and each answer read apart (label, confidence, the claim check of its reasoning)."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from prompts.answer_format import parse_answer
from test_cli import run_cli

CLAIM_KEYS = {"kind", "text", "holds", "measured", "why"}


def _strict(text: str):
    def refuse(name):
        raise AssertionError(f"output holds {name}")

    return json.loads(text, parse_constant=refuse)


def _one_sentence(text: str) -> bool:
    return "\n" not in text and text.rstrip().endswith(".") and "Traceback" not in text


def _check_answer_fields(record: dict) -> None:
    """The fields an answer is read into agree with the answer text, recomputed here."""
    parsed = parse_answer(record["answer"])
    assert record["label"] == parsed.answer and record["confidence"] == parsed.confidence
    assert record["confidence"] is None or isinstance(record["confidence"], float)
    assert all(CLAIM_KEYS <= set(c) and isinstance(c["holds"], bool) for c in record["claims"])
    assert record["claims_failing"] == sum(not c["holds"] for c in record["claims"])


def _write_batch(folder, rows: list) -> str:
    path = folder / "questions.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return str(path)


# ---- reading the batch file -------------------------------------------------------------------------


def test_batch_lines_are_read_with_their_errors_kept(tmp_path):
    from serve.batch import read_batch

    rows = [{"id": "a", "recording": "rec.fif", "question": "  How is frontal alpha? "},
            "",  # blank lines are not inputs
            "{not json",
            [1, 2],
            {"question": "no recording here"},
            {"recording": "rec.fif", "question": 42},
            {"id": {"nested": True}, "recording": "rec.fif"},
            {"recording": str(tmp_path / "elsewhere" / "b.edf")}]
    lines = read_batch(_write_batch(tmp_path, rows))
    assert [line.number for line in lines] == [1, 3, 4, 5, 6, 7, 8]
    first = lines[0]
    assert first.id == "a" and first.path == tmp_path / "rec.fif" and first.question == "How is frontal alpha?"
    assert first.error is None
    for line in lines[1:6]:
        assert line.error and _one_sentence(line.error) and f"Line {line.number}" in line.error
    assert "not valid JSON" in lines[1].error and "not an object" in lines[2].error
    assert "no recording" in lines[3].error and "not text" in lines[4].error and "id" in lines[5].error
    last = lines[6]
    assert last.error is None and last.id == 8 and last.question is None  # the line number; the default question
    assert last.path == tmp_path / "elsewhere" / "b.edf"  # absolute paths stay as given


@pytest.mark.parametrize("content, match", [(None, "does not exist"), ("\n\n", "holds no lines")])
def test_a_batch_that_cannot_start_fails_at_once(tmp_path, content, match):
    path = tmp_path / "batch.jsonl"
    if content is not None:
        path.write_text(content)
    result = run_cli("ask", "--batch", str(path), timeout=300)
    errors = [line for line in result.stderr.splitlines() if line.startswith("eegreason: error:")]
    assert result.returncode == 2 and len(errors) == 1 and match in errors[0] and "Traceback" not in result.stderr


@pytest.mark.parametrize("argv, match", [
    (("--batch", "x.jsonl", "rec.edf"), "not both"),
    ((), "Give a recording"),
    (("rec.edf", "--out", "answers.jsonl"), "--out goes with --batch"),
])
def test_ask_refuses_contradictory_arguments(argv, match):
    result = run_cli("ask", *argv, timeout=300)
    assert result.returncode == 2 and match in result.stderr and "Traceback" not in result.stderr


# ---- answering ----------------------------------------------------------------------------------------


def test_a_batch_answers_every_line_in_order_through_one_engine(tiny_checkpoint, fif14, tmp_path):
    from encoders.channels import montage
    from eeg_files import eeg_like, write_fif

    shutil.copy(fif14, tmp_path / "copy_raw.fif")
    (tmp_path / "notes.txt").write_text("not EEG\n")
    short = write_fif(tmp_path / "short_raw.fif", eeg_like(14, 128.0, 1.0, seed=2), montage("emotiv14"), 128.0,
                      description="SYNTHETIC")
    rows = [{"id": "first", "recording": str(fif14), "question": "How is alpha over the frontal region?"},
            "{this line is broken",
            {"recording": "missing.edf", "question": "Any bad channels?"},
            {"id": 40, "recording": str(fif14)},  # the same recording again: analysed once
            {"recording": "copy_raw.fif", "question": "Is the signal quality good?"},  # relative to the batch file
            {"recording": "notes.txt"},
            {"recording": short.name}]
    out = tmp_path / "answers" / "out.jsonl"
    result = run_cli("ask", "--batch", _write_batch(tmp_path, rows), "--checkpoint", str(tiny_checkpoint),
                     "--engine", "transformers", "--max-tokens", "12", "--out", str(out), "--no-progress")
    assert result.returncode == 1, result.stderr[-3000:]  # some lines failed: documented exit status 1
    assert "Traceback" not in result.stderr and "4 of 7 lines failed" in result.stderr
    assert not result.stdout.strip()  # everything went to --out
    records = [_strict(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6, 7]  # one per input line, in input order
    assert [r["id"] for r in records] == ["first", 2, 3, 40, 5, 6, 7]
    failed = {r["line"]: r["error"] for r in records if r["error"]}
    assert set(failed) == {2, 3, 6, 7} and all(_one_sentence(e) for e in failed.values()), failed
    assert "missing.edf" in failed[3] and "notes.txt" in failed[6] and "short_raw.fif" in failed[7]
    answered = [r for r in records if not r["error"]]
    for record in answered:
        _check_answer_fields(record)
        assert record["answer"].strip() and record["synthetic"] is True
        assert record["timings"]["answer_s"] > 0
    first, again, copy = answered
    assert first["question"] == "How is alpha over the frontal region?"
    assert again["question"] == "What emotion is this person most likely feeling?"  # the default question
    assert first["timings"]["analysis_reused"] is False and first["timings"]["analysis_s"] > 0
    assert again["timings"]["analysis_reused"] is True and again["timings"]["analysis_s"] == 0
    assert copy["timings"]["analysis_reused"] is False  # another file, even with the same content
    # One engine for the whole batch: transformers' bar over the LLM's weights started once.
    assert len(re.findall(r"Loading weights:\s+0%", result.stderr)) <= 1


def test_a_batch_with_only_good_lines_exits_zero_and_prints_json_lines(tiny_checkpoint, fif14, tmp_path):
    questions = ("Which bands stand out?", "Any bad channels?", "Is he lying to us?")
    rows = [{"recording": str(fif14), "question": q} for q in questions]
    result = run_cli("ask", "--batch", _write_batch(tmp_path, rows), "--checkpoint", str(tiny_checkpoint),
                     "--engine", "transformers", "--max-tokens", "8")
    assert result.returncode == 0, result.stderr[-3000:]
    records = [_strict(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in records] == list(questions)
    assert all(r["error"] is None for r in records)
    # A clinical judgement gets the scope reply, nothing generated (prompts/scope.py).
    assert [r["scope_guard"] for r in records] == [None, None, {"topic": "deception", "by": "rules", "probability": None}]
    assert records[2]["label"] == "cannot tell" and "research tool" in records[2]["answer"]


def test_ask_json_reads_the_answer_apart_and_shows_the_question_context(tiny_checkpoint, fif14):
    result = run_cli("ask", str(fif14), "How is theta over the temporal region?", "--checkpoint",
                     str(tiny_checkpoint), "--engine", "transformers", "--max-tokens", "12", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    payload = _strict(result.stdout[result.stdout.index("{"):])
    _check_answer_fields(payload)
    assert payload["engine"] == "transformers" and payload["timings"]["answer_s"] > 0
    # The measured value the question names, as the evidence holds it.
    z = payload["evidence"]["band_z"]["temporal"]["theta"]
    found = re.fullmatch(r"\(measured for this question: temporal theta (elevated|reduced|typical) "
                         r"\(z ([+-]\d+\.\d)\)\)", payload["question_context"])
    assert found and abs(float(found.group(2)) - z) <= 0.05 + 1e-9
    assert payload["question"] == "How is theta over the temporal region?"


@pytest.mark.slow
def test_a_batch_through_vllm_sends_its_lines_together(tiny_checkpoint, fif14, vllm_engine):
    """Through vLLM the lines are in the engine at once, and each answer is the one asked alone."""
    from serve.assistant import Assistant, Conversation
    from serve.batch import answer_batch, read_batch
    from serve.engines import GenerationParams

    assistant = Assistant(tiny_checkpoint, engine=vllm_engine)
    questions = ["How is frontal alpha?", "Any bad channels?", "Is the quality good?", "How does this person feel?"]
    folder = fif14.parent / "batch"
    folder.mkdir(exist_ok=True)
    lines = read_batch(_write_batch(folder, [{"recording": str(fif14), "question": q} for q in questions]))
    params = GenerationParams(max_tokens=12)
    records: list[dict] = []
    assert answer_batch(assistant, lines, params, records.append, progress=False) == 0
    assert [r["question"] for r in records] == questions
    ctx = assistant.analyse(fif14)
    alone = [assistant.ask(Conversation([ctx]), q, params).text for q in questions]
    assert [r["answer"] for r in records] == alone  # greedy: the same answer batched or alone


def test_a_batch_line_may_ask_about_two_or_three_recordings_together(tiny_checkpoint, fif14, tmp_path):
    from serve.batch import read_batch

    shutil.copy(fif14, tmp_path / "b_raw.fif")
    rows = [{"id": "pair", "recording": str(fif14), "with": ["b_raw.fif"]},
            {"id": "bad-with", "recording": str(fif14), "with": [3]},
            {"id": "too-many", "recording": str(fif14), "with": ["b_raw.fif"] * 3},
            {"id": "missing-second", "recording": str(fif14), "with": "nowhere.fif", "question": "Which is calmer?"}]
    batch = _write_batch(tmp_path, rows)
    lines = read_batch(batch)
    assert lines[0].others == [("b_raw.fif", tmp_path / "b_raw.fif")] and lines[0].error is None
    assert "not a list of paths" in lines[1].error and "at most 3" in lines[2].error
    assert lines[3].others == [("nowhere.fif", tmp_path / "nowhere.fif")]  # a single path is a list of one
    out = tmp_path / "out.jsonl"
    result = run_cli("ask", "--batch", batch, "--checkpoint", str(tiny_checkpoint), "--engine", "transformers",
                     "--max-tokens", "8", "--out", str(out), "--no-progress")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
    records = {r["id"]: r for r in (_strict(line) for line in out.read_text().splitlines())}
    pair = records["pair"]
    assert pair["error"] is None and pair["with"] == ["b_raw.fif"]
    assert pair["question"].startswith("Which recording shows the more positive emotional state?")
    _check_answer_fields(pair)
    assert "nowhere.fif" in records["missing-second"]["error"] and records["missing-second"]["with"] == ["nowhere.fif"]
