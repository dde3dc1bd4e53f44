"""Notes in other scripts exported as PDF: Greek, Cyrillic, Arabic and Hebrew drawn (Arabic shaped),
Chinese refused with the characters the fonts cannot draw (nothing written) unless
`EEGREASON_PDF_FONTS` names a font that has them; the Markdown export keeps every character."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from encoders.errors import ReportError
from reports.export import export_markdown, export_pdf
from test_reports import _pdf_page_one  # noqa: F401
from test_reports import make_evidence  # noqa: F401
from test_reports import note  # noqa: F401

CHINESE = "患者情绪稳定，脑电图正常。"


def _all_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def _font_with(characters: str, path: Path) -> Path:
    """A real TrueType font (fontTools) whose only glyphs are squares for `characters`."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def square():
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0)), pen.lineTo((100, 800)), pen.lineTo((900, 800)), pen.lineTo((900, 0)), pen.closePath()
        return pen.glyph()

    names = [".notdef"] + [f"uni{ord(c):04X}" for c in characters]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in characters})
    builder.setupGlyf({name: square() for name in names})
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Squares", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return path


def test_greek_cyrillic_arabic_and_hebrew_are_drawn(note, tmp_path):  # noqa: F811
    comment = "المريض مستقر. Пациент спокоен. ελληνικά. עברית"
    pdf = export_pdf(replace(note, clinician_comments=comment), tmp_path / "note.pdf")
    text = _all_text(pdf)
    for word in ("Пациент", "ελληνικά", "עברית", "مستقر", "المريض"):
        assert word in text


def test_chinese_is_refused_rather_than_dropped_and_kept_in_markdown(note, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("EEGREASON_PDF_FONTS", raising=False)
    chinese = replace(note, clinician_comments=CHINESE)
    with pytest.raises(ReportError, match=r"cannot draw 13 character\(s\) of this note .*export it as Markdown.*"
                                          r"EEGREASON_PDF_FONTS"):
        export_pdf(chinese, tmp_path / "out" / "note.pdf")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert CHINESE in export_markdown(chinese, tmp_path / "note.md").read_text(encoding="utf-8")


def test_a_font_the_user_names_draws_what_dejavu_cannot(note, tmp_path, monkeypatch):  # noqa: F811
    font = _font_with("".join(sorted(set(CHINESE))), tmp_path / "squares.ttf")
    monkeypatch.setenv("EEGREASON_PDF_FONTS", str(font))
    pdf = export_pdf(replace(note, clinician_comments=CHINESE), tmp_path / "note.pdf")
    assert CHINESE.rstrip("。") in _all_text(pdf).replace("\r", "").replace("\n", "")


def test_a_font_path_that_is_not_a_font_is_refused(note, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("EEGREASON_PDF_FONTS", str(tmp_path / "missing.ttf"))
    with pytest.raises(ReportError, match="EEGREASON_PDF_FONTS names .*missing.ttf, which is not a file"):
        export_pdf(note, tmp_path / "note.pdf")
    (tmp_path / "junk.ttf").write_bytes(b"not a font")
    monkeypatch.setenv("EEGREASON_PDF_FONTS", str(tmp_path / "junk.ttf"))
    with pytest.raises(ReportError, match="junk.ttf could not be read as a font"):
        export_pdf(note, tmp_path / "note.pdf")
