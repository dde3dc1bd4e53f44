"""The prescription guard against four corpora written by writers who never saw its code, and against
every whole word of the embedded LLM's vocabulary (none of which may be read as a medication unless
it is one)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from encoders.errors import ReportError
from prompts import medications
from reports.guard import check_no_prescriptions, prescription_words, without_prescriptions

CORPORA = Path(__file__).parent / "data" / "reports" / "prescriptions"
KNOWN_MISSES = {"b134"}  # "ASM levels pending.": a bare "ASM" is also the SEED asymmetry feature


def _cases(name: str) -> list[dict]:
    return yaml.safe_load((CORPORA / f"{name}.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("corpus", ["development", "second", "third", "fourth"])
def test_every_refusal_refused_and_every_acceptable_text_kept(corpus):
    wrong = []
    for case in _cases(corpus):
        refused = prescription_words(case["text"]) is not None
        if refused != (case["expect"] == "refuse") and case["id"] not in KNOWN_MISSES:
            wrong.append(f"{case['id']} ({case['expect']}): {case['text']}")
    assert not wrong, "\n".join(wrong)


def test_the_known_miss_is_still_a_miss():
    """When it is fixed, drop it from KNOWN_MISSES and the corpus README."""
    missed = [c for c in _cases("second") if c["id"] in KNOWN_MISSES]
    assert missed and all(prescription_words(c["text"]) is None for c in missed)


def test_corpora_cover_each_rule_and_the_traps():
    cases = _cases("development") + _cases("second") + _cases("third") + _cases("fourth")
    rules = [c["rule"] for c in cases if c["expect"] == "refuse"]
    for rule in "123":
        assert sum(rule in str(r) for r in rules) >= 80
    assert sum(c["rule"] == "trap" for c in cases) >= 80


def test_no_word_of_the_embedded_vocabulary_reads_as_a_medication_unless_listed():
    """24,000 English (and other) words the LLM knows: an INN stem or a one-letter slip from a listed
    name must not turn an ordinary word ('moderate', 'ability') into a refusal."""
    import gguf
    from projector.llm import _gguf_location

    reader = gguf.GGUFReader(str(_gguf_location()))
    field = reader.fields["tokenizer.ggml.tokens"]
    words = {bytes(field.parts[i]).decode("utf-8", "replace") for i in field.data}
    words = {w[1:] for w in words if w.startswith("Ġ") and w[1:].isalpha() and len(w) > 3}
    listed = set(medications.GENERICS.split()) | set(medications.BRANDS.split())
    refused = {w.lower() for w in words if w.lower() not in listed and prescription_words(w.lower())}
    assert len(words) > 20000
    assert refused == MEDICATION_WORDS_IN_THE_VOCABULARY


# Classes, routes and prescribing words the vocabulary holds (refused as words, not as names).
MEDICATION_WORDS_IN_THE_VOCABULARY = set("""
antibiotic antibiotics antidepressant antidepressants antihistamines corticosteroids depot intravenous
nsaids opioid opioids painkillers prescribe prescribed prescribing prescription prescriptions steroid
steroids stimulant stimulants""".split())


@pytest.mark.parametrize("text, words", [
    ("Start 50 mg daily.", "50 mg"),
    ("Consider an S S R I.", "SSRI"),
    ("l o r a z e p a m before the next session", "lorazepam"),
    ("Patient takes Xаnax.", "Xanax"),  # a Cyrillic 'а'
])
def test_the_error_quotes_the_words_it_read(text, words):
    with pytest.raises(ReportError, match="prescription-like") as raised:
        check_no_prescriptions(text)
    assert words.lower() in str(raised.value).lower()


def test_model_text_with_medication_is_withheld_whole():
    text = "Frontal alpha is reduced (z -1.4). A trial of a benzo could calm the high arousal."
    assert "withheld" in without_prescriptions(text, "The model's reasoning")
    kept = "Frontal alpha is reduced (z -1.4); repeat the recording with better electrode contact."
    assert without_prescriptions(kept, "The model's reasoning") == kept
