"""The claim checker reads whatever is pasted: every text of every corpus, checked against records of
other label sets and montages than its own (a 7-emotion rationale against a set of valence classes,
a 62-channel one against a record without frontal channels), is read without an error. An exception
here once came from a part of the reading named with emotions that a valence set does not have."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_claims import evidence_file
from test_label_set_claims import load_evidence as label_set_record

from prompts.claims import check_text

DATA = Path(__file__).parent / "data" / "claims"
TEXTS = [case["text"] for path in sorted(DATA.glob("**/cases.yaml")) + [DATA / "phrasings.yaml"]
         for case in yaml.safe_load(path.read_text())]


RECORDS = {
    "7 emotions, fair, a reading over time": lambda: evidence_file(DATA / "corpus5" / "fixtures" / "evidence-c5-08.json"),
    "valence high/low": lambda: label_set_record("evidence-c5-04")[0],
    "arousal, no frontal channels": lambda: label_set_record("evidence-c5-05")[0],
}


@pytest.mark.parametrize("record", RECORDS)
def test_every_corpus_text_is_read_against_another_record_without_error(record):
    evidence = RECORDS[record]()
    assert len(TEXTS) > 2000
    failures = []
    for text in TEXTS:
        try:
            check_text(text, evidence)
        except Exception as error:  # noqa: BLE001 - every failure is collected and shown
            failures.append((text[:120], repr(error)))
    assert not failures, failures[:3]
