"""Report tab: draft a medical-record note for a recording, edit it, review the model's reasoning, sign it,
export it, see its history.

The note's measured parts are shown read-only (Markdown); its editable parts are text boxes. The
model's reasoning is shown sentence by sentence with a table of its claims, each failing one marked;
the reviewer strikes a sentence or corrects the reasoning (re-checked), and signing with a failing
claim left needs the acknowledgement box ticked, which is recorded. Which
report and version a browser session is looking at lives in that session's `gr.State`, so sessions
never act on each other's notes by accident; a save names the version it started from, so two
people editing the same report cannot overwrite each other (the store refuses the stale save).

Drafts come from `Assistant.draft_note` (reports.draft), the one path from a file to a note, shared
with `eegreason report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from encoders.errors import EEGReasonError, ReportError
from encoders.log import get_logger
from reports.export import export_markdown, export_pdf, file_sha256
from reports.note import MedicalRecordNote
from reports.render import render_measured_markdown, render_reasoning_markdown, unresolved_warning
from reports.store import ReportStore, VersionMeta, required_name

from ..assistant import Assistant
from ..engines import GenerationParams
from ..uploads import UploadStore
from .chat import upload_box

log = get_logger(__name__)

HELP = ("Draft notes are generated from the measured evidence and the model's answer; the measured values "
        "cannot be edited. Each claim in the model's reasoning is checked against the evidence: strike or correct "
        "the failing ones (or acknowledge them when signing). Save creates a new version; Sign marks the current "
        "version as reviewed (editing a signed note starts an amendment that needs signing again). Research use — "
        "not a medical device.")
MAX_CELL_CHARS = 80


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else "; ".join(value) if isinstance(value, list) else \
        "—" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|") or "—"
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def history_markdown(store: ReportStore, report_id: str) -> str:
    """Versions and the audit trail of one report, as Markdown tables."""
    lines = [f"### Versions of {report_id}", "", "| version | kind | author | saved | signed | comment |",
             "|---|---|---|---|---|---|"]
    for v in store.history(report_id):
        signed = f"{v.signed_by}, {v.signed_at}" if v.signed_at else "—"
        lines.append(f"| {v.version} | {v.kind} | {_cell(v.author)} | {v.created_at} | {_cell(signed)} | "
                     f"{_cell(v.comment or '—')} |")
    lines += ["", "### Audit trail", "", "| when | who | action | version | changes |", "|---|---|---|---|---|"]
    for entry in store.audit_trail(report_id):
        if entry.changes:
            changes = "<br>".join(f"{c['field']}: {_cell(c['old'])} → {_cell(c['new'])}" for c in entry.changes)
        else:
            changes = ", ".join(f"{k} {v}" for k, v in entry.detail.items() if k != "file_sha256") or "—"
        acknowledged = entry.detail.get("failing_claims_acknowledged")
        if acknowledged:
            changes += "<br>acknowledged failing claims " + ", ".join(str(c["number"]) for c in acknowledged)
        action = f"{entry.action} ({entry.detail['review']})" if entry.detail.get("review") else entry.action
        lines.append(f"| {entry.at} | {_cell(entry.actor)} | {action} | {entry.version} | {changes} |")
    return "\n".join(lines)


def reports_markdown(store: ReportStore) -> str:
    rows = store.list_reports()
    if not rows:
        return "No stored reports yet."
    lines = ["| report | recording | status | version | updated |", "|---|---|---|---|---|"]
    lines += [f"| `{r.report_id}` | `{r.recording_id}` | {r.status} | {r.current_version} | {r.updated_at} |"
              for r in rows[:50]]
    return "\n".join(lines)


def build_report_tab(assistant: Assistant, store: ReportStore, samples: dict[str, Path], uploads: UploadStore,
                     params: GenerationParams | None = None) -> None:
    """The Report tab's components and events (api names report_*), inside the caller's Blocks."""
    state = gr.State(None)  # per browser session: {"report_id": str, "version": int}
    with gr.Row():
        with gr.Column(scale=1):
            upload = upload_box()
            sample = gr.Dropdown(choices=list(samples), value=None, label="…or a bundled sample (synthetic)")
            include_ids = gr.Checkbox(value=False, label="Include patient identifiers from the file header")
            author = gr.Textbox(label="Your name (author of drafts and edits)")
            generate = gr.Button("Generate draft note", variant="primary")
            message = gr.Markdown(HELP)
            with gr.Accordion("Open a stored report", open=False):
                open_id = gr.Textbox(label="Report id", placeholder="rpt-…")
                open_button = gr.Button("Open")
                list_button = gr.Button("List stored reports")
                listing = gr.Markdown()
        with gr.Column(scale=2):
            header = gr.Markdown("No report open.")
            with gr.Accordion("Measured (read-only)", open=True):
                preview = gr.Markdown()
            with gr.Accordion("Model reasoning: claims checked against the measured evidence", open=True):
                reasoning = gr.Markdown()
                with gr.Row():
                    strike_number = gr.Number(label="Sentence to strike (its number above)", precision=0,
                                              minimum=1, value=None, scale=3)
                    strike = gr.Button("Strike sentence", scale=1)
                reasoning_text = gr.Textbox(label="Corrected reasoning (checked again when saved)", lines=4)
                correct = gr.Button("Save corrected reasoning")
            findings = gr.Textbox(label="Findings summary", lines=6)
            assessment = gr.Textbox(label="Assessment summary", lines=4)
            limitations = gr.Textbox(label="Limitations (one a line)", lines=6)
            follow_up = gr.Textbox(label="Suggested follow-up (one a line)", lines=4)
            comments = gr.Textbox(label="Clinician comments", lines=3)
            with gr.Row():
                save_comment = gr.Textbox(label="What changed (optional)", scale=3)
                save = gr.Button("Save new version", variant="primary", scale=1)
            with gr.Row():
                signer = gr.Textbox(label="Signer name", scale=3)
                sign = gr.Button("Sign current version", scale=1)
            acknowledge = gr.Checkbox(value=False, label="I have read the failing claims the note still carries and "
                                                         "sign it with them (recorded in the note and its audit trail)")
            export = gr.Button("Export Markdown and PDF")
            with gr.Row():
                md_file = gr.File(label="Markdown", interactive=False)
                pdf_file = gr.File(label="PDF", interactive=False)
            history_button = gr.Button("Show history and audit trail")
            history = gr.Markdown()

    view_outputs = [message, header, preview, findings, assessment, limitations, follow_up, comments, reasoning,
                    reasoning_text, state]

    def view(note: MedicalRecordNote, meta: VersionMeta, text: str) -> tuple:
        where = "current" if meta.is_current else f"not current — latest is {meta.current_version}"
        head = (f"**{note.banner}**  \nReport `{meta.report_id}` · version {meta.version} ({where}) · "
                f"recording `{meta.recording_id}`" + (f" · edited: {', '.join(note.edited_fields)}"
                                                      if note.edited_fields else ""))
        warning = unresolved_warning(note)
        if warning:
            head += f"  \n**{warning}**"
        return (text, head, render_measured_markdown(note), note.findings_text, note.assessment_text,
                "\n".join(note.limitations), "\n".join(note.suggested_follow_up), note.clinician_comments,
                render_reasoning_markdown(note), note.reasoning_review.text(),
                {"report_id": meta.report_id, "version": meta.version})

    def failed(err: EEGReasonError) -> tuple:
        return (f"⚠️ {err}", *[gr.skip()] * (len(view_outputs) - 1))

    def opened(current: dict | None) -> tuple[str, int]:
        if not current:
            raise ReportError("No report is open; generate a draft or open a stored report first.")
        return current["report_id"], int(current["version"])

    def on_generate(files: list[str] | None, sample_name: str | None, with_ids: bool, who: str,
                    current: dict | None, request: gr.Request):
        try:
            who = required_name(who, "author")  # before the model runs, not after
            recording = None  # an upload is read once, when it is checked, and analysed from that
            if files:
                kept, recording = uploads.keep(files, request.session_hash)
                path, label = kept.path, kept.label
            elif sample_name and sample_name in samples:
                path, label = samples[sample_name], sample_name
            else:
                raise ReportError("Choose a recording (upload a file or pick a sample) before generating a note.")
            note = assistant.draft_note(path, label, bool(with_ids), params, recording=recording)
            report_id = store.create(note, who)
            note, meta = store.get(report_id)
        except EEGReasonError as err:
            return failed(err)
        return view(note, meta, f"Draft note `{report_id}` created (version 1). Review it, edit, save and sign.")

    def on_open(report_id: str, current: dict | None):
        try:
            note, meta = store.get((report_id or "").strip())
        except EEGReasonError as err:
            return failed(err)
        return view(note, meta, f"Opened `{meta.report_id}` at version {meta.version}.")

    def on_save(findings_text: str, assessment_text: str, limitation_text: str, follow_up_text: str,
                comment_text: str, who: str, why: str, current: dict | None):
        try:
            report_id, base = opened(current)
            changes = {"findings_text": findings_text or "", "assessment_text": assessment_text or "",
                       "limitations": limitation_text or "", "suggested_follow_up": follow_up_text or "",
                       "clinician_comments": comment_text or ""}
            version = store.edit(report_id, base, changes, who, why or "")
            note, meta = store.get(report_id, version)
        except EEGReasonError as err:
            return failed(err)
        kind = "amendment (needs signing again)" if note.status == "amended draft" else "draft"
        return view(note, meta, f"Saved version {version} of `{report_id}` as a {kind}.")

    def on_strike(number: float | None, who: str, why: str, current: dict | None):
        try:
            report_id, base = opened(current)
            if number is None:
                raise ReportError("Enter the number of the sentence to strike (shown beside each sentence of the "
                                  "model's reasoning).")
            version = store.strike(report_id, base, who, sentence=int(number), comment=why or "")
            note, meta = store.get(report_id, version)
        except EEGReasonError as err:
            return failed(err)
        left = len(note.reasoning_review.unresolved())
        return view(note, meta, f"Struck sentence {int(number)} in version {version} of `{report_id}`; "
                                f"{left} failing claim{'' if left == 1 else 's'} left unresolved.")

    def on_correct(text: str, who: str, why: str, current: dict | None):
        try:
            report_id, base = opened(current)
            version = store.correct_reasoning(report_id, base, text or "", who, why or "")
            note, meta = store.get(report_id, version)
        except EEGReasonError as err:
            return failed(err)
        left = len(note.reasoning_review.unresolved())
        return view(note, meta, f"Saved the corrected reasoning as version {version} of `{report_id}`; checked "
                                f"again, {left} claim{'' if left == 1 else 's'} fail{'s' if left == 1 else ''}.")

    def on_sign(name: str, acknowledged: bool, current: dict | None):
        try:
            report_id, version = opened(current)
            store.sign(report_id, version, name, acknowledge_failing_claims=bool(acknowledged))
            note, meta = store.get(report_id, version)
        except EEGReasonError as err:
            return failed(err)
        n = len((note.acknowledged_claims or {}).get("claims", []))
        extra = f" with {n} failing claim{'' if n == 1 else 's'} acknowledged" if n else ""
        return view(note, meta, f"Signed version {version} of `{report_id}`{extra}; it can no longer change.")

    def on_export(who: str, current: dict | None):
        try:
            report_id, version = opened(current)
            who = required_name(who, "exporting user")
            note, _ = store.get(report_id, version)
            # Notes are sensitive: each export gets an owner-only folder, aged out like uploads.
            folder = uploads.export_folder()
            reference = f"report {report_id}, version {version}"
            md = export_markdown(note, folder / f"{report_id}-v{version}.md", reference)
            pdf = export_pdf(note, folder / f"{report_id}-v{version}.pdf", reference)
            store.record_export(report_id, version, "markdown", who, file_sha256(md))
            store.record_export(report_id, version, "pdf", who, file_sha256(pdf))
        except EEGReasonError as err:
            return f"⚠️ {err}", gr.skip(), gr.skip()
        return f"Exported version {version} of `{report_id}` as Markdown and PDF.", str(md), str(pdf)

    def on_history(current: dict | None):
        try:
            report_id, _ = opened(current)
            return history_markdown(store, report_id)
        except EEGReasonError as err:
            return f"⚠️ {err}"

    def on_list():
        try:
            return reports_markdown(store)
        except EEGReasonError as err:
            return f"⚠️ {err}"

    generate.click(on_generate, [upload, sample, include_ids, author, state], view_outputs,
                   api_name="report_generate")
    open_button.click(on_open, [open_id, state], view_outputs, api_name="report_open")
    save.click(on_save, [findings, assessment, limitations, follow_up, comments, author, save_comment, state],
               view_outputs, api_name="report_save")
    strike.click(on_strike, [strike_number, author, save_comment, state], view_outputs, api_name="report_strike")
    correct.click(on_correct, [reasoning_text, author, save_comment, state], view_outputs,
                  api_name="report_correct")
    sign.click(on_sign, [signer, acknowledge, state], view_outputs, api_name="report_sign")
    export.click(on_export, [author, state], [message, md_file, pdf_file], api_name="report_export")
    history_button.click(on_history, [state], [history], api_name="report_history")
    list_button.click(on_list, None, [listing], api_name="report_list")
