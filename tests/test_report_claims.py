"""Claims in a note's model reasoning: each failing claim marked when drafted, struck or corrected by a
reviewer (versioned, audited, checked again), signing refused without an acknowledgement that is then
recorded in the signed version, the audit trail and the exports; stores of the earlier schema
migrated; `eegreason report` marks failing claims and refuses signing with one sentence.

The misstatements are written here, in several phrasings each, against an evidence record whose
numbers the expectations are computed from."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from encoders.errors import ReportError, UnresolvedClaimsError
from encoders.evidence import Evidence, Finding
from prompts.answer_format import parse_answer
from reports.draft import draft_note
from reports.note import MedicalRecordNote
from reports.render import render_markdown
from reports.store import ReportStore

PROBS = {"sad": 0.46, "neutral": 0.19, "fear": 0.14, "anger": 0.08, "happy": 0.06, "surprise": 0.04, "disgust": 0.03}
BAND_Z = {"frontal": {"delta": 0.2, "theta": 1.1, "alpha": -0.3, "beta": 1.6, "gamma": 0.1},
          "parietal": {"delta": -0.2, "theta": 0.4, "alpha": -1.45, "beta": 0.3, "gamma": -0.5},
          "temporal": {"delta": 0.0, "theta": -0.1, "alpha": 0.2, "beta": 0.9, "gamma": 2.3}}
FAA = -0.31  # right

# Statements that hold against the evidence above (each gives at least one claim).
TRUE = ("Sadness leads the pattern match at 46%.", "Frontal beta is elevated (z +1.60).",
        "The asymmetry favours the right side (FAA -0.31).")
# (misstatement, claim kind, subject): wrong probabilities for named emotions, wrong z-scores for a
# region/band, the wrong asymmetry side.
WRONG = [
    ("P(sad) = 0.80 in the pattern match.", "probability", "sad"),
    ("Fear sits at 41% in the encoder's pattern match.", "probability", "fear"),
    ("The encoder rates neutral at 0.62.", "probability", "neutral"),
    ("The encoder puts anger at roughly 30 percent.", "probability", "anger"),
    ("Parietal alpha reaches z = -3.10.", "band", "parietal alpha"),
    ("Frontal beta was 0.4 SD above the reference.", "band", "frontal beta"),
    ("Temporal gamma power is elevated (z +1.2).", "band", "temporal gamma"),
    ("Parietal alpha is raised, z of +1.45.", "band", "parietal alpha"),
    ("Alpha asymmetry favours the left hemisphere.", "faa", "faa"),
    ("Greater left-frontal activation (FAA +0.31).", "faa", "faa"),
    ("Frontal alpha asymmetry leans to the left.", "faa", "faa"),
]


def evidence() -> Evidence:
    findings = [Finding("quality", "good", 0.95)]
    for region, bands in BAND_Z.items():
        for band, z in bands.items():
            direction = "elevated" if z >= 1 else "reduced" if z <= -1 else "typical"
            findings.append(Finding(f"band:{region}:{band}", direction, z))
    findings.append(Finding("faa", "right", FAA))
    return Evidence(version="evidence-v1", synthetic=True, duration_s=120.0, n_channels=32, quality_grade="good",
                    quality_reasons=[], usable_seconds=114.0, total_seconds=120.0, bad_channels=[], faa=FAA,
                    faa_direction="right", band_z=BAND_Z, reference="generic adult reference", findings=findings,
                    pattern=[[k, v] for k, v in list(PROBS.items())[:3]], probabilities=PROBS)


def measured_words(kind: str, subject: str) -> str:
    """What the note must show as measured for a claim, from the evidence's own numbers."""
    if kind == "probability":
        return f"{subject} {PROBS[subject]:.0%}"
    if kind == "band":
        region, band = subject.split()
        return f"{BAND_Z[region][band]:+.2f}"
    return f"{FAA:+.2f} (right)"


def draft(reasoning: str) -> MedicalRecordNote:
    answer = parse_answer(f"Reasoning: {reasoning}\nAnswer: sad\nConfidence: 0.46")
    return draft_note(evidence(), {"recording_id": "rec-00000000000000c1", "file_format": "EDF",
                                   "sampling_rate_hz": 256.0}, answer, "claims-test-model")


