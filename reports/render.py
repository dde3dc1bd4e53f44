"""A note as Markdown: the measured parts (read-only in the app) and the whole note (exports)."""

from __future__ import annotations

from typing import Any

from .claims import NoteClaim
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


# ---- the model's reasoning and its claims (shared by Markdown, PDF, the Report tab and the CLI) ----

CLAIM_COLUMNS = ("#", "sentence", "claim", "verdict", "measured", "why")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def claims_summary(note: MedicalRecordNote) -> str:
    """One line: how many claims the reasoning makes, how many fail, and what became of them."""
    review = note.reasoning_review
    if not review.sentences:
        return "There is no model reasoning to check."
    if not review.checked:
        return ("The model's reasoning was not checked against the measured evidence: this note was drafted "
                "before claims were checked and carries no evidence to check it against; read it with care.")
    failing, unresolved = len(review.failing()), len(review.unresolved())
    if not review.claims:
        return "The checker found no factual claim in the model's reasoning."
    holding = len(review.claims) - failing
    line = (f"The model's reasoning makes {_plural(len(review.claims), 'claim')} about the recording, each checked "
            f"against the measured evidence: {holding} {'holds' if holding == 1 else 'hold'}, {failing} "
            f"{'fails' if failing == 1 else 'fail'}")
    if failing:
        acknowledged = " — acknowledged at signing" if unresolved and note.acknowledged_claims else ""
        line += f" ({unresolved} unresolved{acknowledged}, {failing - unresolved} struck)"
    return line + "."


def acknowledgement_line(note: MedicalRecordNote) -> str | None:
    """"Signed with N unresolved claim(s) acknowledged by …" for a version signed that way."""
    ack = note.acknowledged_claims
    if not ack or not ack.get("claims"):
        return None
    n = len(ack["claims"])
    return (f"Signed with {n} unresolved claim{'' if n == 1 else 's'} acknowledged by {ack.get('by')} on "
            f"{ack.get('at')} (claim{'' if n == 1 else 's'} {', '.join(str(c['number']) for c in ack['claims'])}).")


def unresolved_warning(note: MedicalRecordNote) -> str | None:
    """The warning a draft with failing, unresolved claims carries at its top; None when there is none."""
    if note.status == "signed":
        return acknowledgement_line(note)
    n = len(note.reasoning_review.unresolved())
    if not n:
        return None
    return (f"⚠ {_plural(n, 'claim')} in the model's reasoning {'fails' if n == 1 else 'fail'} against the measured "
            f"evidence (marked under Model reasoning); strike or correct {'it' if n == 1 else 'them'}, or "
            f"acknowledge {'it' if n == 1 else 'them'} when signing.")


def verdict(note: MedicalRecordNote, claim: NoteClaim) -> str:
    if claim.holds:
        return "holds"
    if note.reasoning_review.is_struck(claim):
        return "FAILS — struck"
    if note.acknowledged_claims:
        return f"FAILS — acknowledged by {note.acknowledged_claims.get('by')}"
    return "FAILS — unresolved"


def claim_rows(note: MedicalRecordNote) -> list[list[str]]:
    """One row per checked claim, numbered as `ReportStore.strike(claim=…)` takes them."""
    return [[str(n), str(c.sentence) if c.sentence is not None else "—", c.text, verdict(note, c), c.measured,
             c.why] for n, c in enumerate(note.reasoning_review.claims, 1)]


def sentence_lines(note: MedicalRecordNote) -> list[tuple[int, str, str | None]]:
    """(number, text, "struck by … on …" or None) of each sentence of the reasoning."""
    return [(n, s.text, f"struck by {s.struck_by} on {s.struck_at}" if s.struck else None)
            for n, s in enumerate(note.reasoning_review.sentences, 1)]


def correction_line(note: MedicalRecordNote) -> str | None:
    review = note.reasoning_review
    if not review.corrected_by:
        return None
    return (f"Reasoning corrected by {review.corrected_by} on {review.corrected_at}; the model's own wording is "
            f"kept in the note's earlier versions.")


def render_reasoning_markdown(note: MedicalRecordNote) -> str:
    """The model's reasoning, numbered sentence by sentence (struck ones crossed out, with who struck
    them), and the table of its claims with each failing one marked."""
    out = ["### Model reasoning", "", claims_summary(note), ""]
    for number, text, struck in sentence_lines(note):
        out.append(f"{number}. ~~{text}~~ *({struck})*" if struck else f"{number}. {text}")
    if note.reasoning_review.sentences:
        out.append("")
    correction = correction_line(note)
    if correction:
        out += [f"*{correction}*", ""]
    rows = claim_rows(note)
    if rows:
        out += ["| " + " | ".join(CLAIM_COLUMNS) + " |", "|" + "---|" * len(CLAIM_COLUMNS)]
        out += ["| " + " | ".join(_md_escape_cell(cell) if i != 3 or cell == "holds" else f"**{cell}**"
                                  for i, cell in enumerate(row)) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def render_measured_markdown(note: MedicalRecordNote) -> str:
    """The parts of a note that are computed, not edited: recording, quality, measured findings and
    the model's answer (shown read-only beside the editable fields)."""
    out = [f"> **{note.banner}**", ""]
    warning = unresolved_warning(note)
    if warning:
        out += [f"> **{warning}**", ""]
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
    return "\n".join(out)


def render_markdown(note: MedicalRecordNote, reference: str | None = None) -> str:
    """The whole note as Markdown: banner first, then every section, editable text included.
    `reference` (e.g. "Report rpt-…, version 2") ties an exported copy to its stored version."""
    out = ["# Draft EEG note — emotion reasoning (research use)", "",
           f"Schema {note.schema_version} · created {note.created_at} · status {note.status}"
           + (f" · {reference}" if reference else ""), "",
           render_measured_markdown(note), "", render_reasoning_markdown(note)]
    out += ["### Findings summary", "", note.findings_text or "—", ""]
    out += ["### Assessment summary", "", note.assessment_text or "—", ""]
    out += ["## Limitations", "", *[f"- {item}" for item in note.limitations], ""]
    out += ["## Suggested follow-up", "", *([f"- {item}" for item in note.suggested_follow_up] or ["- none"]), ""]
    out += ["## Clinician comments", "", note.clinician_comments or "—", ""]
    out += ["## Sign-off", "", f"**{note.banner}**", ""]
    acknowledged = acknowledgement_line(note)
    if acknowledged:
        out += [f"**{acknowledged}**", ""]
        out += [f"- Claim {c['number']}: {c['text']} — measured: {c['measured']}; {c['why']}"
                for c in note.acknowledged_claims["claims"]]
        out.append("")
    if note.edited_fields:
        out += [f"Edited by a clinician: {', '.join(note.edited_fields)}.", ""]
    out += ["Research use only — not a medical device; not a diagnosis.", ""]
    return "\n".join(out)
