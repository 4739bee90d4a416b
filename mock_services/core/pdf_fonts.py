"""The typeface of everything the services print: Liberation Serif (metric-compatible with Times New
Roman, the font of Vietnamese administrative documents), vendored under ``core/fonts/`` with its
licence (SIL Open Font License 1.1). The documents' letters, the one-stop forms, the signature
stamps and images all take it from here."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "TNR"  # the name fpdf2 documents know it by
STYLES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}


def font_file(style: str = "") -> Path:
    """The TrueType file of a style: "" (regular), "B", "I" or "BI"."""
    return FONT_DIR / f"LiberationSerif-{STYLES[style]}.ttf"


def add_fonts(pdf: FPDF, styles: str | tuple[str, ...] = tuple(STYLES)) -> None:
    for style in (styles,) if isinstance(styles, str) else styles:
        pdf.add_font(FAMILY, style, font_file(style))


def close_fonts(pdf: FPDF) -> None:
    """Close the font files: fpdf2 keeps them open (lazily read) until output, and only closes the used ones."""
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.close()