def reasoning_with(wrong: list[str], positions: list[int]) -> str:
    """The true statements with each wrong one inserted at its (0-based) sentence position."""
    sentences = list(TRUE)
    for text, at in sorted(zip(wrong, positions), key=lambda pair: pair[1]):
        sentences.insert(at, text)
    return " ".join(sentences)


@pytest.fixture()
def store(tmp_path) -> ReportStore:
    return ReportStore(tmp_path / "reports.sqlite3")


# ---- drafting ----

@pytest.mark.parametrize("index", range(len(WRONG)), ids=[w[0][:32] for w in WRONG])
def test_a_draft_marks_the_failing_claim_with_the_measured_value(index):
    wrong, kind, subject = WRONG[index]
    position = index % (len(TRUE) + 1)
    note = draft(reasoning_with([wrong], [position]))
    review = note.reasoning_review
    assert review.checked and [s.text for s in review.sentences][position] == wrong
    failing = review.failing()
    assert len(failing) == 1, [c.to_dict() for c in review.claims]
    number, claim = failing[0]
    assert (claim.kind, claim.subject, claim.sentence) == (kind, subject, position + 1)
    assert measured_words(kind, subject) in claim.measured
    holding = [c for c in review.claims if c.holds]
    assert len(holding) >= len(TRUE) and {c.sentence for c in holding} == \
        {n for n in range(1, len(TRUE) + 2) if n != position + 1}
    assert review.unresolved() == failing

    markdown = render_markdown(note)
    row = next(line for line in markdown.splitlines() if line.startswith(f"| {number} | {position + 1} |"))
    assert "FAILS" in row and measured_words(kind, subject) in row
    assert sum("FAILS" in line for line in markdown.splitlines() if line.startswith("|")) == 1
    # The reasoning is kept in one place, where its claims are marked: not copied into the summary.
    assert wrong not in note.assessment_text and wrong in markdown


def test_a_reasoning_that_holds_carries_no_failing_claim_and_round_trips():
    note = draft(" ".join(TRUE))
    assert note.reasoning_review.claims and not note.reasoning_review.failing()
    assert "FAILS" not in render_markdown(note)
    assert MedicalRecordNote.from_dict(json.loads(json.dumps(note.to_dict()))) == note


# ---- strike, correct, sign ----

def test_strike_then_sign_without_acknowledgement_keeps_the_struck_sentence_visible(store, tmp_path):
    wrong = [WRONG[0][0], WRONG[4][0]]
    note = draft(reasoning_with(wrong, [0, 2]))
    rid = store.create(note, "Dr Alice")
    first_claim = next(n for n, c in note.reasoning_review.failing() if c.sentence == 1)
    v2 = store.strike(rid, 1, "Dr Alice", claim=first_claim, comment="unsupported probability")
    v3 = store.strike(rid, v2, "Dr Carol", sentence=3)  # the z-score sentence: W0, T0, W4, T1, T2
    meta = store.sign(rid, v3, "Dr Bob")
    signed, _ = store.get(rid)
    assert meta.is_signed and signed.status == "signed" and signed.acknowledged_claims is None
    struck = [(s.text, s.struck_by) for s in signed.reasoning_review.sentences if s.struck]
    assert struck == [(wrong[0], "Dr Alice"), (wrong[1], "Dr Carol")]
    assert signed.reasoning_review.text() == " ".join(TRUE) and not signed.reasoning_review.unresolved()

    original, _ = store.get(rid, 1)  # history intact: the draft as it was, nothing struck
    assert not any(s.struck for s in original.reasoning_review.sentences)
    assert len(original.reasoning_review.unresolved()) == 2
    assert [(h.version, h.kind) for h in store.history(rid)] == [(1, "create"), (2, "edit"), (3, "edit")]
    trail = store.audit_trail(rid)
    assert [(e.action, e.version, e.actor) for e in trail] == [
        ("create", 1, "Dr Alice"), ("edit", 2, "Dr Alice"), ("edit", 3, "Dr Carol"), ("sign", 3, "Dr Bob")]
    assert trail[1].detail["review"] == "strike" and trail[1].detail["sentence"] == 1
    assert trail[1].changes[0]["old"] == wrong[0] and trail[1].detail["unresolved_claims"] == 1
    assert trail[2].detail["unresolved_claims"] == 0 and trail[3].detail["failing_claims_acknowledged"] == []

    markdown = render_markdown(signed)
    for text, by in struck:
        line = next(line for line in markdown.splitlines() if text in line and "~~" in line)
        assert f"~~{text}~~" in line and f"struck by {by}" in line
    from reports.export import export_pdf

    pdf_text = _pdf_text(export_pdf(signed, tmp_path / "signed.pdf"))
    assert "struck by Dr Alice" in pdf_text and "struck by Dr Carol" in pdf_text
    with pytest.raises(ReportError, match="already struck"):
        store.strike(rid, v3, "Dr Alice", sentence=1)


