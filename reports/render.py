"""A note as Markdown: the measured parts (read-only in the app) and the whole note (exports)."""

from __future__ import annotations

from typing import Any

from .note import MedicalRecordNote, fmt_z

SECTION_TITLES = ("Recording", "Patient", "Signal quality", "EEG findings", "Affective assessment",
                  "Limitations", "Suggested follow-up", "Clinician comments", "Sign-off")


def _md_escape_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def recording_rows(note: MedicalRecordNote) -> list[tuple[str, str]]:
    r = note.recording
    rate = f"{r.sampling_rate_hz:g} Hz" if r.sampling_rate_hz else "unknown"
    return [("Recording id (pseudonymous)", r.recording_id), ("Format", r.file_format),
            ("EEG channels", str(r.n_channels)), ("Duration", f"{r.duration_s:.1f} s"),
            ("Sampling rate", rate),
            ("Source", "SYNTHETIC (generated, not from a person)" if r.synthetic else "recorded")]


def quality_rows(note: MedicalRecordNote) -> list[tuple[str, str]]:
    q = note.quality
    return [("Grade", q.grade),
            ("Usable", f"{q.usable_seconds:.0f} of {q.total_seconds:.0f} s ({q.usable_percent:.0f}%)"),
            ("Bad channels", ", ".join(q.bad_channels) or "none"),
            ("Reasons", "; ".join(q.reasons) or "none recorded")]


def assessment_rows(note: MedicalRecordNote) -> list[tuple[str, str]]:
    a = note.affective_assessment
    rows = [("Label", a.label), ("Confidence", f"{a.confidence:.2f}" if a.confidence is not None else "—"),
            ("Model", a.model_name)]
    if a.note:
        rows.append(("Note", a.note))
    return rows


def band_table(note: MedicalRecordNote) -> tuple[list[str], list[list[str]]]:
    bands: list[str] = []
    for values in note.band_z.values():
        bands += [b for b in values if b not in bands]
    rows = [[region] + [fmt_z(values[b]) if b in values else "—" for b in bands]
            for region, values in note.band_z.items()]
    return ["region", *bands], rows


def _table(rows: list[tuple[str, str]]) -> list[str]:
    return ["| | |", "|---|---|", *[f"| {_md_escape_cell(k)} | {_md_escape_cell(v)} |" for k, v in rows]]


def render_measured_markdown(note: MedicalRecordNote) -> str:
    """The parts of a note that are computed, not edited: recording, quality, measured findings and
    the model's answer (shown read-only beside the editable fields)."""
    out = [f"> **{note.banner}**", ""]
    out += ["## Recording", *_table(recording_rows(note)), ""]
    out += ["## Patient", "", note.recording.patient, ""]
    if note.recording.identifiers:
        out += [*[f"- {k}: {v}" for k, v in note.recording.identifiers.items()], ""]
    out += ["## Signal quality", *_table(quality_rows(note)), ""]
    out += ["## EEG findings", "", "Measured (computed from the recording; not editable):", ""]
    out += [f"- {f.statement}" for f in note.eeg_findings] or ["- No frontal asymmetry or band-power deviation "
                                                               "to report."]
    if note.band_z:
        header, rows = band_table(note)
        out += ["", f"Band-power z-scores by region (against the {note.reference}):", "",
                "| " + " | ".join(header) + " |", "|" + "---|" * len(header),
                *["| " + " | ".join(row) + " |" for row in rows]]
    out += ["", "## Affective assessment", *_table(assessment_rows(note)), ""]
    a = note.affective_assessment
    out += ["Evidence it rests on" + ("" if a.evidence_cited else " (shown to the model; its reasoning cites none "
                                                                 "explicitly)") + ":", ""]
    out += [f"- {s}" for s in a.evidence] or ["- none"]
    if a.reasoning:
        out += ["", f"Model reasoning: {a.reasoning}"]
    return "\n".join(out)


def render_markdown(note: MedicalRecordNote, reference: str | None = None) -> str:
    """The whole note as Markdown: banner first, then every section, editable text included.
    `reference` (e.g. "Report rpt-…, version 2") ties an exported copy to its stored version."""
    out = ["# Draft EEG note — emotion reasoning (research use)", "",
           f"Schema {note.schema_version} · created {note.created_at} · status {note.status}"
           + (f" · {reference}" if reference else ""), "",
           render_measured_markdown(note), ""]
    out += ["### Findings summary", "", note.findings_text or "—", ""]
    out += ["### Assessment summary", "", note.assessment_text or "—", ""]
    out += ["## Limitations", "", *[f"- {item}" for item in note.limitations], ""]
    out += ["## Suggested follow-up", "", *([f"- {item}" for item in note.suggested_follow_up] or ["- none"]), ""]
    out += ["## Clinician comments", "", note.clinician_comments or "—", ""]
    out += ["## Sign-off", "", f"**{note.banner}**", ""]
    if note.edited_fields:
        out += [f"Edited by a clinician: {', '.join(note.edited_fields)}.", ""]
    out += ["Research use only — not a medical device; not a diagnosis.", ""]
    return "\n".join(out)
