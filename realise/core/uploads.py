"""One check for every uploaded file: its size, its type judged by its content, and, for the
zip-based Office formats, how far it would expand, all before anything parses it.

Evidence files, repository documents and register workbooks all pass `check_upload`, so a
refusal reads the same wherever a file comes in. A file is accepted only when its content is
one of the allowed types *and* its name ends with the matching extension: a program or a
shell script renamed `report.pdf` is refused, whatever the client said its type was. A zip
archive whose members expand beyond `REALISE_UPLOAD_MAX_EXPANDED_BYTES`, or more than
`REALISE_UPLOAD_MAX_RATIO` times their compressed size (a "zip bomb"), is refused from its
directory alone, before a byte of it is inflated.
"""

from __future__ import annotations

import contextlib
import io
import signal
import threading
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat


class FileRefused(ValueError):
    """The file is not accepted; the message names the file and says why."""


class NotAnArchive(FileRefused):
    """The file is not a zip archive at all."""


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    choice: str = ""  # how a list of accepted types names it: "Word (.docx)"


TYPES = {
    t.code: t
    for t in (
        FileType("pdf", "PDF", (".pdf",), "application/pdf", "PDF"),
        FileType(
            "docx",
            "Word document",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word (.docx)",
        ),
        FileType(
            "xlsx",
            "Excel workbook",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel (.xlsx)",
        ),
        FileType(
            "pptx",
            "PowerPoint presentation",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PowerPoint (.pptx)",
        ),
        FileType(
            "odt",
            "OpenDocument text",
            (".odt",),
            "application/vnd.oasis.opendocument.text",
            "OpenDocument text (.odt)",
        ),
        FileType(
            "ods",
            "OpenDocument spreadsheet",
            (".ods",),
            "application/vnd.oasis.opendocument.spreadsheet",
            "OpenDocument spreadsheet (.ods)",
        ),
        FileType("csv", "CSV file", (".csv",), "text/csv", "CSV"),
        FileType("txt", "text file", (".txt", ".text"), "text/plain", "text (.txt)"),
        FileType("png", "PNG image", (".png",), "image/png", "PNG image"),
        FileType("jpeg", "JPEG image", (".jpg", ".jpeg"), "image/jpeg", "JPEG image"),
    )
}

# What each kind of upload accepts.
DOCUMENT_TYPES = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt")
EVIDENCE_TYPES = (*DOCUMENT_TYPES, "png", "jpeg")
WORKBOOK_TYPES = ("xlsx",)
ZIP_TYPES = ("docx", "xlsx", "pptx", "odt", "ods")

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
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# A member that expands beyond this is judged by its ratio; tiny members compress wildly.
RATIO_FLOOR_BYTES = 1024 * 1024


def describe(codes) -> str:
    """'PDF, Word (.docx) or text (.txt)': the accepted types, for messages."""
    labels = [TYPES[c].choice for c in codes]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def a_or_an(text: str) -> str:
    return f"an {text}" if text[:1].upper() in "AEIOU" else f"a {text}"


