"""bench.claim_mutations: each one-fact change of a model-shaped reply is made once, in one place, and
the checker flags it (on a record of the seventh corpus: neutral 56%, disgust 16%, FAA −0.83, good,
80 of 80 s usable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_claims import evidence_file

from bench.claim_mutations import main, mutations
from prompts.claims import check_text

RECORD = Path(__file__).parent / "data" / "claims" / "corpus7" / "fixtures" / "evidence-c7-01.json"
REPLY = ("Reasoning: Judging the emotion. Signal quality is good (80 of 80 s usable). The EEG pattern match rates it "
         "closest to neutral (56%), then disgust (16%); neutral has neutral valence and low arousal. Frontal alpha "
         "asymmetry of -0.83 favours the right hemisphere, a sign of negative valence. Overall the EEG pattern fits "
         "neutral best.\nAnswer: neutral\nConfidence: 0.56")


def test_every_change_is_one_fact_and_is_flagged():
    evidence = evidence_file(RECORD)
    assert all(c.holds for c in check_text(REPLY, evidence))
    changed = mutations(REPLY, ["happy", "surprise", "neutral", "sad", "disgust", "fear", "anger"])
    assert sorted(kind for kind, _ in changed) == ["class", "faa_meaning", "faa_side", "faa_value", "probability",
                                                    "probability", "quality_grade", "rank", "usable"]
    for kind, text in changed:
        assert text != REPLY and len(text.split()) == len(REPLY.split()), kind
        assert any(not c.holds for c in check_text(text, evidence)), (kind, text)


def test_a_folder_without_a_run_or_without_usable_replies_is_refused_in_one_sentence(tmp_path):
    with pytest.raises(SystemExit, match="holds no evaluation run"):
        main(["--eval-dir", str(tmp_path), "--no-write"])
    (tmp_path / "items.jsonl").write_text(json.dumps({"id": "a", "evidence": [], "label_space": {"labels": []}}) + "\n")
    (tmp_path / "results.jsonl").write_text(json.dumps({"id": "a", "task": "emotion", "parsed": {}, "output": ""}) + "\n")
    with pytest.raises(SystemExit, match="nothing to change"):
        main(["--eval-dir", str(tmp_path), "--no-write"])
