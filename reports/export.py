"""Exporting a note as Markdown or PDF, written atomically.

The PDF is laid out from the note's structure (not from its Markdown) with fpdf2. fpdf2's core
fonts are Latin-1 only, and notes carry "µV", "α", "−" and "—", so a Unicode TTF is embedded:
DejaVu Sans, which matplotlib ships, so no font has to be installed or downloaded; text is shaped
(Arabic, Hebrew), and a character no font draws refuses the export rather than vanish from it
(`pdf_fonts.py`).

Both exports go to a temporary file in the target folder and are moved into place with
`os.replace`: a reader never sees half a file, and a crash leaves the previous export intact.
The writer holds a lock on its temporary file until the move, so the temporary file of an export
that was killed mid-write (no process holds its lock) is recognised and removed by the next export
into that folder, while one still being written is left alone.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from encoders.errors import ReportError
from encoders.log import get_logger
from .note import MedicalRecordNote
from .pdf_fonts import check_drawable, dejavu_files, fallback_files
from .render import (
    CLAIM_COLUMNS,
    acknowledgement_line,
    assessment_rows,
    band_table,
    claim_rows,
    claims_summary,
    correction_line,
    quality_rows,
    recording_rows,
    render_markdown,
    sentence_lines,
    unresolved_warning,
)

log = get_logger(__name__)

FONT_FAMILY = "DejaVu"
FOOTER_TEXT = "research use — not a medical device"
TITLE = "Draft EEG note — emotion reasoning"


TEMP_SUFFIX = ".eegreason.part"
# A writer locks its temporary file right after creating it; an unlocked one older than this is a
# leftover (the age covers the instant between creating and locking).
STALE_AFTER_S = 10.0


def _temporary_files(folder: Path, name: str) -> Iterator[Path]:
    """Export temporary files in `folder`: ours by their suffix, and those earlier versions named
    `.<name>.<8 random characters>.part` for this same target."""
    yield from folder.glob(f".*{TEMP_SUFFIX}")
    earlier = re.compile(rf"^\.{re.escape(name)}\.[a-z0-9_]{{8}}\.part$")
    yield from (p for p in folder.iterdir() if earlier.match(p.name))


def remove_leftover_temporaries(folder: Path, name: str) -> int:
    """Remove temporary files of exports killed mid-write (no process holds their lock); returns how many."""
    removed = 0
    for path in set(_temporary_files(folder, name)):
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue  # gone already, or not ours to open
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # an export is writing it now
            if time.time() - os.fstat(fd).st_mtime < STALE_AFTER_S:
                continue
            path.unlink(missing_ok=True)
            removed += 1
        finally:
            os.close(fd)
    if removed:
        log.info("removed %d temporary file(s) of interrupted exports", removed)
    return removed


def _write_atomic(path: str | Path, data: bytes) -> Path:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as err:
        raise ReportError(f"Cannot write {path.name} in {path.parent} ({err.strerror}); choose a writable "
                          f"folder.") from err
    try:
        with os.fdopen(handle, "wb") as out:
            fcntl.flock(out.fileno(), fcntl.LOCK_EX)  # released when the file closes, after the move
            remove_leftover_temporaries(path.parent, path.name)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
            os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export_markdown(note: MedicalRecordNote, path: str | Path, reference: str | None = None) -> Path:
    """The note as Markdown (UTF-8); `reference` names the stored report and version it comes from."""
    out = _write_atomic(path, render_markdown(note, reference).encode("utf-8"))
    log.info("exported a note as Markdown")
    return out


def _pdf_class():
    from fpdf import FPDF

    class NotePDF(FPDF):
        """A4 pages whose footer carries the page number and the research-use statement."""

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(FONT_FAMILY, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}} · {FOOTER_TEXT}", align="C")

    return NotePDF


def _pdf_bytes(note: MedicalRecordNote, reference: str | None) -> bytes:
    from fpdf.enums import XPos, YPos

    regular, bold = dejavu_files()
    fallbacks = fallback_files()
    check_drawable(render_markdown(note, reference), [regular, *fallbacks])
    pdf = _pdf_class()(format="A4")
    pdf.set_title(TITLE)
    pdf.set_creator("eegreason")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(FONT_FAMILY, "", str(regular))
    pdf.add_font(FONT_FAMILY, "B", str(bold))
    for number, font in enumerate(fallbacks):
        pdf.add_font(f"fallback{number}", "", str(font))
    if fallbacks:
        pdf.set_fallback_fonts([f"fallback{n}" for n in range(len(fallbacks))], exact_match=False)
    pdf.set_text_shaping(True)  # Arabic letters joined, right-to-left runs ordered (HarfBuzz)
    pdf.add_page()
    width = pdf.epw

    def text(body: str, size: float = 10, style: str = "") -> None:
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(width, size * 0.5, body, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def heading(title: str) -> None:
        pdf.ln(3)
        pdf.set_font(FONT_FAMILY, "B", 12)
        pdf.set_text_color(20, 40, 90)
        pdf.cell(width, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(20, 40, 90)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1.5)

    def subheading(title: str) -> None:
        pdf.ln(1.5)
        text(title, 10, "B")

    def bullets(items: list[str]) -> None:
        pdf.set_font(FONT_FAMILY, "", 10)
        pdf.set_text_color(0, 0, 0)
        for item in items or ["none"]:
            pdf.cell(5, 5, "•")  # a hanging indent keeps wrapped lines clear of the bullet
            pdf.multi_cell(width - 5, 5, item, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def pairs(rows: list[tuple[str, str]]) -> None:
        pdf.set_font(FONT_FAMILY, "", 10)
        with pdf.table(col_widths=(1, 3), first_row_as_headings=False, line_height=5.5,
                       text_align="LEFT") as table:
            for key, value in rows:
                row = table.row()
                row.cell(key)
                row.cell(value)

    # Title and banner: the banner is what a reader must not miss.
    pdf.set_font(FONT_FAMILY, "B", 16)
    pdf.cell(width, 9, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    text(f"Schema {note.schema_version} · created {note.created_at} · status {note.status}"
         + (f" · {reference}" if reference else ""), 9)
    pdf.ln(2)
    signed = note.status == "signed"
    pdf.set_fill_color(*((225, 240, 225) if signed else (255, 235, 200)))
    pdf.set_draw_color(*((40, 120, 40) if signed else (200, 110, 0)))
    pdf.set_font(FONT_FAMILY, "B", 13)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(width, 9, note.banner, border=1, fill=True, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(0, 0, 0)
    warning = unresolved_warning(note)
    if warning:
        pdf.ln(1.5)
        text(warning.replace("⚠ ", ""), 10, "B")

    heading("Recording")
    pairs(recording_rows(note))
    heading("Patient")
    text(note.recording.patient)
    if note.recording.identifiers:
        pairs(list(note.recording.identifiers.items()))
    heading("Signal quality")
    pairs(quality_rows(note))

    heading("EEG findings")
    subheading("Measured (computed from the recording; not editable)")
    bullets([f.statement for f in note.eeg_findings] or ["No frontal asymmetry or band-power deviation to report."])
    if note.band_z:
        subheading(f"Band-power z-scores by region (against the {note.reference})")
        header, rows = band_table(note)
        pdf.set_font(FONT_FAMILY, "", 9)
        with pdf.table(line_height=5, text_align="CENTER") as table:
            for values in [header, *rows]:
                row = table.row()
                for value in values:
                    row.cell(value)
    subheading("Findings summary")
    text(note.findings_text or "—")

    heading("Affective assessment")
    pairs(assessment_rows(note))
    a = note.affective_assessment
    subheading("Evidence it rests on" + ("" if a.evidence_cited else " (shown to the model; not cited explicitly)"))
    bullets(a.evidence)
    subheading("Model reasoning")
    text(claims_summary(note), 9)
    for number, sentence, struck in sentence_lines(note):
        # A struck sentence stays legible, crossed out and labelled, as it is in the stored history.
        pdf.set_font(FONT_FAMILY, "", 10)
        pdf.cell(7, 5, f"{number}.")
        if struck:
            pdf.set_text_color(110, 110, 110)
            pdf.set_font(FONT_FAMILY, "S", 10)
            pdf.multi_cell(width - 7, 5, sentence, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
            pdf.set_font(FONT_FAMILY, "", 8)
            pdf.set_x(pdf.l_margin + 7)
            pdf.multi_cell(width - 7, 4, f"[{struck}]", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
            pdf.set_text_color(0, 0, 0)
        else:
            pdf.multi_cell(width - 7, 5, sentence, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    correction = correction_line(note)
    if correction:
        text(correction, 9)
    rows = claim_rows(note)
    if rows:
        pdf.ln(1)
        pdf.set_font(FONT_FAMILY, "", 8)
        with pdf.table(col_widths=(1, 2.2, 6, 3.3, 4, 6), line_height=4.5, text_align="LEFT") as table:
            for values in [list(CLAIM_COLUMNS), *rows]:
                row = table.row()
                for value in values:
                    row.cell(value)
    subheading("Assessment summary")
    text(note.assessment_text or "—")

    heading("Limitations")
    bullets(note.limitations)
    heading("Suggested follow-up")
    bullets(note.suggested_follow_up)
    heading("Clinician comments")
    text(note.clinician_comments or "—")
    heading("Sign-off")
    text(note.banner, 11, "B")
    acknowledged = acknowledgement_line(note)
    if acknowledged:
        text(acknowledged, 10, "B")
        bullets([f"Claim {c['number']}: {c['text']} — measured: {c['measured']}; {c['why']}"
                 for c in note.acknowledged_claims["claims"]])
    if note.edited_fields:
        text(f"Edited by a clinician: {', '.join(note.edited_fields)}.", 9)
    return bytes(pdf.output())


def export_pdf(note: MedicalRecordNote, path: str | Path, reference: str | None = None) -> Path:
    """The note as an A4 PDF with the draft/signed banner, one heading per section, page footers."""
    out = _write_atomic(path, _pdf_bytes(note, reference))
    log.info("exported a note as PDF")
    return out
