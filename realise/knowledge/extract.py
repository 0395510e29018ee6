"""What an uploaded file really is (judged by its content) and the text inside it.

Allowed: PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text (.odt),
CSV and plain text. A file is accepted only when its content is one of these *and* its name
ends with the matching extension, so a program renamed `report.pdf` is refused.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # refuse archives that would expand beyond this
MAX_TEXT_CHARS = 2_000_000  # extracted text kept per version


class FileRefused(ValueError):
    """The file is not an accepted document; the message says why, for the person uploading."""


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


TYPES = {
    t.code: t
    for t in (
        FileType("pdf", "PDF", (".pdf",), "application/pdf"),
        FileType(
            "docx",
            "Word document",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType(
            "xlsx",
            "Excel workbook",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileType(
            "pptx",
            "PowerPoint presentation",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        FileType("odt", "OpenDocument text", (".odt",), "application/vnd.oasis.opendocument.text"),
        FileType("csv", "CSV file", (".csv",), "text/csv"),
        FileType("txt", "text file", (".txt", ".text"), "text/plain"),
    )
}
ALLOWED_EXTENSIONS = tuple(ext for t in TYPES.values() for ext in t.extensions)
ALLOWED_DESCRIPTION = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text (.odt), "
    "CSV or text (.txt)"
)

# Leading bytes of programs and other content that is never a document.
EXECUTABLE_SIGNATURES = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a compiled program"),
    (b"#!", "a script"),
)
ODF_TEXT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _zip_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise FileRefused(
                "The file expands to more than 200 MB when opened; it has been refused."
            )
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "ppt/presentation.xml" in names:
                return "pptx"
        if (
            "mimetype" in names
            and "content.xml" in names
            and archive.read("mimetype").strip() == ODF_TEXT_MIMETYPE
        ):
            return "odt"
    except zipfile.BadZipFile:
        return None
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def detect_type(data: bytes, name: str) -> FileType:
    """The file's type judged by its content, checked against its name; FileRefused otherwise."""
    extension = _extension(name)
    if extension not in ALLOWED_EXTENSIONS:
        raise FileRefused(
            f"'{name}' is not an accepted type of file. Upload a {ALLOWED_DESCRIPTION} file."
        )
    if not data:
        raise FileRefused(f"'{name}' is empty.")
    for signature, what in EXECUTABLE_SIGNATURES:
        if data.startswith(signature):
            raise FileRefused(
                f"'{name}' is {what}, not a document, whatever its name says; it has been refused."
            )
    code: str | None = None
    if data.startswith(b"%PDF-"):
        code = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        code = _zip_type(data)
        if code is None:
            raise FileRefused(
                f"'{name}' is a zip archive, not a Word, Excel, PowerPoint or OpenDocument "
                "text file; it has been refused."
            )
    elif _is_text(data):
        code = "csv" if extension == ".csv" else "txt"
    if code is None:
        raise FileRefused(
            f"The content of '{name}' is not a {ALLOWED_DESCRIPTION} file; it has been refused."
        )
    detected = TYPES[code]
    if extension not in detected.extensions:
        named = next(t for t in TYPES.values() if extension in t.extensions)
        raise FileRefused(
            f"'{name}' is named as a {named.label} but its content is a {detected.label}. "
            "Rename it or upload the right file."
        )
    return detected


# Text extraction ---------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:  # noqa: BLE001 - any failure means we cannot read it
            return ""
    return "\n".join((page.extract_text() or "") for page in reader.pages)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(part for part in parts if part.strip())


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

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
    from pptx import Presentation

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


def _csv_text(data: bytes) -> str:
    text = data.decode("utf-8-sig")
    return "\n".join(
        " ".join(cell for cell in row if cell) for row in csv.reader(io.StringIO(text))
    )


EXTRACTORS = {
    "pdf": _pdf_text,
    "docx": _docx_text,
    "xlsx": _xlsx_text,
    "pptx": _pptx_text,
    "odt": _odt_text,
    "csv": _csv_text,
    "txt": lambda data: data.decode("utf-8-sig"),
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
            f"The file could not be read as a {label}; it may be damaged ({type(error).__name__})."
        ) from error
    return text.replace("\x00", "")[:MAX_TEXT_CHARS]