def test_a_correction_is_checked_again_and_versioned(store):
    note = draft(reasoning_with([WRONG[8][0]], [1]))
    rid = store.create(note, "Dr Alice")
    still_wrong = TRUE[0] + " " + WRONG[2][0]  # the side is fixed, a probability is now wrong
    v2 = store.correct_reasoning(rid, 1, still_wrong, "Dr Alice", comment="fixed the side")
    corrected, _ = store.get(rid, v2)
    (number, claim), = corrected.reasoning_review.unresolved()
    assert (claim.kind, claim.subject, claim.sentence) == ("probability", "neutral", 2)
    assert measured_words("probability", "neutral") in claim.measured
    assert corrected.reasoning_review.corrected_by == "Dr Alice"
    with pytest.raises(UnresolvedClaimsError):
        store.sign(rid, v2, "Dr Bob")

    v3 = store.correct_reasoning(rid, v2, " ".join(TRUE), "Dr Carol")
    fixed, _ = store.get(rid, v3)
    assert fixed.reasoning_review.claims and not fixed.reasoning_review.failing()
    store.sign(rid, v3, "Dr Bob")
    trail = store.audit_trail(rid)
    assert [(e.action, e.detail.get("review")) for e in trail] == [
        ("create", None), ("edit", "correct"), ("edit", "correct"), ("sign", None)]
    assert trail[1].changes == [{"field": "model_reasoning", "old": note.reasoning_review.text(), "new": still_wrong}]
    assert [c["subject"] for c in trail[1].detail["failing_claims"]] == ["neutral"]
    assert trail[2].detail["failing_claims"] == [] and trail[2].detail["unresolved_claims"] == 0
    assert store.get(rid, 1)[0].reasoning_review.text() == note.reasoning_review.text()  # the model's words kept
    for bad, match in (("   ", "empty"), (" ".join(TRUE), "same as"), ("Give 20 mg daily.", "prescription-like")):
        with pytest.raises(ReportError, match=match):
            store.correct_reasoning(rid, v3, bad, "Dr Alice")


