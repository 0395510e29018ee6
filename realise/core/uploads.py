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

import codecs
import contextlib
import io
import re
import signal
import threading
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realise.core.types import StrOrPromise


class FileRefused(ValueError):
    """The file is not accepted; the message names the file and says why."""


class NotAnArchive(FileRefused):
    """The file is not a zip archive at all."""


@dataclass(frozen=True)
class FileType:
    code: str
    label: StrOrPromise
    extensions: tuple[str, ...]
    content_type: str
    choice: StrOrPromise = ""  # how a list of accepted types names it: "Word (.docx)"


TYPES = {
    t.code: t
    for t in (
        FileType("pdf", "PDF", (".pdf",), "application/pdf", "PDF"),
        FileType(
            "docx",
            gettext_lazy("Word document"),
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            gettext_lazy("Word (.docx)"),
        ),
        FileType(
            "xlsx",
            gettext_lazy("Excel workbook"),
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            gettext_lazy("Excel (.xlsx)"),
        ),
        FileType(
            "pptx",
            gettext_lazy("PowerPoint presentation"),
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            gettext_lazy("PowerPoint (.pptx)"),
        ),
        FileType(
            "odt",
            gettext_lazy("OpenDocument text"),
            (".odt",),
            "application/vnd.oasis.opendocument.text",
            gettext_lazy("OpenDocument text (.odt)"),
        ),
        FileType(
            "ods",
            gettext_lazy("OpenDocument spreadsheet"),
            (".ods",),
            "application/vnd.oasis.opendocument.spreadsheet",
            gettext_lazy("OpenDocument spreadsheet (.ods)"),
        ),
        FileType("csv", gettext_lazy("CSV file"), (".csv",), "text/csv", "CSV"),
        FileType(
            "txt",
            gettext_lazy("text file"),
            (".txt", ".text"),
            "text/plain",
            gettext_lazy("text (.txt)"),
        ),
        FileType(
            "png", gettext_lazy("PNG image"), (".png",), "image/png", gettext_lazy("PNG image")
        ),
        FileType(
            "jpeg",
            gettext_lazy("JPEG image"),
            (".jpg", ".jpeg"),
            "image/jpeg",
            gettext_lazy("JPEG image"),
        ),
    )
}

# What each kind of upload accepts.
DOCUMENT_TYPES = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt")
EVIDENCE_TYPES = (*DOCUMENT_TYPES, "png", "jpeg")
WORKBOOK_TYPES = ("xlsx",)
ZIP_TYPES = ("docx", "xlsx", "pptx", "odt", "ods")

# Leading bytes of programs and other content that is never a document.
EXECUTABLE_SIGNATURES = (
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a Linux program")),
    (b"\xcf\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"\xce\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"\xfe\xed\xfa\xce", gettext_lazy("a macOS program")),
    (b"\xfe\xed\xfa\xcf", gettext_lazy("a macOS program")),
    (b"\xca\xfe\xba\xbe", gettext_lazy("a compiled program")),
    (b"#!", gettext_lazy("a script")),
)
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# A member that expands beyond this is judged by its ratio; tiny members compress wildly.
RATIO_FLOOR_BYTES = 1024 * 1024


def describe(codes) -> str:
    """'PDF, Word (.docx) or text (.txt)': the accepted types, for messages, in the language
    active when it is called."""
    labels = [str(TYPES[c].choice) for c in codes]
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def extensions(codes) -> tuple[str, ...]:
    return tuple(ext for c in codes for ext in TYPES[c].extensions)


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


# Bytes of a stored file's name: file systems allow 255, and the storage may add a suffix.
STORED_NAME_BYTES = 200


def storage_name(name: str) -> str:
    """The name to store an upload under: Django's valid file name (letters, digits, `-_.`,
    accents kept), shortened with its extension kept to `STORED_NAME_BYTES` of UTF-8, as a
    letter with an accent takes two bytes and other alphabets' letters two or three."""
    valid = get_valid_filename(name)
    if len(valid.encode()) <= STORED_NAME_BYTES:
        return valid
    extension = _extension(valid)
    room = STORED_NAME_BYTES - len(extension.encode())
    stem = valid[: len(valid) - len(extension)].encode()[:room].decode("utf-8", "ignore")
    return stem + extension


