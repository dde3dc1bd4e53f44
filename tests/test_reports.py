"""Draft medical-record notes: schema, guard, store (versions, sign-off, audit, crash safety),
exports (Markdown, PDF), the Report tab through gradio_client, and `eegreason report`."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from encoders.errors import ReportError
from encoders.evidence import Evidence, Finding
from encoders.paths import repo_root
from prompts.answer_format import parse_answer
from reports.draft import draft_note
from reports.edits import apply_edits
from reports.guard import check_no_prescriptions
from reports.identity import recording_id
from reports.note import CORE_LIMITATION, DRAFT_BANNER, NOT_DETERMINED, RECORD_SCHEMA_VERSION, MedicalRecordNote
from reports.render import SECTION_TITLES, render_markdown
from reports.store import ReportStore

ANSWER = ("Reasoning: Frontal alpha asymmetry is +0.23, favouring the left hemisphere, and frontal alpha is "
          "elevated.\nAnswer: happy\nConfidence: 0.64")
IDENTIFIERS = {"first_name": "Jane", "last_name": "Doe", "birthday": "1970-01-02"}


def make_evidence() -> Evidence:
    band_z = {"frontal": {"delta": 0.1, "theta": -0.4, "alpha": 1.37, "beta": -1.12, "gamma": 0.2},
              "occipital": {"delta": -0.3, "theta": 0.5, "alpha": 2.05, "beta": 0.0, "gamma": -0.6}}
    findings = [Finding("quality", "fair", 0.67)]
    for region, bands in band_z.items():
        for band, z in bands.items():
            direction = "elevated" if z >= 1 else "reduced" if z <= -1 else "typical"
            findings.append(Finding(f"band:{region}:{band}", direction, z))
    findings.append(Finding("faa", "left", 0.23))
    return Evidence(version="evidence-v1", synthetic=True, duration_s=45.0, n_channels=14, quality_grade="fair",
                    quality_reasons=["30 of 45 s usable", "eye blinks in 20% of windows"], usable_seconds=30.0,
                    total_seconds=45.0, bad_channels=["T7"], faa=0.23, faa_direction="left", band_z=band_z,
                    reference="generic adult reference", findings=findings)


NOTABLE = ("+1.37", "-1.12", "+2.05")  # |z| >= 1 in make_evidence, as rendered


@pytest.fixture()
def note() -> MedicalRecordNote:
    return draft_note(make_evidence(), {"recording_id": "rec-0123456789abcdef", "file_format": "FIF",
                                        "sampling_rate_hz": 128.0}, parse_answer(ANSWER), "tiny-model",
                      model_trained_on_synthetic=True)


@pytest.fixture()
def store(tmp_path) -> ReportStore:
    return ReportStore(tmp_path / "reports.sqlite3")


# ---- schema and rendering ----

def test_note_round_trips_through_json(note):
    data = json.loads(json.dumps(note.to_dict()))
    assert data["schema_version"] == RECORD_SCHEMA_VERSION
    assert MedicalRecordNote.from_dict(data) == note
    with pytest.raises(ReportError, match="schema"):
        MedicalRecordNote.from_dict({**data, "schema_version": "record-v0"})


def test_markdown_has_every_section_the_numbers_and_the_draft_banner(note):
    text = render_markdown(note)
    for title in SECTION_TITLES:
        assert f"## {title}" in text
    assert DRAFT_BANNER in text and "Draft — requires clinician review" in text
    assert "+0.23" in text and "left" in text  # frontal alpha asymmetry value and direction
    for z in NOTABLE:
        assert f"z {z}" in text
    assert "| Grade | fair |" in text and "30 of 45 s" in text and "T7" in text and "eye blinks" in text
    assert "rec-0123456789abcdef" in text and "SYNTHETIC" in text
    a = note.affective_assessment
    assert (a.label, a.confidence, a.parsed, a.evidence_cited) == ("happy", 0.64, True, True)
    assert any("+0.23" in s for s in a.evidence) and any("+1.37" in s for s in a.evidence)
    check_no_prescriptions(text)  # the builder never writes prescription-like content


def test_limitations_and_follow_up_are_derived_from_the_evidence(note):
    limitations = " ".join(note.limitations)
    assert note.limitations[0] == CORE_LIMITATION and "not a diagnosis" in CORE_LIMITATION
    for phrase in ("SYNTHETIC", "trained on synthetic EEG", "quality is fair", "eye blinks", "short (45 s",
                   "Only 14 EEG channels"):
        assert phrase in limitations
    follow_up = " ".join(note.suggested_follow_up)
    assert "better electrode contact" in follow_up and "T7" in follow_up and "self-report" in follow_up


def test_identifiers_only_when_asked(note):
    meta = {"recording_id": "rec-0123456789abcdef", "file_format": "EDF"}
    hidden = draft_note(make_evidence(), meta, None, "m", identifiers=IDENTIFIERS)
    shown = draft_note(make_evidence(), meta, None, "m", include_identifiers=True, identifiers=IDENTIFIERS)
    assert "Jane" not in json.dumps(hidden.to_dict()) and "Doe" not in render_markdown(hidden)
    assert "De-identified" in render_markdown(hidden)
    assert "Jane" in render_markdown(shown) and "1970-01-02" in render_markdown(shown)


def test_unparsable_or_abstaining_answer_is_not_invented():
    meta = {"recording_id": "rec-x"}
    babble = draft_note(make_evidence(), meta, parse_answer("the the alpha alpha happy"), "m")
    assert babble.affective_assessment.label == NOT_DETERMINED and babble.affective_assessment.confidence is None
    assert "could not be parsed" in render_markdown(babble)
    unknown = draft_note(make_evidence(), meta, parse_answer("Reasoning: x.\nAnswer: purple\nConfidence: 0.9"), "m")
    assert unknown.affective_assessment.label == NOT_DETERMINED
    abstain = draft_note(make_evidence(), meta, parse_answer("Reasoning: poor signal.\nAnswer: cannot tell\n"
                                                             "Confidence: 0.2"), "m")
    assert abstain.affective_assessment.label == "cannot tell"
    assert any("abstained" in item for item in abstain.limitations)
    dosing = draft_note(make_evidence(), meta, parse_answer("Reasoning: take 50 mg sertraline daily.\n"
                                                            "Answer: sad\nConfidence: 0.5"), "m")
    assert "sertraline" not in render_markdown(dosing) and "withheld" in dosing.affective_assessment.reasoning


@pytest.mark.parametrize("text", [
    "Repeat the recording with better contact; correlate with self-report.",
    "Alpha power 12 µV², z +1.4; 4 s windows at 200 Hz; the patient takes part in a study.",
    "Frontal alpha asymmetry favours the left hemisphere (ln α F4 − ln α F3 = +0.23).",
])
def test_prescription_guard_accepts_ordinary_text(text):
    check_no_prescriptions(text)


@pytest.mark.parametrize("text", [
    "Start 50 mg daily.", "Take one tablet twice a day.", "I would prescribe an SSRI.",
    "Consider sertraline.", "Increase the dosage.", "lorazepam 1mg prn", "take 2 capsules at night",
])
def test_prescription_guard_refuses_dosing(text):
    with pytest.raises(ReportError, match="prescription-like"):
        check_no_prescriptions(text)


def test_only_editable_fields_change_and_edits_are_recorded(note):
    with pytest.raises(ReportError, match="cannot be edited"):
        apply_edits(note, {"quality": {"grade": "good"}})
    with pytest.raises(ReportError, match="prescription-like"):
        apply_edits(note, {"clinician_comments": "Prescribe 20 mg fluoxetine."})
    edited, diffs = apply_edits(note, {"limitations": "- Only my own caveat", "findings_text": note.findings_text})
    assert [d.field for d in diffs] == ["limitations"] and edited.edited_fields == ["limitations"]
    assert edited.limitations == [CORE_LIMITATION, "Only my own caveat"]  # the core limitation stays
    assert edited.eeg_findings == note.eeg_findings and edited.quality == note.quality


def test_recording_id_is_a_salted_content_hash(tmp_path):
    a, b = tmp_path / "patient_jane_doe.edf", tmp_path / "other.edf"
    a.write_bytes(b"same bytes")
    b.write_bytes(b"same bytes")
    rid = recording_id(a, salt=b"s1")
    assert rid == recording_id(b, salt=b"s1") != recording_id(a, salt=b"s2")
    assert rid.startswith("rec-") and "jane" not in rid
    assert recording_id(a) == recording_id(a)  # the installation salt is stable


# ---- store ----

def test_store_create_edit_sign_amend_history_and_audit(store, note):
    rid = store.create(note, "Dr Alice")
    got, meta = store.get(rid)
    assert got == note and (meta.version, meta.report_status, meta.kind) == (1, "draft", "create")
    v2 = store.edit(rid, 1, {"clinician_comments": "Agree with the findings.", "findings_text": "Edited."},
                    "Dr Alice", comment="review")
    store.sign(rid, v2, "Dr Bob")
    signed, meta = store.get(rid)
    assert signed.status == "signed" and signed.banner.startswith("Signed by Dr Bob on ")
    assert signed.banner.endswith("— research use") and meta.is_signed
    assert "Signed by Dr Bob" in render_markdown(signed) and DRAFT_BANNER not in render_markdown(signed)
    v3 = store.edit(rid, v2, {"clinician_comments": "Amended after new information."}, "Dr Alice")
    amended, meta = store.get(rid)
    assert amended.status == "amended draft" and DRAFT_BANNER in amended.banner
    assert (meta.version, meta.kind, meta.report_status, meta.is_signed) == (3, "amend", "draft", False)
    assert store.get(rid, v2)[0].clinician_comments == "Agree with the findings."  # the signed version is kept
    store.sign(rid, v3, "Dr Bob")
    store.record_export(rid, v3, "pdf", "Dr Alice")

    history = store.history(rid)
    assert [(h.version, h.kind, h.signed_by) for h in history] == [(1, "create", None), (2, "edit", "Dr Bob"),
                                                                  (3, "amend", "Dr Bob")]
    assert all(len(h.sha256) == 64 for h in history) and history[1].comment == "review"
    trail = store.audit_trail(rid)
    assert [(e.action, e.version, e.actor) for e in trail] == [
        ("create", 1, "Dr Alice"), ("edit", 2, "Dr Alice"), ("sign", 2, "Dr Bob"), ("amend", 3, "Dr Alice"),
        ("sign", 3, "Dr Bob"), ("export", 3, "Dr Alice")]
    edit = {c["field"]: c for c in trail[1].changes}
    assert set(edit) == {"clinician_comments", "findings_text"}
    assert edit["clinician_comments"] == {"field": "clinician_comments", "old": "",
                                          "new": "Agree with the findings."}
    assert edit["findings_text"]["old"] == note.findings_text and edit["findings_text"]["new"] == "Edited."
    assert trail[3].detail["amends_signed_version"] == 2 and trail[5].detail["format"] == "pdf"
    assert [r.report_id for r in store.list_reports()] == [rid]


def test_stale_edit_is_refused_with_who_and_when(store, note):
    rid = store.create(note, "Dr Alice")
    store.edit(rid, 1, {"clinician_comments": "first"}, "Dr Carol")
    with pytest.raises(ReportError, match=r"was changed by Dr Carol at .*reload it and apply your edit again"):
        store.edit(rid, 1, {"clinician_comments": "second"}, "Dr Alice")
    assert store.get(rid)[0].clinician_comments == "first"


def test_signed_version_is_immutable(store, note):
    rid = store.create(note, "Dr Alice")
    store.sign(rid, 1, "Dr Bob")
    with pytest.raises(ReportError, match="already signed"):
        store.sign(rid, 1, "Dr Bob")
    with sqlite3.connect(store.path) as conn, pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute("UPDATE report_versions SET signed_by = 'Mallory' WHERE report_id = ?", (rid,))
    with sqlite3.connect(store.path) as conn, pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute("UPDATE report_versions SET content = '{}' WHERE report_id = ?", (rid,))
    with sqlite3.connect(store.path) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE report_id = ?", (rid,))
    store.edit(rid, 1, {"clinician_comments": "amend"}, "Dr Alice")
    with pytest.raises(ReportError, match="not the current version"):
        store.sign(rid, 1, "Dr Bob")
    assert store.get(rid, 1)[0].signed_by == "Dr Bob" and store.get(rid, 1)[0].clinician_comments == ""


def test_names_are_required_and_never_logged(store, note):
    logger = logging.getLogger("eegreason")
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        for bad in ("", "   ", None):
            with pytest.raises(ReportError, match="name"):
                store.create(note, bad)
        rid = store.create(note, "Dr Secret")
        store.edit(rid, 1, {"clinician_comments": "confidential remark"}, "Dr Secret")
        store.sign(rid, 2, "Dr Secret")
        with pytest.raises(ReportError, match="signer's name"):
            store.sign(rid, 2, " ")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    logged = " ".join(r.getMessage() for r in records)
    assert rid in logged and "Secret" not in logged and "confidential" not in logged


def test_save_killed_mid_write_leaves_the_store_consistent(store, note, tmp_path):
    rid = store.create(note, "Dr Alice")
    v2 = store.edit(rid, 1, {"clinician_comments": "before the crash"}, "Dr Alice")
    store.sign(rid, v2, "Dr Bob")
    history, trail = store.history(rid), store.audit_trail(rid)
    marker = tmp_path / "paused-inside-transaction"
    # A save stopped inside its transaction (the version row written, the report not yet pointing
    # at it) and killed there: SQLite's statement trace pauses it as the pointer update starts.
    script = textwrap.dedent(f"""
        import contextlib, pathlib, time
        from reports.store import ReportStore

        class StopsMidSave(ReportStore):
            @contextlib.contextmanager
            def _connection(self):
                with super()._connection() as conn:
                    def pause(statement):
                        if statement.startswith("UPDATE reports SET current_version"):
                            pathlib.Path({str(marker)!r}).touch()
                            time.sleep(60)
                    conn.set_trace_callback(pause)
                    yield conn

        StopsMidSave({str(store.path)!r}).edit({rid!r}, {v2}, {{"clinician_comments": "interrupted"}}, "Dr Eve")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=repo_root(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, f"the saving process ended early: {proc.stdout.read().decode()}"
            assert time.monotonic() < deadline, "the saving process never reached the pause"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    reopened = ReportStore(store.path)
    assert reopened.integrity_check() == "ok"
    assert reopened.history(rid) == history  # the interrupted version 3 is absent, earlier versions intact
    assert reopened.audit_trail(rid) == trail
    current, meta = reopened.get(rid)
    assert meta.version == v2 and current.clinician_comments == "before the crash" and current.status == "signed"
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM report_versions WHERE report_id = ?", (rid,)).fetchone()[0] == 2
    v3 = reopened.edit(rid, v2, {"clinician_comments": "after the crash"}, "Dr Alice")
    assert v3 == v2 + 1 and reopened.get(rid)[0].clinician_comments == "after the crash"


# ---- exports ----

def _pdf_page_one(path: Path) -> tuple[float, str]:
    import numpy as np
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[0]
        image = np.asarray(page.render(scale=1).to_pil().convert("L"), dtype=float)
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
        page.close()
    finally:
        doc.close()
    return float(image.var()), text


def test_exports_write_markdown_and_a_readable_pdf(store, note, tmp_path):
    from reports.export import export_markdown, export_pdf

    md = export_markdown(note, tmp_path / "out" / "note.md")
    assert DRAFT_BANNER in md.read_text(encoding="utf-8") and "+0.23" in md.read_text(encoding="utf-8")
    pdf = export_pdf(note, tmp_path / "out" / "note.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    variance, text = _pdf_page_one(pdf)
    assert variance > 50.0  # not a blank page
    assert "Draft" in text and note.quality.grade in text and "α" in text and "+0.23" in text
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["note.md", "note.pdf"]  # no temp files left

    rid = store.create(note, "Dr Alice")
    store.sign(rid, 1, "Dr Bob")
    _, text = _pdf_page_one(export_pdf(store.get(rid)[0], tmp_path / "signed.pdf"))
    assert "Signed by Dr Bob" in text and "research use" in text


def _export_stalled_before_the_move(note, target: Path) -> subprocess.Popen:
    """A process exporting `note` to `target` that stops for good just before the final move (its
    temporary file written and held), as a process killed at that moment would have left it."""
    note_file = target.parent / f"{target.name}.note.json"
    note_file.write_text(json.dumps(note.to_dict()), encoding="utf-8")
    script = textwrap.dedent(f"""
        import json, os, time
        from reports.note import MedicalRecordNote
        from reports.export import export_markdown
        os.replace = lambda *args: time.sleep(600)
        note = MedicalRecordNote.from_dict(json.loads(open({str(note_file)!r}, encoding="utf-8").read()))
        export_markdown(note, {str(target)!r})
    """)
    return subprocess.Popen([sys.executable, "-c", script], cwd=repo_root(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def _wait_for_temporary(folder: Path, proc: subprocess.Popen, besides: tuple[Path, ...] = ()) -> Path:
    deadline = time.monotonic() + 60
    while not (found := [p for p in folder.iterdir() if p.name.endswith(".part") and p not in besides
                         and p.stat().st_size > 0]):  # written, now waiting to be moved
        assert proc.poll() is None, f"the exporting process ended early: {proc.stdout.read().decode()}"
        assert time.monotonic() < deadline, "the exporting process never wrote its temporary file"
        time.sleep(0.05)
    return found[0]


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_export_killed_mid_write_leaves_nothing_after_the_next_export(note, tmp_path):
    from reports.export import STALE_AFTER_S, export_markdown, export_pdf

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "note.md").write_text("the previous export\n", encoding="utf-8")
    # One export is still being written (its process alive) while another is killed mid-write.
    live = _export_stalled_before_the_move(note, folder / "live.md")
    killed = None
    try:
        live_part = _wait_for_temporary(folder, live)
        killed = _export_stalled_before_the_move(note, folder / "note.md")
        killed_part = _wait_for_temporary(folder, killed, besides=(live_part,))
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
        assert killed_part.exists() and killed_part.read_bytes().startswith(b"#")  # what a kill leaves
        assert (folder / "note.md").read_text(encoding="utf-8") == "the previous export\n"  # untouched
        for part in (live_part, killed_part):
            _age(part, 2 * STALE_AFTER_S)
        export_pdf(note, folder / "other.pdf")  # the next export into the folder, of anything
        assert not killed_part.exists()
        assert live_part.exists(), "a temporary file still being written was removed"
    finally:
        for proc in (live, killed):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
    _age(live_part, 2 * STALE_AFTER_S)
    export_markdown(note, folder / "note.md")
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(".note.json")) == [
        "note.md", "other.pdf"]
    assert DRAFT_BANNER in (folder / "note.md").read_text(encoding="utf-8")


def test_a_fresh_unlocked_temporary_file_is_left_alone(note, tmp_path):
    """Between creating its temporary file and locking it, a writer holds no lock: a file that young
    is not taken for a leftover."""
    from reports.export import TEMP_SUFFIX, export_markdown

    young = tmp_path / f".note.md.abcd1234{TEMP_SUFFIX}"
    young.write_bytes(b"being written")
    export_markdown(note, tmp_path / "note.md")
    assert young.exists()


# ---- the app, really launched, through gradio_client ----

@pytest.fixture(scope="module")
def report_app(tiny_checkpoint, hf_engine, fif14, tmp_path_factory):
    from serve.app import build_app
    from serve.assistant import Assistant

    from eeg_files import eeg_like, write_fif
    from encoders.channels import montage

    folder = tmp_path_factory.mktemp("report-app")
    other = write_fif(folder / "other_SYNTHETIC_raw.fif", eeg_like(14, 128.0, 40.0, seed=7), montage("emotiv14"),
                      128.0, description="SYNTHETIC second recording")
    store_path = folder / "reports.sqlite3"
    app = build_app(Assistant(tiny_checkpoint, engine=hf_engine), samples={"other_SYNTHETIC.fif": other},
                    upload_dir=folder / "uploads", store_path=store_path)
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield app.local_url, store_path
    app.close()


VIEW = ("message", "header", "preview", "findings", "assessment", "limitations", "follow_up", "comments", "reasoning",
        "reasoning_text")


def _view(result) -> dict:
    return dict(zip(VIEW, result))


@pytest.mark.slow
def test_report_tab_generate_edit_sign_export_history(report_app, fif14):
    from gradio_client import Client, handle_file

    url, store_path = report_app
    client = Client(url, verbose=False)
    view = _view(client.predict([handle_file(str(fif14))], None, False, "", api_name="/report_generate"))
    assert view["message"].startswith("⚠️") and "name" in view["message"]  # refused before the model runs
    view = _view(client.predict([handle_file(str(fif14))], None, False, "Dr Alice", api_name="/report_generate"))
    assert "created (version 1)" in view["message"] and DRAFT_BANNER in view["header"]
    assert "Signal quality" in view["preview"] and "SYNTHETIC" in view["preview"]
    # The untrained tiny model babbles: the note must say so instead of inventing an emotion.
    assert NOT_DETERMINED in view["preview"] and "could not be parsed" in view["preview"]
    report_id = view["header"].split("`")[1]

    view = _view(client.predict(view["findings"], view["assessment"], view["limitations"], view["follow_up"],
                                "Reviewed; consistent with the recording notes.", "Dr Alice", "first review",
                                api_name="/report_save"))
    assert "Saved version 2" in view["message"] and "edited: clinician_comments" in view["header"]
    refused = _view(client.predict(view["findings"], view["assessment"], view["limitations"], view["follow_up"],
                                   "Take 20 mg daily.", "Dr Alice", "", api_name="/report_save"))
    assert refused["message"].startswith("⚠️") and "prescription-like" in refused["message"]

    view = _view(client.predict("Dr Bob", False, api_name="/report_sign"))
    assert "Signed by Dr Bob" in view["header"]
    again = _view(client.predict("Dr Bob", False, api_name="/report_sign"))
    assert again["message"].startswith("⚠️") and "already signed" in again["message"]  # the app keeps running

    message, md_path, pdf_path = client.predict("Dr Alice", api_name="/report_export")
    assert "Exported version 2" in message
    markdown = Path(md_path).read_text(encoding="utf-8")
    assert "Signed by Dr Bob" in markdown and "Reviewed; consistent" in markdown
    assert f"report {report_id}, version 2" in markdown
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")

    history = client.predict(api_name="/report_history")
    assert report_id in history
    for action in ("| create |", "| edit |", "| sign |", "| export |"):
        assert action in history
    assert "clinician_comments: — → Reviewed; consistent" in history
    assert [r.report_id for r in ReportStore(store_path).list_reports()].count(report_id) == 1
    status = client.predict(None, "other_SYNTHETIC.fif", api_name="/load_recording")[0]  # Chat tab still works
    assert "Signal quality" in status


@pytest.mark.slow
def test_report_tab_marks_failing_claims_strikes_corrects_and_records_an_acknowledgement(report_app):
    from gradio_client import Client

    from test_report_claims import TRUE, WRONG, draft, reasoning_with

    url, store_path = report_app
    wrong_probability, wrong_side = WRONG[0][0], WRONG[8][0]
    note = draft(reasoning_with([wrong_probability, wrong_side], [0, 3]))
    failing = note.reasoning_review.failing()
    report_id = ReportStore(store_path).create(note, "Dr Alice")
    client = Client(url, verbose=False)
    view = _view(client.predict(report_id, api_name="/report_open"))
    assert report_id in view["header"] and "2 claims" in view["header"]
    for number, claim in failing:
        row = next(line for line in view["reasoning"].splitlines() if line.startswith(f"| {number} |"))
        assert "FAILS" in row and claim.measured in row
    refused = _view(client.predict("Dr Bob", False, api_name="/report_sign"))
    assert refused["message"].startswith("⚠️") and "2 claims" in refused["message"]

    view = _view(client.predict(1, "Dr Alice", "unsupported probability", api_name="/report_strike"))
    assert "Struck sentence 1" in view["message"]
    assert f"~~{wrong_probability}~~" in view["reasoning"] and "struck by Dr Alice" in view["reasoning"]
    assert wrong_probability not in view["reasoning_text"] and wrong_side in view["reasoning_text"]
    still_wrong = view["reasoning_text"].replace(wrong_side, "Frontal alpha asymmetry is +0.31.")
    view = _view(client.predict(still_wrong, "Dr Alice", "", api_name="/report_correct"))
    assert view["reasoning_text"] == still_wrong and wrong_probability not in view["reasoning"]
    (number, claim), = ReportStore(store_path).get(report_id)[0].reasoning_review.unresolved()
    assert claim.kind == "faa" and "-0.31" in claim.measured
    refused = _view(client.predict("Dr Bob", False, api_name="/report_sign"))
    assert refused["message"].startswith("⚠️") and "1 claim" in refused["message"]

    view = _view(client.predict("Dr Bob", True, api_name="/report_sign"))
    assert "Signed by Dr Bob" in view["header"] and "1 failing claim acknowledged" in view["message"]
    assert "Signed with 1 unresolved claim acknowledged by Dr Bob" in view["header"]
    message, md_path, _ = client.predict("Dr Alice", api_name="/report_export")
    assert "Signed with 1 unresolved claim acknowledged by Dr Bob" in Path(md_path).read_text(encoding="utf-8")
    history = client.predict(api_name="/report_history")
    assert "edit (strike)" in history and "edit (correct)" in history
    assert f"acknowledged failing claims {number}" in history
    fixed = " ".join(TRUE)
    view = _view(client.predict(fixed, "Dr Alice", "", api_name="/report_correct"))  # amends the signed version
    assert "amends a signed version" in view["header"] and "FAILS" not in view["reasoning"]


@pytest.mark.slow
def test_two_sessions_never_see_each_others_report(report_app, fif14):
    from gradio_client import Client, handle_file

    url, _ = report_app
    first, second = Client(url, verbose=False), Client(url, verbose=False)
    with ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(first.predict, [handle_file(str(fif14))], None, False, "Dr One",
                            api_name="/report_generate"),
                pool.submit(second.predict, None, "other_SYNTHETIC.fif", False, "Dr Two",
                            api_name="/report_generate")]
        views = [_view(job.result(timeout=120)) for job in jobs]
    ids = [v["header"].split("`")[1] for v in views]
    recordings = [v["header"].split("`")[3] for v in views]
    assert ids[0] != ids[1] and recordings[0] != recordings[1]

    with ThreadPoolExecutor(2) as pool:
        saves = [pool.submit(client.predict, v["findings"], v["assessment"], v["limitations"], v["follow_up"],
                             f"comment from {name}", name, "", api_name="/report_save")
                 for client, v, name in ((first, views[0], "Dr One"), (second, views[1], "Dr Two"))]
        saved = [_view(job.result(timeout=120)) for job in saves]
    for mine, theirs, view, name in ((ids[0], ids[1], saved[0], "Dr One"), (ids[1], ids[0], saved[1], "Dr Two")):
        assert mine in view["header"] and theirs not in view["header"]
        assert view["comments"] == f"comment from {name}"
    for client, mine, theirs, other_name in ((first, ids[0], ids[1], "Dr Two"), (second, ids[1], ids[0], "Dr One")):
        history = client.predict(api_name="/report_history")
        assert mine in history and theirs not in history and other_name not in history


# ---- the command line ----

@pytest.mark.slow
def test_report_command_writes_and_stores_a_draft(tiny_checkpoint, fif14, tmp_path, capsys):
    from serve.cli import main

    out, pdf, db = tmp_path / "note.md", tmp_path / "note.pdf", tmp_path / "reports.sqlite3"
    code = main(["report", "draft", str(fif14), "--out", str(out), "--pdf", str(pdf), "--author", "Dr CLI",
                 "--store", str(db), "--engine", "transformers", "--checkpoint", str(tiny_checkpoint),
                 "--max-tokens", "32"])
    assert code == 0
    report_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert DRAFT_BANNER in out.read_text(encoding="utf-8") and pdf.read_bytes().startswith(b"%PDF")
    store = ReportStore(db)
    note, meta = store.get(report_id)
    assert meta.author == "Dr CLI" and note.recording.synthetic
    assert [e.action for e in store.audit_trail(report_id)] == ["create", "export", "export"]
    assert main(["report", "draft", str(tmp_path / "missing.edf"), "--out", str(out), "--author", "Dr CLI",
                 "--store", str(db)]) != 0


def test_a_note_drafted_from_a_recording_already_read_does_not_parse_the_file_again(tiny_checkpoint, hf_engine, fif14,
                                                                                     tmp_path):
    # The caller (the Report tab, `eegreason report`) read and checked the file; the draft analyses
    # what was read. A copy moved away after reading proves nothing parses the path again.
    import shutil

    from encoders.io import read_recording
    from serve.assistant import Assistant
    from serve.engines import GenerationParams

    copy = Path(shutil.copy(fif14, tmp_path / fif14.name))
    recording = read_recording(copy)
    copy.rename(tmp_path / "moved.fif")
    assistant = Assistant(tiny_checkpoint, engine=hf_engine)
    note = assistant.draft_note(copy, copy.name, params=GenerationParams(max_tokens=16), recording=recording)
    assert note.recording.synthetic and note.recording.n_channels == 14
    from encoders.errors import RecordingError

    with pytest.raises(RecordingError, match="does not exist"):  # without it the path is read, and is gone
        assistant.draft_note(copy, copy.name, params=GenerationParams(max_tokens=16))
