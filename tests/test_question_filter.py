"""Keeping a new writer's phrasings apart from the banks they must not repeat (prompts/question_filter.py):
exact and near repeats are left out, new wording is kept, and the shipped banks keep the distance
their headers state."""

from __future__ import annotations

import yaml

from prompts.question_filter import NEAR_RATIO, Pool, bank_phrasings, filter_phrasings, main, near_training_phrasings


def test_repeats_and_near_repeats_are_left_out_and_new_wording_kept():
    apart = Pool(["What is the valence of this recording?", "Which channels were bad?"])
    extended = Pool(["How sure are you?"])
    raw = {"valence": {"first": ["what is the VALENCE of this recording", "What's the valence of this recording?",
                                 "Pleasant or unpleasant, overall?", "Pleasant or unpleasant, overall?"],
                       "follow_up": ["And the valence?"]},
           "confidence": ["How sure are you?", "How much would you bet on that?"],
           "bad_channels": ["Which channels were bad, then?", "Did any electrode lose contact?"]}
    result = filter_phrasings(raw, apart, extended)
    assert result.kinds == {"valence": {"first": ["Pleasant or unpleasant, overall?"], "follow_up": ["And the valence?"]},
                            "confidence": {"first": ["How much would you bet on that?"]},
                            "bad_channels": {"first": ["Did any electrode lose contact?"]}}
    # An exact repeat up to case and punctuation and a contraction are near; so is an added word.
    assert (result.near, result.repeats, result.kept) == (3, 2, 4)


def test_the_command_writes_what_it_kept(tmp_path, capsys):
    raw = tmp_path / "raw.yaml"
    out = tmp_path / "kept.yaml"
    phrasing = bank_phrasings("questions-heldout-v1")[0]
    raw.write_text(yaml.safe_dump({"kinds": {"quality": {"first": [phrasing.upper(), "Grade the recording for me, please: "
                                                                                     "usable or not?"]}}}))
    assert main([str(raw), "--apart-from", "questions-heldout-v1", "--out", str(out)]) == 0
    assert yaml.safe_load(out.read_text()) == {"kinds": {"quality": {"first": ["Grade the recording for me, please: "
                                                                               "usable or not?"]}}}
    assert "kept 1; left out 1 near" in capsys.readouterr().out
    raw.write_text("kinds: [")
    assert main([str(raw), "--apart-from", "questions-heldout-v1", "--out", str(out)]) == 2
    raw.write_text(yaml.safe_dump({"kinds": {"mood": ["How is the mood?"]}}))
    assert main([str(raw), "--apart-from", "questions-heldout-v1", "--out", str(out)]) == 2
    assert "kinds no bank has (mood)" in capsys.readouterr().err
    raw.write_text(yaml.safe_dump({"kinds": {"quality": "Is it clean?"}}))
    assert main([str(raw), "--apart-from", "questions-heldout-v1", "--out", str(out)]) == 2
    assert "must be a list of non-empty strings" in capsys.readouterr().err
    raw.write_text(yaml.safe_dump({"kinds": {"quality": ["Is it clean?"]}}))
    assert main([str(raw), "--apart-from", "questions-heldout-v99", "--out", str(out)]) == 2
    assert "Unknown question bank 'questions-heldout-v99'" in capsys.readouterr().err


def test_the_shipped_banks_keep_their_distance():
    """questions-v4's additions to questions-v3 were left out near any of the first six held-out banks,
    and the seventh held-out bank near any training bank; so none is within the ratio."""
    heldout = Pool(p for i in range(1, 7) for p in bank_phrasings(f"questions-heldout-v{i}"))
    before = set(bank_phrasings("questions-v3"))
    additions = [p for p in bank_phrasings("questions-v4") if p not in before]
    assert len(additions) > 500
    assert [p for p in additions if heldout.near(p) is not None] == []
    assert near_training_phrasings("questions-heldout-v7") == 0 and NEAR_RATIO == 0.75