def read_upload(upload, *, name: str | None = None) -> tuple[bytes, str]:
    """The bytes and name of an uploaded file, refusing one over `REALISE_UPLOAD_MAX_BYTES`."""
    name = name or getattr(upload, "name", "") or "upload"
    limit = settings.REALISE_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise FileRefused(
            _("'%(name)s' is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > limit:
        raise FileRefused(
            _("'%(name)s' is larger than %(limit)s, the largest file accepted.")
            % {"name": name, "limit": filesizeformat(limit)}
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
            _(
                "'%(name)s' expands to %(total)s when opened, more than the %(limit)s "
                "allowed; it has been refused."
            )
            % {"name": name, "total": filesizeformat(total), "limit": filesizeformat(limit)}
        )
    if total > RATIO_FLOOR_BYTES and total > ratio * max(compressed_size, 1):
        raise FileRefused(
            _(
                "'%(name)s' expands to %(total)s from %(size)s, more than %(ratio)s times its "
                "size: it looks like a zip bomb and has been refused."
            )
            % {
                "name": name,
                "total": filesizeformat(total),
                "size": filesizeformat(compressed_size),
                "ratio": ratio,
            }
        )
    for info in archive.infolist():
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > ratio * max(
            info.compress_size, 1
        ):
            raise FileRefused(
                _(
                    "'%(name)s' holds a part (%(part)s) that expands more than %(ratio)s "
                    "times: it looks like a zip bomb and has been refused."
                )
                % {"name": name, "part": info.filename, "ratio": ratio}
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
        raise NotAnArchive(
            _("'%(name)s' is not a zip-based Office file (%(error)s).")
            % {"name": name, "error": error}
        ) from error
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


# Control characters that plain text does not hold (tab, line feed, form feed and carriage
# return aside): how bytes that decode as Windows-1252 or UTF-16 are told from binary data.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str | None:
    """The text of a CSV or text file as the programs forces use save it, or None when the
    bytes are not text: UTF-8 (with or without a byte-order mark), UTF-16 with its
    byte-order mark (Excel's "Unicode text"), or Windows-1252 (Excel's "CSV" on a UK PC,
    where a pound sign is one byte that is not UTF-8)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return None if _NOT_TEXT.search(text) else text
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if _NOT_TEXT.search(text) else text


def detect_type(data: bytes, name: str, allowed=DOCUMENT_TYPES) -> FileType:
    """The file's type judged by its content, checked against its name and the types
    `allowed`; FileRefused, naming the file and the reason, otherwise."""
    extension = _extension(name)
    if extension not in extensions(allowed):
        raise FileRefused(
            _("'%(name)s' is not an accepted type of file. The accepted types: %(types)s.")
            % {"name": name, "types": describe(allowed)}
        )
    if not data:
        raise FileRefused(_("'%(name)s' is empty.") % {"name": name})
    for signature, what in EXECUTABLE_SIGNATURES:
        if data.startswith(signature):
            raise FileRefused(
                _(
                    "'%(name)s' is %(what)s, not a document, whatever its name says; it has "
                    "been refused."
                )
                % {"name": name, "what": what}
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
                _(
                    "'%(name)s' is a zip archive, not a Word, Excel, PowerPoint or OpenDocument "
                    "file; it has been refused."
                )
                % {"name": name}
            )
    elif decode_text(data) is not None:
        code = "csv" if extension == ".csv" else "txt"
    if code is None or code not in allowed:
        raise FileRefused(
            _(
                "The content of '%(name)s' is not of an accepted type (%(types)s); it has "
                "been refused."
            )
            % {"name": name, "types": describe(allowed)}
        )
    detected = TYPES[code]
    if extension not in detected.extensions:
        named = next(t for t in TYPES.values() if extension in t.extensions)
        raise FileRefused(
            _(
                "'%(name)s' is named as one type of file (%(named)s) but its content is another "
                "(%(detected)s). Rename it or upload the right file."
            )
            % {"name": name, "named": named.label, "detected": detected.label}
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
            _("'%(name)s' took more than %(seconds)s seconds to read; it has been refused.")
            % {"name": name, "seconds": f"{seconds:g}"}
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
