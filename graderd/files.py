"""What the grader can read in a file a candidate sent or uploaded: whether it is a real PDF, and
its text, so that a check such as "the attached report mentions 98%" looks inside the file.

A PDF counts only if pypdf can open it and decode every page: a renamed JPEG or a download cut
short is not one, whatever its first bytes say, and neither is one whose content does not decompress.
pypdf logs (and may warn) about every oddity it works around; a candidate's odd file is not news
for the grader's log, so both are kept from it while pypdf reads, under a lock because that is
process-wide.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

from pypdf import PdfReader

PDF_MEDIA_TYPE = "application/pdf"
TEXT_SUFFIXES = frozenset({".txt", ".csv", ".html", ".htm"})
_PYPDF_LOGGER = logging.getLogger("pypdf")
_PYPDF_LOCK = threading.Lock()


class FileReadError(ValueError):
    """The grader cannot get text out of this file."""


def _has_pdf_header(data: bytes) -> bool:
    # Acrobat accepts a header anywhere in the first 1024 bytes, and so do the files in the wild.
    return b"%PDF-" in data[:1024]


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _quiet_pypdf() -> Iterator[list[logging.LogRecord]]:
    """pypdf's warnings and log records while it reads, kept from the process's log and returned."""
    collector = _Collector()
    with _PYPDF_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        level, propagate = _PYPDF_LOGGER.level, _PYPDF_LOGGER.propagate
        _PYPDF_LOGGER.setLevel(logging.WARNING)
        _PYPDF_LOGGER.propagate = False
        _PYPDF_LOGGER.addHandler(collector)
        try:
            yield collector.records
        finally:
            _PYPDF_LOGGER.removeHandler(collector)
            _PYPDF_LOGGER.setLevel(level)
            _PYPDF_LOGGER.propagate = propagate


def _damage(records: list[logging.LogRecord]) -> str | None:
    """What pypdf's log says was lost. It repairs a broken cross-reference table quietly enough, but
    a stream that does not decompress is logged and read as empty: that page's text is gone."""
    for record in records:
        if record.name.startswith("pypdf.filters") or record.levelno >= logging.ERROR:
            return record.getMessage()
    return None


def _pages_text(data: bytes) -> list[str]:
    """Each page's text; raises ``FileReadError`` unless every page decodes."""
    with _quiet_pypdf() as records:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            # Restrictions set only with an owner password leave the empty user password working.
            if reader.is_encrypted and not reader.decrypt(""):
                raise FileReadError("cannot read an encrypted PDF without its password")
            if not reader.pages:
                raise FileReadError("the PDF has no pages")
            texts = [page.extract_text() for page in reader.pages]
        except FileReadError:
            raise
        except Exception as error:  # pypdf raises all sorts of exceptions on malformed input
            raise FileReadError(f"not a readable PDF: {error}") from error
    damage = _damage(records)
    if damage is not None:
        raise FileReadError(f"a damaged PDF: {damage}")
    return texts


def is_pdf(data: bytes) -> bool:
    """A PDF that opens and whose every page decodes; a truncated or garbled one is not."""
    if not _has_pdf_header(data):
        return False
    try:
        _pages_text(data)
    except FileReadError:
        return False
    return True


def pdf_text(data: bytes) -> str:
    """The text of every page, pages separated by a newline; ``FileReadError`` if unreadable."""
    if not _has_pdf_header(data):
        raise FileReadError("not a PDF: no %PDF- header")
    return "\n".join(_pages_text(data))


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def text_of(data: bytes, *, name: str | None = None, content_type: str | None = None) -> str:
    """The text of a PDF or a plain-text file (text/*, .txt, .csv, .html), as the file's name or
    declared type says, else as its first bytes say. Text is decoded as UTF-8, a BOM dropped and bad
    bytes replaced; a file that is neither raises ``FileReadError``."""
    media_type = _media_type(content_type)
    suffix = PurePosixPath(name).suffix.lower() if name else ""
    said_pdf = media_type == PDF_MEDIA_TYPE or suffix == ".pdf"
    said_text = media_type.startswith("text/") or suffix in TEXT_SUFFIXES
    # A file that starts as a PDF is one whatever its name; a text file may mention "%PDF-" further on.
    if said_pdf or data.startswith(b"%PDF-") or (not said_text and _has_pdf_header(data)):
        return pdf_text(data)
    if said_text:
        return data.decode("utf-8-sig", errors="replace")
    described = ", ".join(part for part in (name and repr(name), media_type) if part) or f"{len(data)} bytes"
    raise FileReadError(f"cannot read text from {described}: it is neither a PDF nor a text file")
