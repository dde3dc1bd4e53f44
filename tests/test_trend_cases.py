"""Claims about the reading over time (kind "trend") on cases written apart from the checker, from
the rules alone (tests/data/):

- trend_cases.json: steady, a class during a part, shifts, emergence, peaks, rises and falls, changes
  at a moment, trends in what is not measured over time, and sentences that claim none (69 of 78 on
  the first run: "throughout the recording" was no word of time, times in minutes were not read,
  "around 40 s the reading turns to fear" was read as the class at 40 s, not a change there, and
  "At first the reading was neutral" was no claim);
- trend_holdout.json: written after those fixes, leaning on what the first set covered thinly
  (minutes, "throughout the session", vague parts, turns of phrase that are not claims; 54 of 55 on
  the first run: "At first I considered sad, but the encoder's top class is fear" was read as the
  reading at first).

For an expectation of true/false exactly one trend claim must be read, holding or not; for null, none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pattern_evidence import assert_verdicts, good_evidence, with_timeline

from prompts.claims import check_text

DATA = Path(__file__).parent / "data"
SETS = {name: json.loads((DATA / f"{name}.json").read_text())["cases"] for name in ("trend_cases", "trend_holdout")}
CASES = [(name, case) for name, cases in SETS.items() for case in cases]


@pytest.mark.parametrize("name", sorted(SETS))
def test_each_set_covers_each_expectation_and_well_formed_timelines(name):
    cases = SETS[name]
    assert len(cases) >= 45 and {c["expect"] for c in cases} == {True, False, None}
    for case in cases:
        timeline = case["timeline"]
        if timeline:  # contiguous, covering the recording
            assert timeline[0][0] == 0 and timeline[-1][1] == case["duration"], case["id"]
            assert all(a[1] == b[0] for a, b in zip(timeline, timeline[1:])), case["id"]


@pytest.mark.parametrize("name, case", CASES, ids=[f"{n}-{c['id']}-{c['expect']}" for n, c in CASES])
def test_a_trend_case_is_checked_as_expected(name, case):
    evidence = with_timeline(good_evidence(), case["timeline"], case["duration"])
    found = [c for c in check_text(case["text"], evidence) if c.kind == "trend"]
    assert_verdicts(found, case["expect"], case["text"], "trend")


# The last third of this reading is split evenly: 32–40 s fear, 40–48 s sad.
EVEN_END = [[0, 12, "fear", 0.41], [12, 40, "fear", 0.25], [40, 48, "sad", 0.60]]


@pytest.mark.parametrize("text, expect", [
    ("sad held to the end of the recording", True),  # the class at the very end: the last part
    ("Sad lasted until the very end.", True),
    ("fear held to the end of the recording", False),
    ("fear (33%) persisted into the end", False),
    ("sad stayed on top until the end of the session", True),
    ("By the end the reading was sad.", True),  # a part split evenly is led by either class
    ("In the middle the reading was sad.", False),
])
def test_the_class_at_the_end_and_a_part_led_jointly(text, expect):
    evidence = with_timeline(good_evidence(), EVEN_END, 48)
    found = [c for c in check_text(text, evidence) if c.kind == "trend"]
    assert_verdicts(found, expect, text, "trend")