def test_signing_with_failing_claims_is_refused_then_recorded_when_acknowledged(store, tmp_path):
    note = draft(reasoning_with([WRONG[1][0], WRONG[6][0], WRONG[10][0]], [0, 2, 5]))
    unresolved = note.reasoning_review.unresolved()
    assert len(unresolved) == 3
    rid = store.create(note, "Dr Alice")
    v2 = store.strike(rid, 1, "Dr Alice", sentence=1)  # one of the three
    history, trail = store.history(rid), store.audit_trail(rid)

    with pytest.raises(UnresolvedClaimsError) as refused:
        store.sign(rid, v2, "Dr Bob")
    message = str(refused.value)
    assert "2 claims" in message and message.endswith(".") and ". " not in message  # one sentence
    assert [c["number"] for c in refused.value.claims] == [n for n, _ in unresolved[1:]]
    assert store.history(rid) == history and store.audit_trail(rid) == trail  # nothing changed
    assert store.get(rid)[1].report_status == "draft"

    meta = store.sign(rid, v2, "Dr Bob", acknowledge_failing_claims=True)
    signed, _ = store.get(rid)
    expected = [{"number": n, **c.to_dict()} for n, c in unresolved[1:]]
    assert signed.acknowledged_claims == {"by": "Dr Bob", "at": meta.signed_at, "claims": expected}
    sign = store.audit_trail(rid)[-1]
    assert (sign.action, sign.actor, sign.version) == ("sign", "Dr Bob", v2)
    assert sign.detail["failing_claims_acknowledged"] == expected and sign.detail["claims_checked"] is True
    with sqlite3.connect(store.path) as conn:
        stored = conn.execute("SELECT claims_acknowledged FROM report_versions WHERE report_id = ? AND version = ?",
                              (rid, v2)).fetchone()[0]
        assert json.loads(stored)["claims"] == expected
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute("UPDATE report_versions SET claims_acknowledged = NULL WHERE report_id = ?", (rid,))
        with pytest.raises(sqlite3.IntegrityError, match="only with a signature"):
            conn.execute("UPDATE report_versions SET claims_acknowledged = '{}' WHERE report_id = ? AND version = 1",
                         (rid,))

    from reports.export import export_markdown, export_pdf

    acknowledged = re.compile(r"Signed with 2 unresolved claims acknowledged by Dr Bob")
    markdown = export_markdown(signed, tmp_path / "signed.md").read_text(encoding="utf-8")
    assert acknowledged.search(markdown)
    for _, claim in unresolved[1:]:
        assert claim.text in markdown.split("## Sign-off")[1]  # the acknowledged claims are listed at the sign-off
    assert acknowledged.search(" ".join(_pdf_text(export_pdf(signed, tmp_path / "signed.pdf")).split()))

    # An amendment of the acknowledged version needs its own acknowledgement.
    v3 = store.edit(rid, v2, {"clinician_comments": "Amended."}, "Dr Alice")
    amended, _ = store.get(rid)
    assert amended.acknowledged_claims is None and len(amended.reasoning_review.unresolved()) == 2
    with pytest.raises(UnresolvedClaimsError):
        store.sign(rid, v3, "Dr Bob")
    assert store.get(rid, v2)[0].acknowledged_claims["by"] == "Dr Bob"  # the signed version is unchanged


def _pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for page in doc:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(pages)
    finally:
        doc.close()


# ---- a store written by the previous schema ----

V1_DUMP = Path(__file__).parent / "data" / "reports" / "store-v1.sql"


def v1_store(path: Path) -> Path:
    """A store as schema 1 wrote it (the dump of one, made with that code)."""
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_DUMP.read_text(encoding="utf-8"))
        conn.execute("PRAGMA user_version = 1")
    return path


def test_a_store_of_the_previous_schema_is_migrated_and_keeps_every_report(tmp_path):
    path = v1_store(tmp_path / "reports.sqlite3")
    with sqlite3.connect(path) as conn:
        before = {table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
                  for table in ("reports", "report_versions", "audit")}
        signed_id, draft_id = (conn.execute("SELECT id FROM reports WHERE status = ?", (status,)).fetchone()[0]
                               for status in ("signed", "draft"))

    store = ReportStore(path)
    assert store.integrity_check() == "ok"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        for table, rows in before.items():
            now = conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            width = len(rows[0])
            assert [row[:width] for row in now] == rows  # every old value kept
        assert conn.execute("SELECT COUNT(*) FROM report_versions WHERE claims_acknowledged IS NOT NULL"
                            ).fetchone()[0] == 0
    assert ReportStore(path).integrity_check() == "ok"  # opening again changes nothing

    old, meta = store.get(signed_id)
    assert meta.is_signed and old.signed_by == "Dr Signer" and old.acknowledged_claims is None
    assert not old.reasoning_review.checked and old.reasoning_review.sentences  # no evidence to check against
    assert "not checked" in render_markdown(old)
    assert [e.action for e in store.audit_trail(signed_id)] == ["create", "edit", "sign", "export"]

    v3 = store.strike(draft_id, 2, "Dr New", sentence=1)
    store.sign(draft_id, v3, "Dr New")  # nothing is known to fail: signing needs no acknowledgement
    assert store.audit_trail(draft_id)[-1].detail["claims_checked"] is False
    amended = store.edit(signed_id, 2, {"clinician_comments": "Amended after migration."}, "Dr New")
    assert store.get(signed_id)[0].schema_version == "record-v2" and amended == 3

    rid = store.create(draft(reasoning_with([WRONG[3][0]], [0])), "Dr New")  # a new note in the migrated store
    with pytest.raises(UnresolvedClaimsError):
        store.sign(rid, 1, "Dr New")
    store.sign(rid, 1, "Dr New", acknowledge_failing_claims=True)
    assert store.get(rid)[0].acknowledged_claims["claims"][0]["subject"] == "anger"


