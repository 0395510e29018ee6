"""Files downloaded under the name they were uploaded with, whatever its alphabet."""

import unicodedata
from urllib.parse import quote

from django.http import FileResponse
from django.utils.http import content_disposition_header


def ascii_file_name(name: str, default: str = "download") -> str:
    """`name` in plain ASCII for clients that cannot read a UTF-8 name: letters without
    their accents, other characters left out, no quote or backslash. `default` stands in for
    a name with nothing left but its extension."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(c for c in decomposed if " " <= c <= "~" and c not in '"\\')
    kept = " ".join(kept.split())
    stem, dot, extension = kept.rpartition(".")
    if not dot:
        stem, extension = kept, ""
    if stem.strip(" ._-"):
        return kept
    return f"{default}.{extension}" if extension else default


def attachment_header(name: str, default: str = "download") -> str:
    """The Content-Disposition of a download named `name`: Django's, when the name is plain
    ASCII; otherwise an ASCII name (`ascii_file_name`) beside the exact name in UTF-8
    (`filename*`, RFC 6266), which clients that can read it prefer."""
    header = content_disposition_header(True, name)
    if "filename*=" not in header:
        return header
    fallback = ascii_file_name(name, default)
    return f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(name)}"


def file_download(
    file, name: str, default: str = "download", content_type: str | None = None
) -> FileResponse:
    """A download of the open `file` under `name` (see `attachment_header`); its type is
    `content_type` when given, else guessed from the name."""
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["Content-Disposition"] = attachment_header(name, default)
    return response
