"""Claims about the recording and its quality report (grade, usable seconds, artefact, blink, muscle
and line-noise figures, bad channels, channel count, duration), on cases written apart from the
checker, from the rules alone (tests/data/):

- recording_claim_cases.json: the six kinds with both verdicts, in clinical, hedged and terse styles,
  against questions, conditions and advice (57 of 74 on the first run: "Re-record if quality is
  poor", "If more than 20% of windows had artefacts, …" and questions were read as claims; "The
  recording is clean", "Usable data: 47.4 s", "79.6% … was retained for analysis", "line noise was
  3.2x", "line-noise ratio: 4.1 times", "a 60-second resting-state recording", "ten minutes of EEG
  were recorded" were not read; "muscle artefact affected 3.4%" was held to the artefact figure; one
  statement of bad channels was read as two or three claims);
- recording_claim_holdout.json: written after those fixes, in header, discharge-letter and notebook
  styles (49 of 59 on the first run: "of acceptable technical quality", "grade good", "the tracing
  was excellent", "Twelve seconds were rejected", "line-noise power reached 3.7 times", "forty-one
  percent of windows", "64 ch EEG", "Channels: 21", "Total duration: 300.0 s").

A case names one kind: true means at least one claim of that kind is read and all hold, false that
at least one fails, null that none is read."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pattern_evidence import assert_verdicts, good_evidence

from prompts.claims import check_text

DATA = Path(__file__).parent / "data"
SETS = {name: json.loads((DATA / f"{name}.json").read_text())["cases"]
        for name in ("recording_claim_cases", "recording_claim_holdout")}
CASES = [(name, case) for name, cases in SETS.items() for case in cases]
FIELDS = ("quality_grade", "usable_seconds", "total_seconds", "duration_s", "n_channels", "bad_channels",
          "artifact_percent", "blink_percent", "muscle_percent", "line_noise_ratio")
KINDS = {"quality", "usable", "quality_figure", "bad_channels", "channels", "duration"}


@pytest.mark.parametrize("name", sorted(SETS))
def test_each_set_covers_each_kind_and_expectation(name):
    cases = SETS[name]
    assert len(cases) >= 45 and {c["kind"] for c in cases} == KINDS and {c["expect"] for c in cases} == {True, False, None}


@pytest.mark.parametrize("name, case", CASES, ids=[f"{n}-{c['id']}-{c['kind']}-{c['expect']}" for n, c in CASES])
def test_a_recording_claim_case_is_checked_as_expected(name, case):
    recording = {k: case["recording"][k] for k in FIELDS if k in case["recording"]}
    evidence = replace(good_evidence(), quality_reasons=[], **recording)
    found = [c for c in check_text(case["text"], evidence) if c.kind == case["kind"]]
    assert_verdicts(found, case["expect"], case["text"], case["kind"], one_claim=False)