def test_a_migration_that_fails_midway_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    from reports import schema

    path = v1_store(tmp_path / "reports.sqlite3")
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT * FROM report_versions ORDER BY rowid").fetchall()
    # The real first step, then one that fails: SQLite must undo the first with the second.
    monkeypatch.setitem(schema.MIGRATIONS, 1, (*schema.MIGRATIONS[1], "ALTER TABLE no_such_table ADD COLUMN x"))
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        ReportStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "claims_acknowledged" not in [r[1] for r in conn.execute("PRAGMA table_info(report_versions)")]
        assert conn.execute("SELECT * FROM report_versions ORDER BY rowid").fetchall() == before
    monkeypatch.undo()
    assert ReportStore(path).integrity_check() == "ok"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_a_store_of_a_newer_schema_is_refused_untouched(tmp_path):
    path = v1_store(tmp_path / "reports.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 3")
    size = path.stat().st_size
    with pytest.raises(ReportError, match="schema 3"):
        ReportStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert "claims_acknowledged" not in [r[1] for r in conn.execute("PRAGMA table_info(report_versions)")]
    assert path.stat().st_size == size


# ---- the command line ----

def test_report_commands_mark_failing_claims_and_refuse_signing_in_one_sentence(tmp_path, capsys):
    from serve.cli import main

    db = tmp_path / "reports.sqlite3"
    wrong = [WRONG[5][0], WRONG[9][0]]
    note = draft(reasoning_with(wrong, [1, 3]))
    rid = ReportStore(db).create(note, "Dr Alice")
    failing = note.reasoning_review.failing()

    assert main(["report", "show", rid, "--store", str(db)]) == 0
    out = capsys.readouterr().out
    marked = [line for line in out.splitlines() if line.startswith("✗")]
    assert len(marked) == len(failing) == 2
    for (number, claim), line in zip(failing, marked):
        assert f"claim {number} " in line and claim.text in line and claim.measured in line

    assert main(["report", "sign", rid, "--signer", "Dr Bob", "--store", str(db)]) != 0
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert "Traceback" not in captured.err + captured.out and len(error.splitlines()) == 1
    assert error.startswith("eegreason: error: ") and "2 claims" in error and "--acknowledge-failing-claims" in error
    assert ReportStore(db).get(rid)[1].report_status == "draft"

    assert main(["report", "strike", rid, "--claim", str(failing[0][0]), "--author", "Dr Alice",
                 "--store", str(db)]) == 0
    assert main(["report", "correct", rid, "--reasoning", "Frontal beta is elevated (z +1.6).",
                 "--author", "Dr Alice", "--version", "1", "--store", str(db)]) != 0  # stale: now version 2
    assert "was changed by Dr Alice" in capsys.readouterr().err
    assert main(["report", "sign", rid, "--signer", "Dr Bob", "--acknowledge-failing-claims",
                 "--store", str(db)]) == 0
    assert "Signed with 1 unresolved claim acknowledged by Dr Bob" in capsys.readouterr().out
    out_md = tmp_path / "note.md"
    assert main(["report", "export", rid, "--out", str(out_md), "--author", "Dr Alice", "--store", str(db)]) == 0
    assert "Signed with 1 unresolved claim acknowledged by Dr Bob" in out_md.read_text(encoding="utf-8")
    store = ReportStore(db)
    assert [e.action for e in store.audit_trail(rid)] == ["create", "edit", "sign", "export"]
    assert main(["report", "show", "rpt-000000000000", "--store", str(db)]) != 0
    assert "no report" in capsys.readouterr().err