def extensions(codes) -> tuple[str, ...]:
    return tuple(ext for c in codes for ext in TYPES[c].extensions)


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def read_upload(upload, *, name: str | None = None) -> tuple[bytes, str]:
    """The bytes and name of an uploaded file, refusing one over `REALISE_UPLOAD_MAX_BYTES`."""
    name = name or getattr(upload, "name", "") or "upload"
    limit = settings.REALISE_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise FileRefused(
            f"'{name}' is {filesizeformat(size)}; the largest file accepted is "
            f"{filesizeformat(limit)}."
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > limit:
        raise FileRefused(
            f"'{name}' is larger than {filesizeformat(limit)}, the largest file accepted."
        )
    return data, name


def expanded_size(archive: zipfile.ZipFile) -> int:
    return sum(info.file_size for info in archive.infolist())


def check_archive(archive: zipfile.ZipFile, name: str, compressed_size: int) -> int:
    """Refuse a zip archive that would expand too far, judged from its directory alone (no
    member is inflated); returns its expanded size. Python's zip reader never inflates a
    member beyond the size its directory declares, so the declared sizes bound the work."""
    limit = settings.REALISE_UPLOAD_MAX_EXPANDED_BYTES
    ratio = settings.REALISE_UPLOAD_MAX_RATIO
    total = expanded_size(archive)
    if total > limit:
        raise FileRefused(
            f"'{name}' expands to {filesizeformat(total)} when opened, more than the "
            f"{filesizeformat(limit)} allowed; it has been refused."
        )
    if total > RATIO_FLOOR_BYTES and total > ratio * max(compressed_size, 1):
        raise FileRefused(
            f"'{name}' expands to {filesizeformat(total)} from {filesizeformat(compressed_size)}, "
            f"more than {ratio} times its size: it looks like a zip bomb and has been refused."
        )
    for info in archive.infolist():
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > ratio * max(
            info.compress_size, 1
        ):
            raise FileRefused(
                f"'{name}' holds a part ({info.filename}) that expands more than {ratio} "
                "times: it looks like a zip bomb and has been refused."
            )
    return total


def check_archive_file(source, name: str) -> int:
    """`check_archive` for a file on disk or a seekable binary file, read from its zip
    directory only; returns the expanded size. FileRefused when it is not a zip archive."""
    try:
        if hasattr(source, "seek"):
            start = source.tell()
            source.seek(0, io.SEEK_END)
            compressed = source.tell() - start
            source.seek(start)
        else:
            with open(source, "rb") as handle:
                compressed = handle.seek(0, io.SEEK_END)
        with zipfile.ZipFile(source) as archive:
            total = check_archive(archive, name, compressed)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as error:
        raise NotAnArchive(f"'{name}' is not a zip-based Office file ({error}).") from error
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    return total


def _zip_type(data: bytes, name: str) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    with archive:
        check_archive(archive, name, len(data))
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "ppt/presentation.xml" in names:
                return "pptx"
        if "mimetype" in names and "content.xml" in names:
            if archive.getinfo("mimetype").file_size > 200:
                return None
            try:
                return ODF_MIMETYPES.get(archive.read("mimetype").strip())
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
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


def detect_type(data: bytes, name: str, allowed=DOCUMENT_TYPES) -> FileType:
    """The file's type judged by its content, checked against its name and the types
    `allowed`; FileRefused, naming the file and the reason, otherwise."""
    extension = _extension(name)
    if extension not in extensions(allowed):
        raise FileRefused(
            f"'{name}' is not an accepted type of file. Upload {a_or_an(describe(allowed))} file."
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
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        code = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        code = "jpeg"
    elif data.startswith(b"PK\x03\x04"):
        code = _zip_type(data, name)
        if code is None:
            raise FileRefused(
                f"'{name}' is a zip archive, not a Word, Excel, PowerPoint or OpenDocument "
                "file; it has been refused."
            )
    elif _is_text(data):
        code = "csv" if extension == ".csv" else "txt"
    if code is None or code not in allowed:
        raise FileRefused(
            f"The content of '{name}' is not {a_or_an(describe(allowed))} file; it has been "
            "refused."
        )
    detected = TYPES[code]
    if extension not in detected.extensions:
        named = next(t for t in TYPES.values() if extension in t.extensions)
        raise FileRefused(
            f"'{name}' is named as a {named.label} but its content is a {detected.label}. "
            "Rename it or upload the right file."
        )
    return detected


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    name: str
    file_type: FileType


def check_upload(upload, *, name: str | None = None, allowed=DOCUMENT_TYPES) -> CheckedUpload:
    """The one check every upload passes: size, type by content, archive expansion.
    FileRefused, naming the file and the reason, when it fails."""
    data, name = read_upload(upload, name=name)
    return CheckedUpload(data, name, detect_type(data, name, allowed))


# Parsing with a time limit -------------------------------------------------------------------


class ParseTimeout(FileRefused):
    """Reading the file took longer than allowed."""


@contextlib.contextmanager
def time_limit(seconds: float, name: str):
    """Stop the parsing of `name` with ParseTimeout after `seconds` of wall time.

    Works where the request runs in the process's main thread (gunicorn's workers, the task
    worker, the CLI); elsewhere (a threaded development server) the size limits still hold.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise ParseTimeout(
            f"'{name}' took more than {seconds:g} seconds to read; it has been refused."
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
