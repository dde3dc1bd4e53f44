"""Claims that compare band powers with each other (kind "comparison": one above another, the top or
bottom of a band's regions, the record's largest deviation or highest z, the top two, exceptions),
on cases written apart from the checker, from the rules alone (tests/data/):

- band_comparison_cases.json: every kind with both verdicts, against comparisons with the reference,
  of probabilities, asymmetry or quality (no claim) (63 of 69 on the first run: "may be somewhat
  greater than", a comparison after a statement against the reference ("is elevated (z 1.2) and
  exceeds …", "is raised, though it remains lower than …"), "of the alpha values, frontal is the
  highest", "the alpha maximum lies over parietal regions", "the most pronounced abnormality");
- band_comparison_holdout.json: written after those fixes, in report, hedged and terse styles (39
  of 47 on the first run: "beta reaches its minimum in the frontal region", "delta maximal
  occipitally", "may exceed", "the largest deviation in this recording is …", "… carries the
  highest z", "stands out as the strongest outlier", "the most pronounced departure is seen in …",
  "… is reduced frontal beta").

For an expectation of true/false exactly one comparison claim must be read; for null, none."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pattern_evidence import assert_verdicts, good_evidence

from prompts.claims import check_text

DATA = Path(__file__).parent / "data"
SETS = {name: json.loads((DATA / f"{name}.json").read_text())["cases"]
        for name in ("band_comparison_cases", "band_comparison_holdout")}
CASES = [(name, case) for name, cases in SETS.items() for case in cases]


@pytest.mark.parametrize("name", sorted(SETS))
def test_each_set_covers_each_expectation(name):
    assert len(SETS[name]) >= 40 and {c["expect"] for c in SETS[name]} == {True, False, None}


@pytest.mark.parametrize("name, case", CASES, ids=[f"{n}-{c['id']}-{c['expect']}" for n, c in CASES])
def test_a_band_comparison_case_is_checked_as_expected(name, case):
    found = [c for c in check_text(case["text"], replace(good_evidence(), band_z=case["band_z"])) if c.kind == "comparison"]
    assert_verdicts(found, case["expect"], case["text"], "comparison")
