"""The fonts a PDF export draws a note with, and a refusal before a character would be dropped.

DejaVu Sans (shipped with matplotlib) draws Latin, Greek, Cyrillic, Arabic and Hebrew letters and
the symbols notes carry ("µV", "α", "−"); Arabic and Hebrew are shaped and ordered right to left by
HarfBuzz (uharfbuzz). It has no Chinese, Japanese or Korean characters: a note whose text has them
is drawn with the fonts a user names in `EEGREASON_PDF_FONTS` (font files separated by the path
separator, e.g. Noto Sans CJK), and without such a font the export is refused with the characters it
cannot draw — fpdf2 would otherwise leave them out of the page silently, and the exported record
would not say what the stored one says. The Markdown export keeps every character.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache
from pathlib import Path

from encoders.errors import ReportError

FONTS_VARIABLE = "EEGREASON_PDF_FONTS"


def dejavu_files() -> tuple[Path, Path]:
    """(regular, bold) DejaVu Sans from matplotlib's data folder."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    for font in (regular, bold):
        if not font.is_file():
            raise ReportError(f"The PDF font {font.name} is missing from matplotlib's data folder ({folder}); "
                              f"reinstall matplotlib.")
    return regular, bold


def fallback_files() -> list[Path]:
    """The font files `EEGREASON_PDF_FONTS` names, each checked to exist."""
    named = [Path(p).expanduser() for p in os.environ.get(FONTS_VARIABLE, "").split(os.pathsep) if p.strip()]
    for path in named:
        if not path.is_file():
            raise ReportError(f"{FONTS_VARIABLE} names {path}, which is not a file; give the path of a .ttf or "
                              f".otf font file, or unset it.")
    return named


@lru_cache(maxsize=16)
def _code_points(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except (TTLibError, OSError, AssertionError) as exc:
        raise ReportError(f"{path.name} could not be read as a font ({type(exc).__name__}); give a .ttf or "
                          f".otf font file in {FONTS_VARIABLE}.") from None


def missing_characters(text: str, fonts: list[Path]) -> list[str]:
    """Characters of `text` that none of `fonts` can draw (spaces and control characters aside)."""
    covered = frozenset().union(*(_code_points(font) for font in fonts))
    return sorted({c for c in text if not c.isspace() and unicodedata.category(c)[0] != "C"
                   and ord(c) not in covered})


def check_drawable(text: str, fonts: list[Path]) -> None:
    """Refuse a PDF that would drop characters of `text`, naming them and what to do instead."""
    missing = missing_characters(text, fonts)
    if missing:
        shown = " ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        raise ReportError(f"The PDF fonts cannot draw {len(missing)} character(s) of this note ({shown}); "
                          f"export it as Markdown, which keeps every character, or set {FONTS_VARIABLE} to a font "
                          f"file that has them (for Chinese, Japanese or Korean, e.g. Noto Sans CJK) and export "
                          f"again.")
