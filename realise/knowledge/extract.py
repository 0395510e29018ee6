"""The text inside an uploaded file whose type `realise.core.uploads` has judged by its
content (the one upload check: size, type by content, archive expansion)."""

from __future__ import annotations

import csv
import io
import zipfile

from defusedxml import ElementTree
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from realise.core.uploads import (
    DOCUMENT_TYPES,
    TYPES,
    FileRefused,
    FileType,
    decode_text,
    describe,
    detect_type,
    extensions,
)

__all__ = ["ALLOWED_DESCRIPTION", "FileRefused", "FileType", "detect_type", "extract_text"]

MAX_TEXT_CHARS = 2_000_000  # extracted text kept per version
ALLOWED_EXTENSIONS = extensions(DOCUMENT_TYPES)
# Said in the language of the page that shows it.
ALLOWED_DESCRIPTION = lazy(describe, str)(DOCUMENT_TYPES)


# Text extraction ---------------------------------------------------------------------------


# Each reader is imported when a file of its kind is read: together they take a fifth of a
# second to load, which every process would pay at start (the pages import this module).


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:  # noqa: BLE001 - any failure means we cannot read it
            return ""
    return "\n".join((page.extract_text() or "") for page in reader.pages)


def _docx_text(data: bytes) -> str:
    import docx  # noqa: PLC0415

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(part for part in parts if part.strip())


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook  # noqa: PLC0415

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None]
                if cells:
                    lines.append(" ".join(cells))
    finally:
        workbook.close()
    return "\n".join(lines)


def _pptx_text(data: bytes) -> str:
    from pptx import Presentation  # noqa: PLC0415

    presentation = Presentation(io.BytesIO(data))
    lines = []
    for slide in presentation.slides:
        for shape in slide.shapes:
            if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
                lines.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(line for line in lines if line.strip())


def _odt_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    text_ns = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    lines = []
    for element in root.iter():
        if element.tag in (f"{text_ns}p", f"{text_ns}h"):
            lines.append("".join(element.itertext()))
    return "\n".join(line for line in lines if line.strip())


def _text(data: bytes) -> str:
    """The text of a file `detect_type` judged to be text, in whichever encoding it found."""
    text = decode_text(data)
    if text is None:  # detect_type read it as text, so this is not expected
        raise UnicodeDecodeError("text", data, 0, len(data), "not text")
    return text


def _csv_text(data: bytes) -> str:
    text = _text(data)
    return "\n".join(
        " ".join(cell for cell in row if cell) for row in csv.reader(io.StringIO(text))
    )


EXTRACTORS = {
    "pdf": _pdf_text,
    "docx": _docx_text,
    "xlsx": _xlsx_text,
    "pptx": _pptx_text,
    "odt": _odt_text,
    "ods": _odt_text,
    "csv": _csv_text,
    "txt": _text,
}


def extract_text(file_type: FileType | str, data: bytes) -> str:
    """The text of a file of a detected type; FileRefused when the file cannot be read."""
    code = file_type if isinstance(file_type, str) else file_type.code
    try:
        text = EXTRACTORS[code](data)
    except FileRefused:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged file fails in many library-specific ways
        label = TYPES[code].label
        raise FileRefused(
            _(
                "The file could not be read as a file of its type (%(type)s); it may be "
                "damaged (%(error)s)."
            )
            % {"type": label, "error": type(error).__name__}
        ) from error
    return text.replace("\x00", "")[:MAX_TEXT_CHARS]
